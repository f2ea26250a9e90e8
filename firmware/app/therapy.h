// Therapy parameters as the clinician programs them, and their validation against the drug
// library. Doses are in ng (so 2.4 µg/day of ziconotide is exact), times of day in minutes
// after midnight of the pump's wall clock.
#pragma once

#include <cstdint>

#include "app/drug_library.h"

namespace pumpfw::app {

inline constexpr uint8_t kMaxScheduleSteps = 24;
inline constexpr uint32_t kMinutesPerDay = 1440;
inline constexpr uint32_t kSecondsPerDay = 86400;

enum class TherapyMode : uint8_t {
  kContinuous = 0,  // one rate all day
  kFlexible = 1,    // up to 24 steps a day, each from its start minute at its own rate
};

struct ScheduleStep {
  uint16_t start_minute;     // minute of the day this step starts; the first step starts at 0
  uint32_t rate_ng_per_day;  // daily-dose equivalent while the step runs
};

// A bolus every interval_minutes from first_minute on, each day anew; dose_ng == 0: none.
struct PeriodicBolus {
  uint32_t dose_ng;
  uint16_t first_minute;
  uint16_t interval_minutes;
  uint16_t duration_minutes;
};

struct TherapyProgram {
  TherapyMode mode;
  uint8_t step_count;
  ScheduleStep steps[kMaxScheduleSteps];
  PeriodicBolus periodic;
};

// Patient therapy manager: the patient's own bolus button, within the clinician's limits.
struct PtmConfig {
  uint32_t dose_ng;  // 0: PTM disabled
  uint16_t lockout_minutes;
  uint16_t duration_minutes;
  uint8_t max_per_day;  // boluses in any 24 h window
};

// Why a command was refused; sent back in the response and logged. Stable wire values, defined
// once with their names in refusals.def.
enum class Refusal : uint8_t {
#define PUMPFW_REFUSAL(enumerator, code, ...) enumerator = code,
#include "app/refusals.def"
#undef PUMPFW_REFUSAL
};
// One more than the highest code: the size of a table indexed by refusal code.
inline constexpr uint8_t kRefusalCodes = [] {
  uint8_t codes = 0;
#define PUMPFW_REFUSAL(enumerator, code, ...) \
  if ((code) >= codes) codes = static_cast<uint8_t>((code) + 1);
#include "app/refusals.def"
#undef PUMPFW_REFUSAL
  return codes;
}();

// Drug delivered over one day by the basal schedule, in ng.
uint64_t basal_daily_dose_ng(const TherapyProgram& program);
// Periodic boluses started per day.
uint32_t periodic_boluses_per_day(const PeriodicBolus& periodic);
// The most the pump may deliver in a day under this program and PTM settings, in ng.
uint64_t max_daily_dose_ng(const TherapyProgram& program, const PtmConfig& ptm);
// The basal step in force at a second of the day: its rate and the seconds of the day at which
// it starts and ends (86400 = midnight).
struct BasalStep {
  uint32_t rate_ng_per_day;
  uint32_t start_s;
  uint32_t end_s;
};
BasalStep basal_step_at(const TherapyProgram& program, uint32_t second_of_day);

// Whether a bolus of dose_ng over duration_s, at a concentration, is a volume the mechanism may
// move in that time at its bolus rate limit (full steps per minute of calibrated nL each).
bool bolus_rate_within_limit(uint64_t dose_ng, uint32_t duration_s,
                             uint32_t concentration_ug_per_ml, uint32_t max_full_steps_per_min,
                             uint32_t calibration_nl_per_full_step);

Refusal validate_program(const TherapyProgram& program, const PtmConfig& ptm,
                         const DrugLimits& drug);

}  // namespace pumpfw::app
