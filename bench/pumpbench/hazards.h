// The hazard analysis as data (scenarios/hazards.yaml, docs/scenarios.md "Hazard analysis"):
// hazard -> causes -> the requirements that mitigate each cause -> the scenarios that verify
// them, a stated residual risk where the pump cannot mitigate, and the user needs the other
// requirements come from. Loaded with located errors, checked by `pumpbench suite` against what
// the run verified, and rendered as the hazard table of docs/hazards.md (`pumpbench hazards`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario_loader.h"
#include "workers.h"

namespace pumpbench {

struct HazardCause {
  std::string cause;
  std::string mitigation;                 // what the pump does; "none" when nothing
  std::vector<std::string> requirements;  // that verify the mitigation (none: unmitigated)
  std::vector<std::string> scenarios;     // ids relative to the file's folder, without .yaml
};

struct Hazard {
  std::string id;
  std::string hazard;
  std::string effect;
  std::vector<HazardCause> causes;
  // Why what the pump cannot prevent is accepted; required when a cause has no requirement.
  std::string residual_risk;
};

struct UserNeed {
  std::string id;
  std::string need;
  std::vector<std::string> requirements;
};

struct HazardAnalysis {
  std::string file;
  std::vector<Hazard> hazards;
  std::vector<UserNeed> user_needs;
};

struct HazardLoad {
  std::optional<HazardAnalysis> analysis;  // set only without diagnostics
  std::vector<Diagnostic> diagnostics;
};

// Loads and checks the file against the requirements list: unique ids, every requirement named
// exists, every requirement of the list traces to a hazard or a user need, every scenario named
// exists beside the file, and a hazard with an unmitigated cause states its residual risk.
HazardLoad load_hazard_analysis(const std::string& path,
                                const std::vector<Requirement>& requirements);

// The hazard table in Markdown; with `not_met` (the requirements a run did not show met) a column
// of what the run showed per hazard.
std::string hazards_markdown(const HazardAnalysis& analysis,
                             const std::vector<RequirementNotMet>* not_met);

// What a run showed of a hazard: "mitigated" (every requirement of its causes PASS), "residual
// risk" (what is left is stated and accepted), "known gap" (a requirement NOT MET, the reason
// stated in the scenario's known_gap), "UNMITIGATED" (a requirement FAILs, or a cause has no
// requirement, and no residual risk is stated) or "not verified" (a requirement no scenario of
// this run verified); `detail` names the requirements not met and their verdicts.
struct HazardStatus {
  std::string verdict;
  std::string detail;
};
HazardStatus hazard_status(const Hazard& hazard, const std::vector<RequirementNotMet>& not_met);

struct HazardCheck {
  bool bad_input = false;
  int unmitigated = 0;  // hazards with no verified mitigation and no stated residual risk
  std::optional<HazardAnalysis> analysis;  // set when the file loads
};

// After a suite: each hazard is mitigated (every requirement of its causes PASS), an accepted
// residual risk, a known gap (a requirement NOT MET, its reason in the scenario), UNMITIGATED (a
// requirement FAILs, or a cause has no requirement and no residual risk is stated) or not
// verified by this run; a scenario's reproduced hazard must be in the file. Prints the counts and
// writes `markdown_out` (the table with what this run showed).
HazardCheck check_hazard_analysis(const std::string& path,
                                  const std::vector<Requirement>& requirements,
                                  const nlohmann::json& groups,
                                  const std::vector<RequirementNotMet>& not_met,
                                  const std::string& markdown_out);

// `pumpbench hazards FILE [--update DOC | --check DOC]`: prints the table, or writes it between
// the markers of DOC, or checks (exit 1) that DOC holds it as generated now.
int hazards_command(const std::string& path, const std::string& update_doc,
                    const std::string& check_doc);

}  // namespace pumpbench
