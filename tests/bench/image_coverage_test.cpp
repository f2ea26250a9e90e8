// Image coverage (docs/coverage.md): `pumpbench run --firmware ELF --image-coverage FILE` on a
// short scenario, then scripts/image-coverage maps the executed ranges to source lines through
// the ELF's line table. The reset handler ran, so its lines are covered; the trap handler never
// runs in a healthy run, so its line is listed as not covered. Without --firmware, the option is
// bad input.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "../support/child_process.h"

namespace {

using Outcome = pumptwin::testing::CommandOutcome;
using pumptwin::testing::run_command;

// The number of the first line of `file` that contains `text`, 0 when none does.
int line_of(const std::string& file, const std::string& text) {
  std::ifstream in(file);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find(text) != std::string::npos) return number;
  }
  return 0;
}

// The line numbers `uncovered` (the script's "a-b c" list for one file) holds.
bool listed(const std::string& uncovered, int number) {
  std::istringstream words(uncovered);
  for (std::string word; words >> word;) {
    const size_t dash = word.find('-');
    const int first = std::stoi(word.substr(0, dash));
    const int last = dash == std::string::npos ? first : std::stoi(word.substr(dash + 1));
    if (first <= number && number <= last) return true;
  }
  return false;
}

class ImageCoverage : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::filesystem::temp_directory_path() /
           ("pumptwin_image_coverage_" + std::to_string(::getpid()));
  }
  void TearDown() override { std::filesystem::remove_all(out_); }
  std::filesystem::path out_;
};

TEST_F(ImageCoverage, ShortRunCoversTheResetHandlerAndNotTheTrap) {
  const std::string ranges = (out_ / "image-coverage.txt").string();
  std::filesystem::create_directories(out_);
  const Outcome bench = run_command(std::string(PUMPBENCH) + " run " + SHORT_SCENARIO +
                                    " --quiet --out " + (out_ / "run").string() + " --firmware " +
                                    PUMPFW_M0PLUS_ELF + " --image-coverage " + ranges);
  ASSERT_EQ(bench.exit_code, 0) << bench.output;
  const Outcome script =
      run_command(std::string(IMAGE_COVERAGE) + " " + PUMPFW_M0PLUS_ELF + " " + ranges);
  ASSERT_EQ(script.exit_code, 0) << script.output;

  std::smatch total;
  ASSERT_TRUE(
      std::regex_search(script.output, total,
                        std::regex(R"(\nimage_line_coverage ([0-9.]+) \((\d+) of (\d+) lines\))")))
      << script.output;
  EXPECT_GT(std::stod(total[1]), 0.0);
  EXPECT_LT(std::stod(total[1]), 100.0);
  std::smatch port;
  ASSERT_TRUE(std::regex_search(
      script.output, port,
      std::regex(R"(image_line_coverage firmware/ports/cortex-m0plus ([0-9.]+) )")));
  EXPECT_GT(std::stod(port[1]), 0.0);

  const std::string startup = std::string(SOURCE_DIR) + "/firmware/ports/cortex-m0plus/startup.cpp";
  const int reset_line = line_of(startup, "cpsid i");  // the reset handler's first statement
  const int trap_line = line_of(startup, "void Trap_Handler() {") + 1;
  ASSERT_GT(reset_line, 0);
  ASSERT_GT(trap_line, 1);
  std::smatch uncovered;
  ASSERT_TRUE(
      std::regex_search(script.output, uncovered,
                        std::regex(R"(\n  firmware/ports/cortex-m0plus/startup.cpp: ([^\n]*))")))
      << script.output;
  EXPECT_FALSE(listed(uncovered[1], reset_line)) << uncovered[1];
  EXPECT_TRUE(listed(uncovered[1], trap_line)) << uncovered[1];
}

TEST_F(ImageCoverage, NeedsTheFirmwareOption) {
  const Outcome bench = run_command(std::string(PUMPBENCH) + " run " + SHORT_SCENARIO +
                                    " --quiet --out " + (out_ / "run").string() +
                                    " --image-coverage " + (out_ / "image-coverage.txt").string());
  EXPECT_EQ(bench.exit_code, 2);
  EXPECT_NE(bench.output.find("--image-coverage needs --firmware"), std::string::npos)
      << bench.output;
  const Outcome suite = run_command(std::string(PUMPBENCH) + " suite " + SHORT_SCENARIO +
                                    " --out " + (out_ / "suite").string() + " --image-coverage");
  EXPECT_EQ(suite.exit_code, 2);
  EXPECT_NE(suite.output.find("--image-coverage needs --firmware"), std::string::npos)
      << suite.output;
}

}  // namespace
