// Runs in worker processes and their reports, shared by `pumpbench suite` and `pumpbench
// campaign` / `merge`: each run is this executable in a process of its own (SystemC elaborates
// once per process), at most so many at once; then a JUnit XML report and a traceability matrix
// (requirement -> runs -> verdicts) in Markdown and CSV, including the requirements no run
// verifies. The reports hold no wall-clock time: the same results give byte-identical files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario_loader.h"

namespace pumpbench {

// What a run (or a group of runs) comes to, from its exit code (docs/scenarios.md, "Verdicts"):
// exactly one of these; only kPassed is a pass.
enum class Outcome { kPassed, kFailed, kKnownGap, kError };
Outcome outcome_of_exit_code(int exit_code);
// "passed", "failed", "known_gap", "error": the words of result.json.
const char* outcome_word(Outcome outcome);

struct WorkerRun {
  // Names the run in its output folder and in the per-run lines.
  std::string id;
  std::string name;  // the id when empty
  // The verdict this run counts towards: a scenario's seed sweep, a cohort's members, a
  // campaign cell's seeds. Runs of one group are consecutive; the run's id when empty.
  std::string group;
  std::string group_name;              // the JUnit testsuite's name; the group (or id) when empty
  std::string reproduce;               // the command that runs this run alone, for a failing seed
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

// The files named, and the `*.yaml` files other than requirements.yaml and hazards.yaml below
// each folder named (searched recursively, sorted), in the order given.
std::vector<ScenarioFile> find_scenario_files(const std::vector<std::string>& paths);

// The requirements list: `file` if given, else the requirements.yaml beside (or nearest above)
// the first of `paths` that has one; none when there is none. Problems are printed and set
// `bad_input`; `used_file` receives the file read.
std::vector<Requirement> load_requirements_for(const std::vector<std::string>& paths,
                                               const std::string& file, bool& bad_input,
                                               std::string* used_file = nullptr);

// A word of a command line, quoted for the shell when it needs it.
std::string shell_word(const std::string& word);

// Every core.
unsigned default_worker_count();

// Runs each run not already marked bad input in its own process, at most `at_once` at a time,
// collects its exit code and result.json, and prints a line per finished run.
void run_workers(const std::string& self_executable, std::vector<WorkerRun>& runs,
                 unsigned at_once);

// The one-sided 95 % lower confidence bound on a pass probability from `holds` passes in `runs`
// runs (Clopper-Pearson, exact): with holds = runs it is 0.05^(1/runs). 0 for no runs.
double pass_probability_lower_bound(uint64_t holds, uint64_t runs);

// The verdict of each group of runs (WorkerRun::group), in order: its status (the worst outcome
// of its runs: error, failed, known_gap, passed), how many runs came to each outcome, and per
// expectation how many runs it held in ("k of N") with the 95 % lower bound on the pass
// probability, the runs it failed in, and the command that reproduces each failing run.
nlohmann::json group_verdicts(const std::vector<WorkerRun>& runs);

// JUnit XML: a testsuite per group (its `time`: the group's simulated seconds, so that the same
// results give the same file), a testcase per expectation ("k of N runs" and the bound in
// its output; a failure names the failing runs and how to reproduce them; a known gap or a
// reproduced hazard is `skipped` with its reason, never a pass) and per failed step (classname
// `<classname_prefix>.<group id>`), an error for runs that could not run.
void write_junit(const std::string& path, const nlohmann::json& groups,
                 const std::string& classname_prefix);

// A requirement the runs do not show met: FAIL, NOT MET (known gap) or NOT VERIFIED.
struct RequirementNotMet {
  std::string id;
  std::string verdict;
};

// OUT/traceability.md and .csv (requirement -> groups -> verdicts, "k of N"); prints how many
// requirements no run verifies; returns the requirements not met, in the list's order.
std::vector<RequirementNotMet> write_traceability(const std::string& out_dir,
                                                  const std::vector<Requirement>& requirements,
                                                  const nlohmann::json& groups,
                                                  const std::string& what = "scenarios");

// "<what>: P passed, F failed, G known gap, E error (N <what>, R runs)": the count of the groups'
// statuses, as the summary and traceability.md give it.
std::string verdict_counts(const nlohmann::json& groups, const std::string& what);

// A group's failed steps, accepted residual risks and failing runs with the commands that
// reproduce them (the first few), as lines on stdout.
void print_group_failures(const nlohmann::json& group);

// How many groups came to each outcome, the known gaps with their reasons, the failing runs
// with the commands that reproduce them and the requirements not met: the end of what `suite`,
// `campaign` and `merge` print. `what` names the groups ("scenarios").
void print_verdict_summary(const nlohmann::json& groups,
                           const std::vector<RequirementNotMet>& not_met, const std::string& what);

// The exit code of a set of groups: 3 when some run could not run or errored, else 1 when some
// failed, else 4 when some is a known gap, else 0; 130 when interrupted.
int worst_exit_code(const std::vector<WorkerRun>& runs);

}  // namespace pumpbench
