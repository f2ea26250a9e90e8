// A generated corpus of malformed scenarios: one mistake each on a valid base
// (validation_base.h), every field given every kind of bad value, plus structural, YAML and
// clinical mistakes. Each must be refused by the loader with a located error and by
// `pumpbench validate` with exit code 2 and FILE:LINE:COL: no crash, no hang, no silent
// acceptance.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../support/child_process.h"
#include "scenario_loader.h"
#include "validation_base.h"

namespace {

namespace fs = std::filesystem;

struct Mistake {
  std::string name;
  std::string text;
};

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("not in the base: " + from);
  return text.replace(at, from.size(), to);
}

// Every quantity of the base (as written there) with its unit, and every bad value a person or
// a tool could put in its place.
std::vector<Mistake> generate() {
  const std::string base = kValidationBase;
  struct Field {
    std::string written;  // "fill: 18 mL"
    std::string key;      // "fill"
    std::string unit;     // "mL"
    bool negative_is_valid = false;
  };
  const std::vector<Field> fields = {
      {"duration: 2 h", "duration", "h"},
      {"concentration: 10 mg/mL", "concentration", "mg/mL"},
      {"capacity: 20 mL", "capacity", "mL"},
      {"fill: 18 mL", "fill", "mL"},
      {"low_alarm: 2 mL", "low_alarm", "mL"},
      {"length: 70 cm", "length", "cm"},
      {"calibration_per_step: 250 nL", "calibration_per_step", "nL"},
      {"body_temperature: 37 degC", "body_temperature", "degC"},
      {"continuous: 12 mg/day", "continuous", "mg/day"},
      {"dose: 0.1 mg", "dose", "mg"},
      {"every: 6 h", "every", "h"},
      {"duration: 10 min", "duration", "min"},
      {"dose: 50 ug", "dose", "ug"},
      {"lockout: 1 h", "lockout", "h"},
      {"duration: 5 min", "duration", "min"},
      {"sample_period: 5 min", "sample_period", "min"},
      {"at: 10 min", "at", "min"},
      {"torque: 0.01 N.m", "torque", "N.m"},
      {"after: 5 min", "after", "min"},
      {"dose: 0.2 mg", "dose", "mg"},
      {"duration: 20 min", "duration", "min"},
      {"volume: 15 mL", "volume", "mL"},
      {"within: 1 h", "within", "h"},
      {"at: 1 h", "at", "h"},
      {"min: 15 mL", "min", "mL", true},
      {"max: 18 mL", "max", "mL", true},
      {"by: 2 h", "by", "h"},
      {"to: 40 min", "to", "min"},
  };
  const std::vector<std::string> bad_values = {
      "nan {u}",    "NaN", "inf {u}", "-inf {u}", "1e308 {u}", "1e999 {u}",  "0x10 {u}",
      "12 parsecs", "12",  "[1, 2]",  "{a: 1}",   "",          "twelve {u}", "-1 {u}",
  };
  std::vector<Mistake> corpus;
  for (const Field& field : fields) {
    for (const std::string& pattern : bad_values) {
      std::string value = pattern;
      const size_t unit_at = value.find("{u}");
      if (unit_at != std::string::npos) value.replace(unit_at, 3, field.unit);
      if (field.negative_is_valid && value == "-1 " + field.unit) continue;
      corpus.push_back({field.key + " = '" + value + "'",
                        replace_once(base, field.written, field.key + ": " + value)});
    }
  }
  // Keys: unknown, misspelt, duplicated, missing.
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"  seed: 3\n", "  seed: 3\n  seeds: 4\n"},
      {"  drug: morphine\n", "  drug: morphine\n  drug: baclofen\n"},
      {"  drug: morphine\n", "  drug: morphine\n  concentration: 25 mg/mL\n"},
      {"timeline:", "setup: {}\ntimeline:"},
      {"name: base\n", "name: base\nname: again\n"},
      {"name: base\n", ""},
      {"duration: 2 h\n", ""},
      {"  concentration: 10 mg/mL\n", ""},
      {"    requirement: BENCH-001\n    at: 1 h", "    at: 1 h"},
      {"  - id: events", "  - id: reservoir"},
      {"drug: morphine", "drug: morphin"},
      {"drug: morphine", "drug: [morphine]"},
      {"tip_level: T10", "tip_level: T13"},
      {"tip_level: T10", "tip_level: T1x"},
      {"fault: shaft_load", "fault: shaft_lode"},
      {"clear: shaft_load", "clear: catheter_kink"},
      {"clear: shaft_load", "clear: nvm_power_cut"},
      {"alarm: motor_stall", "alarm: motor_stal"},
      {"[motor_stall]", "[motor_stall, no_such_alarm]"},
      {"signal: reservoir_volume_ml", "signal: reservoir_volume"},
      {"event: clinician_bolus", "event: clinician_bolis"},
      {"at_most: 3", "at_most: 0"},
      {"at_least: 1", "at_least: 1.5"},
      {"max_per_day: 4", "max_per_day: 25"},
      {"dose: 50 ug, lockout: 1 h, duration: 5 min, max_per_day: 4",
       "dose: 0.2 mg, lockout: 1 h, duration: 5 min, max_per_day: 24"},
      {"first: \"06:00\"", "first: \"25:00\""},
      {"dose: 0.1 mg", "dose: 2 mg"},
      {"every: 6 h", "every: 5 min"},
      {"fill: 18 mL", "fill: 0.4 mL"},
      {"fill: 18 mL", "fill: 21 mL"},
      {"ptm: {dose: 50 ug, lockout: 1 h, duration: 5 min, max_per_day: 4}",
       "ptm: {dose: 0.7 mg, lockout: 1 h, duration: 1 min, max_per_day: 1}"},
      {"continuous: 12 mg/day", "continuous: 16 mg/day"},
      {"continuous: 12 mg/day", "continuous: 4297 mg/day"},
      {"continuous: 12 mg/day", "continuous: 12.0000001 mg/day"},
      {"dose: 0.2 mg", "dose: 4295 mg"},
      {"duration: 20 min", "duration: 90 s"},
      {"concentration: 10 mg/mL\n  reservoir", "concentration: 10.0005 mg/mL\n  reservoir"},
      {"  - at: 50 min", "  - at: 5 min"},
      {"  - at: 50 min", "  - at: 3 h"},
      {"    expect: any", "    expect: maybe"},
      {"tolerance: 5 %", "tolerance: 500 %"},
      {"to: 40 min", "to: 0 s"},
      {"min: 15 mL", "min: 19 mL"},
      {"requirements: [BENCH-001]", "requirements: [BENCH-002]"},
      {"requirement: BENCH-001\n    at: 1 h", "requirement: BENCH-9\n    at: 1 h"},
      {"timeline:\n", "timeline: {}\n"},
      {"expect:\n", "expect: {}\n"},
      {"setup:\n", "setup: []\nother:\n"},
      {"name: base", "name: base \xC3\x28"},
      {"name: base", "name: \xED\xA0\x80"},
      {"name: base", "name: \xFF\xFE"},
      {"name: base", "name: [unclosed"},
      {"name: base", "name: 'unclosed"},
      {"  seed: 3", "\tseed: 3"},
      {"name: base", "name: *nowhere"},
      {"name: base", "? [a, b]\n: c\nname: base"},
  };
  for (const auto& [from, to] : edits) {
    corpus.push_back({"edit '" + from.substr(0, 30) + "'", replace_once(base, from, to)});
  }
  corpus.push_back({"a second document", base + "---\nname: second\n"});
  corpus.push_back({"an empty document", ""});
  corpus.push_back({"a list, not a mapping", "- " + base});
  std::string laughs = "x: &a0 [y, y, y, y, y, y, y, y, y, y]\n";
  for (int level = 1; level <= 8; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    laughs += "x" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) laughs += (i ? ", " : "") + previous;
    laughs += "]\n";
  }
  corpus.push_back({"anchors expanding past the budget", laughs + base});
  return corpus;
}

class MalformedCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pumpbench_corpus_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "requirements.yaml") << kValidationRequirements;
    std::ofstream(dir_ / "base.yaml") << kValidationBase;
    corpus_ = generate();
    for (size_t i = 0; i < corpus_.size(); ++i) {
      const fs::path path = dir_ / ("mistake_" + std::to_string(i) + ".yaml");
      std::ofstream(path, std::ios::binary) << corpus_[i].text;
      paths_.push_back(path.string());
    }
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_;
  std::vector<Mistake> corpus_;
  std::vector<std::string> paths_;
};

TEST_F(MalformedCorpus, HasAtLeastTwoHundredMistakesOnAValidBase) {
  EXPECT_GE(corpus_.size(), 200u);
  const pumpbench::LoadResult base = pumpbench::load_scenario((dir_ / "base.yaml").string());
  for (const auto& diagnostic : base.diagnostics) ADD_FAILURE() << diagnostic.format();
  EXPECT_TRUE(base.scenario);
}

TEST_F(MalformedCorpus, TheLoaderRefusesEachWithALocation) {
  for (size_t i = 0; i < corpus_.size(); ++i) {
    SCOPED_TRACE(corpus_[i].name + " (" + paths_[i] + ")");
    const pumpbench::LoadResult loaded = pumpbench::load_scenario(paths_[i]);
    EXPECT_FALSE(loaded.scenario) << "silently accepted";
    ASSERT_FALSE(loaded.diagnostics.empty());
    for (const auto& diagnostic : loaded.diagnostics) {
      EXPECT_GE(diagnostic.location.line, 1) << diagnostic.format();
      EXPECT_GE(diagnostic.location.column, 1) << diagnostic.format();
    }
  }
}

TEST_F(MalformedCorpus, ValidateExitsTwoWithFileLineColumnForEveryOne) {
  // One process for the whole corpus and a directory among the files: validate checks them all.
  fs::create_directories(dir_ / "a_directory.yaml");
  std::string command = std::string(PUMPBENCH) + " validate";
  for (const std::string& path : paths_) command += " '" + path + "'";
  command += " '" + (dir_ / "a_directory.yaml").string() + "' '" + (dir_ / "base.yaml").string() +
             "'";
  const pumptwin::testing::CommandOutcome outcome = pumptwin::testing::run_command(command);
  const std::string& output = outcome.output;
  ASSERT_NE(outcome.exit_code, -1) << output.substr(0, 2000);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(output.find("terminate"), std::string::npos);
  EXPECT_EQ(output.find("E549"), std::string::npos);
  for (size_t i = 0; i < paths_.size(); ++i) {
    SCOPED_TRACE(corpus_[i].name);
    EXPECT_EQ(output.find(paths_[i] + ": ok"), std::string::npos) << "silently accepted";
    bool located = false;
    for (size_t at = output.find(paths_[i] + ":"); at != std::string::npos && !located;
         at = output.find(paths_[i] + ":", at + 1)) {
      int line = 0;
      int column = 0;
      located = std::sscanf(output.c_str() + at + paths_[i].size(), ":%d:%d: error", &line,
                            &column) == 2 &&
                line >= 1 && column >= 1;
    }
    EXPECT_TRUE(located) << "no FILE:LINE:COL error for " << paths_[i];
  }
  EXPECT_NE(output.find("a_directory.yaml:0:0: error: is a directory"), std::string::npos);
  EXPECT_NE(output.find("base.yaml: ok"), std::string::npos) << "validate stopped early";
}

}  // namespace
