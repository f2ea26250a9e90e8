#include "twin/physio/patient_twin.h"

#include <gtest/gtest.h>

namespace pumptwin::physio {
namespace {

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
// 0.5 mL/day in strokes every 3 minutes.
constexpr double kStrokeIntervalS = 180.0;
constexpr double kStrokeUl = 500.0 * kStrokeIntervalS / kDay;

TEST(PhysioPatientTwin, DrugIsConservedAlongTheWholeChainThroughFaults) {
  PatientTwinConfig config;
  config.drug = drug(DrugId::kMorphine);
  PatientTwin twin(config);
  double min_concentration = 0.0;
  for (double t = kStrokeIntervalS; t <= 3 * kDay; t += kStrokeIntervalS) {
    if (t == 12 * kHour) twin.set_leak(t, 0.4, 0.3);
    if (t == 30 * kHour) twin.add_obstruction(t, {1.0, t, 12 * kHour, 0.002, 1.0});
    if (t == 40 * kHour) twin.refill(t, 5.0, 25000.0, fluid::RefillRoute::kPocket);
    if (t == 50 * kHour) twin.refill(t, 3.0, 20000.0, fluid::RefillRoute::kReservoir);
    if (t == 60 * kHour) twin.migrate_tip(t, "T6", true);
    twin.deliver_stroke(t, kStrokeUl);
    for (std::size_t i = 0; i < kSegmentCount; ++i) {
      min_concentration = std::min(min_concentration, twin.model().concentration_ug_per_ml(i));
    }
  }
  const ChainMassBalance b = twin.mass_balance();
  EXPECT_NEAR(b.accounted_ug() / b.inputs_ug(), 1.0, 1e-6);
  const MassBalance& p = b.patient;
  EXPECT_NEAR((p.present_ug() + p.eliminated_ug) / p.administered_ug, 1.0, 1e-6);
  EXPECT_GE(min_concentration, 0.0);
  EXPECT_GT(twin.signal("drug_to_tissue_ug"), 0.0);
}

TEST(PhysioPatientTwin, OcclusionRaisesBackPressureAndCutsDeliveredVolume) {
  PatientTwin twin(PatientTwinConfig{});
  const StrokeOutcome patent = twin.deliver_stroke(60.0, kStrokeUl);
  EXPECT_NEAR(patent.back_pressure_mmhg, 11.3, 0.1);
  twin.add_obstruction(120.0, {1.0, 120.0, 0.0, 0.0, 1.0});
  StrokeOutcome last;
  for (int i = 1; i <= 200; ++i)
    last = twin.deliver_stroke(120.0 + i * kStrokeIntervalS, kStrokeUl);
  EXPECT_GT(last.back_pressure_mmhg, 300.0);
  EXPECT_LT(last.delivered_ul, 0.6 * patent.delivered_ul);
  EXPECT_DOUBLE_EQ(twin.outlet_pressure_mmhg(), twin.signal("outlet_pressure_mmhg"));
}

TEST(PhysioPatientTwin, WearMakesTrueDeliveryFallBehindTheStrokeCount) {
  PatientTwin twin(PatientTwinConfig{});
  twin.set_pump_wear_fraction(0.0, 0.1);
  double nominal = 0.0;
  for (double t = kStrokeIntervalS; t <= kDay; t += kStrokeIntervalS) {
    twin.deliver_stroke(t, kStrokeUl);
    nominal += kStrokeUl;
  }
  EXPECT_NEAR(twin.delivered_volume_ul() / nominal, 0.9 * (1.0 - 11.3 / 750.0), 1e-3);
  EXPECT_NEAR(twin.reservoir().volume_ml(), 20.0 - twin.delivered_volume_ul() * 1e-3, 1e-9);
}

TEST(PhysioPatientTwin, TipMigrationMovesTheSource) {
  PatientTwin twin(PatientTwinConfig{});
  twin.migrate_tip(0.0, "C5", true);
  // Six hours: the drug has built up around the new tip but not yet spread along the canal.
  for (double t = kStrokeIntervalS; t <= 6 * kHour; t += kStrokeIntervalS) {
    twin.deliver_stroke(t, kStrokeUl);
  }
  EXPECT_GT(twin.signal("concentration_ug_per_ml.C5_C7"),
            twin.signal("concentration_ug_per_ml.T10_T12"));
  EXPECT_THROW(twin.migrate_tip(kDay, "X9", true), std::invalid_argument);
}

TEST(PhysioPatientTwin, SignalCatalogueNamesUnitsAndValues) {
  PatientTwin twin(PatientTwinConfig{});
  const std::vector<SignalInfo>& catalogue = twin.signal_catalogue();
  EXPECT_EQ(catalogue.size(), 19u + kSegmentCount);
  EXPECT_EQ(catalogue[twin.signal_index("csf_pressure_mmhg")].unit, "mmHg");
  EXPECT_EQ(catalogue.back().name, "concentration_ug_per_ml.intracranial");
  twin.deliver_stroke(60.0, kStrokeUl);
  twin.advance_to(3600.0);
  const std::vector<double> values = twin.sample();
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    EXPECT_DOUBLE_EQ(values[i], twin.signal(i)) << catalogue[i].name;
  }
  EXPECT_DOUBLE_EQ(twin.signal("reservoir_volume_ml"), twin.reservoir().volume_ml());
  EXPECT_THROW(twin.signal("no_such_signal"), std::out_of_range);
  EXPECT_FALSE(twin.opioid_tolerant());
  EXPECT_DOUBLE_EQ(twin.signal("opioid_tolerance_factor"), twin.opioid_tolerance_factor());
}

}  // namespace
}  // namespace pumptwin::physio
