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

// Why a command was refused; sent back in the response and logged. Stable wire values.
enum class Refusal : uint8_t {
  kNone = 0,
  kBadFrame = 1,
  kUnknownCommand = 2,
  kBadLength = 3,
  kBadArgument = 4,
  kUnknownDrug = 5,
  kConcentrationOutOfRange = 6,
  kDailyDoseOverLimit = 7,
  kScheduleInvalid = 8,
  kNoDrug = 9,
  kNoProgram = 10,
  kBolusInProgress = 11,
  kTherapyStopped = 12,
  kPtmDisabled = 13,
  kPtmLockout = 14,
  kPtmDailyLimit = 15,
  kVolumeOutOfRange = 16,
  kRateTooHigh = 17,
  kBusy = 18,
  // The telemetry link's security (docs/security.md).
  kAwaitingConfirmation = 19,  // not a refusal: validated, nothing changed, confirm to execute
  kAuthenticationRequired = 20,
  kAuthenticationFailed = 21,
  kReplayed = 22,
  kSessionExpired = 23,
  kLockedOut = 24,
  kNotConfirmed = 25,
  kNoDeviceKey = 26,
};
inline constexpr uint8_t kRefusalCodes = 27;

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
