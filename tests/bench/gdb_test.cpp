// gdb-multiarch (Debian) attached in batch mode to `pumpbench run --firmware --gdb`: it stops
// at the first instruction, breaks in a firmware function, reads a variable, reads a
// peripheral register twice with wall time between (simulated time stands still while the core
// is halted), and continues to the run's passing end.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t spawn(const std::vector<std::string>& arguments, const std::string& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  std::vector<std::string> copy = arguments;
  for (std::string& argument : copy) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(GdbStub, GdbMultiarchBreaksReadsAndContinuesToAPassingEnd) {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("pumptwin_gdb_" + std::to_string(getpid()));
  std::filesystem::create_directories(out);
  const std::string bench_log = (out / "pumpbench.txt").string();
  const pid_t bench = spawn({PUMPBENCH, "run", GDB_SCENARIO, "--firmware", PUMPFW_M0PLUS_ELF,
                             "--gdb", "127.0.0.1:0", "--quiet", "--out", (out / "run").string()},
                            bench_log);
  ASSERT_GT(bench, 0);
  std::smatch listening;
  const std::regex port_line("gdb: listening on 127\\.0\\.0\\.1:([0-9]+)");
  std::string log;
  for (int i = 0; i < 300 && !std::regex_search(log, listening, port_line); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = read_file(bench_log);
  }
  ASSERT_TRUE(std::regex_search(log, listening, port_line)) << log;
  const std::string port = listening[1];

  const std::string gdb_log = (out / "gdb.txt").string();
  const pid_t gdb = spawn(
      {GDB_MULTIARCH, "-batch", "-nx", "-ex", "set confirm off", "-ex",
       "target remote 127.0.0.1:" + port, "-ex", "print/x $pc", "-ex",
       "break pumpfw::app::Pump::run_once", "-ex", "continue", "-ex", "continue", "-ex",
       "print/x pumpfw_probe.magic", "-ex", "x/wx 0x40003000", "-ex", "shell sleep 0.3", "-ex",
       "x/wx 0x40003000", "-ex", "delete", "-ex", "continue", PUMPFW_M0PLUS_ELF},
      gdb_log);
  ASSERT_GT(gdb, 0);
  const int gdb_exit = wait_exit(gdb);
  const int bench_exit = wait_exit(bench);
  const std::string session = read_file(gdb_log);
  std::printf("%s", session.c_str());
  EXPECT_EQ(gdb_exit, 0);
  EXPECT_EQ(bench_exit, 0) << read_file(bench_log);
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
  const std::string result = read_file((out / "run" / "result.json").string());
  EXPECT_NE(result.find("\"status\": \"passed\""), std::string::npos) << result;
  std::filesystem::remove_all(out);
}

}  // namespace
