// The scenario loader: every broken scenario of the corpus gives its diagnostic at its place,
// and every scenario shipped in scenarios/ loads.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "catalogue.h"
#include "scenario_loader.h"

namespace pumpbench {
namespace {

namespace fs = std::filesystem;

struct BrokenScenario {
  std::string file;
  int line;
  int column;
  std::string fragment;
};

std::vector<BrokenScenario> corpus() {
  std::vector<BrokenScenario> cases;
  std::ifstream manifest(BAD_SCENARIOS_DIR "/expected.tsv");
  std::string row;
  while (std::getline(manifest, row)) {
    if (row.empty() || row[0] == '#') continue;
    std::istringstream fields(row);
    BrokenScenario item;
    std::string location;
    std::getline(fields, item.file, '\t');
    std::getline(fields, location, '\t');
    std::getline(fields, item.fragment);
    std::sscanf(location.c_str(), "%d:%d", &item.line, &item.column);
    cases.push_back(item);
  }
  return cases;
}

TEST(ScenarioLoader, CorpusHasAtLeastFortyBrokenScenariosAndListsEachFile) {
  const std::vector<BrokenScenario> cases = corpus();
  EXPECT_GE(cases.size(), 40u);
  std::set<std::string> listed;
  for (const BrokenScenario& item : cases) listed.insert(item.file);
  for (const auto& entry : fs::directory_iterator(BAD_SCENARIOS_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "requirements.yaml") continue;
    EXPECT_EQ(listed.count(name), 1u) << name << " is not in expected.tsv";
  }
}

TEST(ScenarioLoader, EachBrokenScenarioGivesItsMessageAtItsLocation) {
  for (const BrokenScenario& item : corpus()) {
    const std::string path = std::string(BAD_SCENARIOS_DIR) + "/" + item.file;
    const LoadResult result = load_scenario(path);
    EXPECT_FALSE(result.scenario.has_value()) << item.file;
    bool found = false;
    std::string all;
    for (const Diagnostic& diagnostic : result.diagnostics) {
      all += diagnostic.format() + "\n";
      if (diagnostic.message.find(item.fragment) != std::string::npos ||
          diagnostic.format().find(item.fragment) != std::string::npos) {
        found = diagnostic.location.line == item.line && diagnostic.location.column == item.column;
        EXPECT_EQ(diagnostic.file, path);
        if (found) break;
      }
    }
    EXPECT_TRUE(found) << item.file << ": expected '" << item.fragment << "' at " << item.line
                       << ":" << item.column << ", got:\n"
                       << all;
  }
}

TEST(ScenarioLoader, DiagnosticFormatIsFileLineColumnFieldMessage) {
  const Diagnostic diagnostic{"a.yaml", {3, 7}, "setup.drug", "unknown drug 'x'"};
  EXPECT_EQ(diagnostic.format(), "a.yaml:3:7: error: setup.drug: unknown drug 'x'");
}

TEST(ScenarioLoader, MissingFileIsADiagnosticNotACrash) {
  const LoadResult result = load_scenario("/nonexistent/scenario.yaml");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_NE(result.diagnostics[0].message.find("cannot read"), std::string::npos);
}

TEST(ScenarioLoader, EveryShippedScenarioLoads) {
  int loaded = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SCENARIOS_DIR)) {
    if (entry.path().extension() != ".yaml" || entry.path().filename() == "requirements.yaml" ||
        entry.path().filename() == "hazards.yaml") {
      continue;
    }
    const LoadResult result = load_scenario(entry.path().string());
    std::string all;
    for (const Diagnostic& diagnostic : result.diagnostics) all += diagnostic.format() + "\n";
    EXPECT_TRUE(result.scenario.has_value()) << all;
    ++loaded;
  }
  EXPECT_GT(loaded, 0);
}

TEST(ScenarioLoader, ReadsTheDemoAsWritten) {
  const LoadResult result = load_scenario(SCENARIOS_DIR "/demo.yaml");
  ASSERT_TRUE(result.scenario.has_value());
  const Scenario& scenario = *result.scenario;
  EXPECT_DOUBLE_EQ(scenario.duration_s, 7 * 86400.0);
  EXPECT_EQ(scenario.setup.drug, "morphine");
  EXPECT_DOUBLE_EQ(scenario.setup.concentration_ug_per_ml, 10000.0);
  EXPECT_DOUBLE_EQ(scenario.setup.reservoir_fill_ul, 3000.0);
  ASSERT_TRUE(scenario.setup.ptm.has_value());
  EXPECT_EQ(scenario.setup.ptm->lockout_minutes, 240);
  ASSERT_GE(scenario.timeline.size(), 2u);
  EXPECT_DOUBLE_EQ(scenario.timeline[0].time_s, 86400.0 + 8 * 3600.0);
  EXPECT_EQ(scenario.timeline[1].timing, Step::Timing::kAfter);
  EXPECT_EQ(scenario.timeline[1].expect_answer, "refused");
}

TEST(ScenarioLoader, LabelledToleranceIsThePumpsLabelledAccuracy) {
  const LoadResult result = load_scenario(SCENARIOS_DIR "/cohort/morphine_cohort.yaml");
  ASSERT_TRUE(result.scenario.has_value());
  const auto& expectations = result.scenario->expectations;
  const auto delivered =
      std::find_if(expectations.begin(), expectations.end(),
                   [](const Expectation& e) { return e.kind == Expectation::Kind::kDelivered; });
  ASSERT_NE(delivered, expectations.end());
  EXPECT_TRUE(delivered->tolerance_labelled);
  EXPECT_DOUBLE_EQ(delivered->tolerance_fraction, 0.145);  // SynchroMed II labeling
  EXPECT_DOUBLE_EQ(delivered->tolerance_ul, 0.0);
}

}  // namespace
}  // namespace pumpbench
