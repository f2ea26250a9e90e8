// `pumpbench run --firmware`: which firmware ran is in result.json (the host build, or the
// image's path and SHA-256), and bad input is refused with exit code 2 and a message that
// names the file or the field: a missing file, a file that is no ARM ELF, a scenario whose
// settings the image cannot honour, --gdb without an image.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../support/child_process.h"

#include <nlohmann/json.hpp>

namespace {

using Outcome = pumptwin::testing::CommandOutcome;

Outcome run(const std::string& arguments) {
  return pumptwin::testing::run_command(std::string(PUMPBENCH) + " " + arguments);
}

// The digest as coreutils' sha256sum gives it.
std::string sha256sum(const std::string& path) {
  return pumptwin::testing::capture_stdout("sha256sum " + path).substr(0, 64);
}

class FirmwareOption : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::filesystem::temp_directory_path() /
           ("pumptwin_firmware_option_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { std::filesystem::remove_all(out_); }
  nlohmann::json result(const std::string& run_name) const {
    std::ifstream in(out_ / run_name / "result.json");
    return nlohmann::json::parse(in);
  }
  std::filesystem::path out_;
};

TEST_F(FirmwareOption, ResultJsonRecordsWhichFirmwareRan) {
  ASSERT_EQ(run(std::string("run ") + SHORT_SCENARIO + " --quiet --out " + (out_ / "host").string())
                .exit_code,
            0);
  EXPECT_EQ(result("host")["firmware"], nlohmann::json({{"build", "host"}}));
  ASSERT_EQ(run(std::string("run ") + SHORT_SCENARIO + " --quiet --firmware " + PUMPFW_M0PLUS_ELF +
                " --out " + (out_ / "image").string())
                .exit_code,
            0);
  const nlohmann::json firmware = result("image")["firmware"];
  EXPECT_EQ(firmware["build"], "image");
  EXPECT_EQ(firmware["path"], PUMPFW_M0PLUS_ELF);
  EXPECT_EQ(firmware["sha256"], sha256sum(PUMPFW_M0PLUS_ELF));
  EXPECT_GT(firmware["instructions"].get<uint64_t>(), 1'000'000u);
  EXPECT_EQ(firmware["faults"], 0);
}

TEST_F(FirmwareOption, MissingFileIsBadInput) {
  const Outcome outcome = run(std::string("run ") + SHORT_SCENARIO +
                              " --firmware /nonexistent/pump.elf --out " + out_.string());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("/nonexistent/pump.elf: cannot open"), std::string::npos)
      << outcome.output;
}

TEST_F(FirmwareOption, NotAnElfIsBadInput) {
  const Outcome outcome = run(std::string("run ") + SHORT_SCENARIO + " --firmware " +
                              SHORT_SCENARIO + " --out " + out_.string());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("not a 32-bit little-endian ELF"), std::string::npos)
      << outcome.output;
}

TEST_F(FirmwareOption, SettingsTheImageCannotHonourAreBadInput) {
  const Outcome outcome = run(std::string("run ") + FORTY_ML_SCENARIO + " --firmware " +
                              PUMPFW_M0PLUS_ELF + " --out " + out_.string());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("setup.reservoir.capacity: 40000 uL here"), std::string::npos)
      << outcome.output;
}

TEST_F(FirmwareOption, GdbNeedsAnImage) {
  const Outcome outcome =
      run(std::string("run ") + SHORT_SCENARIO + " --gdb 0 --out " + out_.string());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("--gdb needs --firmware"), std::string::npos) << outcome.output;
}

}  // namespace
