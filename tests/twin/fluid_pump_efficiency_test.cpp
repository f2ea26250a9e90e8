#include "twin/fluid/pump_efficiency.h"

#include <gtest/gtest.h>

namespace pumptwin::fluid {
namespace {

TEST(FluidPumpEfficiency, FallsWithBackPressureAndWear) {
  const PumpEfficiency efficiency;
  EXPECT_DOUBLE_EQ(efficiency.delivered_fraction(0.0, 0.0), 1.0);
  // Normal CSF pressure costs little; within the labelled +/-14.5 % accuracy.
  EXPECT_GT(efficiency.delivered_fraction(12.0, 0.0), 0.98);
  EXPECT_DOUBLE_EQ(efficiency.delivered_fraction(375.0, 0.0), 0.5);
  EXPECT_DOUBLE_EQ(efficiency.delivered_fraction(0.0, 0.2), 0.8);
  EXPECT_DOUBLE_EQ(efficiency.delivered_fraction(900.0, 0.0), 0.0);
}

}  // namespace
}  // namespace pumptwin::fluid
