#include "wall_pacer.h"

#include <algorithm>
#include <thread>

namespace pumpbench {

namespace {

// Clamped to ±1e9 s (three decades): no sleep is longer, and nanoseconds cannot overflow
// (an unbounded budget is infinity; a slow pace over years is more than 2^63 ns).
WallPacer::Clock::duration wall(double seconds) {
  return std::chrono::duration_cast<WallPacer::Clock::duration>(
      std::chrono::duration<double>(std::clamp(seconds, -1e9, 1e9)));
}

}  // namespace

WallPacer::WallPacer(double factor)
    : factor_(factor), anchor_wall_(Clock::now()), start_(anchor_wall_) {}

void WallPacer::set_factor(double factor, double sim_s) {
  factor_ = factor;
  reanchor(sim_s);
}

void WallPacer::reanchor(double sim_s) {
  anchor_wall_ = Clock::now();
  anchor_sim_s_ = sim_s;
}

double WallPacer::wall_s_until(double sim_s, double factor) const {
  const double pace = factor > 0.0 ? factor : factor_;
  if (pace <= 0.0) return 0.0;
  return (sim_s - anchor_sim_s_) / pace - seconds_since(anchor_wall_);
}

void WallPacer::sleep_until_due(double sim_s, const std::function<bool()>& stop,
                                double max_sleep_s) {
  if (factor_ <= 0.0) return;
  const Clock::time_point due = Clock::now() + wall(std::min(wall_s_until(sim_s), max_sleep_s));
  while (Clock::now() < due && !stop()) {
    std::this_thread::sleep_until(std::min(due, Clock::now() + wall(kSliceS)));
  }
}

void WallPacer::attach_programmer(double sim_s) {
  reanchor(sim_s);
}

void WallPacer::pace_programmer(double sim_s, const std::function<bool()>& stop) {
  const double factor = factor_ > 0.0 ? factor_ : 1.0;
  const double ahead_s = wall_s_until(sim_s, factor);
  if (ahead_s < -kMaxLagS) {
    reanchor(sim_s);
    return;
  }
  const Clock::time_point due = Clock::now() + wall(ahead_s);
  while (Clock::now() < due && !stop()) {
    std::this_thread::sleep_until(std::min(due, Clock::now() + wall(kSliceS)));
  }
}

double WallPacer::run_wall_s() const {
  return seconds_since(start_);
}

void WallPacer::hold_begin() {
  held_from_ = Clock::now();
}

void WallPacer::hold_end() {
  const Clock::duration held = Clock::now() - held_from_;
  start_ += held;
  anchor_wall_ += held;
}

double WallPacer::seconds_since(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double WallPacer::clock_s() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

void WallPacer::wait_until(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(wall(kPollS));
}

}  // namespace pumpbench
