// Ctrl-C ends an unpaced run within a second of wall time, with complete outputs, however long
// the simulation runs between the points the run loop looks at (issue 18). In lockstep mode an
// idle pump sampled once a day spends seconds of wall time per simulated day with nothing for
// the loop to see; before the interrupt watch, Ctrl-C waited for the next day's sample (4.8 s
// measured here). Run alone (RUN_SERIAL): the deadline is the user's.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using pumptwin::testing::fresh_dir;
using pumptwin::testing::slurp;
using pumptwin::testing::spawn_child;
using pumptwin::testing::wait_child;

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Interrupt, AnUnpacedLockstepRunEndsWithinASecondOfCtrlCWithCompleteOutputs) {
  const std::filesystem::path out = fresh_dir("pumpbench_interrupt", "lockstep") / "run";
  const pid_t child = spawn_child({PUMPBENCH, "run", LOCKSTEP_IDLE_SCENARIO, "--lockstep",
                                   "--quiet", "--out", out.string()},
                                  "/dev/null");
  ASSERT_NE(child, 0);
  // The first sample (at 0) is written: the run is under way, its next sample a day away.
  for (int i = 0; i < 600 && lines(slurp(out / "signals.csv")) < 2; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(lines(slurp(out / "signals.csv")), 2u);
  std::this_thread::sleep_for(300ms);
  kill(child, SIGINT);
  const auto interrupted = std::chrono::steady_clock::now();
  EXPECT_EQ(wait_child(child, std::chrono::seconds(60)), 130);
  const double latency_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  RecordProperty("ctrl_c_latency_ms", static_cast<int>(latency_s * 1e3));
  EXPECT_LT(latency_s, 1.0);

  const json result = json::parse(slurp(out / "result.json"));
  EXPECT_EQ(result["status"], "interrupted");
  EXPECT_GT(result["simulated_s"].get<double>(), 0.0);
  EXPECT_LT(result["simulated_s"].get<double>(), 86400.0);
  EXPECT_EQ(result["expectations"][0]["verdict"], "not_evaluated");
  EXPECT_FALSE(std::filesystem::exists(out / "result.json.partial"));
  // Whole lines only, and the setup's commands recorded.
  const std::string signals = slurp(out / "signals.csv");
  const std::string events = slurp(out / "events.log");
  EXPECT_EQ(signals.back(), '\n');
  EXPECT_EQ(events.back(), '\n');
  EXPECT_NE(events.find("setup refill: accepted"), std::string::npos) << events;
  EXPECT_NE(slurp(out / "report.html").find("interrupted"), std::string::npos);
}

}  // namespace
