// Held-out validation (docs/validation/heldout.md): each comparator is a test with its
// acceptance band, and the checked-in table and plots are what the model produces now.
#include "twin/physio/validation/heldout.h"

#include "twin/physio/validation/convergence.h"
#include "twin/physio/validation/spread.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pumptwin::physio::validation {
namespace {

const std::vector<Comparator>& comparators() {
  static const std::vector<Comparator> list = heldout_comparators();
  return list;
}

const Comparator& comparator(const std::string& id) {
  for (const Comparator& c : comparators()) {
    if (c.id == id) return c;
  }
  throw std::invalid_argument(id);
}

void expect_accepted(const std::string& id) {
  const Comparator& c = comparator(id);
  for (const Observation& o : c.observations) {
    EXPECT_TRUE(c.accepted(o)) << c.id << " " << o.label << ": observed " << o.observed
                               << ", model " << o.predicted;
    ::testing::Test::RecordProperty(o.label, std::to_string(o.predicted));
  }
}

// A documented gap (Comparator::gap): the observations the model misses keep the error measured
// when the gap was written (log10(model / observed) within 0.05, about 12 %), so that a model
// change that moves them is seen and the docs are updated; the others are accepted.
void expect_gap(const std::string& id, const std::vector<std::pair<std::string, double>>& missed) {
  const Comparator& c = comparator(id);
  EXPECT_FALSE(c.gap.empty()) << id << " is not documented as a gap";
  for (const Observation& o : c.observations) {
    const auto m = std::find_if(missed.begin(), missed.end(),
                                [&o](const auto& e) { return e.first == o.label; });
    if (m == missed.end()) {
      EXPECT_TRUE(c.accepted(o)) << id << " " << o.label << ": observed " << o.observed
                                 << ", model " << o.predicted;
      continue;
    }
    EXPECT_FALSE(c.accepted(o)) << id << " " << o.label << " is no longer a gap: update docs";
    EXPECT_NEAR(std::log10(o.predicted / o.observed), std::log10(1.0 + m->second), 0.05)
        << id << " " << o.label << ": observed " << o.observed << ", model " << o.predicted;
  }
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PhysioHeldOut, MorphineLumbarCsfLevelsClearanceAndHalfLifeOfNordberg1984) {
  expect_accepted("morphine_it_lumbar_csf");
}
TEST(PhysioHeldOut, PlasmaMorphineAfterIntrathecalStaysBelowOneNgPerMl) {
  expect_accepted("morphine_it_plasma");
}
TEST(PhysioHeldOut, PlasmaMorphineCourseAfterIntramuscularPeakAndTerminalHalfLife) {
  expect_accepted("morphine_im_plasma");
}
TEST(PhysioHeldOut, PlasmaMorphineCourseAfterSixMgEpiduralPeakTimeAndHalfLife) {
  expect_accepted("morphine_epidural_plasma");
}
TEST(PhysioHeldOut, PlasmaMorphineCourseAfterThreeMgEpiduralPeaksTimeAndHalfLives) {
  expect_accepted("morphine_epidural_plasma_3mg");
}
TEST(PhysioHeldOut, PlasmaMorphineCoursesAfterTwoFourAndSixMgEpiduralPeaksAndHalfLives) {
  expect_accepted("morphine_epidural_plasma_doses");
}
TEST(PhysioHeldOut, PlasmaMorphineCourseAfterTenMgEpiduralPeakAndItsTime) {
  expect_accepted("morphine_epidural_plasma_10mg");
}

// Documented gaps (docs/validation/heldout.md): the errors measured when they were written.
TEST(PhysioHeldOut, LumbarCsfCourseAfterIntrathecalDeclinesAsObservedButStaysTooHighAtSixHours) {
  expect_gap("morphine_it_csf_course", {{"Cmax", +1.15}, {"6 h", +1.16}});
}
TEST(PhysioHeldOut, ThoracicCsfCourseAfterLumbarBolusArrivesTooLateAndTooLow) {
  expect_gap("morphine_it_t10_course", {{"peak", -0.64}, {"tmax, min", +4.5}});
}
TEST(PhysioHeldOut, PlasmaAfterIntrathecalLacksTheObservedPeakAtFiveToTenMinutes) {
  expect_gap("morphine_it_plasma_course", {{"Cmax", -0.90}, {"tmax, min", +21.7}});
}
TEST(PhysioHeldOut, ObservedEarlyPlasmaPeakAfterIntrathecalExceedsTheWholeDoseAbsorbedEpidurally) {
  // The gap's reason: the whole 0.3 mg absorbed like an epidural dose (the model's fastest route
  // to plasma, validated by the epidural comparators) stays below the reported peak's lower end
  // (4.5 - 1.1 ng/mL), so no uptake path from the CSF could produce it.
  const Comparator& c = comparator("morphine_it_plasma_course");
  const Series& bound = c.series.at(1);
  const double peak = *std::max_element(bound.value.begin(), bound.value.end());
  EXPECT_LT(peak, c.observations.at(0).observed_low);
  EXPECT_NEAR(peak, 2.0, 0.1);
}

TEST(PhysioHeldOut, EveryObservationOutsideItsBandIsADocumentedGap) {
  for (const Comparator& c : comparators()) {
    EXPECT_TRUE(c.accepted() || !c.gap.empty()) << c.id;
  }
}
TEST(PhysioHeldOut, ZiconotideLumbarPeakAfterOneHourInfusion) {
  expect_accepted("ziconotide_it_cmax");
}
TEST(PhysioHeldOut, BaclofenHalfLifeAndClearanceWithinObservedRanges) {
  expect_accepted("baclofen_it_ranges");
}

TEST(PhysioHeldOut, IntracranialExposureGrowsWithBolusVolumeUpToTwofold) {
  expect_accepted("spread_vs_bolus_volume");
}
// Why the model's 1.16 sits low in Khani 2022's "up to 2x": the volume effect grows as the
// dispersion falls; the CFD's twofold needs about a third of the dispersion fitted to the
// human lumbar:cisternal gradient (docs/models.md, "Near-tip mixing").
TEST(PhysioHeldOut, BolusVolumeEffectReachesTheCfdTwofoldAtAThirdOfTheDispersion) {
  const auto ratio = [](double dispersion_scale) {
    return lumbar_bolus_intracranial_auc(15.0, 5.0, TransportGrid{}, dispersion_scale) /
           lumbar_bolus_intracranial_auc(5.0, 5.0, TransportGrid{}, dispersion_scale);
  };
  EXPECT_NEAR(ratio(1.0), 1.16, 0.03);
  EXPECT_NEAR(ratio(0.3), 1.91, 0.1);
}
TEST(PhysioHeldOut, IntracranialExposureDoesNotGrowWithBolusRate) {
  expect_accepted("spread_vs_bolus_rate");
}
// Bernards 2006 (pigs): most drug within a few cm in every group, significantly less spread at
// 20 uL/h. The human canal with the human dispersion spreads every group over ~30 cm and the
// rate changes the width by < 1 %.
TEST(PhysioHeldOut, InfusionSpreadIsTensOfCentimetresAndBarelyDependsOnTheRate) {
  expect_gap("spread_vs_infusion_rate", {{"width 20 uL/h, cm", +8.09},
                                         {"width 1000 uL/h, cm", +8.17},
                                         {"width hourly bolus, cm", +9.49},
                                         {"width 1000 / 20 uL/h", -0.19},
                                         {"width bolus / 20 uL/h", -0.08}});
}

// The documented reason of the T10 gap: whatever the dispersion, a lumbar bolus of 2 mg does
// not reach the 30 and 60 ug/mL the study saw at T10 (dispersion fills the canal on both sides
// of T10 first); the closest is ~22 ug/mL at ten times the calibrated dispersion.
TEST(PhysioHeldOut, NoDispersionCarriesALumbarBolusToTheObservedThoracicPeak) {
  double highest = 0.0;
  for (const double scale : {1.0, 3.0, 10.0, 30.0, 100.0}) {
    PatientParameters patient;
    patient.dispersion_cm2_per_s *= scale;
    const Series s = thoracic_course_after_lumbar_bolus(patient);
    highest = std::max(highest, *std::max_element(s.value.begin(), s.value.end()));
  }
  EXPECT_GT(highest, 20.0);
  EXPECT_LT(highest, 30.0);  // the lower of the two reported peaks
}

TEST(PhysioHeldOut, CheckedInTableAndPlotsAreRegeneratedIdentically) {
  // Regenerate with: build/default/bench/physio/physio_validation docs/validation
  const std::string folder = std::string(PUMPTWIN_DOCS_DIR) + "/validation/";
  EXPECT_EQ(read(folder + "heldout.md"), heldout_table_markdown(comparators()));
  for (const Comparator& c : comparators()) {
    EXPECT_EQ(read(folder + c.id + ".svg"), comparator_svg(c)) << c.id;
  }
}

TEST(PhysioGridConvergence, SignalsChangeLessThanFivePercentAtEachDoublingOfTheGrid) {
  const std::vector<ConvergenceRow> rows = grid_convergence();
  for (const ConvergenceRow& row : rows) {
    for (std::size_t g = 1; g < kConvergenceCellsPerSegment.size(); ++g) {
      EXPECT_LT(std::abs(row.change(g)), 0.05) << row.quantity << ", doubling " << g;
    }
    ::testing::Test::RecordProperty(row.quantity, std::to_string(row.change(1)));
  }
  // The checked-in table is this study.
  EXPECT_EQ(read(std::string(PUMPTWIN_DOCS_DIR) + "/validation/grid-convergence.md"),
            grid_convergence_markdown(rows));
}

}  // namespace
}  // namespace pumptwin::physio::validation
