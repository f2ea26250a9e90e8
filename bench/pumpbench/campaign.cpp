#include "campaign.h"

#include <mbedtls/md.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hex_text.h"
#include "m0plus_image.h"
#include "merge.h"
#include "plot_axes.h"
#include "run_result.h"
#include "scenario_run.h"
#include "twin/physio/validation/sensitivity.h"
#include "yaml_fields.h"

namespace pumpbench {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kMaxInjectionTimeS = 20 * 365 * 86400.0;

class Sha256 {
 public:
  Sha256() {
    mbedtls_md_init(&context_);
    mbedtls_md_setup(&context_, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0);
    mbedtls_md_starts(&context_);
  }
  ~Sha256() { mbedtls_md_free(&context_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Each part is followed by a NUL, so that ("ab", "c") and ("a", "bc") differ.
  void add(const std::string& part) {
    mbedtls_md_update(&context_, reinterpret_cast<const unsigned char*>(part.c_str()),
                      part.size() + 1);
  }
  std::string hex() {
    unsigned char digest[32];
    mbedtls_md_finish(&context_, digest);
    return pumptwin::hex_text(digest, sizeof digest);
  }

 private:
  mbedtls_md_context_t context_;
};

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

bool valid_variant_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::optional<uint64_t> whole_number(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 18) {
    return std::nullopt;
  }
  return std::stoull(text);
}

// Where the variant's inject step goes in the scenario's timeline so that it happens at its
// time and changes no other step: after the steps known before the run to start by then, and
// before a step with a fixed time (`at:`) or at the end. Next to a step that starts on a
// condition (`when:`) or after another step (`after:`) it would move that step, so it is refused.
std::optional<size_t> injection_position(const Scenario& scenario, double at_s,
                                         std::string& problem) {
  double previous_start_s = 0.0;
  for (size_t i = 0; i < scenario.timeline.size(); ++i) {
    const Step& step = scenario.timeline[i];
    const std::string where = scenario.file + ":" + std::to_string(step.location.line);
    if (step.timing == Step::Timing::kWhen) {
      problem = "the step at " + where +
                " starts on a condition (`when:`): an injection before it would move the start "
                "of its watch, and after it has no fixed time";
      return std::nullopt;
    }
    const double start_s = step.timing == Step::Timing::kAt
                               ? std::max(step.time_s, previous_start_s)
                               : previous_start_s + step.time_s;
    if (start_s <= at_s) {
      previous_start_s = start_s;
      continue;
    }
    if (step.timing == Step::Timing::kAfter) {
      problem = "the step at " + where +
                " comes `after:` the step before it: an injection between them would move it";
      return std::nullopt;
    }
    return i;
  }
  return scenario.timeline.size();
}

void read_variants(Context& context, const YAML::Node& node, Campaign& campaign) {
  if (!node.IsSequence() || node.size() == 0) {
    context.error(node, "faults", "expected a list of fault variants: none, or {name, at, inject}");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = "faults[" + std::to_string(i) + "]";
    FaultVariant variant;
    variant.location = location_of(node[i]);
    if (node[i].IsScalar()) {
      if (node[i].Scalar() != "none") {
        context.error(node[i], path,
                      "'" + node[i].Scalar() +
                          "' is not a fault variant: write none, or {name, at, inject: {fault: "
                          "NAME, ...}}");
        continue;
      }
      variant.name = "none";
    } else {
      Fields fields(context, node[i], path, {"name", "at", "inject"});
      if (!fields.valid()) continue;
      const auto at = fields.quantity("at", Dimension::kTime, 1.0, kMaxInjectionTimeS,
                                      "1 s (the setup) to 20 years", true);
      if (!fields.has("inject")) fields.missing("inject", "{fault: NAME, ...parameters}");
      if (fields.has("inject")) {
        variant.fault = read_fault(context, fields.get("inject"), fields.field("inject"));
      }
      if (!at || !variant.fault) continue;
      variant.at_s = *at;
      variant.name = fields.scalar("name").value_or(variant.fault->fault);
      if (!valid_variant_name(variant.name) || variant.name == "none") {
        context.error(fields.has("name") ? fields.get("name") : node[i], fields.field("name"),
                      "'" + variant.name +
                          "' cannot name a variant: letters, digits, '_', '-' and '.', not "
                          "'none'");
        continue;
      }
    }
    if (!names.insert(variant.name).second) {
      context.error(node[i], path,
                    "a second fault variant named '" + variant.name +
                        "': give each variant its own `name` (it names the runs)");
      continue;
    }
    campaign.variants.push_back(std::move(variant));
  }
}

void read_scenarios(Context& context, const YAML::Node& node, const fs::path& folder,
                    Campaign& campaign, std::vector<std::string>& paths) {
  if (!node.IsSequence() || node.size() == 0) {
    context.error(node, "scenarios", "expected a list of scenario files or folders");
    return;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string field = "scenarios[" + std::to_string(i) + "]";
    if (!node[i].IsScalar()) {
      context.error(node[i], field, "expected a scenario file or folder");
      continue;
    }
    const fs::path listed(node[i].Scalar());
    const std::string resolved = (listed.is_absolute() ? listed : folder / listed).string();
    std::error_code error;
    if (!fs::exists(resolved, error)) {
      context.error(node[i], field, "no such scenario file or folder: " + resolved);
      continue;
    }
    paths.push_back(resolved);
    const std::vector<ScenarioFile> files = find_scenario_files({resolved});
    if (files.empty()) context.error(node[i], field, "no scenario (*.yaml) in " + resolved);
    for (const ScenarioFile& file : files) {
      LoadResult loaded = load_scenario(file.file);
      if (!loaded.scenario) {
        context.error(node[i], field,
                      "the scenario " + file.file + " does not load (its errors follow)");
        for (Diagnostic& diagnostic : loaded.diagnostics) {
          context.diagnostics().push_back(std::move(diagnostic));
        }
        continue;
      }
      if (!ids.insert(file.relative).second) {
        context.error(node[i], field,
                      "a second scenario named '" + file.relative + "' (" + file.file +
                          "): run ids would clash");
        continue;
      }
      campaign.scenarios.push_back({file.relative, std::move(*loaded.scenario)});
    }
  }
}

void read_requirements(Context& context, Fields& top, const fs::path& folder,
                       const std::vector<std::string>& scenario_paths, Campaign& campaign,
                       Sha256& inputs) {
  std::optional<std::string> file;
  if (top.has("requirements")) {
    if (const auto listed = top.scalar("requirements")) {
      const fs::path path(*listed);
      file = (path.is_absolute() ? path : folder / path).string();
    }
  } else {
    for (const std::string& path : scenario_paths) {
      file = find_requirements_file(fs::is_directory(path) ? path + "/requirements.yaml" : path);
      if (file) break;
    }
  }
  if (!file) return;
  RequirementsLoad loaded = load_requirements(*file);
  if (!loaded.diagnostics.empty()) {
    const YAML::Node where = top.has("requirements") ? top.get("requirements") : top.node();
    context.error(where, "requirements", "the requirements list " + *file + " does not load");
    for (Diagnostic& diagnostic : loaded.diagnostics) {
      context.diagnostics().push_back(std::move(diagnostic));
    }
    return;
  }
  campaign.requirements = std::move(loaded.requirements);
  const fs::path hazards = fs::path(*file).parent_path() / "hazards.yaml";
  if (fs::is_regular_file(hazards)) campaign.hazards_file = hazards.string();
  for (const Requirement& requirement : campaign.requirements) {
    inputs.add(requirement.id);
    inputs.add(requirement.text);
  }
}

namespace sensitivity = pumptwin::physio::validation;

void read_sensitivity(Context& context, const YAML::Node& node, Campaign& campaign) {
  Fields fields(context, node, "sensitivity",
                {"method", "trajectories", "levels", "seed", "factors", "outputs"});
  if (!fields.valid()) return;
  CampaignSensitivity spec;
  // Sobol indices would need thousands of runs per factor; Morris ranks with tens.
  const auto method = fields.choice("method", {"morris"}, "method", true);
  const auto trajectories = fields.integer("trajectories", 2, 1000, true);
  const auto levels = fields.integer("levels", 2, 64);
  if (levels && *levels % 2 != 0) {
    context.error(fields.get("levels"), fields.field("levels"),
                  "'" + std::to_string(*levels) +
                      "' levels: Morris's design needs an even number of levels (its step is "
                      "levels / (2 (levels - 1)) of the range), e.g. 4");
  }
  const auto seed = fields.integer("seed", 0, std::numeric_limits<int64_t>::max());
  std::vector<std::string> ids;
  for (const sensitivity::Factor& factor : sensitivity::uncertain_factors()) {
    ids.push_back(factor.id);
  }
  bool factors_valid = true;
  if (!fields.has("factors")) {
    fields.missing("factors", "all, or a list of factors: " + joined(ids));
  } else if (fields.get("factors").IsScalar() && fields.get("factors").Scalar() == "all") {
    for (size_t i = 0; i < ids.size(); ++i) spec.factors.push_back(i);
  } else if (!fields.get("factors").IsSequence() || fields.get("factors").size() == 0) {
    context.error(fields.get("factors"), fields.field("factors"),
                  "expected all, or a list of factors: " + joined(ids));
    factors_valid = false;
  } else {
    const YAML::Node list = fields.get("factors");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string field = fields.field("factors") + "[" + std::to_string(i) + "]";
      const sensitivity::Factor* factor =
          list[i].IsScalar() ? sensitivity::find_factor(list[i].Scalar()) : nullptr;
      if (factor == nullptr) {
        const std::string text = list[i].IsScalar() ? list[i].Scalar() : "";
        context.error(
            list[i], field,
            "unknown factor '" + text + "'" + suggestion(text, ids) + "; known: " + joined(ids));
        factors_valid = false;
        continue;
      }
      const size_t index = static_cast<size_t>(factor - sensitivity::uncertain_factors().data());
      if (std::find(spec.factors.begin(), spec.factors.end(), index) != spec.factors.end()) {
        context.error(list[i], field, "factor '" + factor->id + "' listed twice");
        factors_valid = false;
        continue;
      }
      spec.factors.push_back(index);
    }
  }
  const std::vector<std::string> figures = numeric_figure_names();
  if (!fields.has("outputs")) {
    fields.missing("outputs", "a list of the runs' numeric key figures: " + joined(figures));
  } else if (!fields.get("outputs").IsSequence() || fields.get("outputs").size() == 0) {
    context.error(fields.get("outputs"), fields.field("outputs"),
                  "expected a list of the runs' numeric key figures: " + joined(figures));
  } else {
    const YAML::Node list = fields.get("outputs");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string field = fields.field("outputs") + "[" + std::to_string(i) + "]";
      const std::string text = list[i].IsScalar() ? list[i].Scalar() : "";
      if (std::find(figures.begin(), figures.end(), text) == figures.end()) {
        context.error(list[i], field,
                      "unknown output '" + text + "'" + suggestion(text, figures) +
                          "; the runs' numeric key figures: " + joined(figures));
      } else if (std::find(spec.outputs.begin(), spec.outputs.end(), text) != spec.outputs.end()) {
        context.error(list[i], field, "output '" + text + "' listed twice");
      } else {
        spec.outputs.push_back(text);
      }
    }
  }
  if (!method || !trajectories || (fields.has("levels") && (!levels || *levels % 2 != 0)) ||
      (fields.has("seed") && !seed) || !factors_valid || spec.factors.empty() ||
      spec.outputs.empty()) {
    return;
  }
  spec.trajectories = static_cast<uint64_t>(*trajectories);
  spec.levels = static_cast<uint64_t>(levels.value_or(4));
  spec.seed = static_cast<uint64_t>(seed.value_or(1));
  campaign.sensitivity = std::move(spec);
}

// A sensitivity campaign screens the parameters in one patient per scenario, on one seed: a
// cohort or a sweep of seeds would mix patient variability and noise into the elementary
// effects (docs/sensitivity.md reports patient variability apart).
void check_sensitivity_fits(Context& context, Fields& top, const Campaign& campaign) {
  const std::string why =
      ": a sensitivity campaign varies the parameters in each scenario's own patient, on its own "
      "seed (patient variability and noise would mix into the elementary effects)";
  for (const char* key : {"cohort", "seeds"}) {
    if (top.has(key)) {
      context.error(top.get(key), key, std::string("cannot be combined with `sensitivity`") + why);
    }
  }
  for (const CampaignScenario& entry : campaign.scenarios) {
    const Scenario& scenario = entry.scenario;
    std::string problem;
    if (scenario.setup.cohort_size > 0) problem = "runs a cohort (setup.cohort)";
    if (scenario.sweep_seeds > 1) problem = "sweeps seeds (sweep: {seeds: N})";
    if (!problem.empty()) {
      context.error(top.get("scenarios"), "scenarios",
                    "the scenario '" + entry.id + "' (" + scenario.file + ") " + problem +
                        ", which `sensitivity` cannot be combined with" + why);
    }
  }
}

void check_variants_fit(Context& context, const YAML::Node& faults, const Campaign& campaign) {
  for (const FaultVariant& variant : campaign.variants) {
    if (!variant.fault) continue;
    for (const CampaignScenario& entry : campaign.scenarios) {
      std::string problem;
      if (variant.at_s >= entry.scenario.duration_s) {
        problem = "the scenario lasts " +
                  pumptwin::plot::format_duration_exact(entry.scenario.duration_s);
      } else {
        injection_position(entry.scenario, variant.at_s, problem);
      }
      if (problem.empty()) continue;
      // Point at the variant's `at`, which is what would have to change.
      SourceLocation where = variant.location;
      for (size_t i = 0; i < faults.size(); ++i) {
        if (location_of(faults[i]).line == variant.location.line && faults[i]["at"].IsDefined()) {
          where = location_of(faults[i]["at"]);
        }
      }
      context.error(where, "faults." + variant.name + ".at",
                    "cannot inject at " + pumptwin::plot::format_duration_exact(variant.at_s) +
                        " into scenario '" + entry.id + "': " + problem);
    }
  }
}

std::string run_name(const Campaign& campaign, const CampaignRun& run) {
  std::string name =
      campaign.scenarios[run.scenario].scenario.name + " [" + campaign.variants[run.variant].name;
  if (run.member) name += ", member " + std::to_string(*run.member);
  if (run.seed) name += ", seed " + std::to_string(*run.seed);
  if (run.point) name += ", point " + std::to_string(*run.point);
  return name + "]";
}

json shard_report(const Campaign& campaign, const Shard& shard, size_t runs_total,
                  const std::vector<CampaignRun>& runs, const std::vector<WorkerRun>& results,
                  const json& firmware) {
  json variants = json::array();
  for (const FaultVariant& variant : campaign.variants) {
    json entry = {{"name", variant.name}};
    if (variant.fault) {
      entry["fault"] = variant.fault->fault;
      entry["at_s"] = variant.at_s;
    }
    variants.push_back(entry);
  }
  json scenarios = json::array();
  for (const CampaignScenario& entry : campaign.scenarios) {
    scenarios.push_back({{"id", entry.id}, {"name", entry.scenario.name}});
  }
  json requirements = json::array();
  for (const Requirement& requirement : campaign.requirements) {
    requirements.push_back({{"id", requirement.id}, {"text", requirement.text}});
  }
  json screening;  // null: not a sensitivity campaign
  if (campaign.sensitivity) {
    const CampaignSensitivity& spec = *campaign.sensitivity;
    json factors = json::array();
    for (const size_t index : spec.factors) {
      const sensitivity::Factor& factor = sensitivity::uncertain_factors()[index];
      factors.push_back({{"id", factor.id},
                         {"name", factor.name},
                         {"status", factor.status},
                         {"low", factor.low},
                         {"high", factor.high}});
    }
    screening = {{"method", "morris"},    {"trajectories", spec.trajectories},
                 {"levels", spec.levels}, {"seed", spec.seed},
                 {"factors", factors},    {"outputs", spec.outputs}};
  }
  json run_ids = json::array();
  json run_reports = json::array();
  for (size_t i = 0; i < runs.size(); ++i) {
    const CampaignRun& run = runs[i];
    run_ids.push_back(run.id);
    run_reports.push_back({{"index", run.index},
                           {"id", run.id},
                           {"name", run.name},
                           {"scenario", campaign.scenarios[run.scenario].id},
                           {"variant", campaign.variants[run.variant].name},
                           {"member", run.member ? json(*run.member) : json()},
                           {"seed", run.seed ? json(*run.seed) : json()},
                           {"point", run.point ? json(*run.point) : json()},
                           {"exit_code", results[i].exit_code},
                           {"errors", results[i].errors},
                           {"result", results[i].result}});
  }
  return {{"format", kShardFormat},
          {"campaign", campaign.name},
          {"description", campaign.description},
          {"campaign_file", campaign.file},
          {"campaign_file_sha256", campaign.file_sha256},
          {"inputs_sha256", campaign.inputs_sha256},
          {"firmware", firmware},
          {"shard", {{"index", shard.index}, {"count", shard.count}}},
          {"runs_total", runs_total},
          {"scenarios", scenarios},
          {"variants", variants},
          {"cohort", campaign.cohort ? json{{"seed", campaign.cohort->seed},
                                            {"first", campaign.cohort->first},
                                            {"size", campaign.cohort->size}}
                                     : json()},
          {"seeds", campaign.seeds},
          {"sensitivity", screening},
          {"requirements", requirements},
          {"hazards_file", campaign.hazards_file},
          {"run_ids", run_ids},
          {"runs", run_reports}};
}

int run_one(const Campaign& campaign, const CampaignOptions& options) {
  const std::vector<CampaignRun> runs = campaign_runs(campaign);
  const auto found = std::find_if(runs.begin(), runs.end(),
                                  [&](const CampaignRun& run) { return run.id == options.run_id; });
  if (found == runs.end()) {
    std::fprintf(stderr, "pumpbench campaign: --run %s: no such run in %s (the first is %s)\n",
                 options.run_id.c_str(), campaign.file.c_str(),
                 runs.empty() ? "-" : runs.front().id.c_str());
    return kExitBadInput;
  }
  RunOptions run_options;
  run_options.out_dir = options.out_dir;
  run_options.firmware = options.firmware;
  run_options.member = found->member;
  run_options.seed = found->seed;
  if (found->point) {
    const CampaignSensitivity& spec = *campaign.sensitivity;
    const sensitivity::MorrisDesign design =
        sensitivity::morris_design(spec.factors.size(), spec.trajectories, spec.levels, spec.seed);
    for (size_t i = 0; i < spec.factors.size(); ++i) {
      run_options.design_point.emplace_back(spec.factors[i], design.points[*found->point][i]);
    }
  }
  install_interrupt_handler();
  return run_scenario(scenario_of_run(campaign, *found), run_options);
}

}  // namespace

CampaignLoad load_campaign(const std::string& path) {
  CampaignLoad result;
  Context context(path);
  const std::optional<std::string> text = read_text(path);
  if (!text) {
    result.diagnostics.push_back({path, {0, 0}, "", "cannot read the file"});
    return result;
  }
  const std::optional<YAML::Node> document = parse_yaml_text(path, *text, result.diagnostics);
  if (!document) return result;
  const YAML::Node root = *document;
  try {
    Campaign campaign;
    campaign.file = path;
    Fields top(context, root, "",
               {"name", "description", "scenarios", "cohort", "faults", "seeds", "requirements",
                "sensitivity"});
    if (!top.valid()) {
      result.diagnostics = std::move(context.diagnostics());
      return result;
    }
    campaign.name = top.scalar("name", true).value_or("");
    campaign.description = top.scalar("description").value_or("");
    const fs::path folder = fs::path(path).parent_path();
    std::vector<std::string> scenario_paths;
    if (top.has("scenarios")) {
      read_scenarios(context, top.get("scenarios"), folder, campaign, scenario_paths);
    } else {
      top.missing("scenarios", "a list of scenario files or folders");
    }
    if (top.has("cohort")) {
      Fields cohort(context, top.get("cohort"), "cohort", {"seed", "size", "first"});
      const auto seed = cohort.integer("seed", 0, std::numeric_limits<int64_t>::max(), true);
      const auto size = cohort.integer("size", 1, 1000, true);
      const auto first = cohort.integer("first", 0, 100000);
      if (seed && size) {
        campaign.cohort =
            CampaignCohort{static_cast<uint64_t>(*seed), static_cast<uint64_t>(first.value_or(0)),
                           static_cast<uint64_t>(*size)};
      }
    }
    if (top.has("faults")) {
      read_variants(context, top.get("faults"), campaign);
    } else {
      campaign.variants.push_back({"none", std::nullopt, 0.0, {}});
    }
    if (top.has("seeds") && top.get("seeds").IsMap()) {
      // A sweep: {first, count}, e.g. {first: 1, count: 1000}.
      Fields sweep(context, top.get("seeds"), "seeds", {"first", "count"});
      const auto first = sweep.integer("first", 0, std::numeric_limits<int64_t>::max() / 2);
      const auto count = sweep.integer("count", 1, kMaxCampaignSeeds, true);
      for (int64_t i = 0; count && i < *count; ++i) {
        campaign.seeds.push_back(static_cast<uint64_t>(first.value_or(1) + i));
      }
    } else if (top.has("seeds")) {
      const YAML::Node seeds = top.get("seeds");
      if (!seeds.IsSequence() || seeds.size() == 0) {
        context.error(seeds, "seeds",
                      "expected a list of seeds, e.g. [1, 2, 3], or a sweep {first: 1, count: "
                      "1000}");
      }
      for (size_t i = 0; seeds.IsSequence() && i < seeds.size(); ++i) {
        const std::string field = "seeds[" + std::to_string(i) + "]";
        const std::optional<uint64_t> seed = whole_number(seeds[i]);
        if (!seed) {
          context.error(seeds[i], field, "expected a whole number of at most 18 digits");
        } else if (std::find(campaign.seeds.begin(), campaign.seeds.end(), *seed) !=
                   campaign.seeds.end()) {
          context.error(seeds[i], field, "seed " + std::to_string(*seed) + " listed twice");
        } else {
          campaign.seeds.push_back(*seed);
        }
      }
    }
    if (top.has("sensitivity")) {
      read_sensitivity(context, top.get("sensitivity"), campaign);
      check_sensitivity_fits(context, top, campaign);
    }
    Sha256 file_hash;
    file_hash.add(*text);
    campaign.file_sha256 = file_hash.hex();
    Sha256 inputs;
    inputs.add(*text);
    for (const CampaignScenario& entry : campaign.scenarios) {
      inputs.add(entry.id);
      inputs.add(read_text(entry.scenario.file).value_or(""));
    }
    read_requirements(context, top, folder, scenario_paths, campaign, inputs);
    campaign.inputs_sha256 = inputs.hex();
    if (context.diagnostics().empty()) check_variants_fit(context, top.get("faults"), campaign);
    if (context.diagnostics().empty()) result.campaign = std::move(campaign);
  } catch (const YAML::Exception& error) {
    context.error(SourceLocation{error.mark.line + 1, error.mark.column + 1}, "",
                  "malformed YAML: " + error.msg);
  }
  result.diagnostics = std::move(context.diagnostics());
  return result;
}

std::string campaign_cell(const Campaign& campaign, const CampaignRun& run) {
  return campaign.scenarios[run.scenario].id + "/" + campaign.variants[run.variant].name;
}

std::vector<CampaignRun> campaign_runs(const Campaign& campaign) {
  std::vector<CampaignRun> runs;
  for (size_t s = 0; s < campaign.scenarios.size(); ++s) {
    const Setup& setup = campaign.scenarios[s].scenario.setup;
    std::vector<std::optional<uint64_t>> members;
    if (campaign.cohort) {
      for (uint64_t k = 0; k < campaign.cohort->size; ++k) {
        members.push_back(campaign.cohort->first + k);
      }
    } else if (setup.cohort_size > 0) {
      for (uint64_t k = 0; k < setup.cohort_size; ++k) members.push_back(k);
    } else {
      members.push_back(std::nullopt);
    }
    // The campaign's seeds, else the scenario's own sweep (setup.seed onwards), else its seed.
    std::vector<std::optional<uint64_t>> seeds(campaign.seeds.begin(), campaign.seeds.end());
    const uint64_t sweep = campaign.scenarios[s].scenario.sweep_seeds;
    for (uint64_t i = 0; seeds.empty() && sweep > 1 && i < sweep; ++i) {
      seeds.push_back(setup.seed + i);
    }
    if (seeds.empty()) seeds.push_back(std::nullopt);
    // A sensitivity campaign (no cohort, no seeds): every point of the design.
    std::vector<std::optional<size_t>> points;
    if (campaign.sensitivity) {
      const size_t count =
          campaign.sensitivity->trajectories * (campaign.sensitivity->factors.size() + 1);
      for (size_t j = 0; j < count; ++j) points.push_back(j);
    } else {
      points.push_back(std::nullopt);
    }
    for (size_t v = 0; v < campaign.variants.size(); ++v) {
      for (const std::optional<uint64_t>& member : members) {
        for (const std::optional<uint64_t>& seed : seeds) {
          for (const std::optional<size_t>& point : points) {
            CampaignRun run;
            run.index = runs.size();
            run.scenario = s;
            run.variant = v;
            run.member = member;
            run.seed = seed;
            run.point = point;
            run.id = campaign.scenarios[s].id + "/" + campaign.variants[v].name;
            if (member) run.id += "/member-" + std::to_string(*member);
            if (seed) run.id += "/seed-" + std::to_string(*seed);
            if (point) run.id += "/point-" + std::to_string(*point);
            run.name = run_name(campaign, run);
            runs.push_back(std::move(run));
          }
        }
      }
    }
  }
  return runs;
}

Scenario scenario_of_run(const Campaign& campaign, const CampaignRun& run) {
  Scenario scenario = campaign.scenarios[run.scenario].scenario;
  if (campaign.cohort) {
    // The member is passed as RunOptions::member, as for a scenario's own setup.cohort.
    scenario.setup.cohort_seed = campaign.cohort->seed;
    scenario.setup.cohort_size = campaign.cohort->first + campaign.cohort->size;
  }
  const FaultVariant& variant = campaign.variants[run.variant];
  if (variant.fault) {
    std::string problem;
    const std::optional<size_t> position = injection_position(scenario, variant.at_s, problem);
    Step step;
    step.location = variant.location;
    step.timing = Step::Timing::kAt;
    step.time_s = variant.at_s;
    step.action = *variant.fault;
    step.action_name = "inject";
    // load_campaign refused every variant without a place in every scenario.
    scenario.timeline.insert(
        scenario.timeline.begin() + static_cast<std::ptrdiff_t>(position.value_or(0)), step);
  }
  return scenario;
}

std::optional<Shard> parse_shard(const std::string& text) {
  unsigned index = 0;
  unsigned count = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u/%u%c", &index, &count, &tail) != 2 || count == 0 ||
      index >= count || text.find('-') != std::string::npos) {
    std::fprintf(stderr,
                 "pumpbench campaign: --shard '%s': expected I/N with 0 <= I < N, e.g. 0/4 "
                 "(shards are numbered from 0, as Slurm array and Kubernetes job indices)\n",
                 text.c_str());
    return std::nullopt;
  }
  return Shard{index, count};
}

std::vector<std::string> campaign_run_arguments(const std::string& campaign_file,
                                                const std::string& run_id,
                                                const std::string& out_dir,
                                                const std::string& firmware) {
  std::vector<std::string> arguments = {"campaign", campaign_file, "--run",
                                        run_id,     "--out",       out_dir};
  if (!firmware.empty()) arguments.insert(arguments.end(), {"--firmware", firmware});
  return arguments;
}

int run_campaign(const std::string& self, const CampaignOptions& options) {
  const CampaignLoad loaded = load_campaign(options.file);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  if (!loaded.campaign) return kExitBadInput;
  const Campaign& campaign = *loaded.campaign;
  if (!options.run_id.empty()) return run_one(campaign, options);

  const auto wall_start = std::chrono::steady_clock::now();
  const std::vector<CampaignRun> all = campaign_runs(campaign);
  if (options.list) {
    for (const CampaignRun& run : all) {
      if (run.index % options.shard.count != options.shard.index) continue;
      std::printf("%zu %zu/%u %s\n", run.index, run.index % options.shard.count,
                  options.shard.count, run.id.c_str());
    }
    return kExitPassed;
  }
  // Which firmware every run runs, for the report: as each run's result.json says it.
  json firmware = {{"build", "host"}};
  if (!options.firmware.empty()) {
    std::string problem;
    const auto image = pumptwin::mcu::FirmwareImage::load(options.firmware, problem);
    if (!image) {
      std::fprintf(stderr, "pumpbench campaign: --firmware: %s\n", problem.c_str());
      return kExitBadInput;
    }
    firmware = {{"build", "image"}, {"path", image->path}, {"sha256", image->sha256_hex}};
  }
  std::vector<CampaignRun> selected;
  std::vector<WorkerRun> workers;
  // Round robin: a scenario's runs (alike in length) spread over every shard.
  for (const CampaignRun& run : all) {
    if (run.index % options.shard.count != options.shard.index) continue;
    WorkerRun worker;
    worker.id = run.id;
    worker.name = run.name;
    worker.out_dir = options.out_dir + "/runs/" + run.id;
    worker.arguments =
        campaign_run_arguments(options.file, run.id, worker.out_dir, options.firmware);
    worker.group = campaign_cell(campaign, run);
    selected.push_back(run);
    workers.push_back(std::move(worker));
  }
  std::printf(
      "campaign %s: %zu runs (%zu scenarios x %zu fault variants x %s); "
      "shard %u/%u: %zu runs\n",
      campaign.name.c_str(), all.size(), campaign.scenarios.size(), campaign.variants.size(),
      campaign.sensitivity ? "design points" : "cohort x seeds", options.shard.index,
      options.shard.count, selected.size());
  std::fflush(stdout);
  run_workers(self, workers, options.jobs != 0 ? options.jobs : default_worker_count());

  const json shard = shard_report(campaign, options.shard, all.size(), selected, workers, firmware);
  std::error_code error;
  fs::create_directories(options.out_dir, error);
  // Written whole and then renamed: a merge waiting for the shard reports never reads half of one.
  const std::string shard_file = options.out_dir + "/" + kShardFile;
  {
    std::ofstream out(shard_file + ".part", std::ios::trunc);
    out << shard.dump(1) << '\n';
    out.close();
    fs::rename(shard_file + ".part", shard_file, error);
    if (!out || error) {
      std::fprintf(stderr, "pumpbench campaign: cannot write %s\n", shard_file.c_str());
      return kExitSimulationFailed;
    }
  }
  std::map<Outcome, int> outcomes;
  for (const WorkerRun& worker : workers) ++outcomes[outcome_of_exit_code(worker.exit_code)];
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf(
      "runs: %d passed, %d failed, %d known gap, %d error of %zu in %.1f s wall; shard "
      "report %s\n",
      outcomes[Outcome::kPassed], outcomes[Outcome::kFailed], outcomes[Outcome::kKnownGap],
      outcomes[Outcome::kError], workers.size(), wall_s, shard_file.c_str());
  if (options.shard.count > 1) {
    std::printf("merge the %u shards' folders with `pumpbench merge DIR... --out DIR`\n",
                options.shard.count);
    return worst_exit_code(workers);
  }
  return assemble_campaign_report({{options.out_dir, shard}}, options.out_dir);
}

}  // namespace pumpbench
