// Every way into the pump checks the same rules (issue 18): quantities that cannot lie, validate
// = run (the firmware's own acceptance rules), strict YAML, and one reader for a scenario's
// actions, a live client's commands and the programmer CLI's. Each test here fails on a bench
// that lets the class of mistake through.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "app/therapy.h"
#include "catalogue.h"
#include "firmware_commands.h"
#include "live_commands.h"
#include "programmer_cli_commands.h"
#include "protocol.h"
#include "pump_fixture.h"
#include "scenario_loader.h"
#include "twin/physio/neuraxis.h"
#include "units.h"
#include "validation_base.h"

namespace {

namespace fs = std::filesystem;
using namespace pumpbench;
using pumptwin::live::Json;
using pumptwin::live::parse_live_action;

// ------------------------------------------------------------------------------ quantities

TEST(Quantities, NonFiniteAndOverflowingNumbersAreRefusedInEveryDimension) {
  for (const char* text : {"nan h", "NaN h", "inf s", "-inf s", "infinity h", "1e308 d", "1e999 s",
                           "nan", "0x10 h", "1 d nan h", "2 h inf min"}) {
    EXPECT_FALSE(parse_quantity(text, Dimension::kTime).value) << text;
  }
  EXPECT_FALSE(parse_quantity("nan mL", Dimension::kVolume).value);
  EXPECT_FALSE(parse_quantity("1e306 mg/day", Dimension::kDoseRate).value);
  EXPECT_FALSE(parse_quantity("nan", Dimension::kFraction).value);
  EXPECT_FALSE(parse_quantity("inf", Dimension::kCount).value);
  ASSERT_TRUE(parse_quantity("1 d 8 h", Dimension::kTime).value);
  EXPECT_DOUBLE_EQ(*parse_quantity("1 d 8 h", Dimension::kTime).value, 32 * 3600.0);
  EXPECT_DOUBLE_EQ(*parse_quantity("2.5e3 ug", Dimension::kMass).value, 2500.0);
}

TEST(Quantities, FirmwareIntegersAreExactOrRefusedNeverWrapped) {
  // 4297 mg/day is 4.297e9 ng/day: past a u32, which once wrapped to 2.03 mg/day.
  EXPECT_FALSE(firmware_integer(4297e3, 1e3, UINT32_MAX, "ng/day").value);
  EXPECT_FALSE(firmware_integer(4295e3, 1e3, UINT32_MAX, "ng").value);  // 4295 mg
  EXPECT_FALSE(firmware_integer(1.5e-3, 1e3, UINT32_MAX, "ng").value);  // 1.5 ng
  EXPECT_FALSE(firmware_integer(-1.0, 1e3, UINT32_MAX, "ng").value);
  EXPECT_FALSE(firmware_integer(90.0, 1.0 / 60.0, UINT16_MAX, "min").value);  // 1.5 min
  ASSERT_TRUE(firmware_integer(4294967.295, 1e3, UINT32_MAX, "ng").value);
  EXPECT_EQ(*firmware_integer(4294967.295, 1e3, UINT32_MAX, "ng").value, UINT32_MAX);
  // Decimal input is exact at the pump's resolution: 0.1 mg/day is 100000000 ng... per day.
  const double rate = *parse_quantity("0.1 mg/day", Dimension::kDoseRate).value;
  EXPECT_EQ(*firmware_integer(rate, 1e3, UINT32_MAX, "ng/day").value, 100000u);
  EXPECT_THROW(firmware_nanograms(4297e3), std::invalid_argument);
}

// ------------------------------------------------------------------- scenarios, one mistake each

class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pumpbench_validation_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    write("requirements.yaml", kValidationRequirements);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  // Loads `text` and expects it refused with a located diagnostic whose message has `words`.
  void expect_refused(const std::string& text, const std::string& words) {
    const LoadResult loaded = load_scenario(write("case.yaml", text));
    EXPECT_FALSE(loaded.scenario) << "accepted; expected: " << words;
    bool found = false;
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      EXPECT_GE(diagnostic.location.line, 1) << diagnostic.format();
      if (diagnostic.format().find(words) != std::string::npos) found = true;
    }
    EXPECT_TRUE(found) << "no diagnostic says '" << words << "'; got:\n"
                       << (loaded.diagnostics.empty() ? std::string("(none)")
                                                      : loaded.diagnostics.front().format());
  }
  fs::path dir_;
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_F(ScenarioFiles, TheBaseIsValid) {
  const LoadResult loaded = load_scenario(write("base.yaml", kValidationBase));
  for (const Diagnostic& diagnostic : loaded.diagnostics) ADD_FAILURE() << diagnostic.format();
  ASSERT_TRUE(loaded.scenario);
  EXPECT_TRUE(loaded.notes.empty());
}

TEST_F(ScenarioFiles, NonFiniteTimesAreLocatedErrorsNotHangs) {
  expect_refused(replaced(kValidationBase, "duration: 2 h", "duration: nan h"),
                 "case.yaml:4:11: error: duration:");
  expect_refused(replaced(kValidationBase, "at: 10 min", "at: nan h"), "timeline[0].at");
  expect_refused(replaced(kValidationBase, "after: 5 min", "after: nan min"), "timeline[1].after");
  expect_refused(replaced(kValidationBase, "within: 1 h", "within: nan d"), "within");
  expect_refused(replaced(kValidationBase, "sample_period: 5 min", "sample_period: nan"),
                 "setup.sample_period");
  expect_refused(replaced(kValidationBase, "duration: 2 h", "duration: 1e308 d"), "duration");
}

TEST_F(ScenarioFiles, DosesThePumpCannotHoldAreRefusedNotWrapped) {
  expect_refused(replaced(kValidationBase, "continuous: 12 mg/day", "continuous: 4297 mg/day"),
                 "setup.program.continuous");
  expect_refused(replaced(kValidationBase, "dose: 0.2 mg", "dose: 4295 mg"),
                 "clinician_bolus.dose");
  expect_refused(replaced(kValidationBase, "dose: 0.2 mg", "dose: 0.0000015 mg"),
                 "not a whole number of ng");
  expect_refused(replaced(kValidationBase, "duration: 20 min", "duration: 90 s"),
                 "not a whole number of min");
  expect_refused(
      replaced(kValidationBase, "concentration: 10 mg/mL", "concentration: 10.0005 mg/mL"),
      "setup.concentration");
}

TEST_F(ScenarioFiles, WhatThePumpRefusesAtSetupIsRefusedByValidate) {
  // The periodic bolus over morphine's daily maximum (15 mg/day).
  expect_refused(replaced(kValidationBase, "dose: 0.1 mg", "dose: 2 mg"),
                 "setup.program: the pump refuses this program ('daily dose over limit')");
  // PTM on top of the program over the maximum.
  expect_refused(
      replaced(kValidationBase, "dose: 50 ug, lockout: 1 h, duration: 5 min, max_per_day: 4",
               "dose: 0.2 mg, lockout: 1 h, duration: 5 min, max_per_day: 24"),
      "setup.ptm: the pump refuses this program ('daily dose over limit')");
  // A periodic bolus longer than its interval.
  expect_refused(replaced(kValidationBase, "every: 6 h", "every: 5 min"),
                 "the periodic bolus lasts longer than its interval");
  // A fill at or below the pump's minimum reservoir volume.
  expect_refused(replaced(kValidationBase, "fill: 18 mL", "fill: 0.4 mL"),
                 "setup.reservoir.fill: the pump refuses a refill of 500 uL or less");
  // A PTM dose the mechanism cannot move in its duration (the firmware's bolus rate limit).
  expect_refused(
      replaced(kValidationBase, "ptm: {dose: 50 ug, lockout: 1 h, duration: 5 min, max_per_day: 4}",
               "ptm: {dose: 0.7 mg, lockout: 1 h, duration: 1 min, max_per_day: 1}"),
      "'rate too high'");
}

TEST_F(ScenarioFiles, StrictYaml) {
  expect_refused(replaced(kValidationBase, "  drug: morphine\n",
                          "  drug: morphine\n  concentration: 25 mg/mL\n"),
                 "duplicate key 'concentration'");
  expect_refused(replaced(kValidationBase, "timeline:", "setup: {}\ntimeline:"),
                 "duplicate key 'setup'");
  expect_refused(std::string(kValidationBase) + "---\nname: second\n", "a second YAML document");
  // yaml-cpp's LoadAll never returns on this (found by scenario_loader_fuzz).
  expect_refused(",n", "case.yaml:1:");
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    laughs += std::string(1, level) + ": &" + std::string(1, level) + " [*" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + ", *" +
              std::string(1, static_cast<char>(level - 1)) + "]\n";
  }
  expect_refused(laughs + kValidationBase, "anchors and aliases");
  expect_refused(replaced(kValidationBase, "name: base", "name: base \xC3\x28 scenario"),
                 "case.yaml:1:12: error: byte 0xC3 is not valid UTF-8");
  expect_refused(replaced(kValidationBase, "name: base", "name: \xED\xA0\x80"), "not valid UTF-8");
}

// A level is what the patient model can place a tip at (twin/physio/neuraxis.h): the loader
// accepts every one of them and nothing else, at the tip and in a tip_migration alike.
TEST_F(ScenarioFiles, LevelsAreThoseThePatientModelCanPlaceATipAt) {
  ASSERT_EQ(pumptwin::physio::neuraxis_levels().size(), 31u);
  for (const pumptwin::physio::NeuraxisLevel& level : pumptwin::physio::neuraxis_levels()) {
    const LoadResult loaded = load_scenario(write(
        "case.yaml", replaced(kValidationBase, "tip_level: T10", "tip_level: " + level.name)));
    ASSERT_TRUE(loaded.scenario) << level.name << ": " << loaded.diagnostics.front().format();
    EXPECT_EQ(loaded.scenario->setup.catheter_tip_level, level.name);
  }
  // The loader once took these (cisterna) or the model did (a segment's name); now neither.
  expect_refused(replaced(kValidationBase, "tip_level: T10", "tip_level: T13"),
                 "case.yaml:10:40: error: setup.catheter.tip_level: 'T13' is not a vertebral "
                 "level (S1-S5, L1-L5, T1-T12, C1-C7, cisterna_magna, intracranial) (did you "
                 "mean 'T12'?)");
  expect_refused(replaced(kValidationBase, "tip_level: T10", "tip_level: cisterna"),
                 "'cisterna' is not a vertebral level");
  expect_refused(replaced(kValidationBase, "tip_level: T10", "tip_level: L1_L3"),
                 "'L1_L3' is not a vertebral level");
  expect_refused(replaced(kValidationBase, "tip_level: T10", "tip_level: T010"),
                 "'T010' is not a vertebral level");
  expect_refused(replaced(kValidationBase, "inject: {fault: shaft_load, torque: 0.01 N.m}",
                          "inject: {fault: tip_migration, level: C8}"),
                 "case.yaml:20:43: error: timeline[0].inject.level: 'C8' is not a vertebral level");
  const LoadResult sacral = load_scenario(
      write("case.yaml", replaced(replaced(kValidationBase,
                                           "inject: {fault: shaft_load, torque: "
                                           "0.01 N.m}",
                                           "inject: {fault: tip_migration, level: S2}"),
                                  "clear: shaft_load", "clear: tip_migration")));
  ASSERT_TRUE(sacral.scenario) << sacral.diagnostics.front().format();
}

TEST_F(ScenarioFiles, ADirectoryIsALocatedErrorAndValidateGoesOn) {
  fs::create_directories(dir_ / "folder.yaml");
  const LoadResult loaded = load_scenario((dir_ / "folder.yaml").string());
  ASSERT_FALSE(loaded.scenario);
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_NE(loaded.diagnostics[0].message.find("is a directory"), std::string::npos);
}

TEST_F(ScenarioFiles, ContradictionsAreErrors) {
  expect_refused(replaced(kValidationBase, "at_most: 3", "at_most: 0"),
                 "at_least (1) is above at_most (0)");
  expect_refused(replaced(kValidationBase, "clear: shaft_load", "clear: catheter_kink"),
                 "fault 'catheter_kink' is not injected by any step before this one");
}

TEST_F(ScenarioFiles, AScenarioWithoutRequirementsListSaysItWasNotChecked) {
  fs::remove(dir_ / "requirements.yaml");
  const LoadResult loaded = load_scenario(write("case.yaml", kValidationBase));
  ASSERT_TRUE(loaded.scenario);
  ASSERT_EQ(loaded.notes.size(), 1u);
  EXPECT_NE(loaded.notes[0].find("requirement IDs not checked"), std::string::npos);
}

// ------------------------------------------------------------------------------ live commands

bool none_injected(const std::string&) {
  return false;
}

TEST(LiveCommands, AreReadByTheScenarioReader) {
  const pumpbench::Setup setup;
  Step step;
  std::string error;
  // The loader refuses "T1x" as a level; so does the live server now (it once used atoi).
  EXPECT_FALSE(parse_live_action(
      {{"type", "inject"}, {"fault", "tip_migration"}, {"params", {{"level", "T1x"}}}}, setup,
      none_injected, step, error));
  EXPECT_NE(error.find("not a vertebral level"), std::string::npos) << error;
  EXPECT_TRUE(parse_live_action(
      {{"type", "inject"}, {"fault", "tip_migration"}, {"params", {{"level", "T11"}}}}, setup,
      none_injected, step, error))
      << error;
  EXPECT_FALSE(parse_live_action({{"type", "inject"},
                                  {"fault", "asic_register_stuck_bit"},
                                  {"params", {{"register", "STATUS"}, {"bit", 3.7}}}},
                                 setup, none_injected, step, error));
  EXPECT_NE(error.find("not a whole number"), std::string::npos) << error;
  EXPECT_FALSE(parse_live_action({{"type", "program"}, {"continuous", "4297 mg/day"}}, setup,
                                 none_injected, step, error));
  EXPECT_FALSE(
      parse_live_action({{"type", "clinician_bolus"}, {"dose", "4295 mg"}, {"duration", "1 h"}},
                        setup, none_injected, step, error));
  EXPECT_FALSE(
      parse_live_action({{"type", "clinician_bolus"}, {"dose", "1 mg"}, {"duration", "nan h"}},
                        setup, none_injected, step, error));
  EXPECT_FALSE(parse_live_action({{"type", "clear"}, {"fault", "shaft_load"}}, setup, none_injected,
                                 step, error));
  EXPECT_NE(error.find("not injected"), std::string::npos) << error;
  EXPECT_TRUE(parse_live_action(
      {{"type", "clear"}, {"fault", "shaft_load"}}, setup,
      [](const std::string& name) { return name == "shaft_load"; }, step, error));
  // A plain number is in the base unit: 3600 s.
  ASSERT_TRUE(parse_live_action({{"type", "clinician_bolus"}, {"dose", 500}, {"duration", 3600}},
                                setup, none_injected, step, error))
      << error;
  EXPECT_EQ(std::get<ClinicianBolusAction>(step.action).duration_minutes, 60);
}

TEST(LiveCommands, StepsAndSpeedsAreFiniteAndBounded) {
  std::string error;
  EXPECT_FALSE(
      pumptwin::live::parse_step_duration({{"type", "step"}, {"duration", "1e308 d"}}, error));
  EXPECT_FALSE(
      pumptwin::live::parse_step_duration({{"type", "step"}, {"duration", "nan h"}}, error));
  EXPECT_FALSE(
      pumptwin::live::parse_step_duration({{"type", "step"}, {"duration_s", 1e308}}, error));
  ASSERT_TRUE(pumptwin::live::parse_step_duration({{"type", "step"}, {"duration", "2 h"}}, error));
  EXPECT_NE(pumptwin::live::check_client_message({{"type", "speed"}, {"speed", 1e-300}}, {}), "");
  EXPECT_EQ(pumptwin::live::check_client_message({{"type", "speed"}, {"speed", 0.01}}, {}), "");
}

// ------------------------------------------------------------------------ the programmer CLI

// A command as a shell splits it.
bool programmer_reads(const std::string& text, ProgrammerCommand& command, std::string& error) {
  command = ProgrammerCommand{};
  return parse_programmer_command(split_words(text), command, error);
}

TEST(ProgrammerCommands, RefuseWhatThePumpCouldNotHoldAsTyped) {
  ProgrammerCommand command;
  std::string error;
  for (const char* rate : {"4297 mg/day", "1e306 mg/day", "nan mg/day", "0.0000001 ug/day"}) {
    EXPECT_FALSE(programmer_reads(std::string("program continuous: ") + rate, command, error))
        << rate;
  }
  EXPECT_FALSE(programmer_reads("clinician_bolus dose: 4295 mg, duration: 60 min", command, error));
  EXPECT_FALSE(programmer_reads("clinician_bolus dose: 1 mg, duration: 90 s", command, error));
  EXPECT_FALSE(programmer_reads("clinician_bolus dose: 1 mg, duration: 1e308 d", command, error));
  ASSERT_TRUE(programmer_reads("program continuous: 4 mg/day", command, error)) << error;
}

// The CLI's words are the scenario registry's actions, read by the scenario's reader: the same
// values, the same refusals in the same words as a live client's, the same payload as a
// scenario's step.
TEST(ProgrammerCommands, AreTheScenarioRegistrysActionsReadByItsReader) {
  ProgrammerCommand command;
  std::string error;
  // The CLI's own words of before are gone, with the registry's name suggested or listed.
  EXPECT_FALSE(programmer_reads("acknowledge motor_stall", command, error));
  EXPECT_NE(error.find("did you mean 'acknowledge_alarms'"), std::string::npos) << error;
  EXPECT_FALSE(programmer_reads("bolus dose: 1 mg, duration: 10 min", command, error));
  EXPECT_NE(error.find("unknown command 'bolus' (did you mean 'clinician_bolus' or "
                       "'priming_bolus'?)"),
            std::string::npos)
      << error;

  ASSERT_TRUE(programmer_reads("clinician_bolus dose: 250 ug, duration: 1.5 h", command, error))
      << error;
  EXPECT_EQ(command.action_name, "clinician_bolus");
  const auto& bolus = std::get<ClinicianBolusAction>(command.action);
  EXPECT_EQ(bolus.dose_ug, 250.0);
  EXPECT_EQ(bolus.duration_minutes, 90);
  EXPECT_EQ(action_payload(command.action), clinician_bolus_payload(250.0, 90));

  // What a scenario's program takes, a flexible schedule and a periodic bolus included.
  ASSERT_TRUE(programmer_reads(
      "program flexible: [{start: 00:00, rate: 2 mg/day}, {start: 12:00, rate: 3 mg/day}], "
      "periodic_bolus: {dose: 1 mg, first: 08:00, every: 6 h, duration: 10 min}",
      command, error))
      << error;
  const ProgramSpec& program = std::get<ProgramAction>(command.action).program;
  ASSERT_EQ(program.steps.size(), 2u);
  EXPECT_TRUE(program.flexible);
  EXPECT_EQ(program.steps[1].start_minute, 720);
  EXPECT_EQ(program.steps[1].rate_ug_per_day, 3000.0);
  EXPECT_EQ(program.periodic.interval_minutes, 360);
  EXPECT_EQ(action_payload(command.action), program_payload(program));

  ASSERT_TRUE(programmer_reads("acknowledge_alarms motor_stall, reservoir_low", command, error))
      << error;
  EXPECT_EQ(std::get<AcknowledgeAlarmsAction>(command.action).alarm_bits,
            *alarm_bit("motor_stall") | *alarm_bit("reservoir_low"));
  ASSERT_TRUE(programmer_reads("acknowledge_alarms", command, error)) << error;
  EXPECT_TRUE(command.every_active);

  // A refill's bounds are the loader's (kMaxVolumeUl), with the pump's drug when none is named.
  EXPECT_FALSE(programmer_reads("refill volume: 101 mL", command, error));
  EXPECT_NE(error.find("refill.volume"), std::string::npos) << error;
  ASSERT_TRUE(programmer_reads("refill volume: 20 mL", command, error)) << error;
  EXPECT_TRUE(std::get<RefillAction>(command.action).drug.empty());
  EXPECT_EQ(std::get<RefillAction>(command.action).volume_ul, 20e3);
  EXPECT_FALSE(programmer_reads("refill volume: 20 mL, drug: morfine", command, error));
  EXPECT_NE(error.find("did you mean 'morphine'"), std::string::npos) << error;

  // The bench's actions and the patient's are not a programmer's.
  EXPECT_FALSE(programmer_reads("inject fault: shaft_load, torque: 0.05 N.m", command, error));
  EXPECT_NE(error.find("the bench's action"), std::string::npos) << error;
  EXPECT_FALSE(programmer_reads("ptm_press", command, error));
  EXPECT_NE(error.find("the patient's PTM"), std::string::npos) << error;
  EXPECT_FALSE(programmer_reads("refill volume: 20 mL, route: pocket", command, error));

  // A live client and the programmer are refused in the same words.
  for (const char* dose : {"4295 mg", "1.0000001 mg", "-1 mg", "nan mg", "1 mL"}) {
    std::string live_error;
    Step step;
    EXPECT_FALSE(parse_live_action(
        {{"type", "clinician_bolus"}, {"dose", dose}, {"duration", "10 min"}}, pumpbench::Setup{},
        [](const std::string&) { return false; }, step, live_error));
    EXPECT_FALSE(programmer_reads(
        std::string("clinician_bolus dose: ") + dose + ", duration: 10 min", command, error));
    ASSERT_FALSE(live_error.empty());
    EXPECT_NE(error.find(live_error), std::string::npos) << error << " / " << live_error;
  }
}

// A pump on the fake board, filled with morphine at 25 mg/mL, to receive what the CLI and the
// live server send.
class PumpUnderTest : public pumpfw::test::PumpFixture {
 public:
  PumpUnderTest() {
    boot();
    run_for(pumpfw::test::kSecond);
    refill(pumpfw::app::DrugId::kMorphine, 25000, 20000);
    program_continuous(1000);
  }
  void TestBody() override {}
  // What the pump holds after `payload`, or nothing when it refused it.
  std::optional<uint32_t> rate_after(const std::vector<uint8_t>& payload) {
    if (send(payload).refusal != pumpfw::app::Refusal::kNone) return std::nullopt;
    return pump->therapy().program.steps[0].rate_ng_per_day;
  }
  // A bolus as the pump holds it: its dose, and its length (from the second it started to the
  // second its last drug accrues), or nothing when the pump refused it.
  struct HeldBolus {
    uint64_t dose_ng;
    uint64_t earliest_duration_s;  // the bolus started at the latest second of the exchange
    uint64_t latest_duration_s;    // ... or at its first
  };
  std::optional<HeldBolus> bolus_after(const std::vector<uint8_t>& payload) {
    const uint64_t before_s = hal.now() / pumpfw::test::kSecond;
    if (send(payload).refusal != pumpfw::app::Refusal::kNone) return std::nullopt;
    const uint64_t after_s = hal.now() / pumpfw::test::kSecond;
    const uint64_t end_s = pump->engine().bolus_end_s();
    return HeldBolus{pump->engine().bolus_remaining_ng(), end_s - after_s, end_s - before_s};
  }
};

// "123456789" ng as text in `unit` (ng, ug or mg, each a power of 1000), exactly.
std::string in_unit(uint64_t nanograms, int thousands, const std::string& unit) {
  std::string digits = std::to_string(nanograms);
  const size_t decimals = static_cast<size_t>(3 * thousands);
  if (decimals > 0) {
    if (digits.size() <= decimals) digits.insert(0, decimals - digits.size() + 1, '0');
    digits.insert(digits.size() - decimals, ".");
  }
  return digits + " " + unit;
}

// A duration as someone might type it, and its length in seconds: whole seconds, whole
// minutes, or tenths of an hour; from a second to ten days, below and above what the pump's
// u16 of minutes (and the bench's 1 min to 1 d) allows.
std::pair<std::string, uint64_t> typed_duration(std::mt19937_64& random) {
  const auto magnitude = [&](double most) {
    return static_cast<uint64_t>(
        std::exp2(std::uniform_real_distribution<double>(0.0, most)(random)));
  };
  switch (random() % 3) {
    case 0: {
      // Half of them whole minutes.
      const uint64_t seconds = magnitude(20.0) * (random() % 2 == 0 ? 60 : 1);
      return {std::to_string(seconds) + " s", seconds};
    }
    case 1: {
      const uint64_t minutes = magnitude(14.0);
      return {std::to_string(minutes) + " min", minutes * 60};
    }
    default: {
      const uint64_t tenths = magnitude(11.5);
      return {std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " h", tenths * 360};
    }
  }
}

TEST(ValuesTyped, ReachTheFirmwareExactlyOrAreRefused) {
  std::mt19937_64 random(18);
  const char* const kRateUnits[] = {"ng/day", "ug/day", "mg/day"};
  const char* const kDoseUnits[] = {"ng", "ug", "mg"};
  int reached = 0;
  int refused = 0;
  int boluses_reached = 0;
  for (int trial = 0; trial < 600; ++trial) {
    // Log-uniform over 1 ng to 2^35 ng, below and above what a u32 holds; one in five with a
    // sub-nanogram digit the pump cannot hold.
    const auto value =
        static_cast<uint64_t>(std::exp2(std::uniform_real_distribution<double>(0.0, 35.0)(random)));
    const int thousands = static_cast<int>(random() % 3);
    const bool rate = trial % 2 == 0;
    std::string text =
        in_unit(value, thousands, rate ? kRateUnits[thousands] : kDoseUnits[thousands]);
    const bool sub_nanogram = random() % 5 == 0;
    if (sub_nanogram) {
      const size_t space = text.find(' ');
      text.insert(space, thousands == 0 ? ".5" : "7");
    }
    const auto [duration, duration_s] = typed_duration(random);
    SCOPED_TRACE(text + (rate ? "" : " over " + duration));
    // What the bench lets through: a whole number of the pump's units within its bounds (100 mg,
    // 1000 mg/day; 1 min to 1 d); nothing else, and all of that.
    const bool holdable =
        !sub_nanogram && value <= (rate ? 1'000'000'000u : 100'000'000u) &&
        (rate || (duration_s % 60 == 0 && duration_s >= 60 && duration_s <= 86400));

    // The programmer CLI and the live server, each as its user writes the command.
    std::vector<std::vector<uint8_t>> payloads;
    ProgrammerCommand command;
    std::string error;
    const std::string typed = rate ? "program continuous: " + text
                                   : "clinician_bolus dose: " + text + ", duration: " + duration;
    const bool cli_read = parse_programmer_command(split_words(typed), command, error);
    EXPECT_EQ(cli_read, holdable) << typed << ": " << error;
    if (cli_read) {
      payloads.push_back(action_payload(command.action));
    } else {
      ++refused;
    }
    Step step;
    const Json message =
        rate ? Json{{"type", "program"}, {"continuous", text}}
             : Json{{"type", "clinician_bolus"}, {"dose", text}, {"duration", duration}};
    const bool live_read =
        parse_live_action(message, pumpbench::Setup{}, none_injected, step, error);
    EXPECT_EQ(live_read, holdable) << message.dump() << ": " << error;
    if (live_read) {
      if (const auto* program = std::get_if<ProgramAction>(&step.action)) {
        payloads.push_back(program_payload(program->program));
      } else {
        const auto& bolus = std::get<ClinicianBolusAction>(step.action);
        payloads.push_back(clinician_bolus_payload(bolus.dose_ug, bolus.duration_minutes));
      }
    } else {
      ++refused;
    }
    // What was let through, the pump holds as typed, or refuses (over the drug's limit, a
    // bolus faster than the pump drives...).
    for (const std::vector<uint8_t>& payload : payloads) {
      PumpUnderTest pump;
      if (rate) {
        const std::optional<uint32_t> held = pump.rate_after(payload);
        if (!held) continue;
        ++reached;
        EXPECT_EQ(*held, value);
        continue;
      }
      const auto held = pump.bolus_after(payload);
      if (!held) continue;
      ++reached;
      ++boluses_reached;
      EXPECT_EQ(held->dose_ng, value);
      // The bolus lasts the duration typed. The pump gives it at a whole number of its mass
      // quanta a second, rounded up so that all of it is given in time: a dose of a few ng over
      // hours ends up to S / (8000 ng x 86400 quanta/ng / 86400 s) = S / (8000 x dose_ng)
      // seconds early (dose_engine.cpp); from 11 ng on, that is under a second.
      const uint64_t early_s = duration_s / (8000 * value);
      EXPECT_LE(held->earliest_duration_s, duration_s);
      EXPECT_GE(held->latest_duration_s + early_s, duration_s);
    }
  }
  // The draw reaches both outcomes many times over, boluses included.
  EXPECT_GT(reached, 50);
  EXPECT_GT(boluses_reached, 25);
  EXPECT_GT(refused, 50);
}

}  // namespace
