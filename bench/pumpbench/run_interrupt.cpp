#include "run_interrupt.h"

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

}  // namespace pumpbench
