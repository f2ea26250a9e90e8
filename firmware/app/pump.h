// The pump: therapy, safety and telemetry on top of the HAL. The main loop is
//
//   Pump pump(hal, config);
//   pump.boot();
//   for (;;) hal.sleep_until(pump.run_once());
//
// run_once() handles everything pending (ASIC interrupt, telemetry bytes, strokes due,
// alarms, battery, watchdog) and returns the next time it has real work: the next stroke, the
// end of a move, a tone change, a housekeeping reading, or the watchdog kick. It never asks to
// be woken for nothing, so a simulated pump sleeps (and the twin skips time) between strokes.
#pragma once

#include <cstdint>

#include "app/alarms.h"
#include "app/battery_monitor.h"
#include "app/dose_engine.h"
#include "app/event_log.h"
#include "app/link_security.h"
#include "app/nvm_record.h"
#include "app/telemetry_link.h"
#include "app/therapy.h"
#include "app/wire.h"
#include "drivers/asic_driver.h"
#include "hal/hal.h"

namespace pumpfw::app {

inline constexpr uint8_t kMaxPtmPerDay = 24;

struct PumpConfig {
  uint32_t calibration_nl_per_full_step = 250;  // nominal 0.25 µL per full step
  uint32_t reservoir_capacity_ul = 20000;       // the 20 mL model
  // Delivery stops when the reservoir would fall below this: the mechanism needs a residual
  // volume to pump reliably, and the remainder is the "empty" alarm's margin.
  uint32_t min_reservoir_ul = 500;
  uint32_t default_low_reservoir_ul = 2000;
  uint32_t max_bolus_rate_full_steps_per_min = 60;  // 15 µL/min with the nominal mechanism
  uint32_t max_prime_volume_ul = 1000;
  uint16_t max_steps_per_move = 16;
  // Basal and bolus strokes wait until this many full steps are owed. The ASIC latches a stall
  // on two stalled phase reversals in a row, and the first reversal of every move starts from
  // rest and looks stalled whatever the rotor does, so only a move of two or more steps can
  // tell a seized rotor from a turning one. A stalled move still drives (and TOTAL_STEPS
  // counts) its first step, so each retry has a step fewer to give: 4 = 2 + the two retries.
  // Four full steps are also one electrical cycle, in which both phases reverse while the rotor
  // turns. The dose is unchanged: what is owed carries over exactly.
  uint16_t min_full_steps_per_stroke = 4;
  // A retry of a failed stroke gives what is still owed, if at least this many full steps.
  uint16_t min_full_steps_per_retry = 2;
  // The stall threshold follows the battery; it is reprogrammed when it would change by more
  // than this fraction (1/50: 2 %), so the ADC's noise does not rewrite it every hour.
  uint16_t stall_threshold_update_divisor = 50;
  uint8_t max_move_attempts = 3;  // a move and two retries, then the critical alarm
  uint32_t move_retry_delay_s = 10;
  uint32_t battery_check_interval_s = 3600;
  // After each reading at rest, the next stroke's battery reading is taken this long after the
  // move starts (its alignment period and part of its first step: the motor draws current).
  hal::Ticks loaded_battery_reading_delay_ticks = 4;
  uint32_t checkpoint_interval_s = 6 * 3600;
  uint32_t watchdog_kick_interval_s = 30;  // half the ASIC watchdog's 60 s timeout
  // After the motor-stall alarm the pump tries one stroke this often while the stall is the
  // only critical alarm; a stroke that completes clears the alarm and therapy resumes with
  // nothing owed (an MRI scan holds the rotor only while the patient is in the field).
  uint32_t stall_probe_interval_s = 600;
  // After this many failed probes (an hour's) the stall is taken as lasting: one probe an hour,
  // so that a seized shaft neither drains the cell nor debits the reservoir account a step
  // every few minutes (each stalled probe's first step is counted as driven).
  uint8_t stall_probes_before_backoff = 6;
  uint32_t stall_probe_backoff_interval_s = 3600;
  // Brown-out resets in a row without a completed stroke between them before the pump takes
  // its cell as unable to carry the motor (film formation) and latches end of service.
  uint8_t max_brown_out_boots = 3;
  drivers::AsicSettings asic{};
  BatteryThresholds battery{};
  AlarmTiming alarm_timing{};
  SecurityConfig security{};
  // Refusals outside an authenticated command are summed per reason into one log entry per
  // window (docs/security.md): the first at once, then windows from 60 s doubling to an hour
  // while they continue, so a flood cannot push the clinical events out of the log.
  uint32_t first_refusal_log_window_s = 60;
  uint32_t max_refusal_log_window_s = 3600;
};

// NVM layout (docs/firmware.md): two copies of each record, then the event log.
namespace nvm_layout {
inline constexpr uint32_t kTherapyA = 0x0000;
inline constexpr uint32_t kTherapyB = 0x0300;
inline constexpr uint32_t kStateA = 0x0600;
inline constexpr uint32_t kStateB = 0x0700;
inline constexpr uint32_t kEventLog = 0x0800;
inline constexpr uint32_t kEventLogEntries = 256;
// The per-device link key, written once at manufacture (provision_device_key).
inline constexpr uint32_t kDeviceKeyA = kEventLog + kEventLogEntries * EventLog::kEntryBytes;
inline constexpr uint32_t kDeviceKeyB = kDeviceKeyA + 0x40;
inline constexpr uint32_t kBytesNeeded = kDeviceKeyB + 0x40;
inline constexpr uint16_t kTherapyKind = 1;
inline constexpr uint16_t kStateKind = 2;
inline constexpr uint16_t kDeviceKeyKind = 3;
}  // namespace nvm_layout

// What the clinician set: changes only by telemetry command.
struct TherapyRecord {
  uint8_t has_drug;
  uint8_t has_program;
  uint8_t drug_id;
  uint8_t reserved;
  uint32_t concentration_ug_per_ml;
  uint32_t refill_volume_nl;
  uint32_t low_reservoir_ul;
  int64_t clock_offset_s;  // wall clock = RTC seconds + offset
  TherapyProgram program;
  PtmConfig ptm;
};

// What the pump did: checkpointed periodically and at every event that matters.
struct StateRecord {
  uint32_t driven_microsteps_since_refill;
  uint32_t asic_total_microsteps;  // TOTAL_STEPS when the line above was true
  uint32_t undriven_microsteps;    // commanded but not driven, over the pump's life
  uint32_t bridge_remaining_microsteps;
  uint32_t bridge_concentration_ug_per_ml;
  uint32_t prime_remaining_microsteps;
  uint16_t latched_alarms;  // alarms that need a clinician's acknowledgement
  uint8_t ptm_granted_count;
  uint8_t brown_out_boots;                // brown-out resets since the last completed stroke
  uint64_t ptm_granted_s[kMaxPtmPerDay];  // RTC seconds of the most recent PTM boluses
};

enum class Command : uint8_t {
  kInterrogate = 0x01,
  kReadEventLog = 0x02,
  kProgramTherapy = 0x03,
  kRefill = 0x04,
  kClinicianBolus = 0x05,
  kPtmConfig = 0x06,
  kPtmBolus = 0x07,
  kClockSet = 0x08,
  kAlarmTest = 0x09,
  kPrimingBolus = 0x0A,
  kAcknowledgeAlarms = 0x0B,
  kSessionHello = 0x10,  // open: programmer nonce -> pump nonce and proof
  kSessionAuth = 0x11,   // open: programmer proof -> session
  kConfirm = 0x12,       // authenticated: executes the dose change just validated
  kSessionEnd = 0x13,    // authenticated
  kFrameError = 0x7F,    // response only: a damaged frame was received
};
inline constexpr uint8_t kResponseFlag = 0x80;
inline constexpr uint8_t kMaxLogEntriesPerRead = 12;

class Pump {
 public:
  Pump(hal::Hal& hal, const PumpConfig& config);

  void boot();
  hal::Ticks run_once();

  // Read-only views for the twin's probes and the tests.
  uint16_t active_alarms() const { return active_alarms_; }
  bool delivering() const { return engine_.running(); }
  bool priming() const { return state_.prime_remaining_microsteps != 0; }
  bool bridging() const { return state_.bridge_remaining_microsteps != 0; }
  uint64_t reservoir_volume_nl() const;
  const TherapyRecord& therapy() const { return therapy_; }
  const StateRecord& state() const { return state_; }
  const DoseEngine& engine() const { return engine_; }
  const BatteryMonitor& battery() const { return battery_; }
  // The STALL_CONFIG rise-time threshold last programmed into the ASIC.
  uint16_t stall_rise_time_us() const { return stall_rise_time_us_; }
  EventLog& event_log() { return log_; }
  uint32_t wall_clock_s() const;
  // The firmware's time base: the RTC corrected for the jumps it detected (see
  // check_time_base), in RTC ticks.
  hal::Ticks clock_now() const { return hal_.now() + time_base_offset_; }
  bool reset_requested() const { return reset_requested_; }

 private:
  // boot
  void load_records();
  void reconcile_total_steps();
  // Adds the steps driven since the last reading of TOTAL_STEPS to the reservoir account.
  uint32_t account_total_steps(uint32_t total);
  // main loop parts
  void service_asic(hal::Ticks now);
  void finish_move(hal::Ticks now, uint16_t faults);
  void service_telemetry(hal::Ticks now);
  void transmit(const uint8_t* frame, uint32_t bytes);
  void flush_transmit();
  void deliver(hal::Ticks now);
  void start_move(hal::Ticks now, uint16_t steps);
  hal::Ticks move_timeout_ticks(uint32_t steps) const;
  void check_periodic_bolus(hal::Ticks now);
  void housekeeping(hal::Ticks now);
  void follow_battery_with_stall_threshold();
  // Logs once, when the battery monitor becomes blind (its channel unreadable or stuck).
  void note_battery_blind();
  void evaluate_alarms(hal::Ticks now);
  void drive_tone(hal::Ticks now);
  void kick_watchdog(hal::Ticks now);
  hal::Ticks next_wake(hal::Ticks now) const;
  // The RTC cannot move by more than the ASIC's watchdog timeout between two passes (the
  // watchdog would have reset the MCU) nor move back. A pass that sees it do either takes the
  // real time elapsed since the last kick from the ASIC's watchdog counter (its own crystal)
  // and corrects the time base by the difference: no catch-up dose, no pause.
  void check_time_base(hal::Ticks raw_now);
  // After the motor-stall alarm: one stroke every stall_probe_interval_s.
  bool stall_probe_due(hal::Ticks now) const;
  void count_brown_out_boot();

  // therapy state
  bool therapy_allowed() const;
  void resume_or_suspend(hal::Ticks now);
  void raise(AlarmId id, hal::Ticks now);
  // The ASIC could not be talked to, or what it said cannot be true: the ASIC-fault alarm.
  void asic_failed(hal::Ticks now);
  void log(EventCode code, uint32_t argument);
  void save_therapy();
  void save_state();
  uint32_t deliverable_microsteps() const;
  // The reservoir's volume and what can be delivered of it, worked out again only when the
  // account they come from changes: several readers on every pass of the main loop, and their
  // 64-bit multiply and divide are libgcc's software ones on the ARMv6-M.
  struct ReservoirFigures {
    uint32_t driven_microsteps_since_refill = 0;
    uint32_t refill_volume_nl = 0;
    uint8_t has_drug = 0;
    bool valid = false;
    uint64_t volume_nl = 0;
    uint32_t deliverable_microsteps = 0;
  };
  const ReservoirFigures& reservoir() const {
    return reservoir_.valid &&
                   reservoir_.driven_microsteps_since_refill ==
                       state_.driven_microsteps_since_refill &&
                   reservoir_.refill_volume_nl == therapy_.refill_volume_nl &&
                   reservoir_.has_drug == therapy_.has_drug
               ? reservoir_
               : update_reservoir();
  }
  const ReservoirFigures& update_reservoir() const;
  // Steps the next basal or bolus stroke (or its retry) waits for: the minimum, or what the
  // reservoir has left above its minimum if that is less (so it still empties to the last
  // step).
  uint32_t stroke_steps() const;
  uint8_t ptm_boluses_in_last_day(uint64_t now_s) const;
  uint64_t next_periodic_slot_s(uint64_t after_rtc_s) const;

  // telemetry commands: each validates everything before changing anything
  uint32_t execute(const Frame& request, uint8_t* response, hal::Ticks now);
  uint32_t execute_open(uint8_t opcode, WireReader& args, uint8_t* response, hal::Ticks now);
  uint32_t execute_authenticated(const Frame& request, uint8_t* response, hal::Ticks now);
  // The therapy commands; commit false: every check, no change (the first step of a dose
  // change, which then waits for its confirmation).
  Refusal run_command(uint8_t opcode, WireReader& args, WireWriter& out, hal::Ticks now,
                      bool commit);
  Refusal cmd_confirm(WireReader& args, WireWriter& out, hal::Ticks now, uint8_t& logged_opcode);
  // Refusals outside an authenticated command, summed into the log (docs/security.md).
  void note_link_refusal(Refusal refusal, hal::Ticks now);
  void flush_link_refusals(hal::Ticks now);
  void log_lockout(uint32_t lockout_s);
  Refusal cmd_interrogate(WireReader& args, WireWriter& out);
  Refusal cmd_read_event_log(WireReader& args, WireWriter& out);
  Refusal cmd_program_therapy(WireReader& args, hal::Ticks now, bool commit);
  Refusal cmd_refill(WireReader& args, hal::Ticks now, bool commit);
  Refusal cmd_clinician_bolus(WireReader& args, hal::Ticks now, bool commit);
  Refusal cmd_ptm_config(WireReader& args, bool commit);
  Refusal cmd_ptm_bolus(WireReader& args, hal::Ticks now);
  Refusal cmd_clock_set(WireReader& args, hal::Ticks now);
  Refusal cmd_alarm_test(WireReader& args, hal::Ticks now);
  Refusal cmd_priming_bolus(WireReader& args, hal::Ticks now, bool commit);
  Refusal cmd_acknowledge_alarms(WireReader& args, hal::Ticks now);
  Refusal check_bolus_rate(uint64_t dose_ng, uint32_t duration_s) const;

  hal::Hal& hal_;
  PumpConfig config_;
  drivers::AsicDriver asic_;
  DoseEngine engine_;
  AlarmTone tone_;
  BatteryMonitor battery_;
  EventLog log_;
  NvmRecord therapy_store_;
  NvmRecord state_store_;
  FrameParser parser_{};
  SecureLink link_;

  TherapyRecord therapy_;
  StateRecord state_;
  hal::ResetCause reset_cause_ = hal::ResetCause::kPowerOn;
  bool nvm_usable_ = false;
  bool reset_requested_ = false;
  uint16_t active_alarms_ = 0;
  uint16_t logged_before_boot_ = 0;  // latched alarms restored at boot, already in the log
  asic::TonePattern tone_pattern_ = asic::TonePattern::kOff;

  // motor
  bool moving_ = false;
  uint16_t move_steps_ = 0;
  uint32_t move_total_before_ = 0;
  hal::Ticks move_deadline_ = 0;
  uint8_t failed_moves_ = 0;
  hal::Ticks next_move_allowed_ = 0;
  bool move_is_prime_ = false;
  uint16_t stall_rise_time_us_ = 0;
  bool move_is_probe_ = false;
  bool probe_retried_ = false;  // the probe under way is the retry of one that failed
  uint8_t failed_probes_ = 0;   // since the stall alarm
  hal::Ticks next_stall_probe_ = 0;

  // time base: what is added to the RTC, and the RTC at the last pass
  hal::Ticks time_base_offset_ = 0;
  hal::Ticks last_pass_raw_ = 0;

  hal::Ticks last_kick_ = 0;
  hal::Ticks next_battery_check_ = 0;
  bool battery_blind_logged_ = false;
  bool loaded_battery_reading_due_ = false;
  hal::Ticks loaded_battery_reading_at_ = 0;  // 0: none under way
  hal::Ticks next_checkpoint_ = 0;
  uint64_t next_periodic_s_ = kNever;
  mutable ReservoirFigures reservoir_{};

  // telemetry: the last answer, resent unchanged if the programmer repeats a sequence number
  bool have_last_response_ = false;
  uint8_t last_sequence_ = 0;
  uint32_t last_response_bytes_ = 0;
  uint8_t last_response_[kMaxFrameBytes] = {};
  // What the UART has not yet accepted of the answer being sent.
  uint8_t transmit_buffer_[kMaxFrameBytes] = {};
  uint32_t transmit_bytes_ = 0;
  uint32_t transmit_sent_ = 0;

  // The dose change validated and waiting for its confirmation (RAM only).
  bool pending_ = false;
  uint32_t pending_counter_ = 0;
  hal::Ticks pending_time_ = 0;
  uint8_t pending_length_ = 0;
  uint8_t pending_payload_[kMaxPayloadBytes] = {};
  // Refusals outside a session not yet in the log, per reason, and the summing window.
  uint16_t refusals_pending_[kRefusalCodes] = {};
  uint32_t refusals_pending_total_ = 0;
  hal::Ticks refusal_window_end_ = 0;
  uint32_t refusal_window_s_ = 0;
};

}  // namespace pumpfw::app
