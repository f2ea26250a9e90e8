// Telemetry commands (docs/telemetry.md). Each command parses and validates all of its
// arguments first and changes nothing unless every check passes: a refused command leaves the
// pump exactly as it was and answers with the reason.
#include <cstring>

#include "app/pump.h"

namespace pumpfw::app {

namespace {
constexpr uint64_t to_seconds(hal::Ticks ticks) {
  return ticks / hal::kTicksPerSecond;
}
// Wall clocks before 2001 are a programmer that lost its own time, not a real date.
constexpr uint32_t kEarliestWallClockS = 978307200;
}  // namespace

void Pump::service_telemetry(hal::Ticks now) {
  flush_transmit();
  uint8_t received[32];
  while (hal_.uart_rx_available() != 0) {
    const uint32_t count = hal_.uart_read(received, sizeof received);
    for (uint32_t i = 0; i < count; ++i) {
      const ParseResult result = parser_.feed(received[i], now);
      if (result == ParseResult::kNeedMore) continue;
      if (result == ParseResult::kPartialDropped) {
        // Logged as a damaged frame, but not answered: its sender is gone, and an answer now
        // would go out over the request of whoever is talking on the half-duplex link.
        note_link_refusal(Refusal::kBadFrame, now);
        continue;
      }
      if (result == ParseResult::kBadFrame) {
        const uint8_t payload[2] = {static_cast<uint8_t>(Command::kFrameError) | kResponseFlag,
                                    static_cast<uint8_t>(Refusal::kBadFrame)};
        uint8_t frame_bytes[kFrameOverheadBytes + 2];
        transmit(frame_bytes, encode_frame(0, payload, 2, frame_bytes));
        note_link_refusal(Refusal::kBadFrame, now);
        continue;
      }
      const Frame& request = parser_.frame();
      // The same sequence number again is a retransmission (our answer was lost): answer it
      // again without executing the command twice, so a bolus is never given twice.
      if (!have_last_response_ || request.sequence != last_sequence_) {
        uint8_t payload[kMaxPayloadBytes];
        const uint32_t length = execute(request, payload, now);
        last_response_bytes_ =
            encode_frame(request.sequence, payload, static_cast<uint8_t>(length), last_response_);
        last_sequence_ = request.sequence;
        have_last_response_ = true;
      }
      transmit(last_response_, last_response_bytes_);
    }
  }
}

// The link is half-duplex request/response: a new answer replaces whatever of an older one
// is still queued, since a programmer that sent a new request has stopped listening to it.
void Pump::transmit(const uint8_t* frame, uint32_t bytes) {
  for (uint32_t i = 0; i < bytes; ++i) transmit_buffer_[i] = frame[i];
  transmit_bytes_ = bytes;
  transmit_sent_ = 0;
  flush_transmit();
}

void Pump::flush_transmit() {
  if (transmit_sent_ < transmit_bytes_) {
    transmit_sent_ +=
        hal_.uart_write(transmit_buffer_ + transmit_sent_, transmit_bytes_ - transmit_sent_);
  }
}

// Which commands need a session, and which of those change the dose and so wait for a
// confirmation (docs/security.md).
namespace {
enum class Access : uint8_t { kUnknown, kOpen, kSession, kSessionConfirmed };

Access access_of(uint8_t opcode) {
  switch (static_cast<Command>(opcode)) {
    case Command::kInterrogate:
    case Command::kSessionHello:
    case Command::kSessionAuth:
      return Access::kOpen;
    case Command::kReadEventLog:
    case Command::kPtmBolus:
    case Command::kClockSet:
    case Command::kAlarmTest:
    case Command::kAcknowledgeAlarms:
    case Command::kConfirm:
    case Command::kSessionEnd:
      return Access::kSession;
    case Command::kProgramTherapy:
    case Command::kRefill:
    case Command::kClinicianBolus:
    case Command::kPtmConfig:
    case Command::kPrimingBolus:
      return Access::kSessionConfirmed;
    case Command::kFrameError:
      break;
  }
  return Access::kUnknown;
}
}  // namespace

uint32_t Pump::execute(const Frame& request, uint8_t* response, hal::Ticks now) {
  const uint8_t opcode = request.payload[0];
  response[0] = static_cast<uint8_t>(opcode | kResponseFlag);
  const Access access = access_of(opcode);
  if (access == Access::kSession || access == Access::kSessionConfirmed) {
    return execute_authenticated(request, response, now);
  }
  WireReader args(request.payload + 1, request.length - 1u);
  if (access == Access::kOpen) return execute_open(opcode, args, response, now);
  response[1] = static_cast<uint8_t>(Refusal::kUnknownCommand);
  note_link_refusal(Refusal::kUnknownCommand, now);
  return 2;
}

uint32_t Pump::execute_open(uint8_t opcode, WireReader& args, uint8_t* response, hal::Ticks now) {
  WireWriter out(response + 2, kMaxPayloadBytes - 2);
  Refusal refusal = Refusal::kNone;
  if (opcode == static_cast<uint8_t>(Command::kInterrogate)) {
    refusal = cmd_interrogate(args, out);
  } else if (opcode == static_cast<uint8_t>(Command::kSessionHello)) {
    uint8_t nonce[kNonceBytes];
    for (uint8_t& byte : nonce) byte = args.u8();
    uint8_t answer[kNonceBytes + kProofBytes];
    refusal = !args.ok_and_complete() ? Refusal::kBadLength : link_.hello(nonce, answer, now);
    if (refusal == Refusal::kNone) {
      for (uint8_t byte : answer) out.u8(byte);
    }
  } else {
    uint8_t proof[kProofBytes];
    for (uint8_t& byte : proof) byte = args.u8();
    uint32_t lockout_s = 0;
    refusal =
        !args.ok_and_complete() ? Refusal::kBadLength : link_.authenticate(proof, now, lockout_s);
    log_lockout(lockout_s);
    if (refusal == Refusal::kNone) {
      pending_ = false;
      log(EventCode::kSessionOpened, 0);
    }
  }
  response[1] = static_cast<uint8_t>(refusal);
  if (refusal != Refusal::kNone) {
    note_link_refusal(refusal, now);
    return 2;
  }
  return 2 + out.size();
}

uint32_t Pump::execute_authenticated(const Frame& request, uint8_t* response, hal::Ticks now) {
  const uint8_t opcode = request.payload[0];
  uint32_t counter = 0;
  uint32_t lockout_s = 0;
  const Refusal link_refusal =
      link_.open_request(request.payload, request.length, now, counter, lockout_s);
  log_lockout(lockout_s);
  if (link_refusal != Refusal::kNone) {
    // Not from the session (or not fresh): answered in clear, changes nothing.
    if (!link_.session_open()) pending_ = false;
    response[1] = static_cast<uint8_t>(link_refusal);
    note_link_refusal(link_refusal, now);
    return 2;
  }
  WireReader args(request.payload + 1, request.length - 1u - kRequestTrailerBytes);
  WireWriter out(response + 2, kMaxPayloadBytes - 2 - kTagBytes);
  uint8_t logged_opcode = opcode;
  Refusal refusal = Refusal::kNone;
  const bool had_pending = pending_;
  pending_ = false;  // only the very next command may confirm a dose change
  if (opcode == static_cast<uint8_t>(Command::kConfirm)) {
    pending_ = had_pending;
    refusal = cmd_confirm(args, out, now, logged_opcode);
  } else if (opcode == static_cast<uint8_t>(Command::kSessionEnd)) {
    refusal = args.ok_and_complete() ? Refusal::kNone : Refusal::kBadLength;
  } else if (access_of(opcode) == Access::kSessionConfirmed) {
    refusal = run_command(opcode, args, out, now, false);
    if (refusal == Refusal::kNone) {
      pending_ = true;
      pending_counter_ = counter;
      pending_time_ = now;
      pending_length_ = static_cast<uint8_t>(request.length - kRequestTrailerBytes);
      for (uint8_t i = 0; i < pending_length_; ++i) pending_payload_[i] = request.payload[i];
      refusal = Refusal::kAwaitingConfirmation;
    }
  } else {
    refusal = run_command(opcode, args, out, now, true);
  }
  // Every refusal is logged; PTM presses have their own entry.
  if (refusal != Refusal::kNone && refusal != Refusal::kAwaitingConfirmation &&
      logged_opcode != static_cast<uint8_t>(Command::kPtmBolus)) {
    log(EventCode::kCommandRefused,
        (uint32_t{logged_opcode} << 8) | static_cast<uint32_t>(refusal));
  }
  response[1] = static_cast<uint8_t>(refusal);
  uint32_t length = refusal == Refusal::kNone ? 2 + out.size() : 2;
  link_.seal_response(counter, response, length);
  if (opcode == static_cast<uint8_t>(Command::kSessionEnd) && refusal == Refusal::kNone) {
    link_.close_session();
  }
  return length;
}

Refusal Pump::cmd_confirm(WireReader& args, WireWriter& out, hal::Ticks now,
                          uint8_t& logged_opcode) {
  const uint32_t counter = args.u32();
  const uint8_t opcode = args.u8();
  const bool had_pending = pending_;
  pending_ = false;
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (!had_pending || counter != pending_counter_ || opcode != pending_payload_[0] ||
      now - pending_time_ >
          static_cast<hal::Ticks>(config_.security.confirm_timeout_s) * hal::kTicksPerSecond) {
    return Refusal::kNotConfirmed;
  }
  logged_opcode = opcode;
  // Checked again: the pump may have moved on (an alarm, a bolus) since the first step.
  WireReader pending_args(pending_payload_ + 1, pending_length_ - 1u);
  return run_command(opcode, pending_args, out, now, true);
}

Refusal Pump::run_command(uint8_t opcode, WireReader& args, WireWriter& out, hal::Ticks now,
                          bool commit) {
  switch (static_cast<Command>(opcode)) {
    case Command::kInterrogate:
      return cmd_interrogate(args, out);
    case Command::kReadEventLog:
      return cmd_read_event_log(args, out);
    case Command::kProgramTherapy:
      return cmd_program_therapy(args, now, commit);
    case Command::kRefill:
      return cmd_refill(args, now, commit);
    case Command::kClinicianBolus:
      return cmd_clinician_bolus(args, now, commit);
    case Command::kPtmConfig:
      return cmd_ptm_config(args, commit);
    case Command::kPtmBolus:
      return cmd_ptm_bolus(args, now);
    case Command::kClockSet:
      return cmd_clock_set(args, now);
    case Command::kAlarmTest:
      return cmd_alarm_test(args, now);
    case Command::kPrimingBolus:
      return cmd_priming_bolus(args, now, commit);
    case Command::kAcknowledgeAlarms:
      return cmd_acknowledge_alarms(args, now);
    case Command::kSessionHello:
    case Command::kSessionAuth:
    case Command::kConfirm:
    case Command::kSessionEnd:
    case Command::kFrameError:
      break;
  }
  return Refusal::kUnknownCommand;
}

void Pump::note_link_refusal(Refusal refusal, hal::Ticks now) {
  const uint8_t code = static_cast<uint8_t>(refusal);
  if (code >= kRefusalCodes) return;
  if (now >= refusal_window_end_ && refusals_pending_total_ == 0) {
    // The first after a quiet window goes to the log at once and opens a window; a window
    // that follows another at once is twice as long, up to the maximum.
    const hal::Ticks window = static_cast<hal::Ticks>(refusal_window_s_) * hal::kTicksPerSecond;
    refusal_window_s_ = refusal_window_s_ == 0 || now >= refusal_window_end_ + window
                            ? config_.first_refusal_log_window_s
                            : refusal_window_s_;
    log(EventCode::kLinkRefused, (uint32_t{1} << 8) | code);
    refusal_window_end_ = now + static_cast<hal::Ticks>(refusal_window_s_) * hal::kTicksPerSecond;
    return;
  }
  if (refusals_pending_[code] == UINT16_MAX) flush_link_refusals(refusal_window_end_);
  ++refusals_pending_[code];
  ++refusals_pending_total_;
}

void Pump::flush_link_refusals(hal::Ticks now) {
  if (refusals_pending_total_ == 0 || now < refusal_window_end_) return;
  for (uint8_t code = 0; code < kRefusalCodes; ++code) {
    if (refusals_pending_[code] == 0) continue;
    log(EventCode::kLinkRefused, (uint32_t{refusals_pending_[code]} << 8) | code);
    refusals_pending_[code] = 0;
  }
  refusals_pending_total_ = 0;
  refusal_window_s_ = refusal_window_s_ * 2 < config_.max_refusal_log_window_s
                          ? refusal_window_s_ * 2
                          : config_.max_refusal_log_window_s;
  refusal_window_end_ =
      clock_now() + static_cast<hal::Ticks>(refusal_window_s_) * hal::kTicksPerSecond;
}

void Pump::log_lockout(uint32_t lockout_s) {
  if (lockout_s != 0) log(EventCode::kLockout, lockout_s);
}

Refusal Pump::cmd_interrogate(WireReader& args, WireWriter& out) {
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  const uint64_t now_s = to_seconds(clock_now());
  uint8_t flags = 0;
  if (engine_.running()) flags |= 0x01;
  if (priming()) flags |= 0x02;
  if (bridging()) flags |= 0x04;
  if (engine_.bolus_active()) flags |= 0x08;
  if (moving_) flags |= 0x10;
  out.u32(wall_clock_s());
  out.u8(static_cast<uint8_t>(reset_cause_));
  out.u16(active_alarms_);
  out.u8(flags);
  out.u8(therapy_.has_drug != 0 ? therapy_.drug_id : 0);
  out.u32(therapy_.concentration_ug_per_ml);
  out.u32(static_cast<uint32_t>(reservoir_volume_nl()));
  out.u16(static_cast<uint16_t>(battery_.filtered_mv()));
  out.u32(state_.driven_microsteps_since_refill);
  out.u32(state_.undriven_microsteps);
  out.u32(therapy_.has_program != 0 ? static_cast<uint32_t>(basal_daily_dose_ng(therapy_.program))
                                    : 0);
  out.u32(static_cast<uint32_t>(engine_.bolus_remaining_ng()));
  out.u8(ptm_boluses_in_last_day(now_s));
  out.u32(log_.next_sequence() - 1);
  return Refusal::kNone;
}

Refusal Pump::cmd_read_event_log(WireReader& args, WireWriter& out) {
  const uint16_t first_age = args.u16();
  const uint8_t count = args.u8();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (count == 0 || count > kMaxLogEntriesPerRead) return Refusal::kBadArgument;
  Event events[kMaxLogEntriesPerRead];
  uint8_t found = 0;
  while (found < count && log_.read_newest(uint32_t{first_age} + found, events[found])) ++found;
  out.u8(found);
  for (uint8_t i = 0; i < found; ++i) {
    out.u32(events[i].sequence);
    out.u32(events[i].time_s);
    out.u8(static_cast<uint8_t>(events[i].code));
    out.u32(events[i].argument);
  }
  return Refusal::kNone;
}

Refusal Pump::cmd_program_therapy(WireReader& args, hal::Ticks now, bool commit) {
  TherapyProgram program;
  std::memset(&program, 0, sizeof program);
  program.mode = static_cast<TherapyMode>(args.u8());
  program.step_count = args.u8();
  if (program.step_count > kMaxScheduleSteps) return Refusal::kScheduleInvalid;
  for (uint8_t i = 0; i < program.step_count; ++i) {
    program.steps[i].start_minute = args.u16();
    program.steps[i].rate_ng_per_day = args.u32();
  }
  program.periodic.dose_ng = args.u32();
  program.periodic.first_minute = args.u16();
  program.periodic.interval_minutes = args.u16();
  program.periodic.duration_minutes = args.u16();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (therapy_.has_drug == 0) return Refusal::kNoDrug;
  const DrugLimits* drug = find_drug(therapy_.drug_id);
  if (drug == nullptr) return Refusal::kUnknownDrug;
  const Refusal refusal = validate_program(program, therapy_.ptm, *drug);
  if (refusal != Refusal::kNone || !commit) return refusal;
  const uint64_t now_s = to_seconds(now);
  // What the old program owed up to now stays owed; the new one takes over from here.
  engine_.accrue_to(now_s, therapy_.clock_offset_s);
  therapy_.program = program;
  therapy_.has_program = 1;
  engine_.set_program(program);
  save_therapy();
  log(EventCode::kProgramChanged, static_cast<uint32_t>(basal_daily_dose_ng(program)));
  if (engine_.running()) next_periodic_s_ = next_periodic_slot_s(now_s);
  resume_or_suspend(now);
  return Refusal::kNone;
}

Refusal Pump::cmd_refill(WireReader& args, hal::Ticks now, bool commit) {
  const uint8_t drug_id = args.u8();
  const uint32_t concentration_ug_per_ml = args.u32();
  const uint32_t volume_ul = args.u32();
  const uint32_t low_reservoir_ul = args.u32();
  const uint16_t bridge_volume_ul = args.u16();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  const DrugLimits* drug = find_drug(drug_id);
  if (drug == nullptr) return Refusal::kUnknownDrug;
  if (concentration_ug_per_ml < drug->min_concentration_ug_per_ml ||
      concentration_ug_per_ml > drug->max_concentration_ug_per_ml) {
    return Refusal::kConcentrationOutOfRange;
  }
  if (volume_ul <= config_.min_reservoir_ul || volume_ul > config_.reservoir_capacity_ul) {
    return Refusal::kVolumeOutOfRange;
  }
  if (low_reservoir_ul > config_.reservoir_capacity_ul) return Refusal::kBadArgument;
  if (bridge_volume_ul > config_.max_prime_volume_ul) return Refusal::kBadArgument;
  // A bridge continues the old drug, so there must be one, and it must differ.
  const bool bridge = bridge_volume_ul != 0;
  if (bridge && (therapy_.has_drug == 0 || bridging() ||
                 (therapy_.drug_id == drug_id &&
                  therapy_.concentration_ug_per_ml == concentration_ug_per_ml))) {
    return Refusal::kBadArgument;
  }
  if (therapy_.has_program != 0) {
    const Refusal refusal = validate_program(therapy_.program, therapy_.ptm, *drug);
    if (refusal != Refusal::kNone) return refusal;
  }
  if (moving_) return Refusal::kBusy;
  uint32_t total = 0;
  if (!asic_.read_total_microsteps(total)) return Refusal::kBusy;
  if (!commit) return Refusal::kNone;

  engine_.accrue_to(to_seconds(now), therapy_.clock_offset_s);
  const uint32_t old_concentration = engine_.tip_concentration_ug_per_ml();
  therapy_.has_drug = 1;
  therapy_.drug_id = drug_id;
  therapy_.concentration_ug_per_ml = concentration_ug_per_ml;
  therapy_.refill_volume_nl = volume_ul * 1000;
  therapy_.low_reservoir_ul = low_reservoir_ul;
  state_.driven_microsteps_since_refill = 0;
  state_.asic_total_microsteps = total;
  if (bridge) {
    const uint32_t bridge_nl = uint32_t{bridge_volume_ul} * 1000;
    state_.bridge_remaining_microsteps = bridge_nl * 8 / config_.calibration_nl_per_full_step;
    state_.bridge_concentration_ug_per_ml = old_concentration;
    log(EventCode::kBridgingBolus, bridge_nl);
  } else {
    engine_.set_tip_concentration(concentration_ug_per_ml);
  }
  save_therapy();
  save_state();
  log(EventCode::kRefill, volume_ul);
  evaluate_alarms(now);
  resume_or_suspend(now);
  return Refusal::kNone;
}

Refusal Pump::check_bolus_rate(uint64_t dose_ng, uint32_t duration_s) const {
  return bolus_rate_within_limit(dose_ng, duration_s, engine_.tip_concentration_ug_per_ml(),
                                 config_.max_bolus_rate_full_steps_per_min,
                                 config_.calibration_nl_per_full_step)
             ? Refusal::kNone
             : Refusal::kRateTooHigh;
}

Refusal Pump::cmd_clinician_bolus(WireReader& args, hal::Ticks now, bool commit) {
  const uint32_t dose_ng = args.u32();
  const uint16_t duration_minutes = args.u16();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (dose_ng == 0 || duration_minutes == 0) return Refusal::kBadArgument;
  if (therapy_.has_drug == 0) return Refusal::kNoDrug;
  if (therapy_.has_program == 0) return Refusal::kNoProgram;
  if ((active_alarms_ & kCriticalAlarmMask) != 0) return Refusal::kTherapyStopped;
  if (priming()) return Refusal::kBusy;
  if (engine_.bolus_active()) return Refusal::kBolusInProgress;
  const DrugLimits* drug = find_drug(therapy_.drug_id);
  if (drug == nullptr) return Refusal::kUnknownDrug;
  // The bolus comes on top of the most the program can give in a day: together they must stay
  // within the drug's hard daily limit.
  if (max_daily_dose_ng(therapy_.program, therapy_.ptm) + dose_ng > drug->max_daily_dose_ng) {
    return Refusal::kDailyDoseOverLimit;
  }
  const Refusal rate = check_bolus_rate(dose_ng, uint32_t{duration_minutes} * 60);
  if (rate != Refusal::kNone || !commit) return rate;
  engine_.accrue_to(to_seconds(now), therapy_.clock_offset_s);
  engine_.start_bolus(dose_ng, uint32_t{duration_minutes} * 60);
  log(EventCode::kClinicianBolus, dose_ng);
  return Refusal::kNone;
}

Refusal Pump::cmd_ptm_config(WireReader& args, bool commit) {
  PtmConfig ptm;
  std::memset(&ptm, 0, sizeof ptm);
  ptm.dose_ng = args.u32();
  ptm.lockout_minutes = args.u16();
  ptm.duration_minutes = args.u16();
  ptm.max_per_day = args.u8();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (ptm.dose_ng != 0 &&
      (ptm.max_per_day == 0 || ptm.max_per_day > kMaxPtmPerDay || ptm.duration_minutes == 0 ||
       ptm.lockout_minutes < ptm.duration_minutes)) {
    return Refusal::kBadArgument;
  }
  if (therapy_.has_drug == 0) return Refusal::kNoDrug;
  const DrugLimits* drug = find_drug(therapy_.drug_id);
  if (drug == nullptr) return Refusal::kUnknownDrug;
  if (therapy_.has_program != 0) {
    const Refusal refusal = validate_program(therapy_.program, ptm, *drug);
    if (refusal != Refusal::kNone) return refusal;
  } else if (static_cast<uint64_t>(ptm.max_per_day) * ptm.dose_ng > drug->max_daily_dose_ng) {
    return Refusal::kDailyDoseOverLimit;
  }
  if (ptm.dose_ng != 0) {
    const Refusal rate = check_bolus_rate(ptm.dose_ng, uint32_t{ptm.duration_minutes} * 60);
    if (rate != Refusal::kNone) return rate;
  }
  if (!commit) return Refusal::kNone;
  therapy_.ptm = ptm;
  save_therapy();
  log(EventCode::kPtmConfigured, ptm.dose_ng);
  return Refusal::kNone;
}

Refusal Pump::cmd_ptm_bolus(WireReader& args, hal::Ticks now) {
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  const uint64_t now_s = to_seconds(now);
  Refusal refusal = Refusal::kNone;
  if (therapy_.has_drug == 0 || therapy_.has_program == 0) {
    refusal = Refusal::kNoProgram;
  } else if (therapy_.ptm.dose_ng == 0) {
    refusal = Refusal::kPtmDisabled;
  } else if ((active_alarms_ & kCriticalAlarmMask) != 0) {
    refusal = Refusal::kTherapyStopped;
  } else if (priming()) {
    refusal = Refusal::kBusy;
  } else if (engine_.bolus_active()) {
    refusal = Refusal::kBolusInProgress;
  } else if (state_.ptm_granted_count != 0 &&
             now_s - state_.ptm_granted_s[0] < uint64_t{therapy_.ptm.lockout_minutes} * 60) {
    refusal = Refusal::kPtmLockout;
  } else if (ptm_boluses_in_last_day(now_s) >= therapy_.ptm.max_per_day) {
    refusal = Refusal::kPtmDailyLimit;
  }
  if (refusal != Refusal::kNone) {
    // The patient pressed and got nothing: the clinician will want to see how often.
    log(EventCode::kPtmRefused, static_cast<uint32_t>(refusal));
    return refusal;
  }
  engine_.accrue_to(now_s, therapy_.clock_offset_s);
  engine_.start_bolus(therapy_.ptm.dose_ng, uint32_t{therapy_.ptm.duration_minutes} * 60);
  for (uint8_t i = kMaxPtmPerDay - 1; i > 0; --i)
    state_.ptm_granted_s[i] = state_.ptm_granted_s[i - 1];
  state_.ptm_granted_s[0] = now_s;
  if (state_.ptm_granted_count < kMaxPtmPerDay) ++state_.ptm_granted_count;
  // Persisted at once: a reset must not hand out a fresh allowance.
  save_state();
  log(EventCode::kPtmBolus, therapy_.ptm.dose_ng);
  return Refusal::kNone;
}

Refusal Pump::cmd_clock_set(WireReader& args, hal::Ticks now) {
  const uint32_t wall_s = args.u32();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (wall_s < kEarliestWallClockS) return Refusal::kBadArgument;
  const uint64_t now_s = to_seconds(now);
  // Accrue under the old clock first: the schedule's steps move with the wall clock.
  engine_.accrue_to(now_s, therapy_.clock_offset_s);
  therapy_.clock_offset_s = static_cast<int64_t>(wall_s) - static_cast<int64_t>(now_s);
  save_therapy();
  log(EventCode::kClockSet, wall_s);
  if (engine_.running()) next_periodic_s_ = next_periodic_slot_s(now_s);
  return Refusal::kNone;
}

Refusal Pump::cmd_alarm_test(WireReader& args, hal::Ticks now) {
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (tone_.test_running()) return Refusal::kBusy;
  tone_.start_test(now);
  log(EventCode::kAlarmTest, 0);
  return Refusal::kNone;
}

Refusal Pump::cmd_priming_bolus(WireReader& args, hal::Ticks now, bool commit) {
  const uint16_t volume_ul = args.u16();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (volume_ul == 0 || volume_ul > config_.max_prime_volume_ul) return Refusal::kBadArgument;
  if (therapy_.has_drug == 0) return Refusal::kNoDrug;
  if ((active_alarms_ & kCriticalAlarmMask) != 0) return Refusal::kTherapyStopped;
  if (priming()) return Refusal::kBusy;
  if (engine_.bolus_active()) return Refusal::kBolusInProgress;
  const uint32_t volume_nl = uint32_t{volume_ul} * 1000;
  const uint32_t steps =
      (volume_nl + config_.calibration_nl_per_full_step - 1) / config_.calibration_nl_per_full_step;
  const uint32_t microsteps = steps * 8;
  if (microsteps > deliverable_microsteps()) return Refusal::kVolumeOutOfRange;
  if (!commit) return Refusal::kNone;
  state_.prime_remaining_microsteps = microsteps;
  save_state();
  log(EventCode::kPrimingBolus, volume_nl);
  resume_or_suspend(now);
  return Refusal::kNone;
}

Refusal Pump::cmd_acknowledge_alarms(WireReader& args, hal::Ticks now) {
  const uint16_t alarms = args.u16();
  if (!args.ok_and_complete()) return Refusal::kBadLength;
  if (alarms == 0 || (alarms & ~kAcknowledgeableAlarms) != 0 ||
      (alarms & state_.latched_alarms) != alarms) {
    return Refusal::kBadArgument;
  }
  // Without usable NVM the memory error is a property of the part, not an event to clear.
  if ((alarms & alarm_bit(AlarmId::kMemoryError)) != 0 && !nvm_usable_) {
    return Refusal::kBadArgument;
  }
  state_.latched_alarms = static_cast<uint16_t>(state_.latched_alarms & ~alarms);
  failed_moves_ = 0;
  save_state();
  log(EventCode::kAlarmsAcknowledged, alarms);
  evaluate_alarms(now);
  return Refusal::kNone;
}

}  // namespace pumpfw::app
