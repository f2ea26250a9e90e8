#include "app/therapy.h"

namespace pumpfw::app {

namespace {
uint32_t step_end_minute(const TherapyProgram& program, uint8_t index) {
  return index + 1u < program.step_count ? program.steps[index + 1].start_minute : kMinutesPerDay;
}

uint8_t step_index_at(const TherapyProgram& program, uint32_t second_of_day) {
  // start_minute <= second_of_day / 60, multiplied out: the ARMv6-M has no divide instruction.
  uint8_t index = 0;
  while (index + 1u < program.step_count &&
         uint32_t{program.steps[index + 1].start_minute} * 60 <= second_of_day) {
    ++index;
  }
  return index;
}
}  // namespace

uint64_t basal_daily_dose_ng(const TherapyProgram& program) {
  uint64_t ng_minutes = 0;
  for (uint8_t i = 0; i < program.step_count; ++i) {
    ng_minutes += static_cast<uint64_t>(program.steps[i].rate_ng_per_day) *
                  (step_end_minute(program, i) - program.steps[i].start_minute);
  }
  return ng_minutes / kMinutesPerDay;
}

uint32_t periodic_boluses_per_day(const PeriodicBolus& periodic) {
  if (periodic.dose_ng == 0 || periodic.interval_minutes == 0) return 0;
  if (periodic.first_minute >= kMinutesPerDay) return 0;
  return (kMinutesPerDay - 1 - periodic.first_minute) / periodic.interval_minutes + 1;
}

uint64_t max_daily_dose_ng(const TherapyProgram& program, const PtmConfig& ptm) {
  // The schedule's integral rounds down above; comparing it rounded up keeps the limit hard.
  uint64_t ng_minutes = 0;
  for (uint8_t i = 0; i < program.step_count; ++i) {
    ng_minutes += static_cast<uint64_t>(program.steps[i].rate_ng_per_day) *
                  (step_end_minute(program, i) - program.steps[i].start_minute);
  }
  const uint64_t basal_ng = (ng_minutes + kMinutesPerDay - 1) / kMinutesPerDay;
  return basal_ng +
         static_cast<uint64_t>(periodic_boluses_per_day(program.periodic)) *
             program.periodic.dose_ng +
         static_cast<uint64_t>(ptm.max_per_day) * ptm.dose_ng;
}

BasalStep basal_step_at(const TherapyProgram& program, uint32_t second_of_day) {
  const uint8_t index = step_index_at(program, second_of_day);
  return {program.steps[index].rate_ng_per_day, uint32_t{program.steps[index].start_minute} * 60,
          step_end_minute(program, index) * 60};
}

bool bolus_rate_within_limit(uint64_t dose_ng, uint32_t duration_s,
                             uint32_t concentration_ug_per_ml, uint32_t max_full_steps_per_min,
                             uint32_t calibration_nl_per_full_step) {
  // Volume of the bolus (nL = ng x 1000 / (ng/uL)) against the volume limit, cross-multiplied
  // to stay in integers.
  const uint64_t bolus_nl_x60_x_conc = dose_ng * 1000 * 60;
  const uint64_t limit = static_cast<uint64_t>(max_full_steps_per_min) *
                         calibration_nl_per_full_step * duration_s * concentration_ug_per_ml;
  return bolus_nl_x60_x_conc <= limit;
}

Refusal validate_program(const TherapyProgram& program, const PtmConfig& ptm,
                         const DrugLimits& drug) {
  if (program.step_count == 0 || program.step_count > kMaxScheduleSteps) {
    return Refusal::kScheduleInvalid;
  }
  if (program.mode == TherapyMode::kContinuous && program.step_count != 1) {
    return Refusal::kScheduleInvalid;
  }
  if (program.mode != TherapyMode::kContinuous && program.mode != TherapyMode::kFlexible) {
    return Refusal::kScheduleInvalid;
  }
  if (program.steps[0].start_minute != 0) return Refusal::kScheduleInvalid;
  for (uint8_t i = 1; i < program.step_count; ++i) {
    if (program.steps[i].start_minute <= program.steps[i - 1].start_minute ||
        program.steps[i].start_minute >= kMinutesPerDay) {
      return Refusal::kScheduleInvalid;
    }
  }
  const PeriodicBolus& periodic = program.periodic;
  if (periodic.dose_ng != 0 &&
      (periodic.interval_minutes == 0 || periodic.first_minute >= kMinutesPerDay ||
       periodic.duration_minutes == 0 || periodic.duration_minutes > periodic.interval_minutes)) {
    return Refusal::kScheduleInvalid;
  }
  if (ptm.dose_ng != 0 && (ptm.max_per_day == 0 || ptm.duration_minutes == 0)) {
    return Refusal::kBadArgument;
  }
  if (max_daily_dose_ng(program, ptm) > drug.max_daily_dose_ng) {
    return Refusal::kDailyDoseOverLimit;
  }
  return Refusal::kNone;
}

}  // namespace pumpfw::app
