// Files of tests that run programs and compare what they wrote: a whole file as a string, and
// an empty scratch folder of the test's own.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pumptwin::testing {

// The file's bytes; empty when it cannot be read.
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// An empty folder `<tag>_<name>_<pid>` in the temporary directory (emptied if it was left by an
// earlier run of the same process id).
inline std::filesystem::path fresh_dir(const std::string& tag, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    (tag + "_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace pumptwin::testing
