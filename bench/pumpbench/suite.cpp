#include "suite.h"

#include <fnmatch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hazards.h"
#include "report_html.h"
#include "scenario_loader.h"
#include "workers.h"

namespace pumpbench {

namespace {

using nlohmann::json;

bool matches(const std::string& pattern, const std::string& relative, const std::string& name) {
  if (pattern.empty()) return true;
  const std::string glob =
      pattern.find_first_of("*?[") == std::string::npos ? "*" + pattern + "*" : pattern;
  return fnmatch(glob.c_str(), relative.c_str(), 0) == 0 ||
         fnmatch(glob.c_str(), name.c_str(), 0) == 0;
}

// One run of a scenario: `run FILE --out DIR --quiet [--seed S] [--member M] [--lockstep]
// [--firmware ELF] [--image-coverage DIR/image-coverage.txt]`, and the command that reproduces
// it alone.
WorkerRun scenario_run(const std::string& self, const std::string& file, const std::string& id,
                       const std::string& out_dir, std::optional<uint64_t> seed,
                       std::optional<uint64_t> member, bool lockstep, const std::string& firmware,
                       bool image_coverage = false) {
  std::vector<std::string> selection;
  if (seed) selection.insert(selection.end(), {"--seed", std::to_string(*seed)});
  if (member) selection.insert(selection.end(), {"--member", std::to_string(*member)});
  if (lockstep) selection.push_back("--lockstep");
  if (!firmware.empty()) selection.insert(selection.end(), {"--firmware", firmware});
  WorkerRun run;
  run.id = id;
  run.out_dir = out_dir;
  run.arguments = {"run", file, "--out", out_dir, "--quiet"};
  run.arguments.insert(run.arguments.end(), selection.begin(), selection.end());
  if (image_coverage) {
    run.arguments.insert(run.arguments.end(),
                         {"--image-coverage", out_dir + "/image-coverage.txt"});
  }
  run.reproduce = shell_word(self) + " run " + shell_word(file);
  for (const std::string& word : selection) run.reproduce += " " + shell_word(word);
  return run;
}

// The seeds a scenario runs on: its sweep's (or `override`'s count) from setup.seed; none (the
// scenario's own seed, no --seed) without a sweep.
std::vector<std::optional<uint64_t>> seeds_of(const Scenario& scenario,
                                              std::optional<uint64_t> override) {
  const uint64_t count = override.value_or(scenario.sweep_seeds);
  if (count <= 1 && !override) return {std::nullopt};
  std::vector<std::optional<uint64_t>> seeds;
  for (uint64_t i = 0; i < std::max<uint64_t>(count, 1); ++i) {
    seeds.push_back(scenario.setup.seed + i);
  }
  return seeds;
}

std::string join_paths(const std::vector<std::string>& paths) {
  std::string joined;
  for (const std::string& path : paths) joined += (joined.empty() ? "" : " ") + path;
  return joined;
}

}  // namespace

int run_suite(const std::string& self, const SuiteOptions& options) {
  std::vector<WorkerRun> runs;
  bool bad_input = false;
  for (const ScenarioFile& file : find_scenario_files(options.paths)) {
    LoadResult loaded = load_scenario(file.file);
    const std::string name = loaded.scenario ? loaded.scenario->name : file.relative;
    if (!matches(options.filter, file.relative, name)) continue;
    if (!loaded.scenario) {
      WorkerRun run;
      run.id = file.relative;
      run.name = name;
      run.out_dir = options.out_dir + "/" + run.id;
      for (const Diagnostic& diagnostic : loaded.diagnostics) {
        std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
        run.errors.push_back(diagnostic.format());
      }
      run.exit_code = kExitBadInput;
      bad_input = true;
      runs.push_back(std::move(run));
      continue;
    }
    const Scenario& scenario = *loaded.scenario;
    // A cohort: one worker process per virtual patient (SystemC elaborates once), each seed.
    std::vector<std::optional<uint64_t>> members = {std::nullopt};
    if (scenario.setup.cohort_size > 0) {
      members.clear();
      for (uint64_t member = 0; member < scenario.setup.cohort_size; ++member) {
        members.push_back(member);
      }
    }
    const std::vector<std::optional<uint64_t>> seeds = seeds_of(scenario, options.seeds);
    for (const std::optional<uint64_t>& member : members) {
      for (const std::optional<uint64_t>& seed : seeds) {
        std::string id = file.relative;
        if (member) id += "/member_" + std::to_string(*member);
        if (seed && seeds.size() > 1) id += "/seed-" + std::to_string(*seed);
        // A swept scenario's worker runs one seed (`--seed`), never its own sweep.
        WorkerRun run = scenario_run(self, file.file, id, options.out_dir + "/" + id, seed, member,
                                     options.lockstep, options.firmware, options.image_coverage);
        run.name = name;
        run.group = file.relative;
        run.group_name = name;
        runs.push_back(std::move(run));
      }
    }
  }
  if (runs.empty()) {
    std::fprintf(stderr, "pumpbench suite: no scenario matches\n");
    return kExitBadInput;
  }
  run_workers(self, runs, options.jobs != 0 ? options.jobs : default_worker_count());

  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  const json groups = group_verdicts(runs);
  {
    std::ofstream out(options.out_dir + "/verdicts.json", std::ios::trunc);
    out << groups.dump(1) << '\n';
  }
  const std::string junit =
      options.junit_file.empty() ? options.out_dir + "/junit.xml" : options.junit_file;
  write_junit(junit, groups, "scenarios");
  std::string requirements_file;
  const std::vector<Requirement> requirements = load_requirements_for(
      options.paths, options.requirements_file, bad_input, &requirements_file);
  const std::vector<RequirementNotMet> not_met =
      write_traceability(options.out_dir, requirements, groups);
  print_verdict_summary(groups, not_met, "scenarios");
  std::printf(
      "JUnit %s; traceability %s/traceability.{md,csv}; verdicts %s/verdicts.json; report "
      "%s/report.html\n",
      junit.c_str(), options.out_dir.c_str(), options.out_dir.c_str(), options.out_dir.c_str());
  int exit_code = worst_exit_code(runs);
  // The hazard analysis beside the requirements: checked against what the run verified.
  const std::string hazards_file =
      !options.hazards_file.empty() ? options.hazards_file
      : requirements_file.empty()
          ? std::string()
          : (std::filesystem::path(requirements_file).parent_path() / "hazards.yaml").string();
  HazardCheck check;
  if (!hazards_file.empty() &&
      (!options.hazards_file.empty() || std::filesystem::exists(hazards_file))) {
    check = check_hazard_analysis(hazards_file, requirements, groups, not_met,
                                  options.out_dir + "/hazards.md");
    if (check.bad_input) bad_input = true;
    if (check.unmitigated != 0 && exit_code != kExitSimulationFailed &&
        exit_code != kExitInterrupted) {
      exit_code = kExitFailed;
    }
  }
  std::vector<ReportRun> report_runs;
  for (const WorkerRun& run : runs) {
    report_runs.push_back({run.id, run.result.value("scenario", run.name), "",
                           run.id + "/report.html", run.exit_code, run.result});
  }
  write_suite_report(options.out_dir + "/report.html", "Suite: " + join_paths(options.paths),
                     requirements, report_runs, groups, not_met, false,
                     check.analysis ? &*check.analysis : nullptr);
  return bad_input ? kExitBadInput : exit_code;
}

int run_seed_sweep(const std::string& self, const std::string& file, const Scenario& scenario,
                   const RunOptions& options, uint64_t seeds, unsigned jobs) {
  std::vector<WorkerRun> runs;
  for (const std::optional<uint64_t>& seed : seeds_of(scenario, seeds)) {
    const std::string id = "seed-" + std::to_string(*seed);
    WorkerRun run = scenario_run(self, file, id, options.out_dir + "/" + id, seed, options.member,
                                 options.lockstep, options.firmware);
    run.group = scenario.name;
    runs.push_back(std::move(run));
  }
  std::printf("%s: %zu seeds (%llu..%llu), each in its own process\n", scenario.name.c_str(),
              runs.size(), static_cast<unsigned long long>(scenario.setup.seed),
              static_cast<unsigned long long>(scenario.setup.seed + runs.size() - 1));
  std::fflush(stdout);
  run_workers(self, runs, jobs != 0 ? jobs : default_worker_count());
  json group = group_verdicts(runs).at(0);
  group["scenario"] = scenario.name;
  group["description"] = scenario.description;
  group["file"] = scenario.file;
  group["seeds"] = {scenario.setup.seed, scenario.setup.seed + runs.size() - 1};
  {
    std::ofstream out(options.out_dir + "/result.json", std::ios::trunc);
    out << group.dump(1) << '\n';
  }
  write_junit(options.out_dir + "/junit.xml", json::array({group}), "scenarios");
  write_sweep_report(options.out_dir, group);
  if (!options.quiet) {
    std::printf("%s: %s over %zu seeds\n", scenario.name.c_str(),
                group["status"].get<std::string>().c_str(), runs.size());
    for (const json& e : group["expectations"]) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%.3f",
                    e["pass_probability_lower_bound_95"].get<double>());
      std::printf("  %-17s %-14s %-6s %s of %s held (95 %% lower bound %s)\n",
                  e["verdict"].get<std::string>().c_str(),
                  e["requirement"].get<std::string>().c_str(), e["id"].get<std::string>().c_str(),
                  e["holds"].dump().c_str(), e["runs"].dump().c_str(), bound);
    }
    print_group_failures(group);
    std::printf("  outputs: %s/{result.json,junit.xml,report.html,seed-*/}\n",
                options.out_dir.c_str());
  }
  return worst_exit_code(runs);
}

}  // namespace pumpbench
