// Runs a program as a child process and returns what it printed on stdout: for tests that
// compare whole runs, each in its own process (SystemC elaborates once per process).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

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

}  // namespace pumptwin::testing
