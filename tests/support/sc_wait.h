// Waiting on the simulated clock in tests that drive a whole platform from an SC_THREAD.
#pragma once

#include <systemc>

#include <functional>

namespace pumptwin::testing {

// Polls `condition` every `poll` of simulated time until it holds or `limit` has passed;
// returns whether it held.
inline bool wait_until(const std::function<bool()>& condition, const sc_core::sc_time& limit,
                       const sc_core::sc_time& poll = sc_core::sc_time(1, sc_core::SC_SEC)) {
  const sc_core::sc_time end = sc_core::sc_time_stamp() + limit;
  while (!condition()) {
    if (sc_core::sc_time_stamp() >= end) return false;
    sc_core::wait(poll);
  }
  return true;
}

}  // namespace pumptwin::testing
