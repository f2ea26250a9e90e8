#include "app/alarms.h"

namespace pumpfw::app {

namespace {
constexpr hal::Ticks kNoTicks = UINT64_MAX;
}

void AlarmTone::update(uint16_t active_alarms, bool newly_raised, hal::Ticks now) {
  const bool was_quiet = active_ == 0;
  active_ = active_alarms;
  if (active_ == 0) {
    burst_end_ = 0;
    next_burst_ = 0;
  } else if (newly_raised || was_quiet) {
    burst_end_ = now + timing_.burst_ticks;
    next_burst_ = now + ((active_ & kCriticalAlarmMask) != 0 ? timing_.critical_repeat_ticks
                                                             : timing_.noncritical_repeat_ticks);
  }
}

void AlarmTone::start_test(hal::Ticks now) {
  test_start_ = now;
  test_end_ = now + 2 * timing_.test_phase_ticks;
}

asic::TonePattern AlarmTone::pattern_at(hal::Ticks now) {
  if (test_end_ != 0) {
    if (now < test_start_ + timing_.test_phase_ticks) return asic::TonePattern::kOneTone;
    if (now < test_end_) return asic::TonePattern::kTwoTone;
    test_end_ = 0;
  }
  if (active_ == 0) return asic::TonePattern::kOff;
  const bool critical = (active_ & kCriticalAlarmMask) != 0;
  while (now >= next_burst_) {
    burst_end_ = next_burst_ + timing_.burst_ticks;
    next_burst_ += critical ? timing_.critical_repeat_ticks : timing_.noncritical_repeat_ticks;
  }
  if (now >= burst_end_) return asic::TonePattern::kOff;
  return critical ? asic::TonePattern::kTwoTone : asic::TonePattern::kOneTone;
}

hal::Ticks AlarmTone::next_change(hal::Ticks now) const {
  hal::Ticks next = kNoTicks;
  const auto consider = [&](hal::Ticks candidate) {
    if (candidate > now && candidate < next) next = candidate;
  };
  if (test_end_ != 0) {
    consider(test_start_ + timing_.test_phase_ticks);
    consider(test_end_);
  }
  if (active_ != 0) {
    consider(burst_end_);
    consider(next_burst_);
  }
  return next;
}

}  // namespace pumpfw::app
