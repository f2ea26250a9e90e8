#include "app/pump.h"

#include <cstring>

namespace pumpfw::app {

namespace field = asic::field;

namespace {
// The RTC counts in 1/1024 s; the therapy works in whole seconds.
constexpr uint64_t to_seconds(hal::Ticks ticks) {
  return ticks / hal::kTicksPerSecond;
}
constexpr hal::Ticks to_ticks(uint64_t seconds) {
  return seconds * hal::kTicksPerSecond;
}
constexpr hal::Ticks min_ticks(hal::Ticks a, hal::Ticks b) {
  return a < b ? a : b;
}
// microsteps / microsteps_per_step. A step is 1, 4 or 8 microsteps: a shift, not the ARMv6-M's
// software divide, on paths that run on every pass of the main loop.
uint32_t whole_steps(uint32_t microsteps, uint32_t microsteps_per_step) {
  switch (microsteps_per_step) {
    case 8:
      return microsteps >> 3;
    case 4:
      return microsteps >> 2;
    case 1:
      return microsteps;
    default:
      return microsteps / microsteps_per_step;
  }
}

// 32 ms: a 64-byte UART FIFO at 19200 Bd drains in 33 ms.
constexpr hal::Ticks kTransmitPollTicks = 32;
constexpr uint16_t kMotorFaultBits =
    field::kFaultOvercurrent.mask() | field::kFaultStall.mask() | field::kFaultOpenLoad.mask() |
    field::kFaultUndervoltage.mask() | field::kFaultOvertemperature.mask();

// SPI errors are the driver's business (each write is confirmed and retried); the log keeps
// the faults that concern the motor, the supply and the watchdog.
constexpr uint16_t kLoggedFaultBits =
    static_cast<uint16_t>(kMotorFaultBits | field::kFaultWatchdog.mask());

static_assert(NvmRecord::footprint_bytes(sizeof(TherapyRecord)) <=
                  nvm_layout::kTherapyB - nvm_layout::kTherapyA,
              "therapy record outgrew its NVM slot");
static_assert(NvmRecord::footprint_bytes(sizeof(StateRecord)) <=
                  nvm_layout::kStateB - nvm_layout::kStateA,
              "state record outgrew its NVM slot");
}  // namespace

Pump::Pump(hal::Hal& hal, const PumpConfig& config)
    : hal_(hal),
      config_(config),
      asic_(hal),
      engine_(config.calibration_nl_per_full_step),
      tone_(config.alarm_timing),
      battery_(config.battery),
      log_(hal, nvm_layout::kEventLog, nvm_layout::kEventLogEntries),
      therapy_store_(hal, nvm_layout::kTherapyA, nvm_layout::kTherapyB, nvm_layout::kTherapyKind),
      state_store_(hal, nvm_layout::kStateA, nvm_layout::kStateB, nvm_layout::kStateKind),
      link_(hal, config.security) {
  // Zeroed including padding, so the NVM image of a record is deterministic.
  std::memset(&therapy_, 0, sizeof therapy_);
  std::memset(&state_, 0, sizeof state_);
  therapy_.low_reservoir_ul = config.default_low_reservoir_ul;
}

// ------------------------------------------------------------------------------------ boot

void Pump::load_records() {
  TherapyRecord therapy;
  const RecordLoad therapy_load =
      therapy_store_.load(reinterpret_cast<uint8_t*>(&therapy), sizeof therapy);
  StateRecord state;
  const RecordLoad state_load = state_store_.load(reinterpret_cast<uint8_t*>(&state), sizeof state);
  if (therapy_load != RecordLoad::kBothInvalid && therapy_load != RecordLoad::kBlank) {
    therapy_ = therapy;
  }
  if (state_load != RecordLoad::kBothInvalid && state_load != RecordLoad::kBlank) state_ = state;
  if (therapy_load == RecordLoad::kRepairedCopyA || therapy_load == RecordLoad::kRepairedCopyB) {
    log(EventCode::kNvmRepaired,
        (uint32_t{nvm_layout::kTherapyKind} << 8) | static_cast<uint32_t>(therapy_load));
  }
  if (state_load == RecordLoad::kRepairedCopyA || state_load == RecordLoad::kRepairedCopyB) {
    log(EventCode::kNvmRepaired,
        (uint32_t{nvm_layout::kStateKind} << 8) | static_cast<uint32_t>(state_load));
  }
  // Without a valid key record every session is refused (no device key); therapy runs on.
  NvmRecord key_store(hal_, nvm_layout::kDeviceKeyA, nvm_layout::kDeviceKeyB,
                      nvm_layout::kDeviceKeyKind);
  uint8_t key[kDeviceKeyBytes];
  const RecordLoad key_load = key_store.load(key, kDeviceKeyBytes);
  if (key_load != RecordLoad::kBothInvalid && key_load != RecordLoad::kBlank) {
    link_.set_device_key(key);
  }
  if (key_load == RecordLoad::kRepairedCopyA || key_load == RecordLoad::kRepairedCopyB) {
    log(EventCode::kNvmRepaired,
        (uint32_t{nvm_layout::kDeviceKeyKind} << 8) | static_cast<uint32_t>(key_load));
  }
  for (uint32_t i = 0; i < kDeviceKeyBytes; ++i) key[i] = 0;
  // Both copies damaged: nothing about the therapy or the reservoir can be trusted. The safe
  // state is no delivery (no program) until a clinician reprograms and acknowledges.
  if (therapy_load == RecordLoad::kBothInvalid || state_load == RecordLoad::kBothInvalid) {
    std::memset(&therapy_, 0, sizeof therapy_);
    therapy_.low_reservoir_ul = config_.default_low_reservoir_ul;
    state_.latched_alarms |= alarm_bit(AlarmId::kMemoryError);
  }
}

uint32_t Pump::account_total_steps(uint32_t total) {
  // The ASIC counts on through MCU resets; a smaller count means the ASIC itself restarted.
  const uint32_t driven =
      total >= state_.asic_total_microsteps ? total - state_.asic_total_microsteps : total;
  state_.asic_total_microsteps = total;
  state_.driven_microsteps_since_refill += driven;
  return driven;
}

void Pump::reconcile_total_steps() {
  uint32_t total = 0;
  if (!asic_.read_total_microsteps(total)) return;
  const uint32_t driven = account_total_steps(total);
  if (driven == 0) return;
  uint32_t left = driven;
  const uint32_t primed =
      left < state_.prime_remaining_microsteps ? left : state_.prime_remaining_microsteps;
  state_.prime_remaining_microsteps -= primed;
  left -= primed;
  state_.bridge_remaining_microsteps -=
      left < state_.bridge_remaining_microsteps ? left : state_.bridge_remaining_microsteps;
  save_state();
}

void Pump::boot() {
  const hal::Ticks now = hal_.now();
  reset_cause_ = hal_.reset_cause();
  // A part with less NVM than the layout needs cannot keep therapy: nothing is read or
  // written, and the memory-error alarm keeps the pump in its safe state.
  nvm_usable_ = hal_.nvm_size_bytes() >= nvm_layout::kBytesNeeded;
  if (nvm_usable_) {
    log_.recover();
    load_records();
    logged_before_boot_ = state_.latched_alarms;
  } else {
    state_.latched_alarms |= alarm_bit(AlarmId::kMemoryError);
  }
  log(EventCode::kBoot, static_cast<uint32_t>(reset_cause_));
  count_brown_out_boot();
  last_kick_ = now;
  last_pass_raw_ = now;
  next_stall_probe_ = now + to_ticks(config_.stall_probe_interval_s);
  if (asic_.init(config_.asic)) {
    stall_rise_time_us_ = config_.asic.stall_rise_time_us;
    drivers::AsicEvents events;
    // Faults latched before the reset (a watchdog expiry, say) are logged and cleared.
    if (asic_.service_interrupt(events) && (events.faults & kLoggedFaultBits) != 0) {
      log(EventCode::kMotorFault, events.faults);
    }
    reconcile_total_steps();
    uint16_t status = 0;
    if (asic_.read(asic::reg::kStatus.address, status) && field::kStatusBusy.get(status) != 0) {
      // A move started before the reset is still running: its end is awaited like any move,
      // and its steps go to what it was doing (priming, or basal and bridge).
      moving_ = true;
      move_steps_ = 0;
      move_is_prime_ = priming();
      move_total_before_ = state_.asic_total_microsteps;
      move_deadline_ = now + move_timeout_ticks(config_.max_steps_per_move);
    }
  } else {
    if ((state_.latched_alarms & alarm_bit(AlarmId::kAsicFault)) == 0) {
      log(EventCode::kAsicCommFailure, 0);
    }
    state_.latched_alarms |= alarm_bit(AlarmId::kAsicFault);
  }
  engine_.set_program(therapy_.program);
  engine_.set_tip_concentration(state_.bridge_remaining_microsteps != 0
                                    ? state_.bridge_concentration_ug_per_ml
                                    : therapy_.concentration_ug_per_ml);
  next_battery_check_ = now;
  next_checkpoint_ = now + to_ticks(config_.checkpoint_interval_s);
  evaluate_alarms(now);
  resume_or_suspend(now);
  drive_tone(now);
}

// A cell with a resistive film holds its voltage at rest and collapses under the motor's
// current: each stroke browns the MCU out, and each boot starts the next stroke. Counted in
// NVM across those resets, the loop is broken after a few: end of service is latched, no
// stroke is tried, the MCU stays up to sound the alarm and answer the programmer.
void Pump::count_brown_out_boot() {
  if (reset_cause_ != hal::ResetCause::kBrownOut || !nvm_usable_) return;
  if (state_.brown_out_boots < UINT8_MAX) ++state_.brown_out_boots;
  if (state_.brown_out_boots >= config_.max_brown_out_boots) {
    state_.latched_alarms |= alarm_bit(AlarmId::kEndOfService);
  }
  save_state();
}

// ------------------------------------------------------------------------------- main loop

hal::Ticks Pump::run_once() {
  const hal::Ticks raw_now = hal_.now();
  // After a reset request nothing more may run; on hardware request_reset() never returns.
  if (reset_requested_) return kNever;
  check_time_base(raw_now);
  const hal::Ticks now = raw_now + time_base_offset_;
  service_asic(now);
  if (reset_requested_) return kNever;
  service_telemetry(now);
  flush_link_refusals(now);
  // Before delivery: the battery reading due at boot sets the stall threshold for the first
  // stroke, and an hourly one is taken between strokes rather than postponed by them.
  housekeeping(now);
  deliver(now);
  evaluate_alarms(now);
  drive_tone(now);
  kick_watchdog(now);
  // The HAL sleeps on the RTC as it reads, not on the corrected time base.
  return next_wake(now) - time_base_offset_;
}

void Pump::check_time_base(hal::Ticks raw_now) {
  const hal::Ticks watchdog_timeout_ticks = hal::Ticks{config_.asic.watchdog_timeout_slow_ticks} *
                                            hal::kTicksPerSecond / asic::kSlowTickHz;
  const hal::Ticks last_pass = last_pass_raw_ + time_base_offset_;
  const bool jumped = raw_now < last_pass_raw_ || raw_now - last_pass_raw_ > watchdog_timeout_ticks;
  last_pass_raw_ = raw_now;
  if (!jumped) return;
  // Without the watchdog's count no time is taken to have passed: at most the time since the
  // last pass (under the kick interval) goes undelivered.
  hal::Ticks real_now = last_pass;
  uint16_t remaining = 0;
  if (asic_.read(asic::reg::kWdtRemaining.address, remaining)) {
    const uint32_t timeout = config_.asic.watchdog_timeout_slow_ticks;
    const uint32_t elapsed_slow_ticks = remaining < timeout ? timeout - remaining : 0;
    const hal::Ticks since_kick =
        hal::Ticks{elapsed_slow_ticks} * hal::kTicksPerSecond / asic::kSlowTickHz;
    if (last_kick_ + since_kick > real_now) real_now = last_kick_ + since_kick;
  }
  const int64_t jump_s = static_cast<int64_t>(to_seconds(raw_now + time_base_offset_)) -
                         static_cast<int64_t>(to_seconds(real_now));
  time_base_offset_ = real_now - raw_now;
  log(EventCode::kTimeBaseJump, static_cast<uint32_t>(static_cast<int32_t>(jump_s)));
}

void Pump::service_asic(hal::Ticks now) {
  const bool irq = hal_.take_asic_irq_pending() || hal_.asic_irq_level();
  const bool timed_out = moving_ && now >= move_deadline_;
  if (!irq && !timed_out) return;
  drivers::AsicEvents events;
  if (!asic_.service_interrupt(events)) {
    moving_ = false;
    asic_failed(now);
    return;
  }
  // A probe stroke's stall is the stall already alarmed and logged (finish_move).
  const bool probe_stalled =
      moving_ && move_is_probe_ && events.faults == field::kFaultStall.mask();
  if ((events.faults & kLoggedFaultBits) != 0 && !probe_stalled) {
    log(EventCode::kMotorFault, events.faults);
  }
  if ((events.faults & field::kFaultWatchdog.mask()) != 0) {
    // The watchdog expired yet this firmware still runs: the reset line did not reset the
    // MCU. Reset it from here so that recovery runs as it would after a real watchdog reset.
    save_state();
    reset_requested_ = true;
    hal_.request_reset();
    return;
  }
  if (moving_ && (events.move_done() || timed_out)) {
    // A move that never reported its end is stopped before its steps are counted.
    if (!events.move_done()) asic_.stop_move();
    finish_move(now, events.faults);
  }
}

void Pump::start_move(hal::Ticks now, uint16_t steps) {
  uint32_t total = 0;
  // Between moves the count stands where the last one left it (moves across a reset are
  // reconciled at boot). A count that moved reads a register bit stuck or a motor that turned
  // uncommanded: either way the ASIC is not to be trusted with the next stroke.
  if (!asic_.read_total_microsteps(total) || total != state_.asic_total_microsteps ||
      !asic_.start_move(steps)) {
    asic_failed(now);
    return;
  }
  moving_ = true;
  move_steps_ = steps;
  move_total_before_ = total;
  move_deadline_ = now + move_timeout_ticks(steps);
  loaded_battery_reading_at_ =
      loaded_battery_reading_due_ ? now + config_.loaded_battery_reading_delay_ticks : 0;
}

hal::Ticks Pump::move_timeout_ticks(uint32_t steps) const {
  // Every step plus the settle period, and a second of margin for the IRQ to be seen.
  const uint64_t move_us = (static_cast<uint64_t>(steps) + 1) * config_.asic.step_period_us;
  return (move_us * hal::kTicksPerSecond + 999999) / 1000000 + hal::kTicksPerSecond;
}

void Pump::finish_move(hal::Ticks now, uint16_t faults) {
  moving_ = false;
  // A move that ended before its loaded reading leaves it due for the next one.
  loaded_battery_reading_at_ = 0;
  // Defence in depth behind the driver's confirmed reads: a count this move cannot have reached
  // (a frame error that matched both CRCs) is read once more, and if it is still beyond reach
  // the ASIC is faulty; it never reaches the reservoir account.
  const uint32_t most =
      (move_steps_ != 0 ? move_steps_ : config_.max_steps_per_move) * asic_.microsteps_per_step();
  uint32_t total = 0;
  bool plausible = false;
  for (int attempt = 0; attempt < 2 && !plausible; ++attempt) {
    if (!asic_.read_total_microsteps(total)) break;
    // A smaller count means the ASIC restarted during the move: its count is taken whole.
    plausible = (total >= move_total_before_ ? total - move_total_before_ : total) <= most;
  }
  if (!plausible) {
    asic_failed(now);
    return;
  }
  // TOTAL_STEPS is the truth: the reservoir loses what was driven, never what was commanded,
  // including the end of a move the ASIC finished across an MCU reset.
  account_total_steps(total);
  const uint32_t driven = total >= move_total_before_ ? total - move_total_before_ : total;
  const uint32_t commanded = move_steps_ * asic_.microsteps_per_step();
  if (move_is_prime_) {
    state_.prime_remaining_microsteps -=
        driven < state_.prime_remaining_microsteps ? driven : state_.prime_remaining_microsteps;
    if (state_.prime_remaining_microsteps == 0) {
      // The catheter is full: basal therapy starts now, from nothing owed.
      save_state();
      resume_or_suspend(now);
    }
  } else {
    engine_.consume(driven);
    if (state_.bridge_remaining_microsteps != 0) {
      state_.bridge_remaining_microsteps -=
          driven < state_.bridge_remaining_microsteps ? driven : state_.bridge_remaining_microsteps;
      // The old drug has left the catheter: from now on the tip sees the new concentration.
      if (state_.bridge_remaining_microsteps == 0) {
        engine_.set_tip_concentration(therapy_.concentration_ug_per_ml);
      }
    }
  }
  // Every driven stroke is kept at once: TOTAL_STEPS survives an MCU reset, but not a loss of
  // the supply, which restarts the ASIC's count at zero; the reservoir account then loses at
  // most the stroke under way. (FRAM: endurance is not a concern at a write per stroke.)
  if (driven != 0) save_state();
  const bool motor_fault = (faults & kMotorFaultBits) != 0;
  const bool completed = driven >= commanded && !motor_fault;
  if (completed && state_.brown_out_boots != 0) {
    state_.brown_out_boots = 0;
    save_state();
  }
  if (move_is_probe_) {
    move_is_probe_ = false;
    // A failed probe is not logged (the alarm already is, and a permanent stall would fill
    // the log with one entry every probe); the next one follows at its interval.
    if (completed) {
      state_.latched_alarms =
          static_cast<uint16_t>(state_.latched_alarms & ~alarm_bit(AlarmId::kMotorStall));
      failed_moves_ = 0;
      probe_retried_ = false;
      failed_probes_ = 0;
      log(EventCode::kStallRecovered, driven);
      save_state();
      evaluate_alarms(now);
    } else if (motor_fault && (faults & field::kFaultStall.mask()) == 0) {
      raise(AlarmId::kAsicFault, now);
    } else if (!probe_retried_) {
      // The first stroke after a stall starts with the rotor out of step with the phases
      // (measured on the twin: it fails even with the shaft free); a second one, 10 s later,
      // starts aligned.
      probe_retried_ = true;
      next_stall_probe_ = now + to_ticks(config_.move_retry_delay_s);
    } else {
      probe_retried_ = false;
      if (failed_probes_ < UINT8_MAX) ++failed_probes_;
    }
    return;
  }
  if (completed) {
    failed_moves_ = 0;
    return;
  }
  const uint32_t undriven = driven < commanded ? commanded - driven : 0;
  state_.undriven_microsteps += undriven;
  log(EventCode::kStepsNotDriven, undriven);
  if (++failed_moves_ >= config_.max_move_attempts) {
    failed_moves_ = 0;
    failed_probes_ = 0;
    next_stall_probe_ = now + to_ticks(config_.stall_probe_interval_s);
    raise((faults & field::kFaultStall.mask()) != 0 || !motor_fault ? AlarmId::kMotorStall
                                                                    : AlarmId::kAsicFault,
          now);
  } else {
    next_move_allowed_ = now + to_ticks(config_.move_retry_delay_s);
  }
}

bool Pump::stall_probe_due(hal::Ticks now) const {
  return (active_alarms_ & kCriticalAlarmMask) == alarm_bit(AlarmId::kMotorStall) &&
         now >= next_stall_probe_ && therapy_.has_drug != 0 && stroke_steps() != 0;
}

void Pump::deliver(hal::Ticks now) {
  if (moving_ || now < next_move_allowed_) return;
  if ((active_alarms_ & kCriticalAlarmMask) != 0) {
    if (!stall_probe_due(now)) return;
    // The probe is an ordinary stroke of the minimum size; its steps count for what the pump
    // was doing (priming, or basal and bridge), but no dose is owed while it is stopped.
    move_is_probe_ = true;
    move_is_prime_ = priming();
    next_stall_probe_ = now + to_ticks(failed_probes_ < config_.stall_probes_before_backoff
                                           ? config_.stall_probe_interval_s
                                           : config_.stall_probe_backoff_interval_s);
    start_move(now, static_cast<uint16_t>(stroke_steps()));
    return;
  }
  const uint32_t microsteps_per_step = asic_.microsteps_per_step();
  const uint32_t deliverable_steps = whole_steps(deliverable_microsteps(), microsteps_per_step);
  if (priming()) {
    if (!therapy_.has_drug) return;
    uint32_t steps =
        (state_.prime_remaining_microsteps + microsteps_per_step - 1) / microsteps_per_step;
    if (steps > config_.max_steps_per_move) steps = config_.max_steps_per_move;
    if (steps > deliverable_steps) steps = deliverable_steps;
    if (steps == 0) return;
    move_is_prime_ = true;
    start_move(now, static_cast<uint16_t>(steps));
    // The priming rate is the mechanism's bolus rate limit.
    const uint64_t full_steps = static_cast<uint64_t>(steps) * microsteps_per_step / 8;
    next_move_allowed_ =
        now + (full_steps * 60 * hal::kTicksPerSecond) / config_.max_bolus_rate_full_steps_per_min;
    return;
  }
  if (!engine_.running()) return;
  const uint64_t now_s = to_seconds(now);
  engine_.accrue_to(now_s, therapy_.clock_offset_s);
  check_periodic_bolus(now);
  // due_microsteps() / microsteps_per_step < stroke_steps(), without the division on the
  // passes that owe no stroke (nearly all of them).
  if (!engine_.owes_microsteps(stroke_steps() * microsteps_per_step)) return;
  uint32_t steps = engine_.due_microsteps() / microsteps_per_step;
  if (steps > config_.max_steps_per_move) steps = config_.max_steps_per_move;
  if (steps > deliverable_steps) steps = deliverable_steps;
  if (steps == 0) return;
  move_is_prime_ = false;
  start_move(now, static_cast<uint16_t>(steps));
}

void Pump::check_periodic_bolus(hal::Ticks now) {
  const uint64_t now_s = to_seconds(now);
  if (next_periodic_s_ > now_s || engine_.bolus_active()) return;
  const PeriodicBolus& periodic = therapy_.program.periodic;
  engine_.start_bolus(periodic.dose_ng, uint32_t{periodic.duration_minutes} * 60);
  log(EventCode::kPeriodicBolus, periodic.dose_ng);
  next_periodic_s_ = next_periodic_slot_s(now_s + 1);
}

uint64_t Pump::next_periodic_slot_s(uint64_t after_rtc_s) const {
  const PeriodicBolus& periodic = therapy_.program.periodic;
  if (periodic.dose_ng == 0 || periodic.interval_minutes == 0) return kNever;
  const uint32_t now_of_day = second_of_day(after_rtc_s, therapy_.clock_offset_s);
  const uint64_t day_start = after_rtc_s - now_of_day;
  const uint32_t first_s = uint32_t{periodic.first_minute} * 60;
  const uint32_t interval_s = uint32_t{periodic.interval_minutes} * 60;
  if (now_of_day <= first_s) return day_start + first_s;
  const uint32_t slot = first_s + (now_of_day - first_s + interval_s - 1) / interval_s * interval_s;
  return slot < kSecondsPerDay ? day_start + slot : day_start + kSecondsPerDay + first_s;
}

void Pump::housekeeping(hal::Ticks now) {
  if (!moving_ && now >= next_battery_check_) {
    uint16_t code = 0;
    // Read with the motor idle: the cell's internal resistance sags it under load.
    if (asic_.convert_adc(asic::AdcChannel::kBattery, code)) {
      battery_.add_reading(code);
      if (!battery_.blind()) follow_battery_with_stall_threshold();
      loaded_battery_reading_due_ = true;
    } else {
      battery_.add_failed_reading();
    }
    note_battery_blind();
    next_battery_check_ = now + to_ticks(config_.battery_check_interval_s);
  }
  if (moving_ && loaded_battery_reading_at_ != 0 && now >= loaded_battery_reading_at_) {
    loaded_battery_reading_at_ = 0;
    uint16_t code = 0;
    // Under the motor's load: a channel that follows the cell shows its sag, a stuck one not.
    if (asic_.convert_adc(asic::AdcChannel::kBattery, code)) {
      battery_.add_loaded_reading(code);
      loaded_battery_reading_due_ = false;
      note_battery_blind();
    }
  }
  if (now >= next_checkpoint_) {
    save_state();
    next_checkpoint_ = now + to_ticks(config_.checkpoint_interval_s);
  }
}

void Pump::note_battery_blind() {
  // Logged once, when the failures in a row (or the strokes without sag) start to count.
  if (battery_.blind() && !battery_blind_logged_) {
    log(EventCode::kAsicCommFailure, battery_.stuck() ? 1 : 0);
  }
  battery_blind_logged_ = battery_.blind();
}

// A stalled rotor's current rises from a reversal at the coil's L/R rate towards supply / R,
// so the rise time the ASIC compares with STALL_CONFIG grows as the cell discharges (measured
// on the twin: 239 µs at 3.6 V, 304 µs at 2.93 V, 336 µs at 2.70 V). A fixed 300 µs threshold
// misses every stall below about 2.9 V; scaled with 1 / supply it stays 61-65 µs above the
// stalled rise from 3.6 V to 2.6 V, and below the turning rotor's rise (docs/firmware.md).
void Pump::follow_battery_with_stall_threshold() {
  const uint16_t wanted =
      drivers::stall_rise_time_us_for_supply(config_.asic, battery_.filtered_mv());
  const uint32_t change =
      wanted > stall_rise_time_us_ ? wanted - stall_rise_time_us_ : stall_rise_time_us_ - wanted;
  if (change * config_.stall_threshold_update_divisor <= stall_rise_time_us_) return;
  // A failed write leaves the old threshold in the ASIC; the next reading tries again.
  if (asic_.set_stall_rise_time(wanted)) stall_rise_time_us_ = wanted;
}

const Pump::ReservoirFigures& Pump::update_reservoir() const {
  ReservoirFigures& figures = reservoir_;
  figures.driven_microsteps_since_refill = state_.driven_microsteps_since_refill;
  figures.refill_volume_nl = therapy_.refill_volume_nl;
  figures.has_drug = therapy_.has_drug;
  figures.valid = true;
  const uint64_t drawn_nl = static_cast<uint64_t>(state_.driven_microsteps_since_refill) *
                            config_.calibration_nl_per_full_step / 8;
  figures.volume_nl =
      drawn_nl < therapy_.refill_volume_nl ? therapy_.refill_volume_nl - drawn_nl : 0;
  const uint64_t floor_nl = static_cast<uint64_t>(config_.min_reservoir_ul) * 1000;
  figures.deliverable_microsteps =
      !therapy_.has_drug || figures.volume_nl <= floor_nl
          ? 0
          : static_cast<uint32_t>((figures.volume_nl - floor_nl) * 8 /
                                  config_.calibration_nl_per_full_step);
  return figures;
}

uint64_t Pump::reservoir_volume_nl() const {
  return reservoir().volume_nl;
}

uint32_t Pump::deliverable_microsteps() const {
  return reservoir().deliverable_microsteps;
}

uint32_t Pump::stroke_steps() const {
  const uint32_t microsteps_per_step = asic_.microsteps_per_step();
  const uint32_t full_steps =
      failed_moves_ != 0 ? config_.min_full_steps_per_retry : config_.min_full_steps_per_stroke;
  const uint32_t minimum =
      whole_steps(full_steps * 8 + microsteps_per_step - 1, microsteps_per_step);
  const uint32_t deliverable = whole_steps(deliverable_microsteps(), microsteps_per_step);
  return deliverable < minimum ? deliverable : minimum;
}

void Pump::evaluate_alarms(hal::Ticks now) {
  uint16_t alarms = state_.latched_alarms;
  if (therapy_.has_drug) {
    if (reservoir_volume_nl() <= static_cast<uint64_t>(therapy_.low_reservoir_ul) * 1000) {
      alarms |= alarm_bit(AlarmId::kReservoirLow);
    }
    if (deliverable_microsteps() < asic_.microsteps_per_step()) {
      alarms |= alarm_bit(AlarmId::kReservoirEmpty);
    }
  }
  if (battery_.elective_replacement()) alarms |= alarm_bit(AlarmId::kElectiveReplacement);
  if (battery_.end_of_service()) alarms |= alarm_bit(AlarmId::kEndOfService);
  if (alarms == active_alarms_) return;
  const uint16_t raised = static_cast<uint16_t>(alarms & ~active_alarms_);
  const uint16_t cleared = static_cast<uint16_t>(active_alarms_ & ~alarms);
  for (uint8_t id = 0; id < 16; ++id) {
    // A latched alarm restored from NVM was logged when it was raised: a pump reset every
    // minute by a watchdog it cannot reach must not fill its log with the same alarm.
    if (((raised & ~logged_before_boot_) >> id) & 1u) log(EventCode::kAlarmRaised, id);
    if ((cleared >> id) & 1u) log(EventCode::kAlarmCleared, id);
  }
  active_alarms_ = alarms;
  logged_before_boot_ = static_cast<uint16_t>(logged_before_boot_ & alarms);
  tone_.update(alarms, raised != 0, now);
  resume_or_suspend(now);
  if ((raised & kCriticalAlarmMask) != 0) save_state();
}

void Pump::asic_failed(hal::Ticks now) {
  // Logged once until acknowledged: a link that stays broken fails at every pass, and would
  // otherwise push the clinical events out of the log.
  if ((state_.latched_alarms & alarm_bit(AlarmId::kAsicFault)) == 0) {
    log(EventCode::kAsicCommFailure, 0);
  }
  raise(AlarmId::kAsicFault, now);
}

void Pump::raise(AlarmId id, hal::Ticks now) {
  state_.latched_alarms |= alarm_bit(id);
  evaluate_alarms(now);
}

bool Pump::therapy_allowed() const {
  return therapy_.has_drug != 0 && therapy_.has_program != 0 && !priming() &&
         (active_alarms_ & kCriticalAlarmMask) == 0;
}

void Pump::resume_or_suspend(hal::Ticks now) {
  if (therapy_allowed()) {
    if (engine_.running()) return;
    engine_.start(to_seconds(now));
    next_periodic_s_ = next_periodic_slot_s(to_seconds(now));
  } else if (engine_.running()) {
    engine_.suspend();
    next_periodic_s_ = kNever;
    const uint16_t critical = active_alarms_ & kCriticalAlarmMask;
    uint8_t first_critical = 0;
    while (critical != 0 && ((critical >> first_critical) & 1u) == 0) ++first_critical;
    if (critical != 0) log(EventCode::kTherapyStopped, first_critical);
  }
}

void Pump::drive_tone(hal::Ticks now) {
  const asic::TonePattern pattern = tone_.pattern_at(now);
  if (pattern != tone_pattern_ && asic_.set_tone(pattern)) tone_pattern_ = pattern;
}

void Pump::kick_watchdog(hal::Ticks now) {
  // Only here, at the end of a complete pass of the main loop: a firmware stuck anywhere else
  // stops kicking and the ASIC resets it.
  const hal::Ticks interval = to_ticks(config_.watchdog_kick_interval_s);
  if (now - last_kick_ >= interval / 2 && asic_.kick_watchdog()) last_kick_ = now;
}

hal::Ticks Pump::next_wake(hal::Ticks now) const {
  hal::Ticks wake = last_kick_ + to_ticks(config_.watchdog_kick_interval_s);
  if (moving_) {
    wake = min_ticks(wake, move_deadline_);
    if (loaded_battery_reading_at_ != 0) wake = min_ticks(wake, loaded_battery_reading_at_);
  } else if ((active_alarms_ & kCriticalAlarmMask) == alarm_bit(AlarmId::kMotorStall)) {
    wake = min_ticks(
        wake, next_stall_probe_ > next_move_allowed_ ? next_stall_probe_ : next_move_allowed_);
  } else if ((active_alarms_ & kCriticalAlarmMask) == 0) {
    if (priming() && deliverable_microsteps() >= asic_.microsteps_per_step()) {
      wake = min_ticks(wake, next_move_allowed_);
    } else if (engine_.running()) {
      const uint32_t stroke = stroke_steps();
      const uint64_t due_s = engine_.next_due_s(
          (stroke != 0 ? stroke : 1) * asic_.microsteps_per_step(), therapy_.clock_offset_s);
      if (due_s != kNever) {
        const hal::Ticks due = to_ticks(due_s);
        wake = min_ticks(wake, due > next_move_allowed_ ? due : next_move_allowed_);
      }
      if (next_periodic_s_ != kNever) {
        const uint64_t periodic_s = next_periodic_s_ > to_seconds(now) || !engine_.bolus_active()
                                        ? next_periodic_s_
                                        : engine_.bolus_end_s();
        wake = min_ticks(wake, to_ticks(periodic_s));
      }
    }
  }
  // A battery reading waits for the motor to stop; the end of the move wakes the loop anyway.
  if (!moving_) wake = min_ticks(wake, next_battery_check_);
  wake = min_ticks(wake, next_checkpoint_);
  // An answer longer than the UART's FIFO goes out in pieces as the FIFO drains.
  if (transmit_sent_ < transmit_bytes_) wake = min_ticks(wake, now + kTransmitPollTicks);
  // Summed refusals go to the log at the end of their window.
  if (refusals_pending_total_ != 0) wake = min_ticks(wake, refusal_window_end_);
  return min_ticks(wake, tone_.next_change(now));
}

// ---------------------------------------------------------------------------- persistence

void Pump::log(EventCode code, uint32_t argument) {
  if (nvm_usable_) log_.append(wall_clock_s(), code, argument);
}

uint32_t Pump::wall_clock_s() const {
  return static_cast<uint32_t>(static_cast<int64_t>(to_seconds(clock_now())) +
                               therapy_.clock_offset_s);
}

void Pump::save_therapy() {
  if (!nvm_usable_) return;
  therapy_store_.store(reinterpret_cast<const uint8_t*>(&therapy_), sizeof therapy_);
}

void Pump::save_state() {
  if (!nvm_usable_) return;
  state_store_.store(reinterpret_cast<const uint8_t*>(&state_), sizeof state_);
}

uint8_t Pump::ptm_boluses_in_last_day(uint64_t now_s) const {
  uint8_t count = 0;
  for (uint8_t i = 0; i < state_.ptm_granted_count; ++i) {
    if (now_s - state_.ptm_granted_s[i] < kSecondsPerDay) ++count;
  }
  return count;
}

}  // namespace pumpfw::app
