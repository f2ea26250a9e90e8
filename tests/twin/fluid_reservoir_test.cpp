#include "twin/fluid/reservoir.h"

#include <gtest/gtest.h>

namespace pumptwin::fluid {
namespace {

TEST(FluidReservoir, RefillWithDifferentConcentrationMixesByVolume) {
  Reservoir reservoir(20.0, 2.0, 10000.0);
  const RefillOutcome outcome = reservoir.refill(18.0, 25000.0, RefillRoute::kReservoir);
  EXPECT_DOUBLE_EQ(outcome.volume_to_reservoir_ml, 18.0);
  EXPECT_DOUBLE_EQ(reservoir.volume_ml(), 20.0);
  // (2 * 10 + 18 * 25) / 20 mg/mL.
  EXPECT_DOUBLE_EQ(reservoir.concentration_ug_per_ml(), 23500.0);
}

TEST(FluidReservoir, PocketFillLeavesReservoirUntouched) {
  Reservoir reservoir(40.0, 1.0, 500.0);
  const RefillOutcome outcome = reservoir.refill(39.0, 2000.0, RefillRoute::kPocket);
  EXPECT_DOUBLE_EQ(reservoir.volume_ml(), 1.0);
  EXPECT_DOUBLE_EQ(outcome.volume_to_pocket_ml, 39.0);
  EXPECT_DOUBLE_EQ(outcome.drug_to_pocket_ug, 78000.0);
}

TEST(FluidReservoir, OverfillIsRejectedAndWithdrawStopsWhenDry) {
  Reservoir reservoir(20.0, 15.0, 1000.0);
  const RefillOutcome outcome = reservoir.refill(10.0, 1000.0, RefillRoute::kReservoir);
  EXPECT_DOUBLE_EQ(outcome.volume_rejected_ml, 5.0);
  EXPECT_DOUBLE_EQ(reservoir.volume_ml(), 20.0);
  reservoir.empty();
  reservoir.refill(0.002, 1000.0, RefillRoute::kReservoir);
  const Parcel taken = reservoir.withdraw(5.0);
  EXPECT_NEAR(taken.volume_ul, 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(reservoir.withdraw(5.0).volume_ul, 0.0);
}

}  // namespace
}  // namespace pumptwin::fluid
