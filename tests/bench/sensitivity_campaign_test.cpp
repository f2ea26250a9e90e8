// A campaign with `sensitivity:` (docs/campaigns.md, "Sensitivity") end to end, as child
// processes: 3 factors x 2 trajectories of a 4 h bolus expand into 8 runs with stable ids, rank
// the factor the respiratory index depends on above one it does not, give the same report whole
// and merged from shards, and feed physio_sensitivity; the tolerance and baclofen factors act on
// their drug's safety outputs only; bad `sensitivity:` input is located; the checked-in
// docs/sensitivity.md matches re-runs of the shipped campaigns' first design points.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "twin/physio/validation/sensitivity.h"

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

TEST(PumpbenchSensitivity, EachDrugsFactorsActOnItsOwnSafetyOutputs) {
  // 4 factors x 2 trajectories over a tolerant patient's morphine bolus after ten days and a
  // baclofen stop: the tolerance the patient brings and the one ten days add both lower the
  // bolus's respiratory peak and the analgesia; the baclofen withdrawal severity scales the
  // withdrawal risk linearly (sigma 0); its effect-site delay moves when the antispasticity is
  // lost and leaves the withdrawal risk, which the concentration drives, exactly alone.
  const std::string dir = scratch("two_drugs");
  ASSERT_EQ(run("campaign " SENSITIVITY_DIR "/two_drugs.yaml -j 2 --out " + dir), 0);
  const json cells = json::parse(slurp(dir + "/campaign.json"))["sensitivity"]["cells"];
  ASSERT_EQ(cells.size(), 2u);
  const auto effect = [&](const std::string& scenario, const std::string& output,
                          const std::string& factor) {
    for (const json& cell : cells) {
      if (cell["scenario"] != scenario) continue;
      for (const json& ranked : cell["outputs"]) {
        if (ranked["output"] != output) continue;
        const json* entry = find_factor(ranked["ranking"], factor);
        if (entry != nullptr) return *entry;
      }
    }
    ADD_FAILURE() << scenario << " " << output << " " << factor;
    return json{{"mu_star", -1.0}, {"sigma", -1.0}};
  };
  const std::string morphine = "tolerant_ten_days";
  EXPECT_GT(
      effect(morphine, "peak_respiratory_depression_index", "initial_tolerance_factor")["mu_star"]
          .get<double>(),
      0.15);  // 0.29
  EXPECT_GT(effect(morphine, "peak_respiratory_depression_index",
                   "morphine_tolerance_time_constant")["mu_star"]
                .get<double>(),
            0.1);  // 0.21
  EXPECT_GT(
      effect(morphine, "final_analgesia_fraction", "morphine_tolerance_time_constant")["mu_star"]
          .get<double>(),
      0.06);  // 0.12
  const std::string baclofen = "baclofen_stop";
  const json severity = effect(baclofen, "peak_withdrawal_risk", "baclofen_withdrawal_severity");
  EXPECT_GT(severity["mu_star"].get<double>(), 0.2);  // 0.27
  EXPECT_NEAR(severity["sigma"].get<double>(), 0.0, 1e-12);
  EXPECT_GT(
      effect(baclofen, "antispasticity_half_loss_time_h", "baclofen_therapeutic_ke0")["mu_star"]
          .get<double>(),
      3.0);  // 6.75 h
  EXPECT_EQ(effect(baclofen, "peak_withdrawal_risk", "baclofen_therapeutic_ke0")["mu_star"], 0.0);
  for (const char* output : {"peak_respiratory_depression_index", "final_analgesia_fraction",
                             "peak_withdrawal_risk", "antispasticity_half_loss_time_h"}) {
    for (const char* factor : {"baclofen_therapeutic_ke0", "baclofen_withdrawal_severity"}) {
      EXPECT_EQ(effect(morphine, output, factor)["mu_star"], 0.0) << output << " " << factor;
    }
    for (const char* factor : {"initial_tolerance_factor", "morphine_tolerance_time_constant"}) {
      EXPECT_EQ(effect(baclofen, output, factor)["mu_star"], 0.0) << output << " " << factor;
    }
  }
}

// The campaign files of docs/sensitivity.md: every *.yaml of campaigns/sensitivity/, as
// campaigns/sensitivity.sh runs them, relative to the repository's root as it gives them.
std::vector<std::string> shipped_campaigns() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(REPOSITORY_DIR "/campaigns/sensitivity")) {
    if (entry.path().extension() == ".yaml") {
      files.push_back("campaigns/sensitivity/" + entry.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs the first design point of every cell of each shipped campaign, as the campaign runs it:
// shard 0 of P, P the points of a cell's design (a cell's runs are consecutive). The output
// folders, in the campaigns' order.
std::vector<std::string> rerun_first_points(const std::string& dir) {
  std::vector<std::string> folders;
  for (const std::string& file : shipped_campaigns()) {
    const std::string in_repository = "cd " REPOSITORY_DIR " && " + kBench + " campaign " + file;
    const std::string listing = capture_stdout(in_repository + " --list");
    // "<index> <shard> <scenario>/<variant>/point-<j>": P is how many runs the first cell has.
    std::istringstream lines(listing);
    std::string line;
    std::string first_cell;
    std::size_t points = 0;
    while (std::getline(lines, line)) {
      const std::string id = line.substr(line.rfind(' ') + 1);
      const std::string cell = id.substr(0, id.rfind('/'));
      if (first_cell.empty()) first_cell = cell;
      if (cell == first_cell) ++points;
    }
    EXPECT_GT(points, 1u) << file;
    const std::string out = dir + "/" + std::filesystem::path(file).stem().string();
    pumptwin::testing::run_command(in_repository + " -j 2 --shard 0/" + std::to_string(points) +
                                   " --out " + out);
    folders.push_back(out);
  }
  return folders;
}

TEST(PumpbenchSensitivity, CheckedInDocumentMatchesItsReRuns) {
  // docs/sensitivity.md records each campaign's inputs hash and what the first design point of
  // each of its scenarios gave; re-running exactly those runs (a few seconds, where the whole
  // campaigns take minutes) gives the same, else the model or the inputs changed since the
  // document was generated and the check names the command that regenerates it.
  const std::string dir = scratch("fresh");
  const std::vector<std::string> folders = rerun_first_points(dir);
  ASSERT_EQ(folders.size(), 3u);
  std::string arguments;
  for (const std::string& folder : folders) arguments += " " + folder;
  const std::string document = REPOSITORY_DIR "/docs/sensitivity.md";
  const pumptwin::testing::CommandOutcome fresh = pumptwin::testing::run_command(
      std::string(PHYSIO_SENSITIVITY) + " --check " + document + arguments);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.output;

  // Every factor of the registry is screened by a shipped campaign.
  std::set<std::string> screened;
  for (const std::string& folder : folders) {
    const json shard = json::parse(slurp(folder + "/shard.json"));
    for (const json& factor : shard["sensitivity"]["factors"]) {
      screened.insert(factor["id"].get<std::string>());
    }
  }
  for (const auto& factor : pumptwin::physio::validation::uncertain_factors()) {
    EXPECT_EQ(screened.count(factor.id), 1u) << factor.id << " is screened by no campaign";
  }

  // A record one digit off, or a campaign the record lacks, is stale.
  std::string perturbed = slurp(document);
  const std::size_t record = perturbed.find("## Freshness record");
  ASSERT_NE(record, std::string::npos);
  const std::size_t value = perturbed.find("` | 0.", record);
  ASSERT_NE(value, std::string::npos);
  char& digit = perturbed[value + 6];
  digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
  std::ofstream(dir + "/perturbed.md") << perturbed;
  const pumptwin::testing::CommandOutcome stale = pumptwin::testing::run_command(
      std::string(PHYSIO_SENSITIVITY) + " --check " + dir + "/perturbed.md" + arguments);
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.output.find("is stale"), std::string::npos) << stale.output;
  EXPECT_NE(stale.output.find("regenerate it with `campaigns/sensitivity.sh build/default OUT 2`"),
            std::string::npos)
      << stale.output;
  const pumptwin::testing::CommandOutcome missing =
      pumptwin::testing::run_command(std::string(PHYSIO_SENSITIVITY) + " --check " + document +
                                     " " + folders[0] + " " + folders[1]);
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
}

}  // namespace
