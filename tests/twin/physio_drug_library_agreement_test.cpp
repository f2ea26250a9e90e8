// The firmware's drug library (limits it enforces) and the twin's (pharmacology) must agree
// where they overlap: names, concentration ranges and maximum daily doses.
#include "firmware/app/drug_library.h"

#include <gtest/gtest.h>

#include <string_view>

#include "twin/physio/drug_library.h"

namespace pumptwin::physio {
namespace {

TEST(PhysioDrugLibrary, AgreesWithFirmwareLibrary) {
  std::size_t matched = 0;
  for (const pumpfw::app::DrugLimits& limits : pumpfw::app::kDrugLibrary) {
    SCOPED_TRACE(limits.name);
    const DrugParameters& twin = drug(std::string_view(limits.name));
    EXPECT_DOUBLE_EQ(twin.min_concentration_ug_per_ml, limits.min_concentration_ug_per_ml);
    EXPECT_DOUBLE_EQ(twin.max_concentration_ug_per_ml, limits.max_concentration_ug_per_ml);
    EXPECT_DOUBLE_EQ(twin.max_daily_dose_ug_per_day * 1000.0, limits.max_daily_dose_ng);
    ++matched;
  }
  EXPECT_EQ(matched, drug_library().size());
}

TEST(PhysioDrugLibrary, EveryDrugHasConsistentLimits) {
  for (const DrugParameters& d : drug_library()) {
    SCOPED_TRACE(d.name);
    EXPECT_LT(d.min_concentration_ug_per_ml, d.max_concentration_ug_per_ml);
    EXPECT_LT(d.starting_dose_ug_per_day, d.max_daily_dose_ug_per_day);
    EXPECT_GT(d.csf_clearance_ml_per_min, 0.0);
    EXPECT_GT(d.ec50_csf_ug_per_ml, 0.0);
    EXPECT_EQ(&drug(d.id), &d);
  }
  EXPECT_THROW(drug("aspirin"), std::invalid_argument);
}

}  // namespace
}  // namespace pumptwin::physio
