// Held-out validation (docs/validation/heldout.md): each comparator is a test with its
// acceptance band, and the checked-in table and plots are what the model produces now.
#include "twin/physio/validation/heldout.h"

#include "twin/physio/validation/convergence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

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

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PhysioHeldOut, MorphineLumbarCsfOneHourAfterIntrathecalBolus) {
  expect_accepted("morphine_it_lumbar_csf");
}
TEST(PhysioHeldOut, MorphineIntraduralMoments) {
  expect_accepted("morphine_it_moments");
}
TEST(PhysioHeldOut, PlasmaMorphineAfterIntrathecalStaysBelowOneNgPerMl) {
  expect_accepted("morphine_it_plasma");
}
TEST(PhysioHeldOut, PlasmaMorphinePeakAfterIntramuscular) {
  expect_accepted("morphine_im_plasma");
}
TEST(PhysioHeldOut, PlasmaMorphinePeakAfterEpidural) {
  expect_accepted("morphine_epidural_plasma");
}
TEST(PhysioHeldOut, ZiconotideLumbarPeakAfterOneHourInfusion) {
  expect_accepted("ziconotide_it_cmax");
}
TEST(PhysioHeldOut, BaclofenHalfLifeAndClearanceWithinObservedRanges) {
  expect_accepted("baclofen_it_ranges");
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
