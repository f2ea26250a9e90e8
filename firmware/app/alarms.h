// Alarm state and the piezo tone schedule. Critical alarms sound the two-tone pattern,
// non-critical ones the one-tone pattern, each as a burst repeated at its interval until the
// condition is gone (SynchroMed-style; DESIGN.md "Numbers the models start from").
#pragma once

#include <cstdint>

#include "drivers/motor_driver_regs.h"
#include "hal/hal.h"

namespace pumpfw::app {

// The alarms, their names and which are critical are defined once, in alarms.def.
enum class AlarmId : uint8_t {
#define PUMPFW_ALARM(enumerator, bit, ...) enumerator = bit,
#include "app/alarms.def"
#undef PUMPFW_ALARM
};
inline constexpr uint16_t kCriticalAlarmMask = static_cast<uint16_t>(0u
#define PUMPFW_ALARM(enumerator, bit, name, critical, ...) | ((critical) ? 1u << (bit) : 0u)
#include "app/alarms.def"
#undef PUMPFW_ALARM
);
// The alarms a programmer may acknowledge (clear once latched).
inline constexpr uint16_t kAcknowledgeableAlarms = static_cast<uint16_t>(0u
#define PUMPFW_ALARM(enumerator, bit, name, critical, acknowledgeable, ...) \
  | ((acknowledgeable) ? 1u << (bit) : 0u)
#include "app/alarms.def"
#undef PUMPFW_ALARM
);
inline constexpr uint16_t alarm_bit(AlarmId id) {
  return static_cast<uint16_t>(1u << static_cast<uint8_t>(id));
}

struct AlarmTiming {
  hal::Ticks burst_ticks = 8 * hal::kTicksPerSecond;
  hal::Ticks critical_repeat_ticks = 10 * 60 * hal::kTicksPerSecond;
  hal::Ticks noncritical_repeat_ticks = 60 * 60 * hal::kTicksPerSecond;
  hal::Ticks test_phase_ticks = 4 * hal::kTicksPerSecond;
};

class AlarmTone {
 public:
  explicit AlarmTone(const AlarmTiming& timing) : timing_(timing) {}

  // The set of active alarms changed: a newly raised alarm sounds at once.
  void update(uint16_t active_alarms, bool newly_raised, hal::Ticks now);
  // One-tone then two-tone, each for test_phase_ticks, then back to the alarms' own pattern.
  void start_test(hal::Ticks now);
  // The pattern the piezo must play now; advances bursts and the test.
  asic::TonePattern pattern_at(hal::Ticks now);
  // When pattern_at() next changes after now.
  hal::Ticks next_change(hal::Ticks now) const;
  bool test_running() const { return test_end_ != 0; }

 private:
  AlarmTiming timing_;
  uint16_t active_ = 0;
  hal::Ticks burst_end_ = 0;
  hal::Ticks next_burst_ = 0;
  hal::Ticks test_start_ = 0;
  hal::Ticks test_end_ = 0;
};

}  // namespace pumpfw::app
