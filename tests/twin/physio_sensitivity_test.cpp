// The Morris screening (twin/physio/validation/sensitivity.h) and docs/sensitivity.md.
#include "twin/physio/validation/sensitivity.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pumptwin::physio::validation {
namespace {

TEST(PhysioSensitivity, MorrisRanksFactorsOfAKnownFunction) {
  // y0 = 4 x0 + x1 + 0 x2 (linear: every elementary effect equals the coefficient, sigma 0);
  // y1 = x0 * x1 (interaction: both factors have sigma > 0).
  const auto model = [](const std::vector<double>& x) {
    return SafetyOutputs{4.0 * x[0] + x[1], x[0] * x[1], 0.0, 0.0};
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
  EXPECT_EQ(checked_in.str(), sensitivity_markdown(e, kSensitivityTrajectories, kSensitivitySeed));
  // The safety outputs respond to the respiratory parameters they are built from.
  EXPECT_GT(e.mu_star[4][0], 0.0);  // respiratory EC50 CSF -> respiratory index after IT
  EXPECT_GT(e.mu_star[5][2], 0.0);  // respiratory EC50 plasma -> after a pocket fill
}

}  // namespace
}  // namespace pumptwin::physio::validation
