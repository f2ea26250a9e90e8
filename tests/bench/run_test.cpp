// pumpbench end to end, as child processes (one scenario per process, as SystemC requires):
// a short scenario's outputs, determinism (same seed twice; lockstep against decoupled), exit
// codes, Ctrl-C, and a suite with JUnit and traceability.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kBench = PUMPBENCH;
const std::string kScenarios = BENCH_SCENARIOS_DIR;

std::string scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("pumpbench_test_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir.string();
}

int run(const std::string& arguments) {
  return pumptwin::testing::run_command(kBench + " " + arguments).exit_code;
}

using pumptwin::testing::slurp;

TEST(PumpbenchRun, ShortScenarioPassesAndWritesEveryOutput) {
  const std::string out = scratch("short");
  ASSERT_EQ(run("run " + kScenarios + "/short_run.yaml --out " + out), 0);
  const json result = json::parse(slurp(out + "/result.json"));
  EXPECT_EQ(result["status"], "passed");
  ASSERT_EQ(result["expectations"].size(), 4u);
  for (const json& expectation : result["expectations"]) {
    EXPECT_EQ(expectation["verdict"], "pass") << expectation.dump();
    EXPECT_EQ(expectation["requirement"], "BENCH-001");
    EXPECT_TRUE(expectation["time_s"].is_number());
  }
  EXPECT_EQ(result["figures"]["ptm_boluses_granted"], 1);
  const std::string events = slurp(out + "/events.log");
  EXPECT_NE(events.find("firmware seq=1 boot"), std::string::npos);
  EXPECT_NE(events.find("ptm_bolus"), std::string::npos);
  EXPECT_NE(events.find("ptm_refused reason=PTM lockout"), std::string::npos);
  // Samples every 5 min from 0 to 2 h inclusive, and a header.
  const std::string signals = slurp(out + "/signals.csv");
  EXPECT_EQ(std::count(signals.begin(), signals.end(), '\n'), 1 + 25);
  EXPECT_EQ(signals.rfind("time_s,battery_terminal_v,", 0), 0u);
  // signals.json: every column's unit and view (the viewer's and the report's plots).
  const json described = json::parse(slurp(out + "/signals.json"));
  ASSERT_FALSE(described.empty());
  std::map<std::string, std::string> views;
  for (const json& entry : described) {
    ASSERT_TRUE(entry.contains("view")) << entry.dump();
    views[entry["name"]] = entry["view"];
  }
  EXPECT_EQ(views["reservoir_volume_ml"], "reservoir");
  EXPECT_EQ(views["firmware_reservoir_volume_ml"], "reservoir");
  EXPECT_EQ(views["battery_depth_of_discharge"], "");
  const std::string report = slurp(out + "/report.html");
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_NE(report.find("<div class=\"banner passed\"><b>PASSED</b>"), std::string::npos);
  // The key signals by the registry's views, titled by view and unit.
  EXPECT_NE(report.find("<h3>reservoir [mL]</h3>"), std::string::npos);
  EXPECT_NE(report.find("<h3>effects [NRS 0-10]</h3>"), std::string::npos);
  EXPECT_EQ(report.find("<script"), std::string::npos);
  // Each expectation's own plot: the delivered volume with its window, the reservoir with its
  // bounds (19 and 20 mL) and what was measured; the PTM events by kind on the time axis.
  const size_t checks = report.find("What each expectation checks");
  ASSERT_NE(checks, std::string::npos);
  EXPECT_LT(report.find("delivered: delivered volume from 10 min to 1 h 50 min", checks),
            report.find("<h2>Timeline"));
  EXPECT_NE(report.find("class=\"window\"", checks), std::string::npos);
  EXPECT_NE(report.find("min 19 mL"), std::string::npos);
  EXPECT_NE(report.find("max 20 mL"), std::string::npos);
  EXPECT_NE(report.find("class=\"measured\""), std::string::npos);
  EXPECT_NE(report.find("<title>30 min: ptm_bolus 200 ug</title>"), std::string::npos);
  EXPECT_NE(report.find("<title>40 min: ptm_refused reason=PTM lockout</title>"),
            std::string::npos);
  // Axes: time ticks in h/min, value ticks, units; values with their units, no nine digits.
  EXPECT_NE(report.find(">1 h 30 min</text>"), std::string::npos);
  EXPECT_NE(report.find("class=\"ytick\""), std::string::npos);
  EXPECT_NE(report.find("\u00b5L"), std::string::npos);
  const std::string table = report.substr(0, checks);
  EXPECT_NE(table.find("19.88 mL"), std::string::npos);  // the reservoir at 2 h, measured
  EXPECT_EQ(table.find("19.882796"), std::string::npos);
  // The timeline's steps with their parameters; the requirement's text.
  EXPECT_NE(report.find("continuous 12 mg/day"), std::string::npos);
  EXPECT_NE(report.find("The bench runs a scenario and reports its verdicts."), std::string::npos);
}

TEST(PumpbenchRun, SameSeedGivesByteIdenticalOutputsAndLockstepEqualsDecoupled) {
  const std::string first = scratch("first");
  const std::string second = scratch("second");
  const std::string lockstep = scratch("lockstep");
  const std::string scenario = kScenarios + "/short_run.yaml";
  ASSERT_EQ(run("run " + scenario + " --seed 5 --out " + first), 0);
  ASSERT_EQ(run("run " + scenario + " --seed 5 --out " + second), 0);
  ASSERT_EQ(run("run " + scenario + " --seed 5 --lockstep --out " + lockstep), 0);
  for (const char* file : {"/result.json", "/events.log", "/signals.csv", "/signals.json",
                           "/snapshots.jsonl", "/strokes.csv"}) {
    const std::string reference = slurp(first + file);
    EXPECT_FALSE(reference.empty()) << file;
    EXPECT_EQ(reference, slurp(second + file)) << file << " differs between two runs";
    EXPECT_EQ(reference, slurp(lockstep + file)) << file << " differs in lockstep mode";
  }
  // Another seed changes the sensor noise, hence the battery reading in the signals.
  const std::string other = scratch("other");
  ASSERT_EQ(run("run " + scenario + " --seed 6 --out " + other), 0);
  EXPECT_NE(slurp(first + "/result.json"), slurp(other + "/result.json"));
}

TEST(PumpbenchRun, ProfileAccountsForTheWallTimeAndChangesNoOutput) {
  const std::string plain = scratch("plain");
  const std::string profiled = scratch("profiled");
  const std::string scenario = kScenarios + "/short_run.yaml";
  ASSERT_EQ(run("run " + scenario + " --out " + plain), 0);
  ASSERT_EQ(run("run " + scenario + " --profile --out " + profiled), 0);
  for (const char* file : {"/result.json", "/events.log", "/signals.csv"}) {
    EXPECT_EQ(slurp(plain + file), slurp(profiled + file)) << file << " differs with --profile";
  }
  const json profile = json::parse(slurp(profiled + "/profile.json"));
  EXPECT_DOUBLE_EQ(profile["simulated_s"].get<double>(), 7200.0);  // the scenario's 2 h
  const double wall_s = profile["wall_s"].get<double>();
  EXPECT_GT(wall_s, 0.0);
  EXPECT_NEAR(profile["real_time_factor"].get<double>(), 7200.0 / wall_s, 1e-6 * 7200.0 / wall_s);
  // Strokes in the first hour: the RTL was clocked, the firmware ran, the patient integrated.
  EXPECT_GT(profile["rtl_core_cycles"].get<double>(), 10'000.0);
  for (const char* part : {"rtl_s", "firmware_s", "physiology_s"}) {
    EXPECT_GT(profile[part].get<double>(), 0.0) << part;
  }
  const double parts_s = profile["parts_s"].get<double>();
  EXPECT_DOUBLE_EQ(parts_s, profile["rtl_s"].get<double>() + profile["firmware_s"].get<double>() +
                                profile["physiology_s"].get<double>());
  EXPECT_LE(parts_s, wall_s);
  EXPECT_NEAR(profile["overhead_vs_parts"].get<double>(), wall_s / parts_s, 1e-9 * wall_s / parts_s);
  EXPECT_GT(profile["peak_memory_mb"].get<double>(), 1.0);
}

TEST(PumpbenchRun, TraceWindowWritesTheAsicWaveform) {
  // The short scenario delivers strokes in its first hour: a window around one holds the
  // ASIC's clock and phase edges, and only within the window.
  const std::string out = scratch("trace");
  ASSERT_EQ(run("run " + kScenarios + "/short_run.yaml --out " + out + " --trace '0 s..1 h'"), 0);
  const std::string vcd = slurp(out + "/asic.vcd");
  ASSERT_NE(vcd.find("$enddefinitions"), std::string::npos);
  EXPECT_NE(vcd.find("phase_a"), std::string::npos);
  size_t stamps = 0;
  uint64_t last_ns = 0;
  std::istringstream lines(vcd);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '#') continue;
    ++stamps;
    last_ns = std::stoull(line.substr(1));
  }
  EXPECT_GT(stamps, 1000u);
  EXPECT_LE(last_ns, 3'600'000'000'000u);
  // A window as FST (GTKWave's compressed format), nothing on stdout with --quiet (no
  // Verilator "dump ignored" warnings).
  const std::string fst_out = scratch("trace_fst");
  const std::string printed =
      pumptwin::testing::capture_stdout(kBench + " run " + kScenarios + "/short_run.yaml --out " +
                                        fst_out + " --quiet --trace '0 s..10 min' --trace-format fst");
  EXPECT_EQ(printed, "");
  const std::string fst = slurp(fst_out + "/asic.fst");
  ASSERT_GT(fst.size(), 1000u);
  EXPECT_EQ(fst[0], 0);  // FST's header block (FST_BL_HDR)
  EXPECT_FALSE(fs::exists(fst_out + "/asic.vcd"));
  EXPECT_EQ(run("run " + kScenarios + "/short_run.yaml --out " + out +
                " --trace '0 s..1 h' --trace-format lxt"),
            2);
  EXPECT_EQ(run("run " + kScenarios + "/short_run.yaml --out " + out + " --trace '1 h..2 kg'"), 2);
  EXPECT_EQ(run("run " + kScenarios + "/short_run.yaml --out " + out + " --trace '2 h..1 h'"), 2);
}

TEST(PumpbenchRun, ExitCodes) {
  EXPECT_EQ(run("run " + kScenarios + "/failing_run.yaml --out " + scratch("failing")), 1);
  const std::string bad = std::string(BAD_SCENARIOS_DIR) + "/unknown_drug.yaml";
  EXPECT_EQ(run("run " + bad + " --out " + scratch("bad")), 2);
  EXPECT_EQ(run("validate " + bad), 2);
  EXPECT_EQ(run("validate " + kScenarios + "/short_run.yaml"), 0);
  EXPECT_EQ(run("run"), 2);
  EXPECT_EQ(run("run " + kScenarios + "/short_run.yaml --no-such-option"), 2);
  // A run that outlives its wall-time budget is a failed simulation: paced at real time, the
  // two-hour scenario cannot finish in half a second.
  const std::string slow = scratch("wall_limit");
  EXPECT_EQ(
      run("run " + kScenarios + "/short_run.yaml --realtime 1 --wall-limit 0.5 --out " + slow), 3);
  EXPECT_EQ(json::parse(slurp(slow + "/result.json"))["status"], "error");
  EXPECT_NE(slurp(slow + "/events.log").find("wall-time limit"), std::string::npos);
  EXPECT_EQ(run("list faults"), 0);
  EXPECT_EQ(run("list nonsense"), 2);
}

TEST(PumpbenchRun, InterruptStopsTheRunAndLeavesCompleteReports) {
  const std::string out = scratch("interrupted");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    // A year: far longer than the test waits.
    execl(kBench.c_str(), kBench.c_str(), "run", (std::string(INTERRUPTED_SCENARIO)).c_str(),
          "--out", out.c_str(), static_cast<char*>(nullptr));
    _exit(99);
  }
  // Wait until the run has started writing, then interrupt it.
  for (int i = 0; i < 200 && slurp(out + "/signals.csv").size() < 2000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const json result = json::parse(slurp(out + "/result.json"));
  EXPECT_EQ(result["status"], "interrupted");
  EXPECT_GT(result["simulated_s"].get<double>(), 0.0);
  EXPECT_LT(result["simulated_s"].get<double>(), 365 * 86400.0);
  // The invariant over the whole year could not be decided; the checks of the first hours were.
  for (const json& expectation : result["expectations"]) {
    EXPECT_EQ(expectation["verdict"], expectation["id"] == "no-alarm" ? "not_evaluated" : "pass")
        << expectation.dump();
  }
  EXPECT_NE(slurp(out + "/report.html").find("interrupted"), std::string::npos);
  // Every line of the signals is whole.
  const std::string signals = slurp(out + "/signals.csv");
  EXPECT_EQ(signals.back(), '\n');
}

TEST(PumpbenchSuite, InterruptStartsNoNewWorkerAndLeavesCompleteReports) {
  const std::string out = scratch("suite_interrupted");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Its own process group, so the test can interrupt it as a terminal's Ctrl-C does: the
    // suite and its worker together.
    setpgid(0, 0);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(kBench.c_str(), kBench.c_str(), "suite", INTERRUPTED_SCENARIO,
          (kScenarios + "/short_run.yaml").c_str(), "-j", "1", "--out", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(99);
  }
  // The year-long run first, one worker at a time: interrupt it while it runs.
  for (int i = 0; i < 400 && slurp(out + "/long_run/signals.csv").size() < 2000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(json::parse(slurp(out + "/long_run/result.json"))["status"], "interrupted");
  // The short run was never started, and the reports say so.
  EXPECT_FALSE(fs::exists(out + "/short_run/result.json"));
  const std::string junit = slurp(out + "/junit.xml");
  EXPECT_NE(junit.find("not started: interrupted"), std::string::npos) << junit;
  EXPECT_FALSE(slurp(out + "/traceability.md").empty());
}

TEST(PumpbenchSuite, WorkersJUnitAndTraceability) {
  const std::string out = scratch("suite");
  EXPECT_EQ(run("suite " + kScenarios + " -j 2 --out " + out), 1);
  const std::string junit = slurp(out + "/junit.xml");
  EXPECT_NE(junit.find("<testsuites"), std::string::npos);
  EXPECT_NE(junit.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos);
  const std::string matrix = slurp(out + "/traceability.md");
  EXPECT_NE(matrix.find("| BENCH-001 |"), std::string::npos);
  EXPECT_NE(
      matrix.find(
          "| BENCH-002 | A requirement no scenario verifies, to be listed as such. | NOT VERIFIED"),
      std::string::npos);
  EXPECT_NE(matrix.find("Requirements no scenario verifies: BENCH-002"), std::string::npos);
  const std::string csv = slurp(out + "/traceability.csv");
  EXPECT_EQ(csv.rfind("requirement,text,overall,scenario,check,verdict\n", 0), 0u);
  EXPECT_TRUE(fs::exists(out + "/short_run/result.json"));
  EXPECT_TRUE(fs::exists(out + "/failing_run/result.json"));
  // JUnit's time: the simulated seconds (2 h), so that the file stays deterministic.
  EXPECT_NE(junit.find("time=\"7200\""), std::string::npos) << junit;
  // The suite's HTML: the banner of the worst verdict with the counts, each scenario's verdict,
  // the matrix with the requirement's text and links to the runs' own reports.
  const std::string report = slurp(out + "/report.html");
  EXPECT_NE(report.find("<div class=\"banner failed\"><b>FAILED</b>"), std::string::npos) << report;
  EXPECT_NE(
      report.find("scenarios: 1 passed, 1 failed, 0 known gap, 0 error (2 scenarios, 2 runs)"),
      std::string::npos);
  EXPECT_NE(report.find("<td>failed</td><td>0 of 1</td>"), std::string::npos);
  EXPECT_NE(report.find("A requirement no scenario verifies, to be listed as such."),
            std::string::npos);
  EXPECT_NE(report.find("NOT VERIFIED"), std::string::npos);
  EXPECT_NE(report.find("<a href=\"short_run/report.html\">short_run</a>"), std::string::npos);
  EXPECT_NE(report.find("<a href=\"failing_run/report.html\">"), std::string::npos);
}

}  // namespace

namespace {

// What a command printed on stderr and stdout together, and its exit code.
std::string output_of(const std::string& arguments, int& code) {
  const std::string output = pumptwin::testing::capture_stdout(kBench + " " + arguments +
                                                               " 2>&1; echo \"exit $?\"");
  const size_t exit_at = output.rfind("exit ");
  code = std::stoi(output.substr(exit_at + 5));
  return output.substr(0, exit_at);
}

TEST(PumpbenchCli, UnknownWordsAreNamedWithTheNearestAndFoldersAreRefused) {
  int code = 0;
  std::string output = output_of("rnu " + kScenarios + "/short_run.yaml", code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("unknown command 'rnu'; did you mean 'run'?"), std::string::npos)
      << output;
  output = output_of("run " + kScenarios + "/short_run.yaml --sed 3", code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("unknown option '--sed'; did you mean '--seed'?"), std::string::npos)
      << output;
  output = output_of("run " + kScenarios, code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("is a folder"), std::string::npos) << output;
  EXPECT_NE(output.find("pumpbench suite"), std::string::npos) << output;
  EXPECT_EQ(output.find("SystemC"), std::string::npos) << output;
  output = output_of("--version", code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(output.rfind("pumpbench ", 0), 0u) << output;
}

TEST(PumpbenchCli, ListsScenariosAndRequirementsWithWhatVerifiesThem) {
  int code = 0;
  std::string output = output_of("list scenarios " + kScenarios, code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(output.find("short_run.yaml"), std::string::npos) << output;
  EXPECT_NE(output.find("2 h"), std::string::npos) << output;
  EXPECT_NE(output.find("BENCH-001"), std::string::npos) << output;
  output = output_of("list requirements " + kScenarios, code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(output.find("BENCH-001"), std::string::npos) << output;
  EXPECT_NE(output.find("verified by: "), std::string::npos) << output;
  EXPECT_NE(output.find("short run for the bench's own tests"), std::string::npos) << output;
}

TEST(PumpbenchReport, AKnownGapNeverReadsAsPassed) {
  const std::string out = scratch("known_gap");
  run("run " + std::string(KNOWN_GAP_SCENARIO) + " --out " + out);
  const std::string report = slurp(out + "/report.html");
  EXPECT_NE(report.find("<div class=\"banner known_gap\"><b>KNOWN GAP: NOT A PASS</b>"),
            std::string::npos);
  EXPECT_NE(report.find("<br>accepted residual risk: VERD-002 overdose-avoided"),
            std::string::npos);
  EXPECT_EQ(report.find("banner passed"), std::string::npos);
  EXPECT_NE(report.find("<b>Known gap:</b>"), std::string::npos);
}

}  // namespace
