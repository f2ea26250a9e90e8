#include "suite.h"

#include <fnmatch.h>

#include <cstdio>
#include <filesystem>

#include "report_html.h"
#include "scenario_loader.h"
#include "scenario_run.h"
#include "workers.h"

namespace pumpbench {

namespace {

bool matches(const std::string& pattern, const std::string& relative, const std::string& name) {
  if (pattern.empty()) return true;
  const std::string glob =
      pattern.find_first_of("*?[") == std::string::npos ? "*" + pattern + "*" : pattern;
  return fnmatch(glob.c_str(), relative.c_str(), 0) == 0 ||
         fnmatch(glob.c_str(), name.c_str(), 0) == 0;
}

std::vector<std::string> worker_arguments(const std::string& file, const std::string& out_dir,
                                          const SuiteOptions& options) {
  std::vector<std::string> arguments = {"run", file, "--out", out_dir, "--quiet"};
  if (options.lockstep) arguments.push_back("--lockstep");
  if (!options.firmware.empty()) arguments.insert(arguments.end(), {"--firmware", options.firmware});
  return arguments;
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
    WorkerRun run;
    run.id = file.relative;
    run.name = loaded.scenario ? loaded.scenario->name : file.relative;
    if (!matches(options.filter, run.id, run.name)) continue;
    run.out_dir = options.out_dir + "/" + run.id;
    run.arguments = worker_arguments(file.file, run.out_dir, options);
    if (!loaded.scenario) {
      for (const Diagnostic& diagnostic : loaded.diagnostics) {
        std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
        run.errors.push_back(diagnostic.format());
      }
      run.exit_code = kExitBadInput;
      bad_input = true;
    }
    if (loaded.scenario && loaded.scenario->setup.cohort_size > 0) {
      // A cohort campaign: one worker process per virtual patient (SystemC elaborates once).
      for (uint64_t member = 0; member < loaded.scenario->setup.cohort_size; ++member) {
        WorkerRun member_run = run;
        member_run.id = run.id + "/member_" + std::to_string(member);
        member_run.name = run.name + " [member " + std::to_string(member) + "]";
        member_run.out_dir = options.out_dir + "/" + member_run.id;
        member_run.arguments = worker_arguments(file.file, member_run.out_dir, options);
        member_run.arguments.push_back("--member");
        member_run.arguments.push_back(std::to_string(member));
        runs.push_back(std::move(member_run));
      }
      continue;
    }
    runs.push_back(std::move(run));
  }
  if (runs.empty()) {
    std::fprintf(stderr, "pumpbench suite: no scenario matches\n");
    return kExitBadInput;
  }
  run_workers(self, runs, options.jobs != 0 ? options.jobs : default_worker_count());

  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  const std::string junit =
      options.junit_file.empty() ? options.out_dir + "/junit.xml" : options.junit_file;
  write_junit(junit, runs, "scenarios");
  const std::vector<Requirement> requirements =
      load_requirements_for(options.paths, options.requirements_file, bad_input);
  write_traceability(options.out_dir, requirements, runs);
  std::vector<ReportRun> report_runs;
  for (const WorkerRun& run : runs) {
    report_runs.push_back({run.id, run.result.value("scenario", run.name), "",
                           run.id + "/report.html", run.exit_code, run.result});
  }
  write_suite_report(options.out_dir + "/report.html", "Suite: " + join_paths(options.paths),
                     requirements, report_runs, false);

  int passed = 0;
  for (const WorkerRun& run : runs) passed += run.exit_code == kExitPassed ? 1 : 0;
  std::printf(
      "%d of %zu scenarios passed; JUnit %s; traceability %s/traceability.{md,csv}; "
      "report %s/report.html\n",
      passed, runs.size(), junit.c_str(), options.out_dir.c_str(), options.out_dir.c_str());
  return bad_input ? kExitBadInput : worst_exit_code(runs);
}

}  // namespace pumpbench
