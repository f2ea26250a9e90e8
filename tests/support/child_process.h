// Runs a program as a child process and returns what it printed on stdout: for tests that
// compare whole runs, each in its own process (SystemC elaborates once per process). Also a
// child in the background (a run serving a port), waited for with a limit, and its port file.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace pumptwin::testing {

inline std::string capture_stdout(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  EXPECT_TRUE(pipe) << command;
  std::string output;
  char buffer[4096];
  size_t n;
  while (pipe && (n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) output.append(buffer, n);
  return output;
}

// What a shell command printed on stdout and stderr, and its exit code (-1 when it did not exit).
struct CommandOutcome {
  int exit_code = -1;
  std::string output;
};

inline CommandOutcome run_command(const std::string& command) {
  CommandOutcome outcome;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) outcome.output += buffer;
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

// Children spawned and not yet waited for. One still running when the test process ends (a
// failed ASSERT returned before stopping it) or aborts (a failed assert() in a library) is
// killed: a server outliving its test would hold CTest's output pipe open, and CTest would wait
// for it for ever.
namespace child_registry {
inline constexpr int kMaxChildren = 16;
inline volatile sig_atomic_t pids[kMaxChildren] = {};

inline void kill_all() {  // async-signal-safe: kill() only
  for (int i = 0; i < kMaxChildren; ++i) {
    if (pids[i] > 0) kill(static_cast<pid_t>(pids[i]), SIGKILL);
  }
}

inline void on_abort(int signal_number) {
  kill_all();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

inline void remember(pid_t pid) {
  static const bool installed = [] {
    std::atexit(kill_all);
    std::signal(SIGABRT, on_abort);
    return true;
  }();
  (void)installed;
  for (int i = 0; i < kMaxChildren; ++i) {
    if (pids[i] == 0) {
      pids[i] = pid;
      return;
    }
  }
  ADD_FAILURE() << "more than " << kMaxChildren << " children at once";
}

inline void forget(pid_t pid) {
  for (int i = 0; i < kMaxChildren; ++i) {
    if (pids[i] == pid) pids[i] = 0;
  }
}
}  // namespace child_registry

// Starts `arguments` (the program first, a path) in the background, its stderr into
// `stderr_file` when one is given (and its stdout too with `with_stdout`); 0 on failure.
inline pid_t spawn_child(const std::vector<std::string>& arguments,
                         const std::string& stderr_file = "", bool with_stdout = false) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (with_stdout) posix_spawn_file_actions_adddup2(&actions, 2, 1);
  }
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  if (pid > 0) child_registry::remember(pid);
  return pid;
}

// The child's exit code (128 + signal when killed); past `limit` it is killed and the test
// fails: only a hung child gets there.
inline int wait_child(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &status, WNOHANG)) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      child_registry::forget(pid);
      ADD_FAILURE() << "child " << pid << " did not finish in time";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child_registry::forget(pid);
  if (waited != pid) {
    ADD_FAILURE() << "child " << pid << " cannot be waited for (already reaped?)";
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The port a child wrote to `port_file` (written aside and renamed, so complete); 0 when it did
// not appear within `limit` or the child ended first.
inline unsigned short wait_port_file(const std::filesystem::path& port_file, pid_t child,
                                     std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(port_file)) {
      std::ifstream file(port_file);
      unsigned port = 0;
      file >> port;
      return static_cast<unsigned short>(port);
    }
    // The child ended first: looked at without reaping it, so wait_child still gets its code.
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == child) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no port file " << port_file;
  return 0;
}

}  // namespace pumptwin::testing
