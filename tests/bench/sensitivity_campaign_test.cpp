// A campaign with `sensitivity:` (docs/campaigns.md, "Sensitivity") end to end, as child
// processes: 3 factors x 2 trajectories of a 4 h bolus expand into 8 runs with stable ids, rank
// the factor the respiratory index depends on above one it does not, give the same report whole
// and merged from shards, and feed physio_sensitivity; bad `sensitivity:` input is located; the
// checked-in docs/sensitivity.md is from the shipped campaign file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

using nlohmann::json;
using pumptwin::testing::capture_stdout;
using pumptwin::testing::slurp;

const std::string kBench = PUMPBENCH;
const std::string kCampaign = SENSITIVITY_DIR "/campaign.yaml";

std::string scratch(const std::string& name) {
  return pumptwin::testing::fresh_dir("pumpbench_sensitivity", name).string();
}

int run(const std::string& arguments) {
  return pumptwin::testing::run_command(kBench + " " + arguments).exit_code;
}

const json* find_factor(const json& ranking, const std::string& id) {
  for (const json& entry : ranking) {
    if (entry["factor"] == id) return &entry;
  }
  return nullptr;
}

TEST(PumpbenchSensitivity, ExpandsRanksAndMergesShardsIntoTheUnshardedReport) {
  // 2 trajectories x (3 factors + 1) points, in design order.
  EXPECT_EQ(capture_stdout(kBench + " campaign " + kCampaign + " --list"),
            "0 0/1 bolus/none/point-0\n1 0/1 bolus/none/point-1\n2 0/1 bolus/none/point-2\n"
            "3 0/1 bolus/none/point-3\n4 0/1 bolus/none/point-4\n5 0/1 bolus/none/point-5\n"
            "6 0/1 bolus/none/point-6\n7 0/1 bolus/none/point-7\n");
  const std::string dir = scratch("merge");
  ASSERT_EQ(run("campaign " + kCampaign + " -j 2 --out " + dir + "/whole"), 0);
  ASSERT_EQ(run("campaign " + kCampaign + " -j 2 --shard 0/2 --out " + dir + "/shard0"), 0);
  ASSERT_EQ(run("campaign " + kCampaign + " -j 2 --shard 1/2 --out " + dir + "/shard1"), 0);
  ASSERT_EQ(run("merge " + dir + "/shard1 " + dir + "/shard0 --out " + dir + "/merged"), 0);
  for (const char* file : {"campaign.json", "campaign.md", "junit.xml", "traceability.md"}) {
    EXPECT_EQ(slurp(dir + "/whole/" + file), slurp(dir + "/merged/" + file)) << file;
  }

  const json screening = json::parse(slurp(dir + "/whole/campaign.json"))["sensitivity"];
  EXPECT_EQ(screening["trajectories"], 2);
  EXPECT_DOUBLE_EQ(screening["delta"].get<double>(), 2.0 / 3.0);
  ASSERT_EQ(screening["cells"].size(), 1u);
  const json& respiration = screening["cells"][0]["outputs"][0];
  ASSERT_EQ(respiration["output"], "peak_respiratory_depression_index");
  // The CSF respiratory EC50 (0.9-3.6 ug/mL) ranks first; the analgesic Emax does not enter the
  // respiratory index at all.
  EXPECT_EQ(respiration["ranking"][0]["factor"], "morphine_respiratory_ec50_csf");
  const json* ec50 = find_factor(respiration["ranking"], "morphine_respiratory_ec50_csf");
  const json* emax = find_factor(respiration["ranking"], "morphine_emax");
  ASSERT_TRUE(ec50 != nullptr && emax != nullptr);
  EXPECT_GT((*ec50)["mu_star"].get<double>(), 0.01);
  EXPECT_EQ((*emax)["mu_star"].get<double>(), 0.0);
  EXPECT_EQ(respiration["ranking"][2]["factor"], "morphine_emax");

  // Each point ran its design point: the runs at the two ends of a move of the EC50 differ in
  // the figure, and the run of the first point has it.
  const json first = json::parse(slurp(dir + "/whole/runs/bolus/none/point-0/result.json"));
  EXPECT_GT(first["figures"]["peak_respiratory_depression_index"].get<double>(), 0.0);
  const std::string md = slurp(dir + "/whole/campaign.md");
  EXPECT_NE(md.find("### bolus [none]: `peak_respiratory_depression_index`\n\n| rank | factor |"),
            std::string::npos)
      << md;
  EXPECT_NE(slurp(dir + "/whole/report.html").find("<h2>Sensitivity (Morris)</h2>"),
            std::string::npos);

  // docs/sensitivity.md's generator reads the report.
  ASSERT_EQ(pumptwin::testing::run_command(std::string(PHYSIO_SENSITIVITY) + " " + dir + "/whole " +
                                           dir + "/sensitivity.md")
                .exit_code,
            0);
  const std::string doc = slurp(dir + "/sensitivity.md");
  EXPECT_NE(
      doc.find("| 1 | morphine respiratory EC50 CSF, ug/mL | `morphine_respiratory_ec50_csf`"),
      std::string::npos)
      << doc;
  EXPECT_NE(doc.find("## Patient variability"), std::string::npos);
}

TEST(PumpbenchSensitivity, BadInputIsLocatedAndExitsTwo) {
  const std::string dir = scratch("bad");
  const std::string file = dir + "/bad.yaml";
  std::ofstream(file) << "name: bad\n"
                         "scenarios: [" SENSITIVITY_DIR
                         "/bolus.yaml]\n"
                         "cohort: {seed: 1, size: 2}\n"
                         "sensitivity:\n"
                         "  method: morris\n"
                         "  trajectories: 1\n"
                         "  levels: 3\n"
                         "  factors: [dispersion, morphine_respiratory_ec50]\n"
                         "  outputs: [peak_respiratory_index]\n";
  const pumptwin::testing::CommandOutcome outcome =
      pumptwin::testing::run_command(kBench + " campaign " + file + " --list");
  EXPECT_EQ(outcome.exit_code, 2);
  const std::string& errors = outcome.output;
  EXPECT_NE(errors.find(file + ":6:17: error: sensitivity.trajectories: '1' is out of range: 2 to"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find(file + ":7:11: error: sensitivity.levels: '3' levels: Morris's design "
                               "needs an even number of levels"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find(file + ":8:25: error: sensitivity.factors[1]: unknown factor "
                               "'morphine_respiratory_ec50' (did you mean"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find(file + ":9:13: error: sensitivity.outputs[0]: unknown output "
                               "'peak_respiratory_index'; the runs' numeric key figures: "),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find(file + ":3:9: error: cohort: cannot be combined with `sensitivity`"),
            std::string::npos)
      << errors;
  // Sobol is not offered.
  std::ofstream(file) << "name: bad\nscenarios: [" SENSITIVITY_DIR
                         "/bolus.yaml]\n"
                         "sensitivity: {method: sobol, trajectories: 2, factors: all, outputs: "
                         "[strokes]}\n";
  const pumptwin::testing::CommandOutcome sobol =
      pumptwin::testing::run_command(kBench + " campaign " + file + " --list");
  EXPECT_EQ(sobol.exit_code, 2);
  EXPECT_NE(sobol.output.find(file + ":3:23: error: sensitivity.method: unknown method 'sobol'"),
            std::string::npos)
      << sobol.output;
}

TEST(PumpbenchSensitivity, CheckedInDocumentIsFromTheShippedCampaignFile) {
  // docs/sensitivity.md names the campaign file's hash as campaign.json has it (the SHA-256 of
  // its text and a NUL byte, as each part of the inputs' hash) from the run it was generated
  // from (campaigns/sensitivity.sh regenerates it; the run takes minutes, so not here).
  const std::string sha256 =
      capture_stdout("{ cat " REPOSITORY_DIR "/campaigns/sensitivity.yaml; printf '\\0'; } | "
                     "sha256sum")
          .substr(0, 64);
  const std::string doc = slurp(REPOSITORY_DIR "/docs/sensitivity.md");
  EXPECT_NE(doc.find("campaign file sha256 `" + sha256 + "`"), std::string::npos)
      << "regenerate docs/sensitivity.md with campaigns/sensitivity.sh";
  // It loads, and its run count is the document's.
  const std::string listing =
      capture_stdout(kBench + " campaign " REPOSITORY_DIR "/campaigns/sensitivity.yaml --list");
  const auto runs = std::count(listing.begin(), listing.end(), '\n');
  EXPECT_NE(doc.find(", " + std::to_string(runs) + " whole-chain runs;"), std::string::npos)
      << runs;
}

}  // namespace
