// Wall time one part of the twin spends on its own work (the RTL and drive train, the
// firmware, the physiology), for the performance profile of `pumpbench run --profile` and
// bench/perf/run-all. The twin never reads the wall clock itself: the bench lends the meter
// its clock when it profiles a run (bench/pumpbench/run_profile.cpp). It only measures:
// nothing in the simulation reads it, so outputs stay the same on any machine at any speed.
// Without a clock a span costs a branch.
#pragma once

namespace pumptwin {

class WorkMeter {
 public:
  // Seconds on a monotonic wall clock (any origin).
  using WallClock = double (*)();

  // Meters from now on with `clock` (nullptr: stops metering).
  void enable(WallClock clock) { clock_ = clock; }
  double seconds() const { return seconds_; }

  // Counts the wall time of its scope.
  class Span {
   public:
    explicit Span(WorkMeter& meter) : meter_(meter) {
      if (meter_.clock_ != nullptr) start_s_ = meter_.clock_();
    }
    ~Span() {
      if (meter_.clock_ != nullptr) meter_.seconds_ += meter_.clock_() - start_s_;
    }
    Span(const Span&) = delete;
    Span& operator=(const Span&) = delete;

   private:
    WorkMeter& meter_;
    double start_s_ = 0.0;
  };

  // Inside a Span, a call that blocks on the rest of the simulation (the time it takes is
  // other parts' work and the kernel's): its scope is taken back out of the span.
  class Excluded {
   public:
    explicit Excluded(WorkMeter& meter) : meter_(meter) {
      if (meter_.clock_ != nullptr) start_s_ = meter_.clock_();
    }
    ~Excluded() {
      if (meter_.clock_ != nullptr) meter_.seconds_ -= meter_.clock_() - start_s_;
    }
    Excluded(const Excluded&) = delete;
    Excluded& operator=(const Excluded&) = delete;

   private:
    WorkMeter& meter_;
    double start_s_ = 0.0;
  };

 private:
  WallClock clock_ = nullptr;
  double seconds_ = 0.0;
};

}  // namespace pumptwin
