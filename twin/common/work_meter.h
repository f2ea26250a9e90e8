// Wall time one part of the twin spends on its own work (the RTL and drive train, the
// firmware, the physiology), for the performance profile of `pumpbench run --profile` and
// bench/perf/run-all. It only measures: nothing in the simulation reads it, so outputs stay
// the same on any machine at any speed. Off, a span costs a branch.
#pragma once

#include <chrono>

namespace pumptwin {

class WorkMeter {
  using Clock = std::chrono::steady_clock;

 public:
  void set_enabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }
  double seconds() const { return seconds_; }

  // Counts the wall time of its scope.
  class Span {
   public:
    explicit Span(WorkMeter& meter) : meter_(meter) {
      if (meter_.enabled_) start_ = Clock::now();
    }
    ~Span() {
      if (meter_.enabled_) meter_.seconds_ += elapsed_s(start_);
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;

   private:
    WorkMeter& meter_;
    Clock::time_point start_{};
  };

  // Inside a Span, a call that blocks on the rest of the simulation (the time it takes is
  // other parts' work and the kernel's): its scope is taken back out of the span.
  class Excluded {
   public:
    explicit Excluded(WorkMeter& meter) : meter_(meter) {
      if (meter_.enabled_) start_ = Clock::now();
    }
    ~Excluded() {
      if (meter_.enabled_) meter_.seconds_ -= elapsed_s(start_);
    }
    Excluded(const Excluded&) = delete;
    Excluded& operator=(const Excluded&) = delete;

   private:
    WorkMeter& meter_;
    Clock::time_point start_{};
  };

 private:
  static double elapsed_s(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  bool enabled_ = false;
  double seconds_ = 0.0;
};

}  // namespace pumptwin
