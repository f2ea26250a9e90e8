// `pumpbench suite`: every scenario in its own worker process (this executable's `run`), at most
// `jobs` at a time, each stochastic scenario once per seed of its sweep (and a cohort once per
// member); then a JUnit XML report and a traceability matrix (requirement -> scenarios ->
// verdicts, "k of N" over the seeds) in Markdown and CSV, including the requirements no scenario
// verifies, the requirements not met, and the check of the hazard analysis (hazards.h).
// `pumpbench run` of a swept scenario runs its seeds the same way (run_seed_sweep).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario.h"
#include "scenario_run.h"

namespace pumpbench {

struct SuiteOptions {
  std::vector<std::string> paths;  // scenario files or folders (searched recursively)
  unsigned jobs = 0;               // 0: every core
  std::string junit_file;          // default: <out>/junit.xml
  std::string filter;              // glob on the scenario's path relative to its root, or name
  std::string out_dir = "pumpbench-suite";
  std::string requirements_file;  // default: requirements.yaml found next to the scenarios
  std::string hazards_file;       // default: hazards.yaml beside the requirements file
  bool lockstep = false;
  std::string firmware;  // --firmware: every scenario runs this image
  // --image-coverage: every run writes its image's executed ranges to OUT/<run>/image-coverage.txt
  bool image_coverage = false;
  std::optional<uint64_t> seeds;  // overrides every scenario's sweep (1: no sweep)
};

// Returns 0 when every scenario passed, 4 when the worst is a known gap, 1 when some failed (or
// a hazard is unmitigated), 2 on bad input, 3 when a worker's simulation failed.
int run_suite(const std::string& self_executable, const SuiteOptions& options);

// `pumpbench run FILE` of a scenario with `sweep: {seeds: N}` (or `--seeds N`): seeds
// setup.seed .. setup.seed + N - 1, each in its own process (`run FILE --seed S`) into
// OUT/seed-S, at most `jobs` at once; then OUT/result.json (the verdict "k of N" per
// expectation), OUT/junit.xml and OUT/report.html. Exit codes as a single run's, of the worst
// seed.
int run_seed_sweep(const std::string& self_executable, const std::string& file,
                   const Scenario& scenario, const RunOptions& options, uint64_t seeds,
                   unsigned jobs);

}  // namespace pumpbench
