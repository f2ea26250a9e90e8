// The bench's one reader of the wall clock (docs/architecture.md, "Time"): it paces simulated
// time against wall time — `run --realtime X`, the live server's speed, a run that an external
// programmer is attached to — waits for a programmer to attach, measures the run's wall time for
// --wall-limit and lends the twin's work meters a clock for --profile. One pacer per
// run, shared by the run loop, the live link and the programmer port, so the three keep one
// pace. Nothing it does changes a result: only how long a run takes.
#pragma once

#include <chrono>
#include <functional>

namespace pumpbench {

class WallPacer {
 public:
  using Clock = std::chrono::steady_clock;

  // `factor`: simulated seconds per wall second (0: as fast as possible), from simulated 0 now.
  explicit WallPacer(double factor = 0.0);

  double factor() const { return factor_; }
  // A new pace from `sim_s` on; no catch-up for the time before.
  void set_factor(double factor, double sim_s);
  // The pace goes on from `sim_s` now (after a pause: no burst to catch up).
  void reanchor(double sim_s);
  // Wall seconds until `sim_s` is due at `factor` (the pacer's own when 0); <= 0 when it is
  // due, and 0 for an unpaced run.
  double wall_s_until(double sim_s, double factor = 0.0) const;
  // Sleeps until `sim_s` is due, at most `max_sleep_s` wall seconds, in slices of at most
  // kSliceS so that `stop` is looked at several times a second.
  void sleep_until_due(double sim_s, const std::function<bool()>& stop, double max_sleep_s);

  // While an external programmer is attached the pump must look live: the run goes at the
  // pacer's factor, or at real time when it has none. More than kMaxLagS behind (a slow
  // stretch of simulation), the pace re-anchors instead of rushing to catch up.
  void attach_programmer(double sim_s);
  void pace_programmer(double sim_s, const std::function<bool()>& stop);

  // Wall seconds since the run started, less the time it was held (hold_begin..hold_end).
  double run_wall_s() const;
  void hold_begin();
  void hold_end();

  // Wall seconds since `since` (an earlier now()), for throttles and profiles.
  static Clock::time_point now() { return Clock::now(); }
  static double seconds_since(Clock::time_point since);
  // Seconds on the same clock (any origin): what the twin's work meters are lent for a profile.
  static double clock_s();
  // Waits, without pacing, until `done` holds (looked at every kPollS): for an event of the
  // outside world, such as a programmer attaching.
  static void wait_until(const std::function<bool()>& done);

  static constexpr double kPollS = 0.01;

  static constexpr double kSliceS = 0.05;
  static constexpr double kMaxLagS = 1.0;

 private:
  double factor_;
  Clock::time_point anchor_wall_;
  double anchor_sim_s_ = 0.0;
  Clock::time_point start_;
  Clock::time_point held_from_;
};

}  // namespace pumpbench
