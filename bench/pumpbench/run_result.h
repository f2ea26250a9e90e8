// What a run reports: result.json (status, verdicts, steps, figures, which firmware ran), the
// summary on stdout and the progress line on a terminal. The status is exactly one of
// passed, failed, known_gap, error, or running / interrupted for a run not finished.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "expectations.h"
#include "firmware_log.h"
#include "scenario.h"

namespace pumptwin::platform {
class Platform;
}

namespace pumpbench {

struct RunOutcome {
  bool finished = false;
  bool interrupted = false;
  std::string error;  // the simulation failed
};

struct RunIdentity {
  uint64_t seed = 0;
  std::optional<uint64_t> cohort_member;  // a cohort scenario's member
};

// The patient's safety signals over the run's samples (every setup.sample_period), for its key
// figures: the peak respiratory-depression index and the peak withdrawal risk and when each was
// first reached, the peak sedation index, the analgesia at the last sample, and the peak
// antispasticity with the last sample at which at least half of it held (when a stopped baclofen
// therapy has lost its effect).
struct SafetyPeaks {
  double respiratory_depression_index = 0.0;
  double respiratory_depression_time_s = 0.0;
  double sedation_index = 0.0;
  double withdrawal_risk = 0.0;
  double withdrawal_risk_time_s = 0.0;
  double last_analgesia_fraction = 0.0;
  double antispasticity_fraction = 0.0;
  double antispasticity_half_held_time_s = 0.0;

  // A recorded sample (signal_catalogue() order, as PumpProbe::sample_values() reads it).
  void sample(double time_s, const std::vector<double>& values);
};

// The names of result.json's numeric key figures (`figures`, without a run driver's): what a
// sensitivity campaign's outputs may name.
std::vector<std::string> numeric_figure_names();

// result.json as it stands now.
nlohmann::json run_result(const Scenario& scenario, const RunIdentity& identity,
                          const RunOutcome& outcome, const Expectations& expectations,
                          const nlohmann::json& steps, pumptwin::platform::Platform& platform,
                          const FirmwareLog& log, double firmware_reservoir_ml,
                          const SafetyPeaks& peaks, double now_s);

// The summary on stdout: status, verdicts, failed steps, figures, outputs.
void print_summary(const Scenario& scenario, const nlohmann::json& result, double now_s,
                   const std::string& out_dir);

// A progress line on a terminal only, never in the recorded outputs.
class ProgressLine {
 public:
  ProgressLine(const Scenario& scenario, bool quiet) : scenario_(scenario), quiet_(quiet) {}
  void show(double now_s);
  // Ends the line before the summary.
  void end() const;

 private:
  const Scenario& scenario_;
  bool quiet_;
  int last_percent_ = -1;
  bool shown_ = false;
};

}  // namespace pumpbench
