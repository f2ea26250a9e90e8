// `pumpbench suite`: every scenario in its own worker process (this executable's `run`), at most
// `jobs` at a time, then a JUnit XML report and a traceability matrix (requirement -> scenarios
// -> verdicts) in Markdown and CSV, including the requirements no scenario verifies.
#pragma once

#include <string>
#include <vector>

namespace pumpbench {

struct SuiteOptions {
  std::vector<std::string> paths;  // scenario files or folders (searched recursively)
  unsigned jobs = 0;               // 0: every core
  std::string junit_file;          // default: <out>/junit.xml
  std::string filter;              // glob on the scenario's path relative to its root, or name
  std::string out_dir = "pumpbench-suite";
  std::string requirements_file;  // default: requirements.yaml found next to the scenarios
  bool lockstep = false;
  std::string firmware;  // --firmware: every scenario runs this image
};

// Returns 0 when every scenario passed, 1 when some failed, 2 on bad input, 3 when a worker's
// simulation failed.
int run_suite(const std::string& self_executable, const SuiteOptions& options);

}  // namespace pumpbench
