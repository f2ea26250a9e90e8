#include "app/dose_engine.h"

namespace pumpfw::app {

namespace {
// v mod 86400 in a 32-bit divide where v fits in 32 bits (every RTC second of a pump's life,
// and clock offsets within 136 years): libgcc's 64-bit divide costs about ten times more.
uint32_t day_remainder(uint64_t v) {
  return v <= UINT32_MAX ? static_cast<uint32_t>(v) % kSecondsPerDay
                         : static_cast<uint32_t>(v % kSecondsPerDay);
}
}  // namespace

uint32_t second_of_day(uint64_t rtc_s, int64_t clock_offset_s) {
  // (rtc + offset) mod day, floored, as (rtc mod day + offset mod day) mod day: no signed
  // 64-bit division. An offset of -1 s is 86399 s into the day.
  const uint64_t offset_magnitude_s = clock_offset_s < 0 ? 0 - static_cast<uint64_t>(clock_offset_s)
                                                         : static_cast<uint64_t>(clock_offset_s);
  const uint32_t offset_remainder = day_remainder(offset_magnitude_s);
  const uint32_t offset_of_day = clock_offset_s < 0 && offset_remainder != 0
                                     ? kSecondsPerDay - offset_remainder
                                     : offset_remainder;
  const uint32_t sum = day_remainder(rtc_s) + offset_of_day;
  return sum >= kSecondsPerDay ? sum - kSecondsPerDay : sum;
}

void DoseEngine::start(uint64_t rtc_s) {
  running_ = true;
  last_s_ = rtc_s;
  owed_q_ = 0;
  bolus_remaining_q_ = 0;
  due_.valid = false;
}

void DoseEngine::suspend() {
  running_ = false;
  owed_q_ = 0;
  bolus_remaining_q_ = 0;
  due_.valid = false;
}

void DoseEngine::set_program(const TherapyProgram& program) {
  program_ = program;
  segment_.valid = false;
  due_.valid = false;
}

void DoseEngine::set_tip_concentration(uint32_t concentration_ug_per_ml) {
  tip_concentration_ug_per_ml_ = concentration_ug_per_ml;
  microstep_mass_q_ = static_cast<uint64_t>(concentration_ug_per_ml) *
                      calibration_nl_per_full_step_ * kSecondsPerDay;
  due_.valid = false;
}

const DoseEngine::Segment& DoseEngine::segment_at(uint64_t rtc_s, int64_t clock_offset_s) const {
  if (segment_.valid && segment_.clock_offset_s == clock_offset_s && rtc_s >= segment_.start_s &&
      rtc_s < segment_.end_s) {
    return segment_;
  }
  const uint32_t now_of_day = second_of_day(rtc_s, clock_offset_s);
  const BasalStep step = basal_step_at(program_, now_of_day);
  // Every second of [start_s, end_s) has its second of the day in [step.start_s, step.end_s):
  // the same step, the same rate and the same end.
  const uint64_t into_step_s = now_of_day >= step.start_s ? now_of_day - step.start_s : 0;
  segment_.start_s = rtc_s - (into_step_s < rtc_s ? into_step_s : rtc_s);
  segment_.end_s = rtc_s + (step.end_s - now_of_day);
  segment_.basal_q_per_s = static_cast<uint64_t>(step.rate_ng_per_day) * 8000u;
  segment_.clock_offset_s = clock_offset_s;
  segment_.valid = true;
  return segment_;
}

void DoseEngine::accrue_to(uint64_t rtc_s, int64_t clock_offset_s) {
  if (!running_) return;
  // The kept due second looked ahead on this offset's schedule; another offset is another
  // account.
  if (clock_offset_s != due_.clock_offset_s) due_.valid = false;
  while (last_s_ < rtc_s) {
    const Segment& segment = segment_at(last_s_, clock_offset_s);
    const uint64_t chunk_s = (segment.end_s < rtc_s ? segment.end_s : rtc_s) - last_s_;
    uint64_t added = segment.basal_q_per_s * chunk_s;
    if (bolus_remaining_q_ != 0) {
      const uint64_t bolus_capacity = bolus_q_per_s_ * chunk_s;
      const uint64_t bolus =
          bolus_capacity < bolus_remaining_q_ ? bolus_capacity : bolus_remaining_q_;
      bolus_remaining_q_ -= bolus;
      added += bolus;
    }
    owed_q_ += added;
    accrued_total_q_ += added;
    last_s_ += chunk_s;
  }
}

uint32_t DoseEngine::due_microsteps() const {
  const uint64_t mass = microstep_mass_q_;
  if (mass == 0) return 0;
  const uint64_t due = owed_q_ / mass;
  return due > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(due);
}

void DoseEngine::consume(uint32_t driven_microsteps) {
  const uint64_t mass = microstep_mass_q_ * driven_microsteps;
  owed_q_ = mass < owed_q_ ? owed_q_ - mass : 0;
  due_.valid = false;
}

uint64_t DoseEngine::bolus_end_s() const {
  if (bolus_remaining_q_ == 0) return kNever;
  return last_s_ + (bolus_remaining_q_ + bolus_q_per_s_ - 1) / bolus_q_per_s_;
}

void DoseEngine::start_bolus(uint64_t dose_ng, uint32_t duration_s) {
  bolus_remaining_q_ = dose_ng * kMassQuantaPerNg;
  const uint64_t seconds = duration_s == 0 ? 1 : duration_s;
  // Rounded up so the whole dose has accrued by the end of the duration; the last second
  // gives only what is left.
  bolus_q_per_s_ = (bolus_remaining_q_ + seconds - 1) / seconds;
  due_.valid = false;
}

uint64_t DoseEngine::next_due_s(uint32_t microsteps, int64_t clock_offset_s) const {
  if (!running_ || microstep_mass_q_ == 0) return kNever;
  // Still ahead on the same account: the search would find the same second again (the first
  // second at which the account owes the microsteps, and none before it has been passed).
  if (due_.valid && due_.microsteps == microsteps && due_.clock_offset_s == clock_offset_s &&
      last_s_ <= due_.due_s) {
    return due_.due_s;
  }
  const uint64_t due_s = search_due_s(microstep_mass_q_ * microsteps, clock_offset_s);
  // kNever is an answer about the horizon from last_s_, which moves: searched again.
  due_ = {due_s, microsteps, clock_offset_s, due_s != kNever};
  return due_s;
}

uint64_t DoseEngine::search_due_s(uint64_t target_q, int64_t clock_offset_s) const {
  if (owed_q_ >= target_q) return last_s_;
  uint64_t needed = target_q - owed_q_;
  uint64_t t = last_s_;
  uint64_t bolus_left = bolus_remaining_q_;
  // Look ahead across schedule steps and the end of a bolus; two days cover every step of a
  // schedule at least once, so a zero-rate program ends the search.
  const uint64_t horizon = last_s_ + 2 * kSecondsPerDay;
  while (t < horizon) {
    const Segment& segment = segment_at(t, clock_offset_s);
    uint64_t end_s = segment.end_s;
    uint64_t rate = segment.basal_q_per_s;
    uint64_t bolus_in_chunk = 0;
    if (bolus_left != 0) {
      const uint64_t full_seconds = bolus_left / bolus_q_per_s_;
      if (full_seconds == 0) {
        // The bolus's last, partial second.
        end_s = t + 1;
        rate += bolus_left;
      } else {
        if (t + full_seconds < end_s) end_s = t + full_seconds;
        rate += bolus_q_per_s_;
      }
    }
    const uint64_t chunk_s = end_s - t;
    if (rate != 0) {
      const uint64_t seconds = (needed + rate - 1) / rate;
      if (seconds <= chunk_s) return t + seconds;
    }
    needed -= rate * chunk_s;
    if (bolus_left != 0) {
      bolus_in_chunk = bolus_left < bolus_q_per_s_ ? bolus_left : bolus_q_per_s_ * chunk_s;
      bolus_left -= bolus_in_chunk;
    }
    t = end_s;
  }
  return kNever;
}

}  // namespace pumpfw::app
