#include "app/dose_engine.h"

namespace pumpfw::app {

uint32_t second_of_day(uint64_t rtc_s, int64_t clock_offset_s) {
  const int64_t wall_s = static_cast<int64_t>(rtc_s) + clock_offset_s;
  const int64_t day = static_cast<int64_t>(kSecondsPerDay);
  return static_cast<uint32_t>(((wall_s % day) + day) % day);
}

void DoseEngine::start(uint64_t rtc_s) {
  running_ = true;
  last_s_ = rtc_s;
  owed_q_ = 0;
  bolus_remaining_q_ = 0;
}

void DoseEngine::suspend() {
  running_ = false;
  owed_q_ = 0;
  bolus_remaining_q_ = 0;
}

uint64_t DoseEngine::basal_q_per_s(uint64_t rtc_s, int64_t clock_offset_s) const {
  return static_cast<uint64_t>(basal_rate_at(program_, second_of_day(rtc_s, clock_offset_s))) *
         8000u;
}

uint64_t DoseEngine::segment_end_s(uint64_t rtc_s, int64_t clock_offset_s) const {
  const uint32_t now_of_day = second_of_day(rtc_s, clock_offset_s);
  return rtc_s + (basal_step_end(program_, now_of_day) - now_of_day);
}

void DoseEngine::accrue_to(uint64_t rtc_s, int64_t clock_offset_s) {
  if (!running_) return;
  while (last_s_ < rtc_s) {
    const uint64_t end_s = segment_end_s(last_s_, clock_offset_s);
    const uint64_t chunk_s = (end_s < rtc_s ? end_s : rtc_s) - last_s_;
    uint64_t added = basal_q_per_s(last_s_, clock_offset_s) * chunk_s;
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
  const uint64_t mass = microstep_mass_q();
  if (mass == 0) return 0;
  const uint64_t due = owed_q_ / mass;
  return due > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(due);
}

void DoseEngine::consume(uint32_t driven_microsteps) {
  const uint64_t mass = microstep_mass_q() * driven_microsteps;
  owed_q_ = mass < owed_q_ ? owed_q_ - mass : 0;
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
}

uint64_t DoseEngine::next_due_s(uint32_t microsteps, int64_t clock_offset_s) const {
  if (!running_ || microstep_mass_q() == 0) return kNever;
  const uint64_t target = microstep_mass_q() * microsteps;
  if (owed_q_ >= target) return last_s_;
  uint64_t needed = target - owed_q_;
  uint64_t t = last_s_;
  uint64_t bolus_left = bolus_remaining_q_;
  // Look ahead across schedule steps and the end of a bolus; two days cover every step of a
  // schedule at least once, so a zero-rate program ends the search.
  const uint64_t horizon = last_s_ + 2 * kSecondsPerDay;
  while (t < horizon) {
    uint64_t end_s = segment_end_s(t, clock_offset_s);
    uint64_t rate = basal_q_per_s(t, clock_offset_s);
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
