#include "twin/fluid/catheter.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pumptwin::fluid {
namespace {

constexpr double kCsfPressureMmhg = 11.3;

TEST(FluidCatheter, DeadVolumeAndResistanceFromGeometry) {
  const Catheter catheter(CatheterParameters{}, 0.0);
  // 0.53 mm ID: 2.2 uL/cm as on the Ascenda labeling; 70 cm implanted.
  EXPECT_NEAR(catheter.dead_volume_ul() / 70.0, 2.206, 0.001);
  // Poiseuille, 0.7 mPa s, r = 0.265 mm, 0.7 m: 8 mu L / (pi r^4) in mmHg s/uL.
  const double expected = 8 * 0.7e-3 * 0.7 / (M_PI * std::pow(0.265e-3, 4)) * 1e-9 / 133.322;
  EXPECT_NEAR(catheter.lumen_resistance_mmhg_s_per_ul(), expected, 1e-9);
  // A patent catheter passes a stroke to the CSF within a fraction of a second.
  EXPECT_LT(catheter.time_constant_s(0.0), 0.1);
}

TEST(FluidCatheter, NewConcentrationReachesTipOnlyAfterDeadVolume) {
  Catheter catheter(CatheterParameters{}, 10000.0);
  const double dead = catheter.dead_volume_ul();
  double pushed = 0.0;
  double first_new_at = -1.0;
  for (int stroke = 0; stroke < 400; ++stroke) {
    catheter.push({1.0, 25000.0});
    pushed += 1.0;
    const CatheterOutflow out = catheter.advance(stroke * 60.0, 60.0, kCsfPressureMmhg);
    if (first_new_at < 0.0 && out.to_csf_ug > out.to_csf_ul * 10.0 * 1.0001) first_new_at = pushed;
  }
  EXPECT_GT(first_new_at, dead);
  EXPECT_LT(first_new_at, dead + 1.5);
  EXPECT_DOUBLE_EQ(catheter.tip_concentration_ug_per_ml(), 25000.0);
}

TEST(FluidCatheter, CompleteOcclusionStoresStrokesAndRaisesOutletPressure) {
  Catheter catheter(CatheterParameters{}, 1000.0);
  catheter.add_obstruction({1.0, 0.0, 0.0, 0.0, 1.0});
  double to_csf = 0.0;
  for (int stroke = 0; stroke < 5; ++stroke) {
    catheter.push({0.25, 1000.0});
    to_csf += catheter.advance(stroke * 600.0, 600.0, kCsfPressureMmhg).to_csf_ul;
  }
  EXPECT_DOUBLE_EQ(to_csf, 0.0);
  EXPECT_DOUBLE_EQ(catheter.stored_volume_ul(), 1.25);
  // 1.25 uL into 0.0126 uL/mmHg of wall compliance: ~99 mmHg above CSF pressure.
  EXPECT_NEAR(catheter.outlet_pressure_mmhg(),
              kCsfPressureMmhg + 1.25 / catheter.compliance_ul_per_mmhg(), 1e-9);
  EXPECT_GT(catheter.outlet_pressure_mmhg(), 100.0);
}

TEST(FluidCatheter, TipMassGrowsOverWeeksAndSlowsDrainage) {
  Catheter catheter(CatheterParameters{}, 1000.0);
  const double week = 7 * 86400.0;
  catheter.add_obstruction({1.0, week, 4 * week, 0.001, 1.0});
  EXPECT_LT(catheter.time_constant_s(0.0), 0.1);
  const double at_three_weeks = catheter.time_constant_s(3 * week);
  const double at_five_weeks = catheter.time_constant_s(5 * week);
  // Poiseuille resistance goes as 1/area^2: half the lumen still drains in well under a second,
  // a thousandth of it takes minutes.
  EXPECT_LT(at_three_weeks, 0.1);
  EXPECT_GT(at_five_weeks, 100.0);
  EXPECT_DOUBLE_EQ(catheter.time_constant_s(10 * week), at_five_weeks);
}

TEST(FluidCatheter, LeakSplitsFlowAndDisconnectionSendsAllToTissue) {
  Catheter catheter(CatheterParameters{}, 1000.0);
  catheter.set_leak(0.5, 0.3);
  CatheterOutflow total;
  for (int stroke = 0; stroke < 10; ++stroke) {
    catheter.push({1.0, 1000.0});
    const CatheterOutflow out = catheter.advance(stroke * 60.0, 60.0, kCsfPressureMmhg);
    total.to_csf_ul += out.to_csf_ul;
    total.to_tissue_ul += out.to_tissue_ul;
  }
  EXPECT_NEAR(total.to_tissue_ul / (total.to_csf_ul + total.to_tissue_ul), 0.3, 1e-9);

  catheter.set_leak(0.0, 1.0);
  catheter.push({1.0, 1000.0});
  const CatheterOutflow out = catheter.advance(1000.0, 60.0, kCsfPressureMmhg);
  EXPECT_DOUBLE_EQ(out.to_csf_ul, 0.0);
  EXPECT_NEAR(out.to_tissue_ug, 1.0, 1e-9);
}

TEST(FluidCatheter, LeakPositionMustBeShortOfTheTip) {
  Catheter catheter(CatheterParameters{}, 1000.0);
  EXPECT_THROW(catheter.set_leak(1.0, 0.5), std::invalid_argument);
  EXPECT_THROW(catheter.set_leak(0.5, 0.0), std::invalid_argument);
}

TEST(FluidCatheter, MigratedTipOutsideIntrathecalSpaceDeliversToTissue) {
  Catheter catheter(CatheterParameters{}, 1000.0);
  catheter.set_tip("T12", false);
  catheter.push({2.0, 1000.0});
  const CatheterOutflow out = catheter.advance(0.0, 10.0, kCsfPressureMmhg);
  EXPECT_EQ(catheter.tip_level(), "T12");
  EXPECT_DOUBLE_EQ(out.to_csf_ul, 0.0);
  EXPECT_NEAR(out.to_tissue_ul, 2.0, 1e-9);
}

TEST(FluidCatheter, DrugIsConservedThroughLeakAndResplit) {
  Catheter catheter(CatheterParameters{}, 500.0);
  const double initial = catheter.drug_ug();
  double pushed = 0.0;
  double left = 0.0;
  for (int stroke = 0; stroke < 300; ++stroke) {
    const Parcel p{0.7, stroke < 100 ? 500.0 : 2000.0};
    catheter.push(p);
    pushed += p.drug_ug();
    if (stroke == 120) catheter.set_leak(0.3, 0.5);
    if (stroke == 200) catheter.set_leak(0.8, 0.2);
    const CatheterOutflow out = catheter.advance(stroke * 30.0, 30.0, kCsfPressureMmhg);
    left += out.to_csf_ug + out.to_tissue_ug;
  }
  EXPECT_NEAR((catheter.drug_ug() + left) / (initial + pushed), 1.0, 1e-12);
  EXPECT_NEAR(catheter.volume_ul(), catheter.dead_volume_ul() + catheter.stored_volume_ul(), 1e-9);
}

}  // namespace
}  // namespace pumptwin::fluid
