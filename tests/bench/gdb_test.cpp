// gdb-multiarch (Debian) attached in batch mode to `pumpbench run --firmware --gdb`: it stops
// at the first instruction, breaks in a firmware function, reads a variable, reads a
// peripheral register twice with wall time between (simulated time stands still while the core
// is halted), and continues to the run's passing end.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

using pumptwin::testing::slurp;
using pumptwin::testing::spawn_child;
using pumptwin::testing::wait_child;

constexpr std::chrono::seconds kRunLimit{300};

TEST(GdbStub, GdbMultiarchBreaksReadsAndContinuesToAPassingEnd) {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("pumptwin_gdb_" + std::to_string(getpid()));
  std::filesystem::create_directories(out);
  const std::string bench_log = (out / "pumpbench.txt").string();
  const pid_t bench =
      spawn_child({PUMPBENCH, "run", GDB_SCENARIO, "--firmware", PUMPFW_M0PLUS_ELF, "--gdb",
                   "127.0.0.1:0", "--quiet", "--out", (out / "run").string()},
                  bench_log, true);
  ASSERT_GT(bench, 0);
  std::smatch listening;
  const std::regex port_line("gdb: listening on 127\\.0\\.0\\.1:([0-9]+)");
  std::string log;
  for (int i = 0; i < 300 && !std::regex_search(log, listening, port_line); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = slurp(bench_log);
  }
  ASSERT_TRUE(std::regex_search(log, listening, port_line)) << log;
  const std::string port = listening[1];

  const std::string gdb_log = (out / "gdb.txt").string();
  const pid_t gdb = spawn_child(
      {GDB_MULTIARCH, "-batch", "-nx", "-ex", "set confirm off", "-ex",
       "target remote 127.0.0.1:" + port, "-ex", "print/x $pc", "-ex",
       "break pumpfw::app::Pump::run_once", "-ex", "continue", "-ex", "continue", "-ex",
       "print/x pumpfw_probe.magic", "-ex", "x/wx 0x40003000", "-ex", "shell sleep 0.3", "-ex",
       "x/wx 0x40003000", "-ex", "delete", "-ex", "continue", PUMPFW_M0PLUS_ELF},
      gdb_log, true);
  ASSERT_GT(gdb, 0);
  const int gdb_exit = wait_child(gdb, kRunLimit);
  const int bench_exit = wait_child(bench, kRunLimit);
  const std::string session = slurp(gdb_log);
  std::printf("%s", session.c_str());
  EXPECT_EQ(gdb_exit, 0);
  EXPECT_EQ(bench_exit, 0) << slurp(bench_log);
  // Halted before the first instruction: the reset handler.
  EXPECT_NE(session.find("Reset_Handler"), std::string::npos);
  EXPECT_NE(session.find("Breakpoint 1, pumpfw::app::Pump::run_once"), std::string::npos);
  // The second stop in run_once: the first pass has published the probe.
  EXPECT_NE(session.find("= 0x50524f42"), std::string::npos);
  // RTC COUNT_LO read twice, 0.3 s of wall time apart, while halted: the same tick.
  std::smatch reads;
  const std::regex rtc("0x40003000:\\s+(0x[0-9a-f]+)");
  std::vector<std::string> values;
  for (auto it = std::sregex_iterator(session.begin(), session.end(), rtc);
       it != std::sregex_iterator(); ++it) {
    values.push_back((*it)[1]);
  }
  ASSERT_EQ(values.size(), 2u) << session;
  EXPECT_EQ(values[0], values[1]);
  EXPECT_NE(session.find("exited normally"), std::string::npos);
  const std::string result = slurp((out / "run" / "result.json").string());
  EXPECT_NE(result.find("\"status\": \"passed\""), std::string::npos) << result;
  std::filesystem::remove_all(out);
}

}  // namespace
