// Ctrl-C and SIGTERM: the handler only sets a flag. The run loop looks at it at its sync points
// and, however long the simulation runs between them (a lockstep stretch of motor activity can
// take minutes of wall time), an InterruptWatch wakes the kernel within kPollS of wall time:
// the run stops there and writes complete outputs (status "interrupted", exit 130). A suite or
// campaign stops before its next worker.
#pragma once

#include <atomic>
#include <thread>

#include <systemc>

namespace pumpbench {

void install_interrupt_handler();
bool interrupt_requested();

// A thread looks at the flag every kPollS of wall time and, once it is set, asks the kernel for
// an update (sc_prim_channel::async_request_update, SystemC's thread-safe way in): `interrupted`
// is notified at the end of the delta cycle the kernel is in. Until then it touches nothing of
// the simulation, so an uninterrupted run is the same with or without it.
class InterruptWatch : public sc_core::sc_prim_channel {
 public:
  InterruptWatch();
  ~InterruptWatch() override;
  const sc_core::sc_event& interrupted() const { return interrupted_; }

  static constexpr double kPollS = 0.05;

 private:
  void update() override;

  sc_core::sc_event interrupted_{"pumpbench_interrupted"};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace pumpbench
