// Issue 18's promise to a user who presses Ctrl-C, or whose batch system sends SIGINT: a run, a
// served run, a suite or a campaign exits with 130 within a second of wall time, and leaves its
// outputs complete. One check, for every test that makes the promise.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "test_files.h"

namespace pumptwin::testing {

// Every output under `dir` is complete: no file set aside half written (.partial), every
// result.json parses and says interrupted (at least one was written), every log ends with a
// whole line.
inline void expect_complete_outputs(const std::filesystem::path& dir) {
  std::size_t results = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::filesystem::path& path = entry.path();
    EXPECT_NE(path.extension(), ".partial") << path;
    if (!entry.is_regular_file()) continue;
    if (path.filename() == "result.json") {
      ++results;
      const nlohmann::json result = nlohmann::json::parse(slurp(path), nullptr, false);
      ASSERT_FALSE(result.is_discarded()) << path;
      EXPECT_EQ(result["status"], "interrupted") << path;
    }
    if (path.filename() == "events.log" || path.filename() == "signals.csv") {
      const std::string text = slurp(path);
      if (!text.empty()) {
        EXPECT_EQ(text.back(), '\n') << path;
      }
    }
  }
  EXPECT_GE(results, 1u) << dir;
}

// SIGINT to `child` alone, then the promise: exit code 130 (`child_log` shown when not) within a
// second, measured from the signal to the exit, and every output under `outputs` complete. Only
// a hung child reaches `limit`. The latency is recorded as the test's `latency_property` (ms).
inline void expect_ends_within_a_second_of_ctrl_c(pid_t child, const std::filesystem::path& outputs,
                                                  const std::filesystem::path& child_log,
                                                  const std::string& latency_property,
                                                  std::chrono::seconds limit) {
  kill(child, SIGINT);
  const auto interrupted = std::chrono::steady_clock::now();
  const int code = wait_child(child, limit);
  const double latency_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  ::testing::Test::RecordProperty(latency_property, static_cast<int>(latency_s * 1e3));
  EXPECT_EQ(code, 130) << slurp(child_log);
  EXPECT_LT(latency_s, 1.0);
  expect_complete_outputs(outputs);
}

}  // namespace pumptwin::testing
