#include "scenario_run.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "catalogue.h"
#include "expectations.h"
#include "firmware_log.h"
#include "m0plus_soc.h"
#include "pathway.h"
#include "platform.h"
#include "platform_setup.h"
#include "plot_axes.h"
#include "programme_ledger.h"
#include "pump_probe.h"
#include "recorder.h"
#include "report_html.h"
#include "run_link.h"
#include "run_profile.h"
#include "run_result.h"
#include "timeline_steps.h"
#include "wall_pacer.h"

namespace pumpbench {

namespace {

using nlohmann::json;
using pumptwin::platform::Platform;
using pumptwin::platform::PlatformConfig;

constexpr double kNever = std::numeric_limits<double>::infinity();
// The programmer fills and programs the pump once it has booted (500 µs after power-on) and
// settled; the platform tests do the same.
constexpr double kSetupTimeS = 1.0;

double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

void wait_until_exact(double time_s) {
  const auto target_ns = static_cast<uint64_t>(std::llround(time_s * 1e9));
  const uint64_t now_ns = sc_core::sc_time_stamp().value();
  if (target_ns > now_ns) {
    sc_core::wait(sc_core::sc_time(static_cast<double>(target_ns - now_ns), sc_core::SC_NS));
  }
}

// The run loop. The data flow, at every point the simulation stops at:
//   observe  — the firmware's new events (FirmwareLog), strokes, invariants on alarms
//   sample   — a row of signals.csv when one is due (PumpProbe), invariants on signals
//   decide   — the expectations whose instant has come (Expectations' agenda)
//   perform  — the timeline's step, or a live client's (TimelineSteps)
//   report   — result.json after every verdict and step (run_result), the summary at the end
// Three SystemC processes drive it: the script (setup, timeline, end), the observer (wakes at
// every IRQ edge, alarm tone change and sample; paces; stops on Ctrl-C or the wall limit) and,
// served, the live process (performs the clients' actions).
class ScenarioRun : private TimelineSteps::Hooks {
 public:
  ScenarioRun(const Scenario& scenario, const RunOptions& options, Platform& platform,
              RunRecorder& recorder, WallPacer& pacer)
      : scenario_(scenario),
        options_(options),
        platform_(platform),
        recorder_(recorder),
        pacer_(pacer),
        probe_(platform),
        ledger_(scenario.setup.concentration_ug_per_ml),
        expectations_(scenario, {platform, probe_, log_, ledger_}, recorder,
                      [this] { write_result(); }),
        progress_(scenario, options.quiet) {
    std::vector<std::string> names;
    for (const SignalDefinition& signal : signal_catalogue()) names.push_back(signal.name);
    recorder_.signals_header(names);
  }

  void script() {
    wait_until(kSetupTimeS);
    steps_.set_up();
    if (programmer_ != nullptr) {
      programmer_->serve();
      // --realtime and --wall-limit count from the programmer's arrival.
      if (options_.programmer->wait) hold_for_programmer(*programmer_, pacer_);
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
        steps_.record(i, step,
                      "condition not met within " +
                          pumptwin::plot::format_duration_exact(step.condition.within_s),
                      "fail");
        continue;
      }
      observe();
      sample_if_due();
      steps_.perform(i, step);
    }
    wait_until(scenario_.duration_s);
    observe();
    sample();
    record_snapshot();
    outcome_.finished = true;
    expectations_.close_open_windows(now_s());
    write_result();
    if (programmer_ != nullptr && options_.programmer->keep_running) keep_running();
  }

  // --keep-running: the pump goes on, paced, for programmers until interrupted; the verdicts
  // stand, the event log goes on.
  void keep_running() {
    programmer_->pace_always();
    while (!interrupt_requested()) {
      sc_core::wait(sc_core::sc_time(0.1, sc_core::SC_SEC));
      observe();
    }
  }

  // Ctrl-C, seen within InterruptWatch::kPollS of wall time however long the kernel runs
  // between the observer's wake-ups (an unpaced lockstep stretch).
  void interrupt_process() {
    sc_core::wait(interrupt_watch_.interrupted());
    // After the scenario's end (--keep-running) the verdicts stand: only the pump stops.
    if (!outcome_.finished) outcome_.interrupted = true;
    sc_core::sc_stop();
  }

  void observer() {
    for (;;) {
      observe();
      sample_if_due();
      observed_.notify();
      if (live_ != nullptr && live_->sync_point(now_s())) live_wake_.notify(sc_core::SC_ZERO_TIME);
      if (interrupt_requested()) {
        outcome_.interrupted = true;
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
      if (outcome_.finished) return;  // the script observes while the pump keeps running
      // Paced, the observer comes back every kSliceS of wall time: its pacing sleeps no
      // longer than that, so the programmer port, the live server and Ctrl-C are served.
      double wait_s = next_sample_s_ - now_s();
      if (options_.realtime_factor > 0.0) {
        wait_s = std::min(wait_s, WallPacer::kSliceS * options_.realtime_factor);
      }
      // At least one resolution step: a sample due in less than that (now_s() is a double, a
      // rounding below the sample's time) would otherwise wait zero time again and again.
      sc_core::wait(
          std::max(sc_core::sc_time(wait_s, sc_core::SC_SEC), sc_core::sc_get_time_resolution()),
          platform_.asic.irq.posedge_event() | platform_.asic.tone.value_changed_event());
    }
  }

  // Why the run stopped itself as a failure (empty: it did not).
  const std::string& failure() const { return failure_; }

  // --serve: the live link's process performs the clients' actions and paces the run.
  void attach_live(pumptwin::live::RunLink* live) { live_ = live; }
  bool fault_injected(const std::string& name) const { return steps_.fault_injected(name); }
  void attach_programmer(pumptwin::mcu::TelemetryTcpBridge* port) { programmer_ = port; }
  // A driver (the clinical pathway, run_driver.h) decides steps as the run goes; they are
  // performed as the timeline's are.
  void attach_driver(RunDriver* driver) { driver_ = driver; }
  void driver_process() {
    for (;;) {
      const double wake_s = driver_->next_wake_s();
      if (!(wake_s < scenario_.duration_s)) return;
      wait_until_exact(wake_s);
      if (outcome_.finished) return;
      observe();
      sample_if_due();
      const std::vector<double> values = probe_.sample_values();
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
      view.alarm_bits = probe_.alarm_bits();
      for (const Step& step : driver_->wake(view)) {
        steps_.perform(std::nullopt, step);
        driver_->answered(step, steps_.steps().back()["answer"].get<std::string>());
      }
    }
  }
  void live_process() {
    for (;;) {
      double wake_after_s = 0.0;
      for (const pumptwin::live::LiveAction& action : live_->next(now_s(), wake_after_s)) {
        observe();
        sample_if_due();
        steps_.perform(std::nullopt, action.step);
        live_->performed(action, steps_.steps().back()["answer"].get<std::string>());
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
      outcome_.error = error;
      recorder_.event(now_s(), "bench", "simulation failed: " + error);
    }
    expectations_.leave_undecided();
    const json result = write_result();
    // The mode is not in result.json: lockstep and decoupled runs must give the same file.
    json report_input = result;
    report_input["mode"] = options_.lockstep ? "lockstep" : "decoupled";
    write_run_report(recorder_.out_dir(), report_input, scenario_);
    if (!options_.quiet) {
      progress_.end();
      print_summary(scenario_, report_input, now_s(), recorder_.out_dir());
    }
    if (!outcome_.error.empty()) return kExitSimulationFailed;
    if (outcome_.interrupted) return kExitInterrupted;
    if (result["status"] == "known_gap") return kExitKnownGap;
    return result["status"] == "passed" ? kExitPassed : kExitFailed;
  }

 private:
  // Waits until `deadline_s` or until `condition` holds (checked whenever the observer has
  // looked at the pump), deciding the expectations that fall due meanwhile.
  bool wait_for(double deadline_s, const std::function<bool()>& condition) {
    for (;;) {
      if (condition && condition()) return true;
      const double check_s = expectations_.next_check_s();
      if (check_s <= now_s()) {
        const Expectations::AgendaItem item = expectations_.take_next();
        observe();
        if (expectations_.samples_first(item)) sample();
        expectations_.decide(item, now_s());
        continue;
      }
      if (now_s() >= deadline_s) return false;
      const double until_s = std::min(check_s, deadline_s);
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
      if (!condition.alarm.empty()) return (probe_.alarm_bits() & *alarm_bit(condition.alarm)) != 0;
      const double value = probe_.signal_value(condition.signal);
      return condition.above ? value > *condition.above : value < *condition.below;
    });
  }

  // Strokes (the observer wakes at the end of every move: each is recorded at its time), the
  // firmware's new events, invariants on alarms.
  void observe() override {
    const double now = now_s();
    if (platform_.strokes() != recorded_strokes_) {
      recorded_strokes_ = platform_.strokes();
      recorder_.stroke(now, platform_.stroke_volume_ul());
    }
    const auto status = platform_.mcu.firmware_status();
    log_.read_new(platform_.mcu.nvm(), now,
                  status ? std::optional<uint32_t>(status->wall_clock_s) : std::nullopt, recorder_);
    expectations_.observed(now, probe_.alarm_bits());
  }

  // The periodic sample due now, taken once by whichever process comes first at its instant:
  // the observer, or the script or a live client before a step, so a sample shows the pump
  // before that instant's step in both evaluation modes. The last sample, at the end of the
  // run, is the script's.
  void sample_if_due() {
    if (now_s() >= next_sample_s_ && now_s() < scenario_.duration_s) {
      sample();
      next_sample_s_ += scenario_.setup.sample_period_s;
      progress_.show(now_s());
    }
  }

  void sample() {
    const double now = now_s();
    const std::vector<double> values = probe_.sample_values();
    platform_.drive_train.motor().reset_peak_current();  // max-hold per sample period
    recorder_.signals_row(now, values);
    peaks_.sample(now, values);
    if (live_ != nullptr) live_->full_sample(now, values);
    last_sample_ = values;
    if (now >= next_snapshot_s_) record_snapshot();
    expectations_.sampled(now, values);
  }

  // snapshots.jsonl: the state at most once per kSnapshotPeriodS of samples, after each step
  // and at the end. The ASIC's evaluation counters are left out: they differ between lockstep
  // and decoupled mode, the recorded files must not.
  void record_snapshot() override {
    json state = pumptwin::live::state_snapshot(platform_, scenario_, now_s(), last_sample_);
    for (const char* counter : {"core_cycles", "always_on_edges", "sync_points"}) {
      state["asic"].erase(counter);
    }
    recorder_.snapshot(state);
    next_snapshot_s_ = now_s() + kSnapshotPeriodS;
  }

  void result_changed() override { write_result(); }

  json write_result() {
    const RunIdentity identity{options_.seed.value_or(scenario_.setup.seed),
                               scenario_.setup.cohort_size > 0
                                   ? std::optional<uint64_t>(options_.member.value_or(0))
                                   : std::nullopt};
    json result = run_result(scenario_, identity, outcome_, expectations_, steps_.steps(),
                             platform_, log_, probe_.firmware_reservoir_ml(), peaks_, now_s());
    if (driver_ != nullptr) {
      result["figures"].update(driver_->figures());
      result[driver_->report_key()] = driver_->report();
    }
    recorder_.write_result(result);
    return result;
  }

  // --realtime: simulated time at most at the factor; never sleeps past the wall-time budget
  // (the limit is checked when pacing returns).
  void pace() {
    if (options_.realtime_factor <= 0.0) return;
    pacer_.sleep_until_due(
        now_s(), interrupt_requested,
        options_.wall_limit_s > 0.0 ? options_.wall_limit_s - pacer_.run_wall_s() : kNever);
  }
  bool wall_limit_exceeded() const {
    return options_.wall_limit_s > 0.0 && pacer_.run_wall_s() > options_.wall_limit_s;
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  Platform& platform_;
  RunRecorder& recorder_;
  WallPacer& pacer_;
  PumpProbe probe_;
  FirmwareLog log_;
  ProgrammeLedger ledger_;
  Expectations expectations_;
  ProgressLine progress_;
  RunOutcome outcome_;
  SafetyPeaks peaks_;
  std::string failure_;
  sc_core::sc_event observed_{"pumpbench_observed"};
  InterruptWatch interrupt_watch_;
  std::vector<double> last_sample_;
  double next_sample_s_ = 0.0;
  double next_snapshot_s_ = 0.0;
  static constexpr double kSnapshotPeriodS = 3600.0;
  uint64_t recorded_strokes_ = 0;
  pumptwin::live::RunLink* live_ = nullptr;
  pumptwin::mcu::TelemetryTcpBridge* programmer_ = nullptr;
  RunDriver* driver_ = nullptr;
  sc_core::sc_event live_wake_{"pumpbench_live_wake"};
  TimelineSteps steps_{scenario_, options_.seed.value_or(scenario_.setup.seed),
                       platform_, recorder_,
                       ledger_,   probe_,
                       *this};
};

// --image-coverage: one executed range a line, `BEGIN END` ([begin, end), hex), sorted, read by
// scripts/image-coverage.
void write_image_coverage(pumptwin::mcu::M0PlusSoc& image, std::ofstream& out) {
  out << "# pumpbench image coverage: executed instruction ranges [begin, end)\n";
  char line[32];
  for (const auto& [begin, end] : image.core().executed_ranges()) {
    std::snprintf(line, sizeof line, "0x%08x 0x%08x\n", begin, end);
    out << line;
  }
}

}  // namespace

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
      std::fprintf(stderr,
                   "pumpbench: --gdb needs --firmware (the host build runs under gdb itself)\n");
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
  WallPacer pacer(options.realtime_factor);
  ScenarioRun run(scenario, options, platform, recorder, pacer);
  sc_core::sc_spawn([&run] { run.observer(); }, "pumpbench_observer");
  sc_core::sc_spawn([&run] { run.interrupt_process(); }, "pumpbench_interrupt");
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
        platform, pacer, interrupt_requested);
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
    programmer = open_programmer_port(*options.programmer, pacer, platform.mcu.uart, problem);
    if (!programmer) {
      std::fprintf(stderr, "pumpbench: --programmer-port: %s\n", problem.c_str());
      return kExitBadInput;
    }
    run.attach_programmer(programmer.get());
  }
  // Opened before the run, so an unwritable file is bad input rather than a run's lost output.
  std::ofstream image_coverage;
  if (!options.image_coverage.empty()) {
    image_coverage.open(options.image_coverage, std::ios::trunc);
    if (!image_coverage) {
      std::fprintf(stderr, "pumpbench: --image-coverage: cannot write '%s'\n",
                   options.image_coverage.c_str());
      return kExitBadInput;
    }
  }
  std::string error;
  if (options.profile) start_profile(platform);
  const WallPacer::Clock::time_point wall_start = WallPacer::now();
  try {
    platform.run([&run] { run.script(); });
  } catch (const sc_core::sc_report& report) {
    error = report.what();
  } catch (const std::exception& exception) {
    error = exception.what();
  }
  if (options.profile) {
    finish_profile(platform, WallPacer::seconds_since(wall_start),
                   sc_core::sc_time_stamp().to_seconds(), options.out_dir);
  }
  if (image_coverage.is_open() && platform.mcu.image() != nullptr) {
    write_image_coverage(*platform.mcu.image(), image_coverage);
  }
  const int exit_code = run.finish(error.empty() ? run.failure() : error);
  if (live) live->end(sc_core::sc_time_stamp().to_seconds(), exit_code);
  return exit_code;
}

}  // namespace pumpbench
