// The Morris design and elementary effects, the factor registry (twin/physio/validation/
// sensitivity.h) and docs/sensitivity.md's patient-variability table. The screening itself runs
// as a campaign: tests/bench/sensitivity_campaign_test.cpp.
#include "twin/physio/validation/sensitivity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace pumptwin::physio::validation {
namespace {

// The outputs of `model` at every point of the design.
template <typename Model>
std::vector<std::vector<double>> evaluate(const MorrisDesign& design, Model model) {
  std::vector<std::vector<double>> outputs;
  for (const std::vector<double>& x : design.points) outputs.push_back(model(x));
  return outputs;
}

TEST(PhysioSensitivity, MorrisRanksFactorsOfAKnownFunction) {
  // y0 = 4 x0 + x1 + 0 x2 (linear: every elementary effect equals the coefficient, sigma 0);
  // y1 = x0 * x1 (interaction: both factors have sigma > 0).
  const MorrisDesign design = morris_design(3, 10, 4, 1);
  ASSERT_EQ(design.points.size(), 10u * 4u);
  const ElementaryEffects e =
      elementary_effects(design, evaluate(design, [](const std::vector<double>& x) {
                           return std::vector<double>{4.0 * x[0] + x[1], x[0] * x[1]};
                         }));
  EXPECT_NEAR(e.mu_star[0][0], 4.0, 1e-12);
  EXPECT_NEAR(e.mu_star[1][0], 1.0, 1e-12);
  EXPECT_NEAR(e.mu_star[2][0], 0.0, 1e-12);
  EXPECT_NEAR(e.sigma[0][0], 0.0, 1e-12);
  EXPECT_GT(e.sigma[0][1], 0.0);
  EXPECT_GT(e.sigma[1][1], 0.0);
  EXPECT_NEAR(e.mu_star[2][1], 0.0, 1e-12);
}

TEST(PhysioSensitivity, TrajectoriesMoveEachFactorOnceByDeltaOnTheGrid) {
  // 6 levels {0, 0.2, ..., 1}: delta 3/5, starts from {0, 0.2, 0.4}.
  const MorrisDesign design = morris_design(4, 5, 6, 7);
  EXPECT_DOUBLE_EQ(design.delta, 0.6);
  ASSERT_EQ(design.points.size(), 5u * 5u);
  for (std::size_t r = 0; r < 5; ++r) {
    std::set<std::size_t> moved;
    for (double x : design.points[r * 5]) {
      EXPECT_TRUE(std::abs(x) < 1e-12 || std::abs(x - 0.2) < 1e-12 || std::abs(x - 0.4) < 1e-12)
          << x;
    }
    for (std::size_t j = r * 5 + 1; j < (r + 1) * 5; ++j) {
      const std::size_t i = design.moved[j];
      moved.insert(i);
      for (std::size_t f = 0; f < 4; ++f) {
        const double step = design.points[j][f] - design.points[j - 1][f];
        EXPECT_NEAR(step, f == i ? 0.6 : 0.0, 1e-12);
      }
    }
    EXPECT_EQ(moved.size(), 4u);
  }
  // Seeded: the same design again, another for another seed.
  EXPECT_EQ(morris_design(4, 5, 6, 7).points, design.points);
  EXPECT_NE(morris_design(4, 5, 6, 8).points, design.points);
}

TEST(PhysioSensitivity, AFactorChangesTheRunsDrugOnlyWhenItIsThatDrug) {
  std::set<std::string> ids;
  for (const Factor& factor : uncertain_factors()) EXPECT_TRUE(ids.insert(factor.id).second);
  const Factor* ec50 = find_factor("morphine_respiratory_ec50_csf");
  ASSERT_NE(ec50, nullptr);
  EXPECT_EQ(find_factor("respiratory_ec50"), nullptr);
  PatientParameters patient;
  DrugParameters morphine = drug(DrugId::kMorphine);
  apply_factor(*ec50, 1.0, patient, morphine);
  EXPECT_DOUBLE_EQ(morphine.respiratory_ec50_csf_ug_per_ml, ec50->high);
  DrugParameters baclofen = drug(DrugId::kBaclofen);
  apply_factor(*ec50, 1.0, patient, baclofen);
  EXPECT_DOUBLE_EQ(baclofen.respiratory_ec50_csf_ug_per_ml,
                   drug(DrugId::kBaclofen).respiratory_ec50_csf_ug_per_ml);
  // A patient's factor applies whatever the drug.
  apply_factor(*find_factor("dispersion"), 0.0, patient, baclofen);
  EXPECT_DOUBLE_EQ(patient.dispersion_cm2_per_s, 0.1);
}

TEST(PhysioSensitivity, FreshnessRecordKeepsEveryDigitOfARunsOutputs) {
  // docs/sensitivity.md's record is compared exactly with re-runs: each value is the shortest
  // text that reads back as the same double, and a missing figure is said to be missing.
  Screening screening;
  screening.campaign_file = "campaigns/sensitivity/q.yaml";
  screening.inputs_sha256 = "ab12";
  ScreenedCell cell;
  cell.first_run = "s/none/point-0";
  cell.outputs = {"peak_respiratory_depression_index", "peak_respiratory_depression_time_h",
                  "peak_withdrawal_risk"};
  cell.first_outputs = {0.1 + 0.2, 5.0, std::nan("")};
  screening.cells.push_back(cell);
  EXPECT_EQ(freshness_markdown({screening}),
            "## Freshness record\n\n"
            "| campaign | inputs sha256 | first design point | output | value |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| `campaigns/sensitivity/q.yaml` | `ab12` | `s/none/point-0` | "
            "`peak_respiratory_depression_index` | 0.30000000000000004 |\n"
            "| `campaigns/sensitivity/q.yaml` | `ab12` | `s/none/point-0` | "
            "`peak_respiratory_depression_time_h` | 5 |\n"
            "| `campaigns/sensitivity/q.yaml` | `ab12` | `s/none/point-0` | "
            "`peak_withdrawal_risk` | missing (the run gave no figure) |\n");
}

TEST(PhysioSensitivity, CheckedInPatientVariabilityIsRegeneratedIdentically) {
  // The screening's part of docs/sensitivity.md comes from the campaign (campaigns/
  // sensitivity.sh; its file's hash is checked by PumpbenchSensitivity tests); the patient
  // variability part is regenerated here.
  std::ifstream in(std::string(PUMPTWIN_DOCS_DIR) + "/sensitivity.md", std::ios::binary);
  std::ostringstream checked_in;
  checked_in << in.rdbuf();
  const std::vector<SafetyOutputs> patients =
      patient_variability(kVariabilityCohortSeed, kVariabilityPatients);
  const std::string generated = sensitivity_markdown({}, patients);
  const std::string heading = "## Patient variability";
  ASSERT_NE(checked_in.str().find(heading), std::string::npos);
  EXPECT_EQ(checked_in.str().substr(checked_in.str().find(heading)),
            generated.substr(generated.find(heading)));
  // Opioid-naive and tolerant patients differ in analgesia after 6 weeks at the same dose.
  ASSERT_EQ(patients.size(), kVariabilityPatients);
  double low = 1.0;
  double high = 0.0;
  for (const SafetyOutputs& p : patients) {
    low = std::min(low, p[4]);
    high = std::max(high, p[4]);
  }
  EXPECT_GT(high - low, 0.2);
}

}  // namespace
}  // namespace pumptwin::physio::validation
