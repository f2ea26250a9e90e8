// The Morris screening (twin/physio/validation/sensitivity.h) and docs/sensitivity.md.
#include "twin/physio/validation/sensitivity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pumptwin::physio::validation {
namespace {

TEST(PhysioSensitivity, MorrisRanksFactorsOfAKnownFunction) {
  // y0 = 4 x0 + x1 + 0 x2 (linear: every elementary effect equals the coefficient, sigma 0);
  // y1 = x0 * x1 (interaction: both factors have sigma > 0).
  const auto model = [](const std::vector<double>& x) {
    return SafetyOutputs{4.0 * x[0] + x[1], x[0] * x[1], 0.0, 0.0, 0.0};
  };
  const ElementaryEffects e = morris(3, 10, 1, model);
  EXPECT_EQ(e.evaluations, 1u + 10u * 4u);
  EXPECT_NEAR(e.mu_star[0][0], 4.0, 1e-12);
  EXPECT_NEAR(e.mu_star[1][0], 1.0, 1e-12);
  EXPECT_NEAR(e.mu_star[2][0], 0.0, 1e-12);
  EXPECT_NEAR(e.sigma[0][0], 0.0, 1e-12);
  EXPECT_GT(e.sigma[0][1], 0.0);
  EXPECT_GT(e.sigma[1][1], 0.0);
  EXPECT_NEAR(e.mu_star[2][1], 0.0, 1e-12);
}

TEST(PhysioSensitivity, CheckedInTableIsRegeneratedIdentically) {
  // Regenerate with: build/default/bench/physio/physio_sensitivity docs/sensitivity.md
  std::ifstream in(std::string(PUMPTWIN_DOCS_DIR) + "/sensitivity.md", std::ios::binary);
  std::ostringstream checked_in;
  checked_in << in.rdbuf();
  const ElementaryEffects e = patient_model_morris(kSensitivityTrajectories, kSensitivitySeed);
  const std::vector<SafetyOutputs> patients =
      patient_variability(kVariabilityCohortSeed, kVariabilityPatients);
  EXPECT_EQ(checked_in.str(),
            sensitivity_markdown(e, kSensitivityTrajectories, kSensitivitySeed, patients));
  const auto factor = [](const std::string& name) {
    const auto& factors = uncertain_factors();
    for (std::size_t i = 0; i < factors.size(); ++i) {
      if (factors[i].name == name) return i;
    }
    ADD_FAILURE() << "no factor " << name;
    return std::size_t{0};
  };
  // The safety outputs respond to the respiratory parameters they are built from.
  EXPECT_GT(e.mu_star[factor("morphine respiratory EC50 CSF, ug/mL")][0], 0.0);
  EXPECT_GT(e.mu_star[factor("morphine respiratory EC50 plasma, ng/mL")][2], 0.0);
  // The effect and tolerance parameters are screened: the loss of analgesia over 6 weeks
  // depends on Emax, the tolerance potency and the patient's initial tolerance, not on the
  // baclofen parameters.
  EXPECT_GT(e.mu_star[factor("morphine analgesic Emax")][4], 0.05);
  EXPECT_GT(e.mu_star[factor("morphine tolerance potency K_I / EC50")][4], 0.02);
  EXPECT_GT(e.mu_star[factor("initial tolerance factor (tolerant patient)")][4], 0.05);
  EXPECT_DOUBLE_EQ(e.mu_star[factor("baclofen Emax")][4], 0.0);
  // Patient variability is reported apart: opioid-naive and tolerant patients differ in analgesia
  // after 6 weeks at the same dose.
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
