#include "scenario_run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/crc.h"
#include "app/pump.h"
#include "catalogue.h"
#include "fault_injector.h"
#include "firmware_commands.h"
#include "m0plus_soc.h"
#include "pathway.h"
#include "platform.h"
#include "plot_axes.h"
#include "recorder.h"
#include "report_html.h"
#include "run_link.h"
#include "run_profile.h"
#include "twin/physio/cohort.h"
#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"
#include "units.h"

namespace pumpbench {

namespace {

using nlohmann::json;
using pumptwin::platform::Platform;
using pumptwin::platform::PlatformConfig;
using pumptwin::platform::TelemetryReply;

volatile std::sig_atomic_t g_stop_requested = 0;
constexpr double kPaceSliceS = 0.05;  // wall seconds a paced run sleeps at most at a time
void request_stop(int) {
  g_stop_requested = 1;
}

constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr double kSecondsPerDay = 86400.0;
// The programmer fills and programs the pump once it has booted (500 µs after power-on) and
// settled; the platform tests do the same.
constexpr double kSetupTimeS = 1.0;

PlatformConfig platform_config(const Scenario& scenario, const RunOptions& options) {
  const Setup& setup = scenario.setup;
  PlatformConfig config;
  config.seed = options.seed.value_or(setup.seed);
  config.mode = options.lockstep ? pumptwin::asic::SimulationMode::kLockstep
                                 : pumptwin::asic::SimulationMode::kDecoupled;
  if (options.trace_window_s) {
    config.asic_trace = {
        (std::filesystem::path(options.out_dir) / ("asic." + options.trace_format)).string(),
        sc_core::sc_time(options.trace_window_s->first, sc_core::SC_SEC),
        sc_core::sc_time(options.trace_window_s->second, sc_core::SC_SEC)};
  }
  pumptwin::physio::PatientParameters patient =
      setup.cohort_seed
          ? pumptwin::physio::CohortGenerator(*setup.cohort_seed)
                .patient(setup.cohort_size > 0 ? options.member.value_or(0) : setup.cohort_index)
          : pumptwin::physio::reference_patient(setup.patient);
  if (setup.catheter_tip_level) patient.catheter_tip_level = *setup.catheter_tip_level;
  config.patient.patient = patient;
  config.patient.drug = pumptwin::physio::drug(setup.drug).id;
  config.patient.reservoir_capacity_ml = setup.reservoir_capacity_ul / 1e3;
  config.patient.reservoir_volume_ml = setup.reservoir_fill_ul / 1e3;
  config.patient.reservoir_concentration_ug_per_ml = setup.concentration_ug_per_ml;
  config.patient.catheter.length_cm = setup.catheter_length_cm;
  config.patient.catheter.inner_diameter_mm = setup.catheter_inner_diameter_mm;
  config.patient.catheter.tip_level = patient.catheter_tip_level;
  config.mcu.firmware.calibration_nl_per_full_step =
      static_cast<uint32_t>(std::lround(setup.calibration_nl_per_step));
  config.mcu.firmware.reservoir_capacity_ul =
      static_cast<uint32_t>(std::lround(setup.reservoir_capacity_ul));
  config.mcu.firmware.default_low_reservoir_ul =
      static_cast<uint32_t>(std::lround(setup.low_reservoir_alarm_ul));
  config.power.cell.initial_depth_of_discharge = setup.battery_depth_of_discharge;
  config.body_temperature_c = setup.body_temperature_c;
  return config;
}

// The image's settings are compiled in (main.cpp: PumpConfig{}); a scenario that sets others
// can run on the host build only.
std::string image_conflict(const Scenario& scenario, const pumpfw::app::PumpConfig& wanted) {
  const pumpfw::app::PumpConfig image{};
  const auto differs = [&](const char* field, uint32_t value, uint32_t built, const char* unit) {
    return value == built ? std::string()
                          : scenario.file + ": " + field + ": " + std::to_string(value) + " " +
                                unit + " here, but the firmware image is built for " +
                                std::to_string(built) + " " + unit +
                                " (PumpConfig); run this scenario on the host build";
  };
  for (const std::string& problem :
       {differs("setup.calibration_per_step", wanted.calibration_nl_per_full_step,
                image.calibration_nl_per_full_step, "nL"),
        differs("setup.reservoir.capacity", wanted.reservoir_capacity_ul,
                image.reservoir_capacity_ul, "uL"),
        differs("setup.reservoir.low_alarm", wanted.default_low_reservoir_ul,
                image.default_low_reservoir_ul, "uL")}) {
    if (!problem.empty()) return problem;
  }
  return "";
}

// Which firmware ran: the host build, or an image (its file and SHA-256, and what its core did).
json firmware_json(pumptwin::mcu::Mcu& mcu) {
  const pumptwin::mcu::M0PlusSoc* soc = mcu.image();
  if (soc == nullptr) return {{"build", "host"}};
  const pumptwin::mcu::M0PlusStats stats = soc->stats();
  return {{"build", "image"},
          {"path", soc->image().path},
          {"sha256", soc->image().sha256_hex},
          {"instructions", stats.instructions},
          {"cycles", stats.cycles},
          {"cpu_active_s", static_cast<double>(stats.active_ns) / 1e9},
          {"wfi_sleeps", stats.wfi_sleeps},
          {"faults", stats.faults},
          {"lockups", stats.lockups}};
}

struct FirmwareEvent {
  uint32_t sequence;
  double time_s;  // simulated time, from the firmware's wall-clock stamp
  uint8_t code;
  uint32_t argument;
};

// One entry of the firmware's event log, decoded from the NVM the way the firmware reads it
// (firmware/app/event_log.cpp): sequence, time, argument, code, reserved, CRC-16.
bool read_log_entry(const pumptwin::mcu::Fram& nvm, uint32_t sequence, FirmwareEvent& event,
                    uint32_t& wall_clock_s) {
  using pumpfw::app::EventLog;
  namespace layout = pumpfw::app::nvm_layout;
  uint8_t raw[EventLog::kEntryBytes];
  const uint32_t slot = (sequence - 1) % layout::kEventLogEntries;
  nvm.read(layout::kEventLog + slot * EventLog::kEntryBytes, raw, EventLog::kEntryBytes);
  auto le32 = [&](int at) {
    return static_cast<uint32_t>(raw[at]) | (static_cast<uint32_t>(raw[at + 1]) << 8) |
           (static_cast<uint32_t>(raw[at + 2]) << 16) | (static_cast<uint32_t>(raw[at + 3]) << 24);
  };
  const uint16_t crc = static_cast<uint16_t>(raw[14] | (raw[15] << 8));
  if (pumpfw::app::crc16_ccitt(raw, 14) != crc || le32(0) != sequence) return false;
  event.sequence = sequence;
  wall_clock_s = le32(4);
  event.argument = le32(8);
  event.code = raw[12];
  return true;
}

struct ExpectationState {
  explicit ExpectationState(const Expectation* expectation) : spec(expectation) {}
  const Expectation* spec;
  std::string verdict = "pending";  // pass, fail, not_evaluated
  double time_s = std::numeric_limits<double>::quiet_NaN();
  json measured;
  std::string unit;  // of `measured` when it is a number, as the catalogue writes it
  std::string expected;
  std::string check;
  double delivered_at_from_ul = 0.0;
};

struct AgendaItem {
  double time_s;
  size_t order;
  enum class What { kSnapshot, kEvaluate, kCloseWindow } what;
  size_t expectation;
};

struct ProgramSegment {
  double start_s;
  ProgramSpec program;
};
struct ConcentrationSegment {
  double start_s;
  double concentration_ug_per_ml;
};

double basal_rate_ug_per_day(const ProgramSpec& program, double second_of_day) {
  double rate = 0.0;
  for (const ScheduleStep& step : program.steps) {
    if (step.start_minute * 60.0 <= second_of_day) rate = step.rate_ug_per_day;
  }
  return rate;
}

class ScenarioRun {
 public:
  ScenarioRun(const Scenario& scenario, const RunOptions& options, Platform& platform,
              RunRecorder& recorder)
      : scenario_(scenario), options_(options), platform_(platform), recorder_(recorder) {
    for (const Expectation& expectation : scenario.expectations) {
      states_.emplace_back(&expectation);
    }
    for (size_t i = 0; i < states_.size(); ++i) describe(states_[i]);
    build_agenda();
    std::vector<std::string> names;
    for (const SignalDefinition& signal : signal_catalogue()) names.push_back(signal.name);
    recorder_.signals_header(names);
    concentrations_.push_back({0.0, scenario.setup.concentration_ug_per_ml});
    wall_start_ = std::chrono::steady_clock::now();
  }

  void script() {
    wait_until(kSetupTimeS);
    run_setup();
    if (programmer_ != nullptr && options_.programmer->wait) {
      const auto held_from = std::chrono::steady_clock::now();
      programmer_->hold_until_attached();
      wall_start_ += std::chrono::steady_clock::now() - held_from;  // --realtime, --wall-limit
    }
    double previous_step_s = now_s();
    for (size_t i = 0; i < scenario_.timeline.size(); ++i) {
      const Step& step = scenario_.timeline[i];
      bool condition_met = true;
      if (step.timing == Step::Timing::kAt) {
        wait_until(step.time_s);
      } else if (step.timing == Step::Timing::kAfter) {
        wait_until(previous_step_s + step.time_s);
      } else {
        condition_met = wait_for_condition(step.condition, now_s() + step.condition.within_s);
      }
      previous_step_s = now_s();
      if (!condition_met) {
        record_step(i, step,
                    "condition not met within " +
                        pumptwin::plot::format_duration_exact(step.condition.within_s),
                    "fail");
        continue;
      }
      observe();
      sample_if_due();
      perform(i, step);
    }
    wait_until(scenario_.duration_s);
    observe();
    sample();
    record_snapshot();
    finished_ = true;
    for (ExpectationState& state : states_) {
      if (state.verdict == "pending") close(state);
    }
    write_result();
    if (programmer_ != nullptr && options_.programmer->keep_running) keep_running();
  }

  // --keep-running: the pump goes on, paced, for programmers until interrupted; the verdicts
  // stand, the event log goes on.
  void keep_running() {
    programmer_->pace_always();
    while (g_stop_requested == 0) {
      sc_core::wait(sc_core::sc_time(0.1, sc_core::SC_SEC));
      observe();
    }
  }

  void observer() {
    for (;;) {
      observe();
      sample_if_due();
      observed_.notify();
      if (live_ != nullptr && live_->sync_point(now_s())) live_wake_.notify(sc_core::SC_ZERO_TIME);
      if (g_stop_requested != 0) {
        interrupted_ = true;
        sc_core::sc_stop();
        return;
      }
      pace();
      if (wall_limit_exceeded()) {
        failure_ = "wall-time limit of " + std::to_string(options_.wall_limit_s) +
                   " s exceeded at simulated " + pumptwin::plot::format_duration(now_s());
        sc_core::sc_stop();
        return;
      }
      if (finished_) return;  // the script observes while the pump keeps running
      // Paced, the observer comes back every kPaceSliceS of wall time: its pacing sleeps no
      // longer than that, so the programmer port, the live server and Ctrl-C are served.
      double wait_s = next_sample_s_ - now_s();
      if (options_.realtime_factor > 0.0) {
        wait_s = std::min(wait_s, kPaceSliceS * options_.realtime_factor);
      }
      // At least one resolution step: a sample due in less than that (now_s() is a double, a
      // rounding below the sample's time) would otherwise wait zero time again and again.
      sc_core::wait(std::max(sc_core::sc_time(wait_s, sc_core::SC_SEC),
                             sc_core::sc_get_time_resolution()),
                    platform_.asic.irq.posedge_event() | platform_.asic.tone.value_changed_event());
    }
  }

  // Why the run stopped itself as a failure (empty: it did not).
  const std::string& failure() const { return failure_; }

  // --serve: the live link's process performs the clients' actions and paces the run.
  void attach_live(pumptwin::live::RunLink* live) { live_ = live; }
  bool fault_injected(const std::string& name) const { return injector_.injected(name); }
  void attach_programmer(pumptwin::mcu::TelemetryTcpBridge* port) { programmer_ = port; }
  // A driver (the clinical pathway, run_driver.h) decides steps as the run goes; they are
  // performed as the timeline's are.
  void attach_driver(RunDriver* driver) { driver_ = driver; }
  void driver_process() {
    for (;;) {
      const double wake_s = driver_->next_wake_s();
      if (!(wake_s < scenario_.duration_s)) return;
      wait_until_exact(wake_s);
      if (finished_) return;
      observe();
      sample_if_due();
      const std::vector<double> values = sample_values();
      const std::vector<SignalDefinition>& catalogue = signal_catalogue();
      RunView view;
      // The time asked for: the kernel's nanoseconds may round it down by less than one.
      view.time_s = std::max(now_s(), wake_s);
      view.signal = [&](const std::string& name) {
        for (size_t i = 0; i < catalogue.size(); ++i) {
          if (catalogue[i].name == name) return values[i];
        }
        throw std::invalid_argument("run driver: unknown signal '" + name + "'");
      };
      view.alarm_bits = last_alarm_bits_;
      for (const Step& step : driver_->wake(view)) {
        perform(std::nullopt, step);
        driver_->answered(step, steps_.back()["answer"].get<std::string>());
      }
    }
  }
  void live_process() {
    for (;;) {
      double wake_after_s = 0.0;
      for (const pumptwin::live::LiveAction& action : live_->next(now_s(), wake_after_s)) {
        observe();
        sample_if_due();
        perform(std::nullopt, action.step);
        live_->performed(action, steps_.back()["answer"].get<std::string>());
      }
      if (wake_after_s > 0.0) {
        sc_core::wait(sc_core::sc_time(wake_after_s, sc_core::SC_SEC), live_wake_);
      } else {
        sc_core::wait(live_wake_);
      }
    }
  }

  // After the simulation: verdicts of what could not be decided, figures, reports.
  int finish(const std::string& error) {
    if (!error.empty()) {
      error_ = error;
      recorder_.event(now_s(), "bench", "simulation failed: " + error);
    }
    for (ExpectationState& state : states_) {
      if (state.verdict == "pending") state.verdict = "not_evaluated";
    }
    const json result = write_result();
    // The mode is not in result.json: lockstep and decoupled runs must give the same file.
    json report_input = result;
    report_input["mode"] = options_.lockstep ? "lockstep" : "decoupled";
    write_run_report(recorder_.out_dir(), report_input, scenario_);
    if (!options_.quiet) print_summary(report_input);
    if (!error_.empty()) return kExitSimulationFailed;
    if (interrupted_) return kExitInterrupted;
    if (result["status"] == "known_gap") return kExitKnownGap;
    return result["status"] == "passed" ? kExitPassed : kExitFailed;
  }

 private:
  static double now_s() { return sc_core::sc_time_stamp().to_seconds(); }

  static void wait_until_exact(double time_s) {
    const auto target_ns = static_cast<uint64_t>(std::llround(time_s * 1e9));
    const uint64_t now_ns = sc_core::sc_time_stamp().value();
    if (target_ns > now_ns) {
      sc_core::wait(sc_core::sc_time(static_cast<double>(target_ns - now_ns), sc_core::SC_NS));
    }
  }

  // Waits until `deadline_s` or until `condition` holds (checked whenever the observer has
  // looked at the pump), evaluating the expectations that fall due meanwhile.
  bool wait_for(double deadline_s, const std::function<bool()>& condition) {
    for (;;) {
      if (condition && condition()) return true;
      const double agenda_s = next_agenda_ < agenda_.size() ? agenda_[next_agenda_].time_s : kNever;
      if (agenda_s <= now_s()) {
        run_agenda_item(agenda_[next_agenda_++]);
        continue;
      }
      if (now_s() >= deadline_s) return false;
      const double until_s = std::min(agenda_s, deadline_s);
      if (condition) {
        const auto target_ns = static_cast<uint64_t>(std::llround(until_s * 1e9));
        sc_core::wait(
            sc_core::sc_time(static_cast<double>(target_ns - sc_core::sc_time_stamp().value()),
                             sc_core::SC_NS),
            observed_);
      } else {
        wait_until_exact(until_s);
      }
    }
  }
  void wait_until(double time_s) { wait_for(time_s, nullptr); }

  bool wait_for_condition(const StepCondition& condition, double deadline_s) {
    return wait_for(deadline_s, [&] {
      if (!condition.alarm.empty()) return (alarm_bits() & *alarm_bit(condition.alarm)) != 0;
      const double value = signal_value(condition.signal);
      return condition.above ? value > *condition.above : value < *condition.below;
    });
  }

  // --- the pump and the patient, as seen from the bench ---

  uint16_t alarm_bits() {
    if (const auto status = platform_.mcu.firmware_status()) last_alarm_bits_ = status->active_alarms;
    return last_alarm_bits_;
  }

  std::vector<double> sample_values() {
    if (const auto status = platform_.mcu.firmware_status())
      firmware_reservoir_ml_ = static_cast<double>(status->reservoir_volume_nl) / 1e6;
    // Values as of this instant whichever process the kernel ran first here (the lockstep
    // ASIC thread, a power update): both evaluation modes record the same.
    platform_.asic.bring_to_now();
    const pumptwin::power::PowerSupply::Reading battery =
        platform_.power.reading_now(platform_.body_temperature_c());
    std::vector<double> values = {battery.terminal_v,
                                  battery.depth_of_discharge,
                                  platform_.drive_train.displaced_volume_ul(),
                                  firmware_reservoir_ml_,
                                  static_cast<double>(alarm_bits()),
                                  platform_.body_temperature_c(),
                                  platform_.drive_train.motor().peak_phase_current_a() * 1e3};
    const std::vector<double> patient = platform_.patient.sample();
    values.insert(values.end(), patient.begin(), patient.end());
    return values;
  }

  double signal_value(const std::string& name) {
    const std::vector<SignalDefinition>& catalogue = signal_catalogue();
    const std::vector<double> values = sample_values();
    for (size_t i = 0; i < catalogue.size(); ++i) {
      if (catalogue[i].name == name) return values[i];
    }
    return std::numeric_limits<double>::quiet_NaN();
  }

  // New entries of the firmware's event log, and invariants on alarms.
  // The periodic sample due now, taken once by whichever process comes first at its instant:
  // the observer, or the script or a live client before a step, so a sample shows the pump
  // before that instant's step in both evaluation modes. The last sample, at the end of the
  // run, is the script's.
  void sample_if_due() {
    if (now_s() >= next_sample_s_ && now_s() < scenario_.duration_s) {
      sample();
      next_sample_s_ += scenario_.setup.sample_period_s;
      show_progress();
    }
  }

  // snapshots.jsonl: the state at most once per kSnapshotPeriodS of samples, after each step
  // and at the end. The ASIC's evaluation counters are left out: they differ between lockstep
  // and decoupled mode, the recorded files must not.
  void record_snapshot() {
    json state = pumptwin::live::state_snapshot(platform_, scenario_, now_s(), last_sample_);
    for (const char* counter : {"core_cycles", "always_on_edges", "sync_points"}) {
      state["asic"].erase(counter);
    }
    recorder_.snapshot(state);
    next_snapshot_s_ = now_s() + kSnapshotPeriodS;
  }

  void observe() {
    const double now = now_s();
    // The observer wakes at the end of every move: each stroke is recorded at its time.
    if (platform_.strokes() != recorded_strokes_) {
      recorded_strokes_ = platform_.strokes();
      recorder_.stroke(now, platform_.stroke_volume_ul());
    }
    if (const auto status = platform_.mcu.firmware_status())
      clock_offset_s_ = now - status->wall_clock_s;
    // A torn write spoils one entry; the ones after it are still read.
    for (;;) {
      FirmwareEvent event{};
      uint32_t stamp_s = 0;
      uint32_t skipped = 0;
      while (skipped < 4 &&
             !read_log_entry(platform_.mcu.nvm(), next_sequence_ + skipped, event, stamp_s)) {
        ++skipped;
      }
      if (skipped == 4) break;
      for (uint32_t lost = 0; lost < skipped; ++lost) {
        recorder_.event(now, "firmware",
                        "seq=" + std::to_string(next_sequence_ + lost) + " unreadable");
      }
      event.time_s = std::min(now, stamp_s + clock_offset_s_);
      next_sequence_ = event.sequence + 1;
      events_.push_back(event);
      recorder_.event(event.time_s, "firmware", describe_event(event));
    }
    const uint16_t bits = alarm_bits();
    for (ExpectationState& state : states_) {
      const Expectation& spec = *state.spec;
      if (spec.kind != Expectation::Kind::kNeverAlarm || state.verdict != "pending") continue;
      const uint16_t bit = *alarm_bit(spec.alarm);
      const double to_s = spec.to_s.value_or(kNever);
      for (const FirmwareEvent& event : events_) {
        if (event.code == static_cast<uint8_t>(pumpfw::app::EventCode::kAlarmRaised) &&
            (1u << event.argument) == bit && event.time_s >= spec.from_s && event.time_s <= to_s) {
          verdict(state, "fail", event.time_s, "raised");
          break;
        }
      }
      if (state.verdict == "pending" && (bits & bit) != 0 && now >= spec.from_s && now <= to_s) {
        verdict(state, "fail", now, "active");
      }
    }
  }

  std::string describe_event(const FirmwareEvent& event) const {
    std::string text = "seq=" + std::to_string(event.sequence) + " " + event_name(event.code);
    using pumpfw::app::EventCode;
    switch (static_cast<EventCode>(event.code)) {
      case EventCode::kAlarmRaised:
      case EventCode::kAlarmCleared:
      case EventCode::kTherapyStopped:
        return text + " alarm=" + alarm_name(event.argument);
      case EventCode::kPtmRefused:
        return text + " reason=" + refusal_name(static_cast<uint8_t>(event.argument));
      default: {
        const std::string detail = event_detail(event.code, event.argument);
        return detail.empty() ? text : text + " " + detail;
      }
    }
  }

  void sample() {
    const double now = now_s();
    const std::vector<double> values = sample_values();
    platform_.drive_train.motor().reset_peak_current();  // max-hold per sample period
    recorder_.signals_row(now, values);
    if (live_ != nullptr) live_->full_sample(now, values);
    last_sample_ = values;
    if (now >= next_snapshot_s_) record_snapshot();
    const std::vector<SignalDefinition>& catalogue = signal_catalogue();
    for (ExpectationState& state : states_) {
      const Expectation& spec = *state.spec;
      if (spec.kind != Expectation::Kind::kSignalBounded || state.verdict != "pending") continue;
      if (now < spec.from_s || now > spec.to_s.value_or(kNever)) continue;
      const size_t column = static_cast<size_t>(
          std::find_if(catalogue.begin(), catalogue.end(),
                       [&](const SignalDefinition& s) { return s.name == spec.signal; }) -
          catalogue.begin());
      const double value = values[column];
      if ((spec.min && value < *spec.min) || (spec.max && value > *spec.max)) {
        verdict(state, "fail", now, value);
      }
    }
  }

  // --- expectations ---

  void describe(ExpectationState& state) {
    const Expectation& spec = *state.spec;
    // Values as the report shows them (plot::format_value): "<= 0.5", ">= 4.5 mL".
    auto bounds = [&](const std::string& unit) {
      state.unit = unit;
      std::string text;
      if (spec.min) text += ">= " + pumptwin::plot::format_value(*spec.min, unit);
      if (spec.min && spec.max) text += " and ";
      if (spec.max) text += "<= " + pumptwin::plot::format_value(*spec.max, unit);
      return text;
    };
    const std::string window =
        "from " + pumptwin::plot::format_duration(spec.from_s) + " to " +
        (spec.to_s ? pumptwin::plot::format_duration(*spec.to_s) : std::string("the end"));
    switch (spec.kind) {
      case Expectation::Kind::kSignalAt:
        state.check = spec.signal + " at " + pumptwin::plot::format_duration(spec.at_s);
        state.expected = bounds(find_signal(spec.signal)->unit);
        break;
      case Expectation::Kind::kSignalBounded:
        state.check = spec.signal + " " + window + " (at each sample)";
        state.expected = bounds(find_signal(spec.signal)->unit);
        break;
      case Expectation::Kind::kAlarmAt:
        state.check = "alarm " + spec.alarm + " at " + pumptwin::plot::format_duration(spec.at_s);
        state.expected = spec.alarm_active ? "active" : "not active";
        break;
      case Expectation::Kind::kEventBy:
        state.check =
            "firmware event " + spec.event + " by " + pumptwin::plot::format_duration(spec.at_s);
        state.expected = (spec.at_least ? "at least " + std::to_string(*spec.at_least) : "") +
                         (spec.at_least && spec.at_most ? ", " : "") +
                         (spec.at_most ? "at most " + std::to_string(*spec.at_most) : "");
        break;
      case Expectation::Kind::kDelivered:
        state.check = "delivered volume " + window;
        state.unit = "uL";
        state.expected = "programme +/- " +
                         (spec.tolerance_ul > 0.0
                              ? pumptwin::plot::format_value(spec.tolerance_ul, "uL")
                              : pumptwin::plot::format_value(spec.tolerance_fraction * 100, "%"));
        break;
      case Expectation::Kind::kNeverAlarm:
        state.check = "alarm " + spec.alarm + " never raised " + window;
        state.expected = "never";
        break;
    }
  }

  void build_agenda() {
    for (size_t i = 0; i < states_.size(); ++i) {
      const Expectation& spec = *states_[i].spec;
      switch (spec.kind) {
        case Expectation::Kind::kSignalAt:
        case Expectation::Kind::kAlarmAt:
        case Expectation::Kind::kEventBy:
          agenda_.push_back({spec.at_s, agenda_.size(), AgendaItem::What::kEvaluate, i});
          break;
        case Expectation::Kind::kDelivered:
          agenda_.push_back({spec.from_s, agenda_.size(), AgendaItem::What::kSnapshot, i});
          agenda_.push_back({*spec.to_s, agenda_.size(), AgendaItem::What::kEvaluate, i});
          break;
        case Expectation::Kind::kSignalBounded:
        case Expectation::Kind::kNeverAlarm:
          if (spec.to_s) {
            agenda_.push_back({*spec.to_s, agenda_.size(), AgendaItem::What::kCloseWindow, i});
          }
          break;
      }
    }
    std::sort(agenda_.begin(), agenda_.end(), [](const AgendaItem& a, const AgendaItem& b) {
      return a.time_s != b.time_s ? a.time_s < b.time_s : a.order < b.order;
    });
  }

  void run_agenda_item(const AgendaItem& item) {
    ExpectationState& state = states_[item.expectation];
    const Expectation& spec = *state.spec;
    observe();
    const double now = now_s();
    switch (item.what) {
      case AgendaItem::What::kSnapshot:
        state.delivered_at_from_ul = platform_.patient.twin().delivered_volume_ul();
        return;
      case AgendaItem::What::kCloseWindow:
        if (spec.kind == Expectation::Kind::kSignalBounded) sample();
        if (state.verdict == "pending") close(state);
        return;
      case AgendaItem::What::kEvaluate:
        break;
    }
    switch (spec.kind) {
      case Expectation::Kind::kSignalAt: {
        const double value = signal_value(spec.signal);
        const bool ok = !std::isnan(value) && (!spec.min || value >= *spec.min) &&
                        (!spec.max || value <= *spec.max);
        verdict(state, ok ? "pass" : "fail", now, value);
        break;
      }
      case Expectation::Kind::kAlarmAt: {
        const bool active = (alarm_bits() & *alarm_bit(spec.alarm)) != 0;
        verdict(state, active == spec.alarm_active ? "pass" : "fail", now,
                active ? "active" : "not active");
        break;
      }
      case Expectation::Kind::kEventBy: {
        const uint8_t code = *event_code(spec.event);
        const auto count = static_cast<uint32_t>(std::count_if(
            events_.begin(), events_.end(),
            [&](const FirmwareEvent& event) { return event.code == code && event.time_s <= now; }));
        const bool ok = (!spec.at_least || count >= *spec.at_least) &&
                        (!spec.at_most || count <= *spec.at_most);
        verdict(state, ok ? "pass" : "fail", now, count);
        break;
      }
      case Expectation::Kind::kDelivered: {
        const double measured_ul =
            platform_.patient.twin().delivered_volume_ul() - state.delivered_at_from_ul;
        const double programme_ul = programme_volume_ul(spec.from_s, now);
        // The pump delivers whole strokes while the programme accrues continuously: a window's
        // edges cut at most one stroke, whatever the patient, so the check allows it on top of
        // the tolerance written.
        const double stroke_ul = pumpfw::app::PumpConfig{}.min_full_steps_per_stroke *
                                 scenario_.setup.calibration_nl_per_step / 1000.0;
        const double written_ul =
            spec.tolerance_ul > 0.0 ? spec.tolerance_ul : spec.tolerance_fraction * programme_ul;
        const double tolerance_ul = written_ul + stroke_ul;
        auto volume = [](double ul) { return pumptwin::plot::format_value(ul, "uL"); };
        state.expected = volume(programme_ul) + " +/- " + volume(tolerance_ul) + " (programme; " +
                         volume(written_ul) + " and one " + volume(stroke_ul) + " stroke)";
        verdict(state, std::fabs(measured_ul - programme_ul) <= tolerance_ul ? "pass" : "fail", now,
                measured_ul);
        break;
      }
      case Expectation::Kind::kSignalBounded:
      case Expectation::Kind::kNeverAlarm:
        break;
    }
  }

  // An invariant whose window has ended without a violation.
  void close(ExpectationState& state) {
    const Expectation& spec = *state.spec;
    if (spec.kind == Expectation::Kind::kSignalBounded ||
        spec.kind == Expectation::Kind::kNeverAlarm) {
      verdict(state, "pass", now_s(),
              spec.kind == Expectation::Kind::kNeverAlarm ? json("never raised")
                                                          : json("within bounds at every sample"));
    }
  }

  void verdict(ExpectationState& state, const std::string& raw_verdict, double time_s,
               const json& measured) {
    // A known gap (docs/hazards.md): its failure is the documented hazard; a pass means the gap
    // is closed and the scenario must be updated.
    std::string verdict = raw_verdict;
    if (!state.spec->known_gap.empty()) {
      verdict = raw_verdict == "fail" ? "known_gap" : "fail";
      if (raw_verdict == "pass") {
        state.expected +=
            " (a known gap that passed: remove known_gap and update scenarios/hazards.yaml)";
      }
    }
    // A harm check: the hazard happening is what it shows, never a pass; its absence means the
    // scenario no longer shows its hazard.
    if (state.spec->harm) {
      verdict = raw_verdict == "pass" ? "hazard_reproduced" : "fail";
      if (raw_verdict == "fail") {
        state.expected += " (the hazard " + scenario_.reproduces->hazard +
                          " was not reproduced: update the scenario and scenarios/hazards.yaml)";
      }
    }
    state.verdict = verdict;
    state.time_s = time_s;
    state.measured = measured;
    recorder_.event(time_s, "bench",
                    "expectation " + state.spec->id + " [" + state.spec->requirement + "] " +
                        verdict + ": " + state.check + ", measured " +
                        (measured.is_number()   ? format_number(measured.get<double>())
                         : measured.is_string() ? measured.get<std::string>()
                                                : measured.dump()));
    write_result();
  }

  // What the programme sent to the pump should have delivered in [from, to): the basal
  // schedules in force (by the pump's clock, which starts with the simulation), and every
  // bolus the firmware logged as started, at the concentration the pump was told.
  double programme_volume_ul(double from_s, double to_s) const {
    auto concentration_at = [&](double time_s) {
      double concentration = concentrations_.front().concentration_ug_per_ml;
      for (const ConcentrationSegment& segment : concentrations_) {
        if (segment.start_s <= time_s) concentration = segment.concentration_ug_per_ml;
      }
      return concentration;
    };
    double volume_ul = 0.0;
    for (size_t i = 0; i < programs_.size(); ++i) {
      const double start_s = std::max(from_s, programs_[i].start_s);
      const double end_s =
          std::min(to_s, i + 1 < programs_.size() ? programs_[i + 1].start_s : kNever);
      for (double t = start_s; t < end_s;) {
        double next = std::min(end_s, std::floor(t / 60.0) * 60.0 + 60.0);
        for (const ConcentrationSegment& segment : concentrations_) {
          if (segment.start_s > t && segment.start_s < next) next = segment.start_s;
        }
        const double rate =
            basal_rate_ug_per_day(programs_[i].program, std::fmod(t, kSecondsPerDay));
        volume_ul += rate * (next - t) / kSecondsPerDay / concentration_at(t) * 1e3;
        t = next;
      }
    }
    using pumpfw::app::EventCode;
    for (const FirmwareEvent& event : events_) {
      if (event.time_s < from_s || event.time_s >= to_s) continue;
      const auto code = static_cast<EventCode>(event.code);
      if (code == EventCode::kClinicianBolus || code == EventCode::kPtmBolus ||
          code == EventCode::kPeriodicBolus) {
        volume_ul += event.argument / concentration_at(event.time_s);
      } else if (code == EventCode::kPrimingBolus || code == EventCode::kBridgingBolus) {
        volume_ul += event.argument / 1e3;
      }
    }
    return volume_ul;
  }

  // --- the timeline ---

  std::string answer_text(const TelemetryReply& reply) const {
    if (!reply.received) return "no answer";
    if (reply.accepted()) return "accepted";
    return "refused: " + refusal_name(reply.refusal);
  }

  // `index` is the step's place in the timeline; the setup's commands have none.
  void record_step(std::optional<size_t> index, const Step& step, const std::string& answer,
                   const std::string& verdict) {
    // The firmware's own log of the command goes first.
    observe();
    json record = {{"index", index ? json(*index) : json()},
                   {"line", step.location.line},
                   {"action", step.action_name},
                   {"time_s", now_s()},
                   {"answer", answer},
                   {"expect", step.expect_answer},
                   {"verdict", verdict},
                   {"requirement", step.requirement}};
    steps_.push_back(record);
    record_snapshot();
    recorder_.event(
        now_s(), "bench",
        (index ? "step " + std::to_string(*index) + " " : std::string()) + step.action_name + ": " +
            answer + (verdict == "fail" ? " (FAILED: expected " + step.expect_answer + ")" : ""));
    write_result();
  }

  void record_answer(std::optional<size_t> index, const Step& step, const TelemetryReply& reply) {
    bool ok = true;
    if (step.expect_answer == "accepted") ok = reply.accepted();
    if (step.expect_answer == "refused") ok = reply.received && !reply.accepted();
    record_step(index, step, answer_text(reply), ok ? "pass" : "fail");
  }

  TelemetryReply send(const std::vector<uint8_t>& payload) {
    return platform_.programmer.transact(payload);
  }

  void run_setup() {
    const Setup& setup = scenario_.setup;
    Step refill;
    refill.action_name = "setup refill";
    const DrugInfo* drug = find_drug(setup.drug);
    const TelemetryReply filled = platform_.programmer.refill(
        drug->firmware_id, firmware_whole(setup.concentration_ug_per_ml, UINT32_MAX, "ug/mL"),
        firmware_whole(setup.reservoir_fill_ul, UINT32_MAX, "uL"),
        firmware_whole(setup.low_reservoir_alarm_ul, UINT32_MAX, "uL"));
    record_answer(std::nullopt, refill, filled);
    if (setup.program) {
      Step program;
      program.action_name = "setup program";
      const TelemetryReply reply = send(program_payload(*setup.program));
      if (reply.accepted()) programs_.push_back({now_s(), *setup.program});
      record_answer(std::nullopt, program, reply);
    }
    if (setup.ptm) {
      Step ptm;
      ptm.action_name = "setup ptm_config";
      record_answer(std::nullopt, ptm, send(ptm_payload(*setup.ptm)));
    }
  }

  void perform(std::optional<size_t> index, const Step& step) {
    using pumpfw::app::Command;
    if (const auto* refill = std::get_if<RefillAction>(&step.action)) {
      const std::string drug_name = refill->drug.empty() ? scenario_.setup.drug : refill->drug;
      // The clinician aspirates what is left, then injects the new drug through the septum,
      // or, in a pocket fill, into the tissue around the pump.
      // Refill faults armed in the timeline (twin/faults): a pocket fill, a syringe of another
      // strength, more than the reservoir holds (the excess is forced into the pocket).
      const pumptwin::faults::RefillFault armed = injector_.take_refill_fault();
      const double actual_ug_per_ml = refill->concentration_ug_per_ml * armed.concentration_factor;
      const double capacity_ul = scenario_.setup.reservoir_capacity_ul;
      const double syringe_ul = refill->volume_ul + armed.excess_fraction_of_capacity * capacity_ul;
      const double into_reservoir_ul = std::min(syringe_ul, capacity_ul);
      const bool pocket = refill->pocket_fill || armed.pocket;
      platform_.patient.empty_reservoir();
      platform_.patient.refill((pocket ? syringe_ul : into_reservoir_ul) / 1e3, actual_ug_per_ml,
                               pocket ? pumptwin::fluid::RefillRoute::kPocket
                                      : pumptwin::fluid::RefillRoute::kReservoir);
      if (!pocket && syringe_ul > into_reservoir_ul) {
        platform_.patient.refill((syringe_ul - into_reservoir_ul) / 1e3, actual_ug_per_ml,
                                 pumptwin::fluid::RefillRoute::kPocket);
      }
      const TelemetryReply reply = platform_.programmer.refill(
          find_drug(drug_name)->firmware_id,
          firmware_whole(refill->concentration_ug_per_ml, UINT32_MAX, "ug/mL"),
          static_cast<uint32_t>(std::lround(syringe_ul)),
          static_cast<uint32_t>(std::lround(
              refill->low_reservoir_alarm_ul.value_or(scenario_.setup.low_reservoir_alarm_ul))),
          static_cast<uint16_t>(std::lround(refill->bridge_volume_ul)));
      if (reply.accepted()) concentrations_.push_back({now_s(), refill->concentration_ug_per_ml});
      record_answer(index, step, reply);
    } else if (const auto* program = std::get_if<ProgramAction>(&step.action)) {
      const TelemetryReply reply = send(program_payload(program->program));
      if (reply.accepted()) programs_.push_back({now_s(), program->program});
      record_answer(index, step, reply);
    } else if (const auto* bolus = std::get_if<ClinicianBolusAction>(&step.action)) {
      record_answer(index, step,
                    send(clinician_bolus_payload(bolus->dose_ug, bolus->duration_minutes)));
    } else if (const auto* ptm = std::get_if<PtmConfigAction>(&step.action)) {
      record_answer(index, step, send(ptm_payload(ptm->ptm)));
    } else if (std::holds_alternative<PtmPressAction>(step.action)) {
      record_answer(index, step, send(command_payload(Command::kPtmBolus)));
    } else if (const auto* prime = std::get_if<PrimingBolusAction>(&step.action)) {
      record_answer(
          index, step,
          platform_.programmer.priming_bolus(static_cast<uint16_t>(std::lround(prime->volume_ul))));
    } else if (const auto* acknowledge = std::get_if<AcknowledgeAlarmsAction>(&step.action)) {
      record_answer(index, step, platform_.programmer.acknowledge_alarms(acknowledge->alarm_bits));
    } else if (std::holds_alternative<AlarmTestAction>(step.action)) {
      record_answer(index, step, send(command_payload(Command::kAlarmTest)));
    } else if (std::holds_alternative<InterrogateAction>(step.action)) {
      pumptwin::platform::PumpStatus status;
      const TelemetryReply reply = platform_.programmer.interrogate(status);
      if (reply.accepted()) {
        recorder_.event(now_s(), "bench",
                        "interrogate alarms=" + std::to_string(status.alarms) +
                            " reservoir_nl=" + std::to_string(status.reservoir_nl) +
                            " battery_mv=" + std::to_string(status.battery_mv) +
                            " undriven_microsteps=" + std::to_string(status.undriven_microsteps) +
                            " ptm_last_day=" + std::to_string(status.ptm_last_day));
      }
      record_answer(index, step, reply);
    } else if (const auto* checkpoint = std::get_if<CheckpointAction>(&step.action)) {
      observe();
      recorder_.event(
          now_s(), "bench",
          "checkpoint " + checkpoint->label +
              ": delivered_ul=" + format_number(platform_.patient.twin().delivered_volume_ul()) +
              " reservoir_ml=" + format_number(platform_.patient.twin().reservoir().volume_ml()) +
              " battery_v=" + format_number(platform_.power.terminal_v()) +
              " alarms=" + std::to_string(alarm_bits()));
      record_step(index, step, "done", "pass");
    } else if (const auto* fault = std::get_if<InjectFaultAction>(&step.action)) {
      inject(*fault);
      record_step(index, step, "injected " + fault->fault, "pass");
    } else if (const auto* clear = std::get_if<ClearFaultAction>(&step.action)) {
      clear_fault(clear->fault);
      record_step(index, step, "cleared " + clear->fault, "pass");
    }
  }

  void inject(const InjectFaultAction& fault) {
    injector_.inject({fault.fault, fault.values, fault.text});
  }

  void clear_fault(const std::string& name) { injector_.clear(name); }

  // --- results ---

  json figures() {
    const auto& twin = platform_.patient.twin();
    const pumptwin::power::PowerSupply::Reading battery =
        platform_.power.reading_now(platform_.body_temperature_c());
    std::vector<std::string> raised;
    uint32_t ptm_granted = 0;
    uint32_t ptm_refused = 0;
    using pumpfw::app::EventCode;
    for (const FirmwareEvent& event : events_) {
      if (event.code == static_cast<uint8_t>(EventCode::kAlarmRaised)) {
        raised.push_back(alarm_name(event.argument) + " at " +
                         pumptwin::plot::format_duration(event.time_s));
      }
      if (event.code == static_cast<uint8_t>(EventCode::kPtmBolus)) ++ptm_granted;
      if (event.code == static_cast<uint8_t>(EventCode::kPtmRefused)) ++ptm_refused;
    }
    return {{"delivered_volume_ul", twin.delivered_volume_ul()},
            {"displaced_volume_ul", platform_.drive_train.displaced_volume_ul()},
            {"strokes", platform_.strokes()},
            {"reservoir_volume_ml", twin.reservoir().volume_ml()},
            {"firmware_reservoir_volume_ml", firmware_reservoir_ml_},
            {"battery_terminal_v", battery.terminal_v},
            {"battery_drawn_mah", battery.drawn_mah},
            {"firmware_events", events_.size()},
            {"alarms_raised", raised},
            {"ptm_boluses_granted", ptm_granted},
            {"ptm_presses_refused", ptm_refused},
            {"mcu_boots", platform_.mcu.boots()},
            {"mcu_wake_ups", platform_.mcu.wake_ups()},
            {"spi_frames", platform_.mcu.spi_frames()}};
  }

  json all_figures() {
    json all = figures();
    if (driver_ != nullptr) all.update(driver_->figures());
    return all;
  }

  json write_result() {
    bool all_held = true;
    json known_gaps = json::array();
    json expectations = json::array();
    for (const ExpectationState& state : states_) {
      if (state.verdict == "known_gap") {
        known_gaps.push_back(state.spec->requirement + " " + state.spec->id + ": " +
                             state.spec->known_gap);
      } else if (state.verdict == "hazard_reproduced") {
        const std::string reason = "hazard " + scenario_.reproduces->hazard +
                                   " reproduced: " + scenario_.reproduces->residual_risk;
        if (std::find(known_gaps.begin(), known_gaps.end(), reason) == known_gaps.end()) {
          known_gaps.push_back(reason);
        }
      } else if (state.verdict != "pass") {
        all_held = false;
      }
      expectations.push_back({{"id", state.spec->id},
                              {"requirement", state.spec->requirement},
                              {"hazard", state.spec->harm ? scenario_.reproduces->hazard : ""},
                              {"description", state.spec->description},
                              {"known_gap", state.spec->known_gap},
                              {"check", state.check},
                              {"expected", state.expected},
                              {"verdict", state.verdict},
                              {"time_s", std::isnan(state.time_s) ? json() : json(state.time_s)},
                              {"measured", state.measured},
                              {"unit", state.unit},
                              {"line", state.spec->location.line}});
    }
    for (const json& step : steps_) {
      if (step["verdict"] != "pass") all_held = false;
    }
    // Exactly one of passed, failed, known_gap (every check held but a residual risk shows),
    // error; a run not finished is running or interrupted.
    std::string status = "running";
    if (!error_.empty()) {
      status = "error";
    } else if (interrupted_) {
      status = "interrupted";
    } else if (finished_) {
      status = !all_held ? "failed" : known_gaps.empty() ? "passed" : "known_gap";
    }
    json result = {{"scenario", scenario_.name},
                   {"description", scenario_.description},
                   {"file", scenario_.file},
                   {"requirements", scenario_.requirements},
                   {"tags", scenario_.tags},
                   {"seed", options_.seed.value_or(scenario_.setup.seed)},
                   {"cohort_member",
                    scenario_.setup.cohort_size > 0 ? json(options_.member.value_or(0)) : json()},
                   {"status", status},
                   {"known_gaps", known_gaps},
                   {"simulated_s", now_s()},
                   {"duration_s", scenario_.duration_s},
                   {"expectations", expectations},
                   {"steps", steps_},
                   {"figures", all_figures()},
                   {"firmware", firmware_json(platform_.mcu)}};
    if (!error_.empty()) result["error"] = error_;
    if (driver_ != nullptr) result[driver_->report_key()] = driver_->report();
    recorder_.write_result(result);
    return result;
  }

  void print_summary(const json& result) const {
    if (progress_shown_) std::fputc('\n', stderr);
    std::printf("%s: %s (%s simulated, seed %s, %s)\n", scenario_.name.c_str(),
                result["status"].get<std::string>().c_str(),
                pumptwin::plot::format_duration(now_s()).c_str(), result["seed"].dump().c_str(),
                result["mode"].get<std::string>().c_str());
    for (const json& expectation : result["expectations"]) {
      const json& measured = expectation["measured"];
      const std::string trace = expectation["requirement"].get<std::string>().empty()
                                    ? "harm " + expectation["hazard"].get<std::string>()
                                    : expectation["requirement"].get<std::string>();
      std::printf("  %-5s %-14s %-6s %s: measured %s, expected %s\n",
                  expectation["verdict"].get<std::string>().c_str(), trace.c_str(),
                  expectation["id"].get<std::string>().c_str(),
                  expectation["check"].get<std::string>().c_str(),
                  measured.is_number() ? pumptwin::plot::format_value(measured.get<double>(),
                                                                      expectation.value("unit", ""))
                                             .c_str()
                  : measured.is_string() ? measured.get<std::string>().c_str()
                                         : "-",
                  expectation["expected"].get<std::string>().c_str());
    }
    for (const json& reason : result["known_gaps"]) {
      std::printf("  NOT A PASS: accepted residual risk: %s\n", reason.get<std::string>().c_str());
    }
    for (const json& step : result["steps"]) {
      if (step["verdict"] == "pass") continue;
      std::printf("  fail  step at line %d (%s): %s, expected %s\n", step["line"].get<int>(),
                  step["action"].get<std::string>().c_str(),
                  step["answer"].get<std::string>().c_str(),
                  step["expect"].get<std::string>().c_str());
    }
    std::printf("  figures:");
    for (const auto& [name, value] : result["figures"].items()) {
      if (value.is_array()) continue;
      std::printf(
          " %s=%s", name.c_str(),
          value.is_number() ? format_number(value.get<double>()).c_str() : value.dump().c_str());
    }
    std::printf(
        "\n  alarms raised: %s\n  outputs: %s/{result.json,events.log,signals.csv,report.html}\n",
        result["figures"]["alarms_raised"].empty()
            ? "none"
            : result["figures"]["alarms_raised"].dump().c_str(),
        recorder_.out_dir().c_str());
    if (result.contains("error")) {
      std::printf("  error: %s\n", result["error"].get<std::string>().c_str());
    }
  }

  // A progress line on a terminal only, never in the recorded outputs.
  void show_progress() {
    if (options_.quiet || isatty(STDERR_FILENO) == 0) return;
    const int percent = static_cast<int>(100.0 * now_s() / scenario_.duration_s);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    progress_shown_ = true;
    std::fprintf(stderr, "\r  %s: %s of %s (%d %%)   ", scenario_.name.c_str(),
                 pumptwin::plot::format_duration(now_s()).c_str(),
                 pumptwin::plot::format_duration(scenario_.duration_s).c_str(), percent);
    std::fflush(stderr);
  }

  // --realtime: the bench, and only the bench, looks at the wall clock to keep pace.
  bool wall_limit_exceeded() const {
    return options_.wall_limit_s > 0.0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count() >
               options_.wall_limit_s;
  }

  void pace() const {
    if (options_.realtime_factor <= 0.0) return;
    auto due = wall_start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(now_s() / options_.realtime_factor));
    // Never sleep past the wall-time budget: the limit is checked when pacing returns.
    if (options_.wall_limit_s > 0.0) {
      due = std::min(due,
                     wall_start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(options_.wall_limit_s)));
    }
    while (std::chrono::steady_clock::now() < due && g_stop_requested == 0) {
      std::this_thread::sleep_until(
          std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  Platform& platform_;
  RunRecorder& recorder_;
  std::vector<ExpectationState> states_;
  std::vector<AgendaItem> agenda_;
  size_t next_agenda_ = 0;
  json steps_ = json::array();
  std::vector<FirmwareEvent> events_;
  uint32_t next_sequence_ = 1;
  double clock_offset_s_ = 0.0;
  uint16_t last_alarm_bits_ = 0;
  double firmware_reservoir_ml_ = std::numeric_limits<double>::quiet_NaN();
  std::vector<ProgramSegment> programs_;
  std::vector<ConcentrationSegment> concentrations_;
  sc_core::sc_event observed_{"pumpbench_observed"};
  std::vector<double> last_sample_;
  double next_snapshot_s_ = 0.0;
  static constexpr double kSnapshotPeriodS = 3600.0;
  uint64_t recorded_strokes_ = 0;
  bool finished_ = false;
  bool interrupted_ = false;
  std::string failure_;
  std::string error_;
  int last_percent_ = -1;
  bool progress_shown_ = false;
  std::chrono::steady_clock::time_point wall_start_;
  double next_sample_s_ = 0.0;
  pumptwin::live::RunLink* live_ = nullptr;
  pumptwin::mcu::TelemetryTcpBridge* programmer_ = nullptr;
  RunDriver* driver_ = nullptr;
  sc_core::sc_event live_wake_{"pumpbench_live_wake"};
  pumptwin::faults::FaultInjector injector_{platform_,
                                            options_.seed.value_or(scenario_.setup.seed)};
};

}  // namespace

bool interrupt_requested() {
  return g_stop_requested != 0;
}

void install_interrupt_handler() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

int run_scenario(const Scenario& scenario, const RunOptions& options) {
  // Platform::use_time_resolution() comes first: platform_config() makes sc_time values.
  Platform::use_time_resolution();
  PlatformConfig platform_settings = platform_config(scenario, options);
  if (!options.firmware.empty()) {
    std::string problem;
    platform_settings.mcu.image = pumptwin::mcu::FirmwareImage::load(options.firmware, problem);
    if (problem.empty()) problem = image_conflict(scenario, platform_settings.mcu.firmware);
    if (!platform_settings.mcu.image || !problem.empty()) {
      std::fprintf(stderr, "pumpbench: --firmware: %s\n", problem.c_str());
      return kExitBadInput;
    }
  }
  RunRecorder recorder(options.out_dir);
  if (!recorder.ok()) {
    std::fprintf(stderr, "pumpbench: cannot write outputs in '%s'\n", options.out_dir.c_str());
    return kExitBadInput;
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR,
                                          sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL,
                                          sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  // The platform ends its run with sc_stop(), which SystemC announces; the summary says it.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  Platform platform("platform", platform_settings);
  if (options.gdb) {
    if (platform.mcu.image() == nullptr) {
      std::fprintf(stderr, "pumpbench: --gdb needs --firmware (the host build runs under gdb itself)\n");
      return kExitBadInput;
    }
    const std::string problem =
        platform.mcu.image()->attach_gdb(options.gdb->first, options.gdb->second);
    if (!problem.empty()) {
      std::fprintf(stderr, "pumpbench: --gdb: %s\n", problem.c_str());
      return kExitBadInput;
    }
    std::fprintf(stderr, "gdb: listening on %s:%u\n", options.gdb->first.c_str(),
                 platform.mcu.image()->gdb_port());
  }
  ScenarioRun run(scenario, options, platform, recorder);
  sc_core::sc_spawn([&run] { run.observer(); }, "pumpbench_observer");
  std::unique_ptr<RunDriver> driver;
  if (scenario.pathway) {
    const Setup& setup = scenario.setup;
    driver = make_pathway_driver(
        scenario, platform_settings.patient.patient, options.seed.value_or(setup.seed),
        setup.cohort_size > 0 ? options.member.value_or(0) : setup.cohort_index);
    run.attach_driver(driver.get());
    sc_core::sc_spawn([&run] { run.driver_process(); }, "pumpbench_pathway");
  }
  std::unique_ptr<pumptwin::live::RunLink> live;
  if (options.serve) {
    live = std::make_unique<pumptwin::live::RunLink>(
        *options.serve, scenario, options.seed.value_or(scenario.setup.seed), options.out_dir,
        platform, [] { return g_stop_requested != 0; });
    if (const std::string problem = live->start(); !problem.empty()) {
      std::fprintf(stderr, "pumpbench: --serve: %s\n", problem.c_str());
      return kExitBadInput;
    }
    run.attach_live(live.get());
    live->set_fault_injected([&run](const std::string& name) { return run.fault_injected(name); });
    sc_core::sc_spawn([&run] { run.live_process(); }, "pumpbench_live");
  }
  std::unique_ptr<pumptwin::mcu::TelemetryTcpBridge> programmer;
  if (options.programmer) {
    std::string problem;
    programmer = open_programmer_port(*options.programmer, options.realtime_factor,
                                      platform.mcu.uart, [] { return g_stop_requested != 0; },
                                      problem);
    if (!programmer) {
      std::fprintf(stderr, "pumpbench: --programmer-port: %s\n", problem.c_str());
      return kExitBadInput;
    }
    run.attach_programmer(programmer.get());
  }
  std::string error;
  if (options.profile) start_profile(platform);
  const auto wall_start = std::chrono::steady_clock::now();
  try {
    platform.run([&run] { run.script(); });
  } catch (const sc_core::sc_report& report) {
    error = report.what();
  } catch (const std::exception& exception) {
    error = exception.what();
  }
  if (options.profile) {
    finish_profile(platform,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start)
                       .count(),
                   sc_core::sc_time_stamp().to_seconds(), options.out_dir);
  }
  const int exit_code = run.finish(error.empty() ? run.failure() : error);
  if (live) live->end(sc_core::sc_time_stamp().to_seconds(), exit_code);
  return exit_code;
}

}  // namespace pumpbench
