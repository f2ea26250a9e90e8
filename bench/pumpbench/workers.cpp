#include "workers.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <boost/math/distributions/binomial.hpp>

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
          entry.path().filename() != "requirements.yaml" &&
          entry.path().filename() != "hazards.yaml") {
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
                                               const std::string& file, bool& bad_input,
                                               std::string* used_file) {
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
  if (used_file != nullptr) *used_file = requirements_file;
  RequirementsLoad loaded = load_requirements(requirements_file);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
    bad_input = true;
  }
  return std::move(loaded.requirements);
}

std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./=:+,@%") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

unsigned default_worker_count() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// How often the parent looks for finished workers and for an interrupt (wall time): a small
// part of the second within which Ctrl-C must end a suite or a campaign.
constexpr std::chrono::milliseconds kWorkerPoll{20};

void run_workers(const std::string& self, std::vector<WorkerRun>& runs, unsigned at_once) {
  at_once = std::max(1u, at_once);
  std::map<pid_t, size_t> running;
  size_t next = 0;
  bool passed_on = false;
  while (next < runs.size() || !running.empty()) {
    // Interrupted: no new worker; the running ones are waited for, so every report is written.
    // A terminal's Ctrl-C reaches the workers too; a SIGINT or SIGTERM sent to this process
    // alone (a batch system, kill) is passed on to them, so that they stop as soon as it does.
    if (interrupt_requested()) {
      if (!passed_on) {
        for (const auto& worker : running) kill(worker.first, SIGINT);
        passed_on = true;
      }
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
    // Polled, not blocking: a signal handler installed with signal() restarts a blocking
    // waitpid, which would then wait for a worker that was never told to stop.
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0) {
      std::this_thread::sleep_for(kWorkerPoll);
      continue;
    }
    if (pid < 0) continue;
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
    static const std::map<Outcome, const char*> kWords = {{Outcome::kPassed, "PASS"},
                                                          {Outcome::kFailed, "FAIL"},
                                                          {Outcome::kKnownGap, "GAP"},
                                                          {Outcome::kError, "ERROR"}};
    std::printf("%-6s %-40s exit %d\n", kWords.at(outcome_of_exit_code(run.exit_code)),
                run.id.c_str(), run.exit_code);
    std::fflush(stdout);
  }
}

Outcome outcome_of_exit_code(int exit_code) {
  switch (exit_code) {
    case kExitPassed:
      return Outcome::kPassed;
    case kExitFailed:
      return Outcome::kFailed;
    case kExitKnownGap:
      return Outcome::kKnownGap;
    default:
      return Outcome::kError;
  }
}

const char* outcome_word(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "passed";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kKnownGap:
      return "known_gap";
    case Outcome::kError:
      break;
  }
  return "error";
}

double pass_probability_lower_bound(uint64_t holds, uint64_t runs) {
  if (runs == 0) return 0.0;
  return boost::math::binomial_distribution<double>::find_lower_bound_on_p(
      static_cast<double>(runs), static_cast<double>(holds), 0.05);
}

namespace {

std::string group_of(const WorkerRun& run) {
  return run.group.empty() ? run.id : run.group;
}

// A check's verdict over runs: it held in a run when it passed or reproduced its hazard.
bool holds(const std::string& verdict) {
  return verdict == "pass" || verdict == "hazard_reproduced";
}

// The worse of two expectation verdicts: fail, known_gap, hazard_reproduced, pass.
std::string worse(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& verdict) {
    if (verdict == "pass") return 0;
    if (verdict == "hazard_reproduced") return 1;
    if (verdict == "known_gap") return 2;
    return 3;
  };
  if (rank(a) >= rank(b)) return rank(a) == 3 ? "fail" : a;
  return rank(b) == 3 ? "fail" : b;
}

json one_group(const std::vector<WorkerRun>& runs, size_t begin, size_t end) {
  const WorkerRun& first = runs[begin];
  const uint64_t count = end - begin;
  std::map<Outcome, uint64_t> outcomes;
  json expectations = json::array();
  std::map<std::string, size_t> expectation_at;
  json steps = json::array();
  std::map<std::string, size_t> step_at;
  json failing = json::array();
  std::vector<std::string> known_gaps;
  double simulated_s = 0.0;  // the group's runs together: JUnit's time, the same on every machine
  std::vector<std::string> errors;
  for (size_t i = begin; i < end; ++i) {
    const WorkerRun& run = runs[i];
    const Outcome outcome = outcome_of_exit_code(run.exit_code);
    ++outcomes[outcome];
    simulated_s += run.result.value("simulated_s", 0.0);
    if (outcome == Outcome::kFailed || outcome == Outcome::kError) {
      failing.push_back(
          {{"run", run.id}, {"status", outcome_word(outcome)}, {"reproduce", run.reproduce}});
    }
    for (const std::string& error : run.errors) errors.push_back(run.id + ": " + error);
    if (run.result.contains("error")) {
      errors.push_back(run.id + ": " + run.result["error"].get<std::string>());
    }
    for (const json& gap : run.result.value("known_gaps", json::array())) {
      const std::string reason = gap.get<std::string>();
      if (std::find(known_gaps.begin(), known_gaps.end(), reason) == known_gaps.end()) {
        known_gaps.push_back(reason);
      }
    }
    for (const json& e : run.result.value("expectations", json::array())) {
      const std::string id = e.value("id", "");
      auto found = expectation_at.find(id);
      if (found == expectation_at.end()) {
        found = expectation_at.emplace(id, expectations.size()).first;
        expectations.push_back({{"id", id},
                                {"requirement", e.value("requirement", "")},
                                {"hazard", e.value("hazard", "")},
                                {"check", e.value("check", "")},
                                {"expected", e.value("expected", "")},
                                {"known_gap", e.value("known_gap", "")},
                                {"verdict", "pass"},
                                {"holds", 0},
                                {"failed_in", json::array()}});
      }
      json& entry = expectations[found->second];
      const std::string verdict = e.value("verdict", "");
      entry["verdict"] = worse(entry["verdict"].get<std::string>(), verdict);
      if (holds(verdict)) {
        entry["holds"] = entry["holds"].get<uint64_t>() + 1;
      } else if (verdict != "known_gap") {
        entry["failed_in"].push_back(run.id);
      }
      const json& measured = e["measured"];
      if (measured.is_number()) {
        const double value = measured.get<double>();
        entry["measured_min"] = entry.contains("measured_min")
                                    ? std::min(entry["measured_min"].get<double>(), value)
                                    : value;
        entry["measured_max"] = entry.contains("measured_max")
                                    ? std::max(entry["measured_max"].get<double>(), value)
                                    : value;
      }
    }
    // The steps that verify a requirement or failed: a step's expected answer is a check too.
    for (const json& step : run.result.value("steps", json::array())) {
      const bool failed = step.value("verdict", "") == "fail";
      if (!failed && step.value("requirement", "").empty()) continue;
      const std::string what =
          "step at line " + std::to_string(step.value("line", 0)) + " " + step.value("action", "");
      auto found = step_at.find(what);
      if (found == step_at.end()) {
        found = step_at.emplace(what, steps.size()).first;
        steps.push_back({{"step", what},
                         {"requirement", step.value("requirement", "")},
                         {"answer", step.value("answer", "")},
                         {"expect", step.value("expect", "")},
                         {"failed_in", json::array()}});
      }
      json& entry = steps[found->second];
      if (failed) {
        if (entry["failed_in"].empty()) entry["answer"] = step.value("answer", "");
        entry["failed_in"].push_back(run.id);
      }
    }
  }
  // A run that could not run holds none of its group's checks.
  for (json& entry : expectations) {
    const uint64_t held = entry["holds"].get<uint64_t>();
    entry["runs"] = count;
    entry["pass_probability_lower_bound_95"] = pass_probability_lower_bound(held, count);
    if (held + entry["failed_in"].size() < count && entry["verdict"] != "known_gap") {
      entry["verdict"] = "fail";
    }
  }
  json failed_steps = json::array();
  for (const json& step : steps) {
    if (!step["failed_in"].empty()) failed_steps.push_back(step);
  }
  Outcome status = Outcome::kPassed;
  for (Outcome worst : {Outcome::kKnownGap, Outcome::kFailed, Outcome::kError}) {
    if (outcomes[worst] != 0) status = worst;
  }
  json counts = json::object();
  for (Outcome outcome :
       {Outcome::kPassed, Outcome::kFailed, Outcome::kKnownGap, Outcome::kError}) {
    counts[outcome_word(outcome)] = outcomes[outcome];
  }
  const std::string id = group_of(first);
  return {{"id", id},
          {"name", !first.group_name.empty() ? first.group_name
                   : !first.name.empty()     ? first.name
                                             : id},
          {"file", first.result.value("file", "")},
          {"status", outcome_word(status)},
          {"runs", count},
          {"simulated_s", simulated_s},
          {"outcomes", counts},
          {"requirements", first.result.value("requirements", json::array())},
          {"known_gaps", known_gaps},
          {"expectations", expectations},
          {"steps", steps},
          {"failed_steps", failed_steps},
          {"failing_runs", failing},
          {"errors", errors}};
}

// What a check traces to: its requirement, or the hazard whose harm it checks.
std::string trace_of(const json& expectation) {
  const std::string requirement = expectation.value("requirement", "");
  return requirement.empty() ? "harm of " + expectation.value("hazard", "") : requirement;
}

std::string k_of_n(const json& entry) {
  char bound[32];
  std::snprintf(bound, sizeof bound, "%.3f",
                entry["pass_probability_lower_bound_95"].get<double>());
  return std::to_string(entry["holds"].get<uint64_t>()) + " of " +
         std::to_string(entry["runs"].get<uint64_t>()) +
         " runs held; 95 % lower bound on the pass probability " + bound;
}

// "run (reproduce: command)" for each failing run named, the first few.
std::string failing_list(const json& group, const json& run_ids) {
  constexpr size_t kShown = 5;
  std::string text;
  size_t shown = 0;
  for (const json& id : run_ids) {
    if (shown == kShown) {
      text += "; and " + std::to_string(run_ids.size() - kShown) + " more";
      break;
    }
    std::string reproduce;
    for (const json& failing : group["failing_runs"]) {
      if (failing["run"] == id) reproduce = failing["reproduce"].get<std::string>();
    }
    text += (shown == 0 ? "" : "; ") + id.get<std::string>() +
            (reproduce.empty() ? "" : " (reproduce: " + reproduce + ")");
    ++shown;
  }
  return text;
}

}  // namespace

json group_verdicts(const std::vector<WorkerRun>& runs) {
  json groups = json::array();
  for (size_t begin = 0; begin < runs.size();) {
    size_t end = begin + 1;
    while (end < runs.size() && group_of(runs[end]) == group_of(runs[begin])) ++end;
    groups.push_back(one_group(runs, begin, end));
    begin = end;
  }
  return groups;
}

void write_junit(const std::string& path, const json& groups, const std::string& classname_prefix) {
  std::ofstream xml(path, std::ios::trunc);
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pumpbench\">\n";
  for (const json& group : groups) {
    const json& expectations = group["expectations"];
    const json& steps = group["failed_steps"];
    int failures = static_cast<int>(steps.size());
    int skipped = 0;
    for (const json& e : expectations) {
      failures += e["verdict"] == "fail" ? 1 : 0;
      skipped += e["verdict"] == "known_gap" || e["verdict"] == "hazard_reproduced" ? 1 : 0;
    }
    const bool error = group["outcomes"]["error"].get<uint64_t>() != 0;
    const size_t tests = expectations.size() + steps.size() + (error ? 1 : 0);
    xml << "  <testsuite name=\"" << markup_escape(group["name"].get<std::string>())
        << "\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\""
        << (error ? 1 : 0) << "\" skipped=\"" << skipped << "\" time=\""
        << format_number(group["simulated_s"].get<double>()) << "\">\n";
    const std::string classname = classname_prefix + "." + group["id"].get<std::string>();
    for (const json& e : expectations) {
      xml << "    <testcase classname=\"" << markup_escape(classname) << "\" name=\""
          << markup_escape(trace_of(e) + " " + e["id"].get<std::string>() + ": " +
                           e["check"].get<std::string>())
          << "\">\n";
      const std::string verdict = e["verdict"].get<std::string>();
      if (verdict == "known_gap") {
        xml << "      <skipped message=\""
            << markup_escape("known gap (requirement NOT MET): " +
                             e["known_gap"].get<std::string>())
            << "\"/>\n";
      } else if (verdict == "hazard_reproduced") {
        std::string reasons;
        for (const json& reason : group["known_gaps"]) reasons += " " + reason.get<std::string>();
        xml << "      <skipped message=\"" << markup_escape("hazard reproduced:" + reasons)
            << "\"/>\n";
      } else if (verdict == "fail") {
        xml << "      <failure message=\""
            << markup_escape(k_of_n(e) + "; expected " + e["expected"].get<std::string>() +
                             "; failed in " + failing_list(group, e["failed_in"]))
            << "\"/>\n";
      }
      xml << "      <system-out>" << markup_escape(k_of_n(e)) << "</system-out>\n"
          << "    </testcase>\n";
    }
    for (const json& s : steps) {
      xml << "    <testcase classname=\"" << markup_escape(classname) << "\" name=\""
          << markup_escape(s["step"].get<std::string>()) << "\">\n      <failure message=\""
          << markup_escape(s["answer"].get<std::string>() + ", expected " +
                           s["expect"].get<std::string>() + "; failed in " +
                           failing_list(group, s["failed_in"]))
          << "\"/>\n    </testcase>\n";
    }
    if (error) {
      std::string message;
      for (const json& failing : group["failing_runs"]) {
        if (failing["status"] != "error") continue;
        message += (message.empty() ? "" : "; ") + failing["run"].get<std::string>() +
                   " (reproduce: " + failing["reproduce"].get<std::string>() + ")";
      }
      for (const json& one : group["errors"]) message += "; " + one.get<std::string>();
      xml << "    <testcase classname=\"" << markup_escape(classname)
          << "\" name=\"run\">\n      <error message=\"" << markup_escape(message)
          << "\"/>\n    </testcase>\n";
    }
    xml << "  </testsuite>\n";
  }
  xml << "</testsuites>\n";
}

std::vector<RequirementNotMet> write_traceability(const std::string& out_dir,
                                                  const std::vector<Requirement>& requirements,
                                                  const json& groups, const std::string& what) {
  std::map<std::string, std::vector<Trace>> traces;
  for (const json& group : groups) {
    const std::string id = group["id"].get<std::string>();
    std::set<std::string> covered;
    for (const json& e : group["expectations"]) {
      const std::string requirement = e["requirement"].get<std::string>();
      if (requirement.empty()) continue;  // a harm check: it verifies no requirement
      const uint64_t runs = e["runs"].get<uint64_t>();
      std::string verdict = e["verdict"].get<std::string>();
      if (runs > 1) {
        verdict +=
            " (" + std::to_string(e["holds"].get<uint64_t>()) + " of " + std::to_string(runs) + ")";
      }
      traces[requirement].push_back({id, e["id"].get<std::string>(), verdict});
      covered.insert(requirement);
    }
    for (const json& s : group["steps"]) {
      const std::string requirement = s["requirement"].get<std::string>();
      if (requirement.empty()) continue;
      const size_t failed = s["failed_in"].size();
      const uint64_t runs = group["runs"].get<uint64_t>();
      std::string verdict = failed == 0 ? "pass" : "fail";
      if (runs > 1) {
        verdict += " (" + std::to_string(runs - failed) + " of " + std::to_string(runs) + ")";
      }
      traces[requirement].push_back({id, s["step"].get<std::string>(), verdict});
      covered.insert(requirement);
    }
    // A requirement the scenario lists but checks with no expectation of its own is judged by
    // the group's overall status.
    for (const json& requirement : group["requirements"]) {
      if (covered.count(requirement.get<std::string>()) != 0) continue;
      const std::string status = group["status"].get<std::string>();
      traces[requirement.get<std::string>()].push_back(
          {id, "scenario", status == "passed" ? "pass" : status});
    }
  }
  auto overall = [&](const std::string& id) {
    const auto found = traces.find(id);
    if (found == traces.end() || found->second.empty()) return std::string("NOT VERIFIED");
    bool gap = false;
    for (const Trace& trace : found->second) {
      if (trace.verdict.rfind("known_gap", 0) == 0) {
        gap = true;
      } else if (trace.verdict.rfind("pass", 0) != 0) {
        return std::string("FAIL");
      }
    }
    // A known gap: the scenario shows the hazard; the requirement is not met by the firmware.
    return std::string(gap ? "NOT MET (known gap)" : "PASS");
  };
  std::ofstream markdown(out_dir + "/traceability.md", std::ios::trunc);
  std::ofstream csv(out_dir + "/traceability.csv", std::ios::trunc);
  markdown << "# Traceability: requirement -> scenarios -> verdicts\n\n"
           << verdict_counts(groups, what) << "\n\n"
           << "| requirement | text | verdict | scenario: check = verdict |\n| --- | --- | --- | "
              "--- |\n";
  csv << "requirement,text,overall,scenario,check,verdict\n";
  std::set<std::string> listed;
  std::vector<std::string> unverified;
  std::vector<RequirementNotMet> not_met;
  for (const Requirement& requirement : requirements) {
    listed.insert(requirement.id);
    const std::string verdict = overall(requirement.id);
    if (verdict == "NOT VERIFIED") unverified.push_back(requirement.id);
    if (verdict != "PASS") not_met.push_back({requirement.id, verdict});
    std::string cells;
    for (const Trace& trace : traces[requirement.id]) {
      cells += (cells.empty() ? "" : "<br>") + trace.scenario + ": " + trace.check + " = " +
               trace.verdict;
      csv << csv_field(requirement.id) << ',' << csv_field(requirement.text) << ',' << verdict
          << ',' << csv_field(trace.scenario) << ',' << csv_field(trace.check) << ','
          << csv_field(trace.verdict) << '\n';
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
  std::string failing;
  for (const RequirementNotMet& requirement : not_met) {
    if (requirement.verdict == "NOT VERIFIED") continue;
    failing += (failing.empty() ? "" : ", ") + requirement.id + " (" + requirement.verdict + ")";
  }
  markdown << "\n\nRequirements NOT MET: " << (failing.empty() ? "none" : failing) << "\n";
  std::printf("requirements: %zu listed, %zu not verified by any scenario%s", requirements.size(),
              unverified.size(), unverified.empty() ? "\n" : ": ");
  for (size_t i = 0; i < unverified.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", unverified[i].c_str());
  }
  if (!unverified.empty()) std::printf("\n");
  return not_met;
}

std::string verdict_counts(const json& groups, const std::string& what) {
  std::map<std::string, int> counts;
  uint64_t runs = 0;
  for (const json& group : groups) {
    ++counts[group["status"].get<std::string>()];
    runs += group["runs"].get<uint64_t>();
  }
  char text[256];
  std::snprintf(
      text, sizeof text, "%s: %d passed, %d failed, %d known gap, %d error (%zu %s, %llu runs)",
      what.c_str(), counts["passed"], counts["failed"], counts["known_gap"], counts["error"],
      groups.size(), what.c_str(), static_cast<unsigned long long>(runs));
  return text;
}

void print_group_failures(const json& group) {
  for (const json& step : group["failed_steps"]) {
    std::printf("  fail %s: %s, expected %s (failed in %zu of %s runs)\n",
                step["step"].get<std::string>().c_str(), step["answer"].get<std::string>().c_str(),
                step["expect"].get<std::string>().c_str(), step["failed_in"].size(),
                group["runs"].dump().c_str());
  }
  for (const json& reason : group["known_gaps"]) {
    std::printf("  NOT A PASS: accepted residual risk: %s\n", reason.get<std::string>().c_str());
  }
  constexpr size_t kShown = 5;
  const json& failing = group["failing_runs"];
  for (size_t i = 0; i < failing.size() && i < kShown; ++i) {
    std::printf("  %s %s: reproduce with %s\n", failing[i]["status"].get<std::string>().c_str(),
                failing[i]["run"].get<std::string>().c_str(),
                failing[i]["reproduce"].get<std::string>().c_str());
  }
  if (failing.size() > kShown) {
    std::printf("  ... and %zu more failing runs (%s)\n", failing.size() - kShown,
                "verdicts.json or result.json lists them all");
  }
}

void print_verdict_summary(const json& groups, const std::vector<RequirementNotMet>& not_met,
                           const std::string& what) {
  for (const json& group : groups) {
    const std::string status = group["status"].get<std::string>();
    if (status == "passed") continue;
    std::printf("%-9s %s",
                status == "known_gap" ? "KNOWN GAP"
                : status == "failed"  ? "FAILED"
                                      : "ERROR",
                group["id"].get<std::string>().c_str());
    const json& outcomes = group["outcomes"];
    if (group["runs"].get<uint64_t>() > 1) {
      std::printf(" (%s of %s runs passed)", outcomes["passed"].dump().c_str(),
                  group["runs"].dump().c_str());
    }
    std::printf("\n");
    for (const json& e : group["expectations"]) {
      const std::string verdict = e["verdict"].get<std::string>();
      if (verdict == "pass") continue;
      std::printf("  %s %s %s: %s\n",
                  verdict == "fail"        ? "fail"
                  : verdict == "known_gap" ? "known gap"
                                           : "hazard reproduced",
                  trace_of(e).c_str(), e["id"].get<std::string>().c_str(), k_of_n(e).c_str());
    }
    print_group_failures(group);
  }
  std::printf("%s\n", verdict_counts(groups, what).c_str());
  // Not verified is listed apart (write_traceability): not met is what the runs showed.
  std::string listed;
  for (const RequirementNotMet& requirement : not_met) {
    if (requirement.verdict == "NOT VERIFIED") continue;
    listed += (listed.empty() ? "" : ", ") + requirement.id + " (" + requirement.verdict + ")";
  }
  std::printf("requirements NOT MET: %s\n", listed.empty() ? "none" : listed.c_str());
}

int worst_exit_code(const std::vector<WorkerRun>& runs) {
  int worst = kExitPassed;
  auto rank = [](int code) {
    switch (outcome_of_exit_code(code)) {
      case Outcome::kPassed:
        return 0;
      case Outcome::kKnownGap:
        return 1;
      case Outcome::kFailed:
        return 2;
      case Outcome::kError:
        break;
    }
    return 3;
  };
  for (const WorkerRun& run : runs) {
    if (run.exit_code == kExitInterrupted) return kExitInterrupted;
    if (rank(run.exit_code) > rank(worst)) {
      worst = rank(run.exit_code) == 3 ? kExitSimulationFailed : run.exit_code;
    }
  }
  return worst;
}

}  // namespace pumpbench
