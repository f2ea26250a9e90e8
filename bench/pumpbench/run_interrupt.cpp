#include "run_interrupt.h"

#include <chrono>
#include <csignal>

namespace pumpbench {

namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

void request_stop(int) {
  g_stop_requested = 1;
}

}  // namespace

bool interrupt_requested() {
  return g_stop_requested != 0;
}

void install_interrupt_handler() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

InterruptWatch::InterruptWatch() : sc_core::sc_prim_channel("pumpbench_interrupt_watch") {
  watcher_ = std::thread([this] {
    while (!done_ && !interrupt_requested()) {
      std::this_thread::sleep_for(std::chrono::duration<double>(kPollS));
    }
    if (!done_) async_request_update();
  });
}

InterruptWatch::~InterruptWatch() {
  done_ = true;
  watcher_.join();
}

void InterruptWatch::update() {
  interrupted_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace pumpbench
