#include "run_result.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "app/pump.h"
#include "catalogue.h"
#include "m0plus_soc.h"
#include "platform.h"
#include "plot_axes.h"
#include "recorder.h"
#include "twin/physio/patient_twin.h"

namespace pumpbench {

namespace {

using nlohmann::json;

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

// What a run's key figures are read from, at the time result.json is written.
struct FigureSources {
  pumptwin::platform::Platform& platform;
  const FirmwareLog& log;
  double firmware_reservoir_ml;
  const SafetyPeaks& peaks;
};

uint32_t count_events(const FirmwareLog& log, pumpfw::app::EventCode code) {
  uint32_t count = 0;
  for (const FirmwareEvent& event : log.events()) count += event.code == static_cast<uint8_t>(code);
  return count;
}

struct FigureDefinition {
  const char* name;
  bool numeric;
  json (*value)(const FigureSources&);
};

// result.json's key figures: the one list of their names.
const std::vector<FigureDefinition>& figure_definitions() {
  using pumpfw::app::EventCode;
  static const std::vector<FigureDefinition> definitions = {
      {"delivered_volume_ul", true,
       [](const FigureSources& s) {
         return json(s.platform.patient.twin().delivered_volume_ul());
       }},
      {"displaced_volume_ul", true,
       [](const FigureSources& s) { return json(s.platform.drive_train.displaced_volume_ul()); }},
      {"strokes", true, [](const FigureSources& s) { return json(s.platform.strokes()); }},
      {"reservoir_volume_ml", true,
       [](const FigureSources& s) {
         return json(s.platform.patient.twin().reservoir().volume_ml());
       }},
      {"firmware_reservoir_volume_ml", true,
       [](const FigureSources& s) { return json(s.firmware_reservoir_ml); }},
      {"battery_terminal_v", true,
       [](const FigureSources& s) {
         return json(s.platform.power.reading_now(s.platform.body_temperature_c()).terminal_v);
       }},
      {"battery_drawn_mah", true,
       [](const FigureSources& s) {
         return json(s.platform.power.reading_now(s.platform.body_temperature_c()).drawn_mah);
       }},
      {"firmware_events", true, [](const FigureSources& s) { return json(s.log.events().size()); }},
      {"alarms_raised", false,
       [](const FigureSources& s) {
         json raised = json::array();
         for (const FirmwareEvent& event : s.log.events()) {
           if (event.code == static_cast<uint8_t>(EventCode::kAlarmRaised)) {
             raised.push_back(alarm_name(event.argument) + " at " +
                              pumptwin::plot::format_duration(event.time_s));
           }
         }
         return raised;
       }},
      {"ptm_boluses_granted", true,
       [](const FigureSources& s) { return json(count_events(s.log, EventCode::kPtmBolus)); }},
      {"ptm_presses_refused", true,
       [](const FigureSources& s) { return json(count_events(s.log, EventCode::kPtmRefused)); }},
      {"mcu_boots", true, [](const FigureSources& s) { return json(s.platform.mcu.boots()); }},
      {"mcu_wake_ups", true,
       [](const FigureSources& s) { return json(s.platform.mcu.wake_ups()); }},
      {"spi_frames", true,
       [](const FigureSources& s) { return json(s.platform.mcu.spi_frames()); }},
      {"peak_respiratory_depression_index", true,
       [](const FigureSources& s) { return json(s.peaks.respiratory_depression_index); }},
      {"peak_respiratory_depression_time_h", true,
       [](const FigureSources& s) { return json(s.peaks.respiratory_depression_time_s / 3600.0); }},
      {"peak_sedation_index", true,
       [](const FigureSources& s) { return json(s.peaks.sedation_index); }},
      {"peak_withdrawal_risk", true,
       [](const FigureSources& s) { return json(s.peaks.withdrawal_risk); }},
      {"peak_withdrawal_risk_time_h", true,
       [](const FigureSources& s) { return json(s.peaks.withdrawal_risk_time_s / 3600.0); }},
      {"peak_antispasticity_fraction", true,
       [](const FigureSources& s) { return json(s.peaks.antispasticity_fraction); }},
      {"antispasticity_half_loss_time_h", true,
       [](const FigureSources& s) {
         return json(s.peaks.antispasticity_half_held_time_s / 3600.0);
       }},
      {"final_analgesia_fraction", true,
       [](const FigureSources& s) { return json(s.peaks.last_analgesia_fraction); }},
  };
  return definitions;
}

json figures(const FigureSources& sources) {
  json values = json::object();
  for (const FigureDefinition& figure : figure_definitions()) {
    values[figure.name] = figure.value(sources);
  }
  return values;
}

}  // namespace

void SafetyPeaks::sample(double time_s, const std::vector<double>& values) {
  namespace patient = pumptwin::physio::patient_signal;
  const double respiratory_depression = values.at(recorded_index(patient::kRespiratoryDepression));
  if (respiratory_depression > respiratory_depression_index) {
    respiratory_depression_index = respiratory_depression;
    respiratory_depression_time_s = time_s;
  }
  sedation_index = std::max(sedation_index, values.at(recorded_index(patient::kSedation)));
  const double withdrawal = values.at(recorded_index(patient::kWithdrawalRisk));
  if (withdrawal > withdrawal_risk) {
    withdrawal_risk = withdrawal;
    withdrawal_risk_time_s = time_s;
  }
  last_analgesia_fraction = values.at(recorded_index(patient::kAnalgesia));
  const double antispasticity = values.at(recorded_index(patient::kAntispasticity));
  antispasticity_fraction = std::max(antispasticity_fraction, antispasticity);
  // Until the peak every sample holds at least half of the peak so far; after it, the last such
  // sample is when the effect was lost.
  if (antispasticity_fraction > 0.0 && antispasticity >= 0.5 * antispasticity_fraction) {
    antispasticity_half_held_time_s = time_s;
  }
}

std::vector<std::string> numeric_figure_names() {
  std::vector<std::string> names;
  for (const FigureDefinition& figure : figure_definitions()) {
    if (figure.numeric) names.push_back(figure.name);
  }
  return names;
}

json run_result(const Scenario& scenario, const RunIdentity& identity, const RunOutcome& outcome,
                const Expectations& expectations, const json& steps,
                pumptwin::platform::Platform& platform, const FirmwareLog& log,
                double firmware_reservoir_ml, const SafetyPeaks& peaks, double now_s) {
  bool all_held = true;
  json known_gaps = json::array();
  const json verdicts = expectations.to_json(known_gaps, all_held);
  for (const json& step : steps) {
    if (step["verdict"] != "pass") all_held = false;
  }
  // Exactly one of passed, failed, known_gap (every check held but a residual risk shows),
  // error; a run not finished is running or interrupted.
  std::string status = "running";
  if (!outcome.error.empty()) {
    status = "error";
  } else if (outcome.interrupted) {
    status = "interrupted";
  } else if (outcome.finished) {
    status = !all_held ? "failed" : known_gaps.empty() ? "passed" : "known_gap";
  }
  json result = {{"scenario", scenario.name},
                 {"description", scenario.description},
                 {"file", scenario.file},
                 {"requirements", scenario.requirements},
                 {"tags", scenario.tags},
                 {"seed", identity.seed},
                 {"cohort_member", identity.cohort_member ? json(*identity.cohort_member) : json()},
                 {"status", status},
                 {"known_gaps", known_gaps},
                 {"simulated_s", now_s},
                 {"duration_s", scenario.duration_s},
                 {"expectations", verdicts},
                 {"steps", steps},
                 {"figures", figures({platform, log, firmware_reservoir_ml, peaks})},
                 {"firmware", firmware_json(platform.mcu)}};
  if (!outcome.error.empty()) result["error"] = outcome.error;
  return result;
}

void print_summary(const Scenario& scenario, const json& result, double now_s,
                   const std::string& out_dir) {
  std::printf("%s: %s (%s simulated, seed %s, %s)\n", scenario.name.c_str(),
              result["status"].get<std::string>().c_str(),
              pumptwin::plot::format_duration(now_s).c_str(), result["seed"].dump().c_str(),
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
      out_dir.c_str());
  if (result.contains("error")) {
    std::printf("  error: %s\n", result["error"].get<std::string>().c_str());
  }
}

void ProgressLine::show(double now_s) {
  if (quiet_ || isatty(STDERR_FILENO) == 0) return;
  const int percent = static_cast<int>(100.0 * now_s / scenario_.duration_s);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  shown_ = true;
  std::fprintf(stderr, "\r  %s: %s of %s (%d %%)   ", scenario_.name.c_str(),
               pumptwin::plot::format_duration(now_s).c_str(),
               pumptwin::plot::format_duration(scenario_.duration_s).c_str(), percent);
  std::fflush(stderr);
}

void ProgressLine::end() const {
  if (shown_) std::fputc('\n', stderr);
}

}  // namespace pumpbench
