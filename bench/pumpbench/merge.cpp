#include "merge.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "campaign.h"
#include "hazards.h"
#include "recorder.h"
#include "report_html.h"
#include "scenario_loader.h"
#include "scenario_run.h"
#include "twin/physio/validation/sensitivity.h"
#include "workers.h"

namespace pumpbench {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The key figures the readable summary shows per scenario and variant (all numeric figures are
// in campaign.json).
const std::vector<std::string> kKeyFigures = {"delivered_volume_ul", "firmware_reservoir_volume_ml",
                                              "battery_drawn_mah", "ptm_boluses_granted"};

int refuse(const std::string& message) {
  std::fprintf(stderr, "pumpbench merge: %s\n", message.c_str());
  return kExitBadInput;
}

std::string shard_name(const json& shard) {
  return std::to_string(shard["shard"]["index"].get<unsigned>()) + "/" +
         std::to_string(shard["shard"]["count"].get<unsigned>());
}

std::string run_status(const json& run) {
  const json& result = run["result"];
  if (result.is_object() && result.contains("status")) return result["status"].get<std::string>();
  return "error";
}

// What failed in a run: expectations not met ("id (requirement)") and failed steps.
std::vector<std::string> failures(const json& result) {
  std::vector<std::string> failed;
  for (const json& e : result.value("expectations", json::array())) {
    const std::string verdict = e.value("verdict", "");
    if (verdict != "pass" && verdict != "known_gap" && verdict != "hazard_reproduced") {
      failed.push_back(e.value("id", "") + " (" + e.value("requirement", "") + ")");
    }
  }
  for (const json& s : result.value("steps", json::array())) {
    if (s.value("verdict", "") == "fail") {
      failed.push_back("step at line " + std::to_string(s.value("line", 0)) + " " +
                       s.value("action", ""));
    }
  }
  return failed;
}

using CellKey = std::pair<std::string, std::string>;  // scenario id, variant name

CellKey cell_key(const json& scenario, const json& variant) {
  return {scenario["id"].get<std::string>(), variant["name"].get<std::string>()};
}

std::string alarm_of(const std::string& raised) {
  return raised.substr(0, raised.find(" at "));
}

struct Cell {
  int runs = 0;
  int passed = 0;
  int failed = 0;
  int known_gap = 0;
  int errors = 0;
  std::map<std::string, std::vector<std::string>> failing;  // what -> run (id suffix)
  std::map<std::string, std::vector<double>> figures;
  std::map<std::string, int> alarms;  // alarm -> runs that raised it
};

namespace validation = pumptwin::physio::validation;

// The screened factors of a sensitivity campaign's header, from the one registry.
std::vector<const validation::Factor*> screened_factors(const json& screening) {
  std::vector<const validation::Factor*> factors;
  for (const json& factor : screening["factors"]) {
    factors.push_back(validation::find_factor(factor["id"].get<std::string>()));
  }
  return factors;
}

// The Morris screening of each scenario x variant (campaign.h, CampaignSensitivity): the outputs
// at every point of the design, in the order of the runs, give mu* and sigma per factor and
// output, ranked. A cell with a run that gave no figure (an error) has no ranking, only the
// points missing. `header` is a shard report's; null when the campaign screens nothing.
json screening_json(const json& header, const std::vector<json>& runs) {
  const json spec = header.value("sensitivity", json());
  if (spec.is_null()) return nullptr;
  const validation::MorrisDesign design =
      validation::morris_design(spec["factors"].size(), spec["trajectories"].get<size_t>(),
                                spec["levels"].get<size_t>(), spec["seed"].get<uint64_t>());
  json cells = json::array();
  for (const json& scenario : header["scenarios"]) {
    for (const json& variant : header["variants"]) {
      std::vector<std::vector<double>> outputs;
      json missing = json::array();
      for (const json& run : runs) {
        if (run["scenario"] != scenario["id"] || run["variant"] != variant["name"]) continue;
        const json figures = run["result"].value("figures", json::object());
        std::vector<double> values;
        for (const json& output : spec["outputs"]) {
          const auto found = figures.find(output.get<std::string>());
          if (found != figures.end() && found->is_number()) values.push_back(found->get<double>());
        }
        if (values.size() != spec["outputs"].size()) missing.push_back(run["point"]);
        outputs.push_back(values);
      }
      json cell = {{"scenario", scenario["id"]}, {"variant", variant["name"]}};
      if (!missing.empty()) {
        cell["missing_points"] = missing;
        cells.push_back(cell);
        continue;
      }
      const validation::ElementaryEffects effects = validation::elementary_effects(design, outputs);
      json per_output = json::array();
      for (size_t k = 0; k < spec["outputs"].size(); ++k) {
        std::vector<size_t> order(spec["factors"].size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          return effects.mu_star[a][k] > effects.mu_star[b][k];
        });
        json ranking = json::array();
        for (const size_t i : order) {
          ranking.push_back({{"factor", spec["factors"][i]["id"]},
                             {"mu_star", effects.mu_star[i][k]},
                             {"sigma", effects.sigma[i][k]}});
        }
        per_output.push_back({{"output", spec["outputs"][k]}, {"ranking", ranking}});
      }
      cell["outputs"] = per_output;
      cells.push_back(cell);
    }
  }
  json screening = spec;
  screening["campaign_file"] = header["campaign_file"];
  screening["delta"] = design.delta;
  screening["cells"] = cells;
  return screening;
}

// The effects of a screened cell as campaign.json ranks them, back in the factors' order.
validation::ElementaryEffects cell_effects(const json& screening, const json& cell) {
  const size_t factor_count = screening["factors"].size();
  const size_t output_count = cell["outputs"].size();
  validation::ElementaryEffects effects;
  effects.mu_star.assign(factor_count, std::vector<double>(output_count));
  effects.sigma.assign(factor_count, std::vector<double>(output_count));
  for (size_t k = 0; k < output_count; ++k) {
    for (const json& entry : cell["outputs"][k]["ranking"]) {
      for (size_t i = 0; i < factor_count; ++i) {
        if (screening["factors"][i]["id"] != entry["factor"]) continue;
        effects.mu_star[i][k] = entry["mu_star"].get<double>();
        effects.sigma[i][k] = entry["sigma"].get<double>();
      }
    }
  }
  return effects;
}

void write_screening_markdown(std::ofstream& md, const json& screening) {
  md << "\n## Sensitivity: Morris screening of the patient model's uncertain parameters\n\n"
     << screening["trajectories"] << " trajectories of " << screening["levels"] << " levels (seed "
     << screening["seed"] << ") over " << screening["factors"].size()
     << " factors; factors ranked by mu* (mean absolute elementary effect over the whole range), "
        "sigma the standard deviation of the effects. docs/sensitivity.md says what they "
        "mean.\n";
  const std::vector<const validation::Factor*> factors = screened_factors(screening);
  for (const json& cell : screening["cells"]) {
    const std::string where =
        cell["scenario"].get<std::string>() + " [" + cell["variant"].get<std::string>() + "]";
    if (cell.contains("missing_points")) {
      md << "\n### " << where << "\n\nNo ranking: design points without every output (runs that "
         << "did not finish): " << cell["missing_points"].dump() << ".\n";
      continue;
    }
    const validation::ElementaryEffects effects = cell_effects(screening, cell);
    for (size_t k = 0; k < cell["outputs"].size(); ++k) {
      md << "\n### " << where << ": `" << cell["outputs"][k]["output"].get<std::string>() << "`\n\n"
         << validation::morris_ranking_markdown(factors, effects, k);
    }
  }
}

json summary_json(const json& header, const std::vector<json>& runs,
                  const std::map<CellKey, Cell>& cells, const json& groups) {
  const json screening = screening_json(header, runs);
  int passed = 0;
  int failed = 0;
  int known_gap = 0;
  int errors = 0;
  json run_entries = json::array();
  for (const json& run : runs) {
    const int code = run["exit_code"].get<int>();
    const Outcome outcome = outcome_of_exit_code(code);
    passed += outcome == Outcome::kPassed;
    failed += outcome == Outcome::kFailed;
    known_gap += outcome == Outcome::kKnownGap;
    errors += outcome == Outcome::kError;
    const json all_figures = run["result"].value("figures", json::object());
    json figures = json::object();
    for (const auto& [name, value] : all_figures.items()) {
      if (value.is_number() || name == "alarms_raised") figures[name] = value;
    }
    run_entries.push_back({{"index", run["index"]},
                           {"id", run["id"]},
                           {"scenario", run["scenario"]},
                           {"variant", run["variant"]},
                           {"member", run["member"]},
                           {"seed", run["seed"]},
                           {"point", run.value("point", json())},
                           {"exit_code", code},
                           {"status", run_status(run)},
                           {"failing", failures(run["result"])},
                           {"figures", figures}});
  }
  json matrix = json::array();
  for (const json& scenario : header["scenarios"]) {
    for (const json& variant : header["variants"]) {
      const auto found = cells.find(cell_key(scenario, variant));
      if (found == cells.end()) continue;
      const Cell& cell = found->second;
      json failing = json::object();
      for (const auto& [what, where] : cell.failing) failing[what] = where;
      json figures = json::object();
      for (const auto& [name, values] : cell.figures) {
        double sum = 0.0;
        for (double value : values) sum += value;
        figures[name] = {{"min", *std::min_element(values.begin(), values.end())},
                         {"max", *std::max_element(values.begin(), values.end())},
                         {"mean", sum / static_cast<double>(values.size())}};
      }
      json expectations = json::array();
      const std::string cell_id =
          scenario["id"].get<std::string>() + "/" + variant["name"].get<std::string>();
      for (const json& group : groups) {
        if (group["id"] == cell_id) expectations = group["expectations"];
      }
      matrix.push_back({{"scenario", scenario["id"]},
                        {"variant", variant["name"]},
                        {"runs", cell.runs},
                        {"passed", cell.passed},
                        {"failed", cell.failed},
                        {"known_gap", cell.known_gap},
                        {"errors", cell.errors},
                        {"expectations", expectations},
                        {"failing", failing},
                        {"alarms_raised", cell.alarms},
                        {"figures", figures}});
    }
  }
  json summary = {{"campaign", header["campaign"]},
                  {"description", header["description"]},
                  {"campaign_file_sha256", header["campaign_file_sha256"]},
                  {"inputs_sha256", header["inputs_sha256"]},
                  {"firmware", header["firmware"]},
                  {"runs_total", runs.size()},
                  {"passed", passed},
                  {"failed", failed},
                  {"known_gap", known_gap},
                  {"errors", errors},
                  {"status", errors != 0      ? "error"
                             : failed != 0    ? "failed"
                             : known_gap != 0 ? "known_gap"
                                              : "passed"},
                  {"scenarios", header["scenarios"]},
                  {"variants", header["variants"]},
                  {"cohort", header["cohort"]},
                  {"seeds", header["seeds"]},
                  {"matrix", matrix},
                  {"runs", run_entries}};
  if (!screening.is_null()) summary["sensitivity"] = screening;
  return summary;
}

void write_markdown(const std::string& path, const json& summary,
                    const std::map<CellKey, Cell>& cells) {
  std::ofstream md(path, std::ios::trunc);
  md << "# Campaign: " << summary["campaign"].get<std::string>() << "\n\n";
  if (!summary["description"].get<std::string>().empty()) {
    md << summary["description"].get<std::string>() << "\n\n";
  }
  md << summary["runs_total"] << " runs (" << summary["scenarios"].size() << " scenarios x "
     << summary["variants"].size()
     << " fault variants x cohort members x seeds): " << summary["passed"] << " passed, "
     << summary["failed"] << " failed, " << summary["known_gap"] << " known gap (not a pass), "
     << summary["errors"] << " could not run or errored. Campaign file sha256 `"
     << summary["campaign_file_sha256"].get<std::string>() << "`. Firmware: ";
  const json& firmware = summary["firmware"];
  if (firmware["build"] == "image") {
    md << "the image `" << firmware["path"].get<std::string>() << "` (sha256 `"
       << firmware["sha256"].get<std::string>() << "`).\n\n";
  } else {
    md << "the host build.\n\n";
  }
  md << "## Verdicts: runs passed per scenario and fault variant\n\n| scenario |";
  for (const json& variant : summary["variants"])
    md << " " << variant["name"].get<std::string>() << " |";
  md << "\n| --- |";
  for (size_t i = 0; i < summary["variants"].size(); ++i) md << " --- |";
  md << "\n";
  for (const json& scenario : summary["scenarios"]) {
    md << "| " << scenario["id"].get<std::string>() << " |";
    for (const json& variant : summary["variants"]) {
      const Cell& cell = cells.at(cell_key(scenario, variant));
      md << " " << cell.passed << "/" << cell.runs;
      if (cell.known_gap != 0) md << " (" << cell.known_gap << " known gap)";
      if (cell.errors != 0) md << " (" << cell.errors << " errors)";
      md << " |";
    }
    md << "\n";
  }
  md << "\n## Failing expectations\n\n";
  bool any = false;
  for (const auto& [key, cell] : cells) any = any || !cell.failing.empty();
  if (!any) md << "None.\n";
  if (any)
    md << "| scenario | fault variant | expectation (requirement) | failed in |\n| --- | --- | --- "
          "| --- |\n";
  for (const json& scenario : summary["scenarios"]) {
    for (const json& variant : summary["variants"]) {
      const Cell& cell = cells.at(cell_key(scenario, variant));
      for (const auto& [what, where] : cell.failing) {
        md << "| " << scenario["id"].get<std::string>() << " | "
           << variant["name"].get<std::string>() << " | " << what << " | " << where.size() << " of "
           << cell.runs << " runs:";
        for (size_t i = 0; i < where.size(); ++i) md << (i ? ", " : " ") << where[i];
        md << " |\n";
      }
    }
  }
  md << "\n## Expectations: runs held of the runs, 95 % lower bound on the pass probability "
        "(Clopper-Pearson)\n\n| scenario | fault variant | expectation | verdict | held | "
        "lower bound |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const json& entry : summary["matrix"]) {
    for (const json& e : entry["expectations"]) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%.3f",
                    e["pass_probability_lower_bound_95"].get<double>());
      const std::string trace = e["requirement"].get<std::string>().empty()
                                    ? "harm of " + e["hazard"].get<std::string>()
                                    : e["requirement"].get<std::string>();
      md << "| " << entry["scenario"].get<std::string>() << " | "
         << entry["variant"].get<std::string>() << " | " << e["id"].get<std::string>() << " ("
         << trace << ") | " << e["verdict"].get<std::string>() << " | " << e["holds"] << " of "
         << e["runs"] << " | " << bound << " |\n";
    }
  }
  md << "\n## Key figures (min - max over the runs)\n\n| scenario | fault variant |";
  for (const std::string& figure : kKeyFigures) md << " " << figure << " |";
  md << " alarms raised (runs) |\n| --- | --- |";
  for (size_t i = 0; i <= kKeyFigures.size(); ++i) md << " --- |";
  md << "\n";
  for (const json& entry : summary["matrix"]) {
    md << "| " << entry["scenario"].get<std::string>() << " | "
       << entry["variant"].get<std::string>() << " |";
    for (const std::string& figure : kKeyFigures) {
      if (!entry["figures"].contains(figure)) {
        md << " - |";
        continue;
      }
      const json& range = entry["figures"][figure];
      md << " " << format_number(range["min"].get<double>()) << " - "
         << format_number(range["max"].get<double>()) << " |";
    }
    std::string alarms;
    for (const auto& [alarm, count] : entry["alarms_raised"].items()) {
      alarms += (alarms.empty() ? "" : ", ") + alarm + " (" + count.dump() + ")";
    }
    md << " " << (alarms.empty() ? "none" : alarms) << " |\n";
  }
  if (summary.contains("sensitivity")) write_screening_markdown(md, summary["sensitivity"]);
}

}  // namespace

int assemble_campaign_report(const std::vector<std::pair<std::string, json>>& shards,
                             const std::string& out_dir) {
  if (shards.empty()) return refuse("no shard given");
  std::vector<json> runs;
  std::map<std::string, std::string> run_ids;  // run id -> the shard's folder
  try {
    const auto& [first_where, first] = shards.front();
    const unsigned count = first["shard"]["count"].get<unsigned>();
    std::map<unsigned, std::string> indices;
    for (const auto& [where, shard] : shards) {
      if (shard.value("format", "") != kShardFormat) {
        return refuse(where + ": not a campaign shard report (format " +
                      shard.value("format", "missing") + ", expected " + kShardFormat + ")");
      }
      if (shard["campaign_file_sha256"] != first["campaign_file_sha256"]) {
        return refuse(where + " is a shard of another campaign file (sha256 " +
                      shard["campaign_file_sha256"].get<std::string>() + ") than " + first_where +
                      " (sha256 " + first["campaign_file_sha256"].get<std::string>() + ")");
      }
      if (shard["inputs_sha256"] != first["inputs_sha256"]) {
        return refuse(where +
                      " ran the campaign file with other scenario or requirements files "
                      "than " +
                      first_where + " (inputs sha256 differ)");
      }
      if (shard["firmware"] != first["firmware"]) {
        return refuse(where + " ran other firmware (" + shard["firmware"].dump() + ") than " +
                      first_where + " (" + first["firmware"].dump() + ")");
      }
      if (shard["shard"]["count"].get<unsigned>() != count) {
        return refuse(where + " is shard " + shard_name(shard) + ", " + first_where + " shard " +
                      shard_name(first) + ": different splits of the campaign");
      }
      const unsigned index = shard["shard"]["index"].get<unsigned>();
      if (!indices.emplace(index, where).second) {
        return refuse(where + " and " + indices[index] + " are both shard " + shard_name(shard) +
                      " (overlapping)");
      }
      for (const json& run : shard["runs"]) {
        const std::string id = run["id"].get<std::string>();
        if (!run_ids.emplace(id, where).second) {
          return refuse("run " + id + " is in both " + run_ids[id] + " and " + where +
                        " (overlapping shards)");
        }
        runs.push_back(run);
      }
    }
    std::string missing;
    for (unsigned index = 0; index < count; ++index) {
      if (indices.count(index) == 0) {
        missing +=
            (missing.empty() ? "" : ", ") + std::to_string(index) + "/" + std::to_string(count);
      }
    }
    if (!missing.empty()) {
      return refuse("missing shard " + missing + " (the campaign was split into " +
                    std::to_string(count) + " shards, numbered from 0)");
    }
    std::sort(runs.begin(), runs.end(), [](const json& a, const json& b) {
      return a["index"].get<size_t>() < b["index"].get<size_t>();
    });
    const size_t total = first["runs_total"].get<size_t>();
    bool each_once = runs.size() == total;
    for (size_t i = 0; i < runs.size(); ++i) {
      each_once = each_once && runs[i]["index"].get<size_t>() == i;
    }
    if (!each_once) {
      return refuse("the shards do not hold each of the campaign's " + std::to_string(total) +
                    " runs once");
    }
  } catch (const json::exception& error) {
    return refuse(std::string("a shard report is malformed: ") + error.what());
  }

  const json& header = shards.front().second;
  std::map<CellKey, Cell> cells;
  for (const json& scenario : header["scenarios"]) {
    for (const json& variant : header["variants"]) cells[cell_key(scenario, variant)];
  }
  std::vector<WorkerRun> reports;
  for (const json& run : runs) {
    const std::string scenario = run["scenario"].get<std::string>();
    const std::string variant = run["variant"].get<std::string>();
    // The run within its cell: "member-3/seed-2", or "the run" when there is one.
    const std::string id = run["id"].get<std::string>();
    const std::string suffix = id.size() > scenario.size() + variant.size() + 2
                                   ? id.substr(scenario.size() + variant.size() + 2)
                                   : "the run";
    Cell& cell = cells[{scenario, variant}];
    const int code = run["exit_code"].get<int>();
    ++cell.runs;
    const Outcome outcome = outcome_of_exit_code(code);
    cell.passed += outcome == Outcome::kPassed;
    cell.failed += outcome == Outcome::kFailed;
    cell.known_gap += outcome == Outcome::kKnownGap;
    cell.errors += outcome == Outcome::kError;
    const json& result = run["result"];
    for (const std::string& what : failures(result)) cell.failing[what].push_back(suffix);
    const json figures = result.value("figures", json::object());
    for (const auto& [name, value] : figures.items()) {
      if (value.is_number()) cell.figures[name].push_back(value.get<double>());
    }
    std::set<std::string> alarms;
    for (const json& raised : figures.value("alarms_raised", json::array())) {
      alarms.insert(alarm_of(raised.get<std::string>()));
    }
    for (const std::string& alarm : alarms) ++cell.alarms[alarm];
    WorkerRun report;
    report.id = run["id"].get<std::string>();
    report.name = run["name"].get<std::string>();
    report.exit_code = code;
    report.result = result;
    report.errors = run["errors"].get<std::vector<std::string>>();
    report.group = scenario + "/" + variant;
    report.group_name = scenario + " [" + variant + "]";
    report.reproduce = "pumpbench";
    for (const std::string& word :
         campaign_run_arguments(header["campaign_file"].get<std::string>(), report.id,
                                "reproduce/" + report.id, header["firmware"].value("path", ""))) {
      report.reproduce += " " + shell_word(word);
    }
    reports.push_back(std::move(report));
  }
  std::error_code error;
  fs::create_directories(out_dir, error);
  const json groups = group_verdicts(reports);
  const json summary = summary_json(header, runs, cells, groups);
  {
    std::ofstream out(out_dir + "/campaign.json", std::ios::trunc);
    out << summary.dump(1) << '\n';
  }
  write_markdown(out_dir + "/campaign.md", summary, cells);
  write_junit(out_dir + "/junit.xml", groups, "campaign");
  std::vector<Requirement> requirements;
  for (const json& requirement : header["requirements"]) {
    requirements.push_back(
        {requirement["id"].get<std::string>(), requirement["text"].get<std::string>()});
  }
  const std::vector<RequirementNotMet> not_met =
      write_traceability(out_dir, requirements, groups, "scenario x fault cells");
  std::vector<ReportRun> report_runs;
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string id = runs[i]["id"].get<std::string>();
    const std::string link = fs::absolute(run_ids[id] + "/runs/" + id + "/report.html")
                                 .lexically_normal()
                                 .lexically_relative(fs::absolute(out_dir).lexically_normal())
                                 .string();
    report_runs.push_back({id, runs[i]["scenario"].get<std::string>(),
                           runs[i]["variant"].get<std::string>(), link, reports[i].exit_code,
                           reports[i].result});
  }
  print_verdict_summary(groups, not_met, "scenario x fault cells");
  // The analysis beside the campaign's requirements, checked against what the cells verified
  // as a suite checks it: the hazard column of the matrix, OUT/hazards.md, and the counts.
  HazardCheck hazards;
  const std::string hazards_file = header.value("hazards_file", std::string());
  if (!hazards_file.empty()) {
    hazards =
        check_hazard_analysis(hazards_file, requirements, groups, not_met, out_dir + "/hazards.md");
  }
  write_suite_report(out_dir + "/report.html", "Campaign: " + header["campaign"].get<std::string>(),
                     requirements, report_runs, groups, not_met, true,
                     hazards.analysis ? &*hazards.analysis : nullptr,
                     summary.value("sensitivity", json()));
  std::printf(
      "campaign %s: runs: %d passed, %d failed, %d known gap, %d error of %zu; "
      "%s/{campaign.json,campaign.md,junit.xml,traceability.md,traceability.csv,report.html}\n",
      header["campaign"].get<std::string>().c_str(), summary["passed"].get<int>(),
      summary["failed"].get<int>(), summary["known_gap"].get<int>(), summary["errors"].get<int>(),
      runs.size(), out_dir.c_str());
  if (hazards.bad_input) return kExitBadInput;
  // A hazard with no verified mitigation and no stated residual risk never exits 0, nor 4.
  const int worst = worst_exit_code(reports);
  return hazards.unmitigated != 0 && (worst == kExitPassed || worst == kExitKnownGap) ? kExitFailed
                                                                                      : worst;
}

int merge_campaign_shards(const std::vector<std::string>& shard_dirs, const std::string& out_dir) {
  std::vector<std::pair<std::string, json>> shards;
  for (const std::string& dir : shard_dirs) {
    const std::string file = dir + "/" + kShardFile;
    std::ifstream in(file);
    if (!in)
      return refuse(dir + ": no " + kShardFile + " (not the output folder of a campaign shard)");
    try {
      shards.emplace_back(dir, json::parse(in));
    } catch (const json::exception& error) {
      return refuse(file + ": not JSON: " + error.what());
    }
  }
  return assemble_campaign_report(shards, out_dir);
}

}  // namespace pumpbench
