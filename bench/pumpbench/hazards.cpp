#include "hazards.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scenario_run.h"
#include "yaml_fields.h"

namespace pumpbench {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBegin =
    "<!-- BEGIN hazard table: generated from scenarios/hazards.yaml by "
    "`pumpbench hazards scenarios/hazards.yaml --update "
    "docs/hazards.md`; edit the YAML, not this table -->";
constexpr const char* kEnd = "<!-- END hazard table -->";

// A list of scalars at `key` ([] when absent), each checked by `check` with its node and field.
template <typename Check>
std::vector<std::string> scalar_list(Context& context, Fields& fields, const std::string& key,
                                     Check check) {
  std::vector<std::string> items;
  if (!fields.has(key)) return items;
  const YAML::Node list = fields.get(key);
  if (!list.IsSequence()) {
    context.error(list, fields.field(key), "expected a list, e.g. [A, B]");
    return items;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = fields.field(key) + "[" + std::to_string(i) + "]";
    if (!list[i].IsScalar()) {
      context.error(list[i], field, "expected a single value");
      continue;
    }
    check(list[i], field, list[i].Scalar());
    items.push_back(list[i].Scalar());
  }
  return items;
}

std::string cell(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string joined_list(const std::vector<std::string>& items, const std::string& quote = "") {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + quote + item + quote;
  return text.empty() ? "none" : text;
}

// hazard_status (hazards.h), from the requirements not met by id.
HazardStatus hazard_verdict(const Hazard& hazard,
                            const std::map<std::string, std::string>& not_met) {
  HazardStatus status;
  std::string& detail = status.detail;
  bool failing = false;
  bool gap = false;
  bool unverified = false;
  bool uncovered_cause = false;
  for (const HazardCause& cause : hazard.causes) {
    uncovered_cause = uncovered_cause || cause.requirements.empty();
    for (const std::string& requirement : cause.requirements) {
      const auto found = not_met.find(requirement);
      if (found == not_met.end()) continue;
      if (detail.find(requirement + " ") != std::string::npos) continue;
      detail += (detail.empty() ? "" : ", ") + requirement + " " + found->second;
      if (found->second == "NOT VERIFIED") {
        unverified = true;
      } else if (found->second.rfind("NOT MET", 0) == 0) {
        gap = true;
      } else {
        failing = true;
      }
    }
  }
  status.verdict = failing || (uncovered_cause && hazard.residual_risk.empty()) ? "UNMITIGATED"
                   : gap                                                        ? "known gap"
                   : unverified                                                 ? "not verified"
                   : !hazard.residual_risk.empty()                              ? "residual risk"
                                                                                : "mitigated";
  return status;
}

std::map<std::string, std::string> verdicts_by_id(const std::vector<RequirementNotMet>& not_met) {
  std::map<std::string, std::string> open;
  for (const RequirementNotMet& requirement : not_met) open[requirement.id] = requirement.verdict;
  return open;
}

}  // namespace

HazardStatus hazard_status(const Hazard& hazard, const std::vector<RequirementNotMet>& not_met) {
  return hazard_verdict(hazard, verdicts_by_id(not_met));
}

HazardLoad load_hazard_analysis(const std::string& path,
                                const std::vector<Requirement>& requirements) {
  HazardLoad result;
  Context context(path);
  std::vector<std::string> known;
  for (const Requirement& requirement : requirements) known.push_back(requirement.id);
  const fs::path folder = fs::absolute(fs::path(path)).parent_path();
  std::set<std::string> traced;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    Fields top(context, root, "", {"hazards", "user_needs"});
    HazardAnalysis analysis;
    analysis.file = path;
    auto requirement_check = [&](const YAML::Node& node, const std::string& field,
                                 const std::string& id) {
      traced.insert(id);
      if (std::count(known.begin(), known.end(), id) == 0) {
        context.error(
            node, field,
            "requirement '" + id + "' is not in the requirements list" + suggestion(id, known));
      }
    };
    auto scenario_check = [&](const YAML::Node& node, const std::string& field,
                              const std::string& id) {
      if (!fs::is_regular_file(folder / (id + ".yaml"))) {
        context.error(
            node, field,
            "no scenario '" + id + "' (" + (folder / (id + ".yaml")).string() + " does not exist)");
      }
    };
    std::set<std::string> ids;
    const YAML::Node hazards = top.get("hazards");
    if (top.valid() && !hazards.IsSequence()) {
      context.error(root, "hazards", "expected a list of hazards");
    }
    for (size_t i = 0; top.valid() && hazards.IsSequence() && i < hazards.size(); ++i) {
      const std::string path_i = "hazards[" + std::to_string(i) + "]";
      Fields fields(context, hazards[i], path_i,
                    {"id", "hazard", "effect", "causes", "residual_risk"});
      if (!fields.valid()) continue;
      Hazard hazard;
      hazard.id = fields.scalar("id", true).value_or("");
      hazard.hazard = fields.scalar("hazard", true).value_or("");
      hazard.effect = fields.scalar("effect", true).value_or("");
      hazard.residual_risk = fields.scalar("residual_risk").value_or("");
      if (!hazard.id.empty() && !ids.insert(hazard.id).second) {
        context.error(hazards[i]["id"], fields.field("id"), "duplicate hazard '" + hazard.id + "'");
      }
      const YAML::Node causes = fields.get("causes");
      if (!causes.IsSequence() || causes.size() == 0) {
        context.error(fields.has("causes") ? causes : hazards[i], fields.field("causes"),
                      "expected a list of causes, each {cause, mitigation, requirements, "
                      "scenarios}");
      }
      bool uncovered = false;
      for (size_t j = 0; causes.IsSequence() && j < causes.size(); ++j) {
        Fields item(context, causes[j], fields.field("causes") + "[" + std::to_string(j) + "]",
                    {"cause", "mitigation", "requirements", "scenarios"});
        if (!item.valid()) continue;
        HazardCause cause;
        cause.cause = item.scalar("cause", true).value_or("");
        cause.mitigation = item.scalar("mitigation", true).value_or("");
        cause.requirements = scalar_list(context, item, "requirements", requirement_check);
        cause.scenarios = scalar_list(context, item, "scenarios", scenario_check);
        if (cause.scenarios.empty()) {
          context.error(causes[j], item.field("scenarios"),
                        "a cause needs at least one scenario that shows it");
        }
        uncovered = uncovered || cause.requirements.empty();
        hazard.causes.push_back(std::move(cause));
      }
      if (uncovered && hazard.residual_risk.empty()) {
        context.error(hazards[i], fields.field("residual_risk"),
                      "a cause has no requirement that mitigates it: state the residual risk "
                      "and why it is accepted");
      }
      analysis.hazards.push_back(std::move(hazard));
    }
    const YAML::Node needs = top.get("user_needs");
    for (size_t i = 0; top.has("user_needs") && i < needs.size(); ++i) {
      Fields fields(context, needs[i], "user_needs[" + std::to_string(i) + "]",
                    {"id", "need", "requirements"});
      if (!fields.valid()) continue;
      UserNeed need;
      need.id = fields.scalar("id", true).value_or("");
      need.need = fields.scalar("need", true).value_or("");
      need.requirements = scalar_list(context, fields, "requirements", requirement_check);
      if (!need.id.empty() && !ids.insert(need.id).second) {
        context.error(needs[i]["id"], fields.field("id"), "duplicate id '" + need.id + "'");
      }
      analysis.user_needs.push_back(std::move(need));
    }
    if (top.valid()) {
      for (const Requirement& requirement : requirements) {
        if (traced.count(requirement.id) != 0) continue;
        context.error(root, "",
                      "requirement '" + requirement.id + "' traces to no hazard and no user need");
      }
    }
    if (context.diagnostics().empty()) result.analysis = std::move(analysis);
  } catch (const YAML::BadFile&) {
    context.error(SourceLocation{}, "", "cannot read the file");
  } catch (const YAML::Exception& error) {
    context.error(SourceLocation{error.mark.line + 1, error.mark.column + 1}, "",
                  "YAML: " + error.msg);
  }
  result.diagnostics = std::move(context.diagnostics());
  return result;
}

std::string hazards_markdown(const HazardAnalysis& analysis,
                             const std::vector<RequirementNotMet>* not_met) {
  const std::map<std::string, std::string> open =
      not_met != nullptr ? verdicts_by_id(*not_met) : std::map<std::string, std::string>();
  std::ostringstream md;
  md << "| id | hazard | effect on the patient | cause | mitigation in the pump | requirements | "
        "scenarios |"
     << (not_met ? " this run |" : "") << "\n| --- | --- | --- | --- | --- | --- | --- |"
     << (not_met ? " --- |" : "") << "\n";
  for (const Hazard& hazard : analysis.hazards) {
    const HazardStatus status = not_met ? hazard_verdict(hazard, open) : HazardStatus();
    const std::string& verdict = status.verdict;
    const std::string& detail = status.detail;
    for (size_t i = 0; i < hazard.causes.size(); ++i) {
      const HazardCause& cause = hazard.causes[i];
      md << "| " << (i == 0 ? hazard.id : "") << " | " << (i == 0 ? cell(hazard.hazard) : "")
         << " | " << (i == 0 ? cell(hazard.effect) : "") << " | " << cell(cause.cause) << " | "
         << cell(cause.mitigation) << " | " << joined_list(cause.requirements) << " | "
         << joined_list(cause.scenarios, "`") << " |";
      if (not_met)
        md << " " << (i == 0 ? verdict + (detail.empty() ? "" : ": " + detail) : "") << " |";
      md << "\n";
    }
  }
  md << "\n### Residual risks\n\nWhat the pump cannot prevent, and why it is accepted; a "
        "scenario that reproduces one of these harms is a known gap, never a pass.\n\n"
        "| hazard | residual risk |\n| --- | --- |\n";
  for (const Hazard& hazard : analysis.hazards) {
    if (hazard.residual_risk.empty()) continue;
    md << "| " << hazard.id << " | " << cell(hazard.residual_risk) << " |\n";
  }
  md << "\n### User needs\n\nThe requirements that mitigate no hazard come from these.\n\n"
        "| id | need | requirements |\n| --- | --- | --- |\n";
  for (const UserNeed& need : analysis.user_needs) {
    md << "| " << need.id << " | " << cell(need.need) << " | " << joined_list(need.requirements)
       << " |\n";
  }
  return md.str();
}

HazardCheck check_hazard_analysis(const std::string& path,
                                  const std::vector<Requirement>& requirements, const json& groups,
                                  const std::vector<RequirementNotMet>& not_met,
                                  const std::string& markdown_out) {
  HazardCheck check;
  const HazardLoad loaded = load_hazard_analysis(path, requirements);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  if (!loaded.analysis) {
    check.bad_input = true;
    return check;
  }
  const HazardAnalysis& analysis = *loaded.analysis;
  std::set<std::string> ids;
  for (const Hazard& hazard : analysis.hazards) ids.insert(hazard.id);
  for (const json& group : groups) {
    for (const json& e : group["expectations"]) {
      const std::string hazard = e.value("hazard", "");
      if (hazard.empty() || ids.count(hazard) != 0) continue;
      std::fprintf(stderr, "%s: reproduces hazard '%s', which is not in %s\n",
                   group["file"].get<std::string>().c_str(), hazard.c_str(), path.c_str());
      check.bad_input = true;
    }
  }
  const std::map<std::string, std::string> open = verdicts_by_id(not_met);
  std::map<std::string, int> counts;
  std::string unmitigated;
  for (const Hazard& hazard : analysis.hazards) {
    const HazardStatus status = hazard_verdict(hazard, open);
    ++counts[status.verdict];
    if (status.verdict == "UNMITIGATED") {
      ++check.unmitigated;
      unmitigated += "\n  " + hazard.id + " (" + hazard.hazard + "): " + status.detail;
    }
  }
  std::ofstream(markdown_out, std::ios::trunc)
      << "# Hazards: what this run showed\n\nFrom " << path << ".\n\n"
      << hazards_markdown(analysis, &not_met);
  std::printf(
      "hazards: %d mitigated, %d with an accepted residual risk, %d known gap, %d "
      "UNMITIGATED, %d not verified by this run (%zu in %s)%s\n",
      counts["mitigated"], counts["residual risk"], counts["known gap"], counts["UNMITIGATED"],
      counts["not verified"], analysis.hazards.size(), path.c_str(), unmitigated.c_str());
  check.analysis = analysis;
  return check;
}

int hazards_command(const std::string& path, const std::string& update_doc,
                    const std::string& check_doc) {
  const std::optional<std::string> requirements_file = find_requirements_file(path);
  std::vector<Requirement> requirements;
  if (requirements_file) {
    RequirementsLoad loaded = load_requirements(*requirements_file);
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
    }
    if (!loaded.diagnostics.empty()) return kExitBadInput;
    requirements = std::move(loaded.requirements);
  }
  const HazardLoad loaded = load_hazard_analysis(path, requirements);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  if (!loaded.analysis) return kExitBadInput;
  const std::string table = hazards_markdown(*loaded.analysis, nullptr);
  const std::string doc = !update_doc.empty() ? update_doc : check_doc;
  if (doc.empty()) {
    std::fputs(table.c_str(), stdout);
    return kExitPassed;
  }
  std::ifstream in(doc);
  std::stringstream text;
  text << in.rdbuf();
  const std::string current = text.str();
  const size_t begin = current.find(kBegin);
  const size_t end = current.find(kEnd);
  if (!in || begin == std::string::npos || end == std::string::npos || end < begin) {
    std::fprintf(stderr, "pumpbench hazards: %s: no generated block (the lines\n%s\n...\n%s)\n",
                 doc.c_str(), kBegin, kEnd);
    return kExitBadInput;
  }
  const std::string generated =
      current.substr(0, begin) + kBegin + "\n\n" + table + "\n" + current.substr(end);
  if (!check_doc.empty()) {
    if (generated == current) {
      std::printf("%s: the hazard table is as %s gives it\n", doc.c_str(), path.c_str());
      return kExitPassed;
    }
    std::fprintf(stderr,
                 "%s: the hazard table differs from %s: run `pumpbench hazards %s --update %s`\n",
                 doc.c_str(), path.c_str(), path.c_str(), doc.c_str());
    return kExitFailed;
  }
  std::ofstream(doc, std::ios::trunc) << generated;
  std::printf("%s: hazard table written from %s\n", doc.c_str(), path.c_str());
  return kExitPassed;
}

}  // namespace pumpbench
