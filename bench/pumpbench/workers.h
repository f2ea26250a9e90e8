// Runs in worker processes and their reports, shared by `pumpbench suite` and `pumpbench
// campaign` / `merge`: each run is this executable in a process of its own (SystemC elaborates
// once per process), at most so many at once; then a JUnit XML report and a traceability matrix
// (requirement -> runs -> verdicts) in Markdown and CSV, including the requirements no run
// verifies. The reports hold no wall-clock time: the same results give byte-identical files.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario_loader.h"

namespace pumpbench {

struct WorkerRun {
  // Names the run in the reports (JUnit classname, traceability) and its output folder.
  std::string id;
  std::string name;                    // the JUnit testsuite's name; the id when empty
  std::vector<std::string> arguments;  // after the executable, e.g. {"run", FILE, "--out", DIR}
  std::string out_dir;                 // receives the worker's result.json and worker.log
  // -1 until run; a run set to kExitBadInput beforehand is not started.
  int exit_code = -1;
  nlohmann::json result = nlohmann::json::object();  // result.json; empty when it did not run
  std::vector<std::string> errors;                   // why it could not run
};

// A scenario file and its name relative to the folder it was found in, without ".yaml" (or the
// file's stem when it was named itself): names its runs and their output folders.
struct ScenarioFile {
  std::string file;
  std::string relative;
};

// The files named, and the `*.yaml` files other than requirements.yaml below each folder named
// (searched recursively, sorted), in the order given.
std::vector<ScenarioFile> find_scenario_files(const std::vector<std::string>& paths);

// The requirements list: `file` if given, else the requirements.yaml beside (or nearest above)
// the first of `paths` that has one; none when there is none. Problems are printed and set
// `bad_input`.
std::vector<Requirement> load_requirements_for(const std::vector<std::string>& paths,
                                               const std::string& file, bool& bad_input);

// Every core.
unsigned default_worker_count();

// Runs each run not already marked bad input in its own process, at most `at_once` at a time,
// collects its exit code and result.json, and prints a line per finished run.
void run_workers(const std::string& self_executable, std::vector<WorkerRun>& runs,
                 unsigned at_once);

// JUnit XML: a testsuite per run (its `time`: the simulated seconds, so that the same results
// give the same file), a testcase per expectation and per failed step (classname
// `<classname_prefix>.<id>`), an error for a run that could not run.
void write_junit(const std::string& path, const std::vector<WorkerRun>& runs,
                 const std::string& classname_prefix);

// OUT/traceability.md and .csv; prints how many requirements no run verifies.
void write_traceability(const std::string& out_dir, const std::vector<Requirement>& requirements,
                        const std::vector<WorkerRun>& runs);

// 0 when every run passed, 1 when some failed, 3 when some could not run or errored.
int worst_exit_code(const std::vector<WorkerRun>& runs);

}  // namespace pumpbench
