#include "twin/physio/patient_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace pumptwin::physio {
namespace {

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr std::size_t kT10 = 3;

// Continuous infusion as the pump gives it: one stroke of drug every interval_s.
void infuse(PatientModel& model, std::size_t segment, double dose_ug_per_day, double until_s,
            double interval_s = 180.0) {
  const double per_stroke = dose_ug_per_day * interval_s / kDay;
  for (double t = model.time_s() + interval_s; t <= until_s; t += interval_s) {
    model.advance_to(t);
    model.inject(segment, 1e-3, per_stroke);
  }
}

TEST(PhysioHydrodynamics, RestingPressureIsTheMarmarouEquilibrium) {
  PatientModel model(PatientParameters{}, drug(DrugId::kMorphine));
  EXPECT_NEAR(model.csf_pressure_mmhg(), 8.5 + 0.35 * 8.0, 1e-12);
  model.advance_to(kDay);
  EXPECT_NEAR(model.csf_pressure_mmhg(), 11.3, 1e-6);
  EXPECT_NEAR(model.absorption_ml_per_min(), 0.35, 1e-6);
}

TEST(PhysioHydrodynamics, PressureRecoversAfterBolusWithMarmarouTimeConstant) {
  PatientModel model(PatientParameters{}, drug(DrugId::kMorphine));
  model.inject(2, 4.0, 0.0);
  const double peak = model.csf_pressure_mmhg();
  model.advance_to(60.0);
  EXPECT_LT(model.csf_pressure_mmhg(), peak);
  EXPECT_GT(model.absorption_ml_per_min(), 0.35);
  model.advance_to(3600.0);
  EXPECT_NEAR(model.csf_pressure_mmhg(), 11.3, 0.05);
}

TEST(PhysioHydrodynamics, DrainingCsfLowersPressureByTheSameExponential) {
  PatientModel model(PatientParameters{}, drug(DrugId::kMorphine));
  model.withdraw_csf(5.0);
  EXPECT_NEAR(model.csf_pressure_mmhg(), 11.3 * std::exp(-0.0921 * 5.0), 1e-9);
  model.advance_to(3600.0);
  EXPECT_NEAR(model.csf_pressure_mmhg(), 11.3, 0.1);
}

TEST(PhysioMassBalance, InfusedEqualsPresentPlusEliminatedAndNothingNegative) {
  for (const DrugParameters& d : drug_library()) {
    SCOPED_TRACE(d.name);
    PatientModel model(PatientParameters{}, d);
    double min_value = 0.0;
    const double per_stroke = d.starting_dose_ug_per_day * 180.0 / kDay;
    for (double t = 180.0; t <= 2 * kDay; t += 180.0) {
      model.advance_to(t);
      model.inject(kT10, 1e-3, t < kDay ? per_stroke : 0.0);
      if (t == 6 * kHour) model.deposit_in_tissue(100.0 * per_stroke);
      for (double v : model.state()) min_value = std::min(min_value, v);
    }
    const MassBalance b = model.mass_balance();
    EXPECT_NEAR((b.present_ug() + b.eliminated_ug) / b.administered_ug, 1.0, 1e-6);
    EXPECT_GE(min_value, 0.0);
    for (std::size_t i = 0; i < kSegmentCount; ++i) {
      EXPECT_GE(model.concentration_ug_per_ml(i), 0.0);
    }
  }
}

TEST(PhysioDrugTransport, GridIsRefinedAroundTheTipAndABolusFillsTheVolumeItDisplaces) {
  PatientParameters patient;
  patient.catheter_tip_level = "T10";
  // Two cells per segment, eight in the tip's segment and its neighbours; intracranial one.
  PatientModel model(patient, drug(DrugId::kMorphine), TransportGrid{2, 4});
  EXPECT_EQ(model.cell_count(), 7u * 2u + 3u * 8u + 1u);
  EXPECT_LT(model.cell_length_cm(model.cell_at("T10")), model.cell_length_cm(model.cell_at("C3")));
  // T10 is the rostral third of T10-T12 (T12 is caudal).
  const std::size_t t10 = model.cell_at("T10");
  EXPECT_GT(t10, model.cell_at("T12"));
  // The same drug in a larger volume fills more cells: lower at the injection cell, same mass.
  PatientModel small(patient, drug(DrugId::kMorphine), TransportGrid{2, 4});
  PatientModel large(patient, drug(DrugId::kMorphine), TransportGrid{2, 4});
  small.inject_at("T10", 0.1, 100.0);
  large.inject_at("T10", 5.0, 100.0);
  EXPECT_GT(small.cell_concentration_ug_per_ml(t10), 3.0 * large.cell_concentration_ug_per_ml(t10));
  EXPECT_NEAR(small.mass_balance().in_csf_ug, 100.0, 1e-9);
  EXPECT_NEAR(large.mass_balance().in_csf_ug, 100.0, 1e-9);
  // Segment means do not depend on how the segment is cut (the default grid is one cell).
  PatientModel coarse(patient, drug(DrugId::kMorphine));
  coarse.inject_at("T10", 0.1, 100.0);
  EXPECT_NEAR(coarse.concentration_ug_per_ml(kT10), small.concentration_ug_per_ml(kT10), 1e-9);
}

TEST(PhysioDrugTransport, LipophilicDrugsStayNearTheTipHydrophilicSpread) {
  const auto tip_to_cisterna = [](DrugId id) {
    PatientModel model(PatientParameters{}, drug(id));
    infuse(model, kT10, drug(id).starting_dose_ug_per_day, 5 * kDay);
    return model.concentration_ug_per_ml(kT10) / model.concentration_ug_per_ml(kCisternaMagna);
  };
  const double morphine = tip_to_cisterna(DrugId::kMorphine);
  const double hydromorphone = tip_to_cisterna(DrugId::kHydromorphone);
  const double bupivacaine = tip_to_cisterna(DrugId::kBupivacaine);
  EXPECT_LT(morphine, hydromorphone);
  EXPECT_LT(hydromorphone, bupivacaine);
  EXPECT_GT(bupivacaine, 8.0);
}

TEST(PhysioEffects, AnalgesiaRisesWithDoseAndPainScoreStaysOnItsScale) {
  double previous_pain = 11.0;
  for (double dose : {0.0, 200.0, 1000.0, 5000.0}) {
    PatientModel model(PatientParameters{}, drug(DrugId::kMorphine));
    infuse(model, kT10, dose, 3 * kDay);
    const Effects e = model.effects();
    EXPECT_LT(e.pain_score, previous_pain) << dose;
    EXPECT_GE(e.pain_score, 0.0);
    EXPECT_LE(e.pain_score, 10.0);
    previous_pain = e.pain_score;
  }
  EXPECT_LT(previous_pain, 2.0);
}

TEST(PhysioEffects, BaclofenAbruptStopRaisesWithdrawalRisk) {
  PatientModel model(reference_patient("spasticity_lumbar"), drug(DrugId::kBaclofen));
  infuse(model, segment_for_level("T11"), 400.0, 5 * kDay);
  const Effects before = model.effects();
  EXPECT_GT(before.antispasticity_fraction, 0.5);
  EXPECT_LT(before.withdrawal_risk, 0.05);
  model.advance_to(5 * kDay + 12 * kHour);
  const Effects after = model.effects();
  EXPECT_LT(after.antispasticity_fraction, 0.1);
  EXPECT_GT(after.withdrawal_risk, 0.5);
  // The patient re-adapts over days.
  model.advance_to(12 * kDay);
  EXPECT_LT(model.effects().withdrawal_risk, 0.1);
}

TEST(PhysioEffects, OpioidToleranceStartsAtTheStatusFactorAndGrowsOverWeeks) {
  PatientParameters naive;
  PatientParameters tolerant;
  tolerant.opioid_tolerant = true;
  tolerant.initial_tolerance_factor = 3.0;
  PatientModel naive_model(naive, drug(DrugId::kMorphine));
  PatientModel tolerant_model(tolerant, drug(DrugId::kMorphine));
  EXPECT_DOUBLE_EQ(naive_model.tolerance_factor(), 1.0);
  EXPECT_DOUBLE_EQ(tolerant_model.tolerance_factor(), 3.0);
  // The same 1 mg/day for 3 days: the tolerant patient has less analgesia and less
  // respiratory depression.
  infuse(naive_model, kT10, 1000.0, 3 * kDay);
  infuse(tolerant_model, kT10, 1000.0, 3 * kDay);
  EXPECT_LT(tolerant_model.effects().analgesia_fraction, naive_model.effects().analgesia_fraction);
  EXPECT_LT(tolerant_model.effects().respiratory_depression_index,
            naive_model.effects().respiratory_depression_index);
  // Tolerance develops over weeks (time constant 3 weeks): small after 3 days, several-fold
  // larger after 6 weeks of the same dose, and analgesia wanes with it.
  const double after_3_days = naive_model.tolerance_factor();
  const double analgesia_3_days = naive_model.effects().analgesia_fraction;
  EXPECT_GT(after_3_days, 1.0);
  infuse(naive_model, kT10, 1000.0, 42 * kDay, 1800.0);
  const double after_6_weeks = naive_model.tolerance_factor();
  EXPECT_GT(after_6_weeks - 1.0, 4.0 * (after_3_days - 1.0));
  EXPECT_LT(naive_model.effects().analgesia_fraction, analgesia_3_days);
  // No tolerance process for non-opioids.
  PatientModel baclofen(tolerant, drug(DrugId::kBaclofen));
  infuse(baclofen, kT10, 300.0, 2 * kDay);
  EXPECT_DOUBLE_EQ(baclofen.tolerance_factor(), 1.0);
}

// The morphine dose at T10 that gives 50 % relief after `days` of it, found by bisection on the log of the dose (0 when even 30 mg/day does not).
double dose_for_half_relief(const PatientParameters& patient, double days) {
  const auto relief = [&](double dose) {
    PatientModel model(patient, drug(DrugId::kMorphine));
    infuse(model, kT10, dose, days * kDay, kHour);
    return model.effects().analgesia_fraction;
  };
  double low = 300.0;
  double high = 30000.0;
  if (relief(high) < 0.5) return 0.0;
  for (int i = 0; i < 10; ++i) {  // to 0.5 % of the dose
    const double mid = std::sqrt(low * high);
    (relief(mid) < 0.5 ? low : high) = mid;
  }
  return high;
}

TEST(PhysioEffects, ToleranceRaisesTheDoseForReliefTwoToThreefoldOverThreeMonths) {
  // Sallerin-Caute et al. 1998 (Neurosurgery 42:44): intrathecal morphine at satisfactory
  // analgesia rose two- to threefold over 3 months. The tolerance must stay surmountable: a
  // tolerant patient (initial factor 3) still reaches 50 % relief after 3 months.
  PatientParameters tolerant;
  tolerant.opioid_tolerant = true;
  tolerant.initial_tolerance_factor = 3.0;
  const double first_days = dose_for_half_relief(tolerant, 2.0);
  const double three_months = dose_for_half_relief(tolerant, 90.0);
  ASSERT_GT(first_days, 0.0);
  ASSERT_GT(three_months, 0.0) << "no dose gives 50 % relief after 3 months";
  EXPECT_GT(three_months / first_days, 2.0) << first_days << " -> " << three_months << " ug/day";
  EXPECT_LT(three_months / first_days, 3.0) << first_days << " -> " << three_months << " ug/day";
  // Naive and tolerant patients alike: the fold does not depend on the starting status.
  const double naive_fold =
      dose_for_half_relief(PatientParameters{}, 90.0) / dose_for_half_relief(PatientParameters{}, 2.0);
  EXPECT_NEAR(naive_fold, three_months / first_days, 0.1);
}

TEST(PhysioEffects, ZiconotideHasNoWithdrawalAndNoRespiratoryDepression) {
  PatientModel model(PatientParameters{}, drug(DrugId::kZiconotide));
  infuse(model, kT10, 19.2, 4 * kDay);
  EXPECT_GT(model.effects().analgesia_fraction, 0.4);
  model.advance_to(5 * kDay);
  EXPECT_DOUBLE_EQ(model.effects().withdrawal_risk, 0.0);
  EXPECT_DOUBLE_EQ(model.effects().respiratory_depression_index, 0.0);
}

}  // namespace
}  // namespace pumptwin::physio
