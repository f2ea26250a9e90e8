#include "workers.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "recorder.h"
#include "scenario_run.h"

extern char** environ;

namespace pumpbench {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

pid_t spawn_worker(const std::string& self, const WorkerRun& run) {
  std::vector<std::string> arguments = {self};
  arguments.insert(arguments.end(), run.arguments.begin(), run.arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = run.out_dir + "/worker.log";
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  if (posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

struct Trace {
  std::string scenario;
  std::string check;  // expectation id, or "scenario"
  std::string verdict;
};

}  // namespace

std::vector<ScenarioFile> find_scenario_files(const std::vector<std::string>& paths) {
  std::vector<ScenarioFile> found;
  for (const std::string& path : paths) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      found.push_back({path, fs::path(path).stem().string()});
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(path, error)) {
      if (entry.is_regular_file() && entry.path().extension() == ".yaml" &&
          entry.path().filename() != "requirements.yaml") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      found.push_back({file.string(), fs::relative(file, path).replace_extension().string()});
    }
  }
  return found;
}

std::vector<Requirement> load_requirements_for(const std::vector<std::string>& paths,
                                               const std::string& file, bool& bad_input) {
  std::string requirements_file = file;
  if (requirements_file.empty()) {
    for (const std::string& path : paths) {
      const std::string probe = fs::is_directory(path) ? path + "/requirements.yaml" : path;
      if (const auto found = find_requirements_file(probe)) {
        requirements_file = *found;
        break;
      }
    }
  }
  if (requirements_file.empty()) return {};
  RequirementsLoad loaded = load_requirements(requirements_file);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
    bad_input = true;
  }
  return std::move(loaded.requirements);
}

unsigned default_worker_count() { return std::max(1u, std::thread::hardware_concurrency()); }

void run_workers(const std::string& self, std::vector<WorkerRun>& runs, unsigned at_once) {
  at_once = std::max(1u, at_once);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  while (next < runs.size() || !running.empty()) {
    // Interrupted (Ctrl-C reaches the workers too, which stop with complete reports): no new
    // worker; the running ones are waited for, so every report is written.
    if (interrupt_requested()) {
      for (; next < runs.size(); ++next) {
        if (runs[next].exit_code == kExitBadInput) continue;
        runs[next].exit_code = kExitInterrupted;
        runs[next].errors.push_back("not started: interrupted");
      }
    }
    while (next < runs.size() && running.size() < at_once) {
      WorkerRun& run = runs[next];
      if (run.exit_code == kExitBadInput) {
        ++next;
        continue;
      }
      std::error_code error;
      fs::create_directories(run.out_dir, error);
      const pid_t pid = spawn_worker(self, run);
      if (pid < 0) {
        run.exit_code = kExitSimulationFailed;
        run.errors.push_back("the worker process could not be started");
      } else {
        running[pid] = next;
      }
      ++next;
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) continue;  // a signal came (EINTR): look at the interrupt first
    const auto found = running.find(pid);
    if (found == running.end()) continue;
    WorkerRun& run = runs[found->second];
    running.erase(found);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : kExitSimulationFailed;
    std::ifstream result_file(run.out_dir + "/result.json");
    if (result_file) {
      try {
        run.result = json::parse(result_file);
      } catch (const json::exception&) {
        run.result = json::object();
      }
    }
    std::printf("%-6s %-40s exit %d\n",
                run.exit_code == 0   ? "PASS"
                : run.exit_code == 1 ? "FAIL"
                                     : "ERROR",
                run.id.c_str(), run.exit_code);
    std::fflush(stdout);
  }
}

void write_junit(const std::string& path, const std::vector<WorkerRun>& runs,
                 const std::string& classname_prefix) {
  std::ofstream xml(path, std::ios::trunc);
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pumpbench\">\n";
  for (const WorkerRun& job : runs) {
    const json& expectations = job.result.value("expectations", json::array());
    const json& steps = job.result.value("steps", json::array());
    int failures = 0;
    int tests = 0;
    for (const json& e : expectations) {
      ++tests;
      const std::string v = e.value("verdict", "");
      if (v != "pass" && v != "known_gap") ++failures;
    }
    for (const json& s : steps) {
      if (s.value("verdict", "") == "fail") {
        ++tests;
        ++failures;
      }
    }
    const bool error = job.exit_code >= 2 || job.result.empty();
    xml << "  <testsuite name=\"" << markup_escape(job.name.empty() ? job.id : job.name)
        << "\" tests=\"" << (error ? tests + 1 : tests) << "\" failures=\"" << failures
        << "\" errors=\"" << (error ? 1 : 0) << "\" time=\""
        << format_number(job.result.value("simulated_s", 0.0)) << "\">\n";
    const std::string classname = classname_prefix + "." + job.id;
    for (const json& e : expectations) {
      xml << "    <testcase classname=\"" << markup_escape(classname) << "\" name=\""
          << markup_escape(e.value("requirement", "") + " " + e.value("id", "") + ": " +
                           e.value("check", ""))
          << "\"";
      const std::string verdict = e.value("verdict", "");
      if (verdict == "pass") {
        xml << "/>\n";
        continue;
      }
      if (verdict == "known_gap") {
        xml << ">\n      <skipped message=\"known gap: " << markup_escape(e.value("known_gap", ""))
            << "\"/>\n    </testcase>\n";
        continue;
      }
      const json& measured = e["measured"];
      xml << ">\n      <failure message=\""
          << markup_escape(verdict + ": measured " +
                           (measured.is_string() ? measured.get<std::string>() : measured.dump()) +
                           ", expected " + e.value("expected", ""))
          << "\"/>\n    </testcase>\n";
    }
    for (const json& s : steps) {
      if (s.value("verdict", "") != "fail") continue;
      xml << "    <testcase classname=\"" << markup_escape(classname) << "\" name=\""
          << markup_escape("step at line " + std::to_string(s.value("line", 0)) + " " +
                           s.value("action", ""))
          << "\">\n      <failure message=\""
          << markup_escape(s.value("answer", "") + ", expected " + s.value("expect", ""))
          << "\"/>\n    </testcase>\n";
    }
    if (error) {
      std::string message = "exit code " + std::to_string(job.exit_code);
      for (const std::string& error : job.errors) message += "; " + error;
      if (job.result.contains("error")) message += "; " + job.result["error"].get<std::string>();
      xml << "    <testcase classname=\"" << markup_escape(classname)
          << "\" name=\"run\">\n      <error message=\"" << markup_escape(message)
          << "\"/>\n    </testcase>\n";
    }
    xml << "  </testsuite>\n";
  }
  xml << "</testsuites>\n";
}

void write_traceability(const std::string& out_dir, const std::vector<Requirement>& requirements,
                        const std::vector<WorkerRun>& runs) {
  std::map<std::string, std::vector<Trace>> traces;
  for (const WorkerRun& job : runs) {
    std::set<std::string> covered;
    for (const json& e : job.result.value("expectations", json::array())) {
      const std::string id = e.value("requirement", "");
      traces[id].push_back({job.id, e.value("id", ""), e.value("verdict", "")});
      covered.insert(id);
    }
    for (const json& s : job.result.value("steps", json::array())) {
      const std::string id = s.value("requirement", "");
      if (id.empty()) continue;
      traces[id].push_back({job.id, "step line " + std::to_string(s.value("line", 0)),
                            s.value("verdict", "")});
      covered.insert(id);
    }
    // A requirement the scenario lists but checks with no expectation of its own is judged by
    // the scenario's overall status.
    for (const json& id : job.result.value("requirements", json::array())) {
      if (covered.count(id.get<std::string>()) != 0) continue;
      const std::string status = job.result.value("status", "error");
      traces[id.get<std::string>()].push_back(
          {job.id, "scenario", status == "passed" ? "pass" : status});
    }
  }
  auto overall = [&](const std::string& id) {
    const auto found = traces.find(id);
    if (found == traces.end() || found->second.empty()) return std::string("NOT VERIFIED");
    bool gap = false;
    for (const Trace& trace : found->second) {
      if (trace.verdict == "known_gap") {
        gap = true;
      } else if (trace.verdict != "pass") {
        return std::string("FAIL");
      }
    }
    // A known gap: the scenario shows the hazard; the requirement is not met by the firmware.
    return std::string(gap ? "NOT MET (known gap)" : "PASS");
  };
  std::ofstream markdown(out_dir + "/traceability.md", std::ios::trunc);
  std::ofstream csv(out_dir + "/traceability.csv", std::ios::trunc);
  markdown << "# Traceability: requirement -> scenarios -> verdicts\n\n"
           << "| requirement | text | verdict | scenario: check = verdict |\n| --- | --- | --- | "
              "--- |\n";
  csv << "requirement,text,overall,scenario,check,verdict\n";
  std::set<std::string> listed;
  std::vector<std::string> unverified;
  for (const Requirement& requirement : requirements) {
    listed.insert(requirement.id);
    const std::string verdict = overall(requirement.id);
    if (verdict == "NOT VERIFIED") unverified.push_back(requirement.id);
    std::string cells;
    for (const Trace& trace : traces[requirement.id]) {
      cells += (cells.empty() ? "" : "<br>") + trace.scenario + ": " + trace.check + " = " +
               trace.verdict;
      csv << csv_field(requirement.id) << ',' << csv_field(requirement.text) << ',' << verdict
          << ',' << csv_field(trace.scenario) << ',' << csv_field(trace.check) << ','
          << trace.verdict << '\n';
    }
    if (traces[requirement.id].empty()) {
      csv << csv_field(requirement.id) << ',' << csv_field(requirement.text) << ',' << verdict
          << ",,,\n";
    }
    markdown << "| " << requirement.id << " | " << requirement.text << " | " << verdict << " | "
             << cells << " |\n";
  }
  for (const auto& [id, list] : traces) {
    if (listed.count(id) != 0 || id.empty()) continue;
    markdown << "| " << id << " | (not in the requirements list) | " << overall(id) << " | |\n";
  }
  markdown << "\nRequirements no scenario verifies: "
           << (unverified.empty() ? std::string("none") : "");
  for (size_t i = 0; i < unverified.size(); ++i) markdown << (i ? ", " : "") << unverified[i];
  markdown << "\n";
  std::printf("requirements: %zu listed, %zu not verified by any scenario%s", requirements.size(),
              unverified.size(), unverified.empty() ? "\n" : ": ");
  for (size_t i = 0; i < unverified.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", unverified[i].c_str());
  }
  if (!unverified.empty()) std::printf("\n");
}

int worst_exit_code(const std::vector<WorkerRun>& runs) {
  int worst = kExitPassed;
  for (const WorkerRun& run : runs) {
    if (run.exit_code == kExitInterrupted) return kExitInterrupted;
    if (run.exit_code == kExitFailed && worst == kExitPassed) worst = kExitFailed;
    if (run.exit_code != kExitPassed && run.exit_code != kExitFailed) worst = kExitSimulationFailed;
  }
  return worst;
}

}  // namespace pumpbench
