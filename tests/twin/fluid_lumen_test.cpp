#include "twin/fluid/lumen.h"

#include <gtest/gtest.h>

#include <vector>

namespace pumptwin::fluid {
namespace {

TEST(FluidLumen, PlugFlowKeepsOrderAndMergesEqualParcels) {
  Lumen lumen;
  lumen.push_back({10.0, 1.0});
  lumen.push_back({5.0, 1.0});
  lumen.push_back({5.0, 3.0});
  EXPECT_EQ(lumen.parcels().size(), 2u);
  const std::vector<Parcel> out = lumen.pop_front(12.0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_DOUBLE_EQ(out[0].volume_ul, 12.0);
  EXPECT_DOUBLE_EQ(lumen.volume_ul(), 8.0);
  EXPECT_DOUBLE_EQ(lumen.outlet_concentration_ug_per_ml(), 1.0);
  const std::vector<Parcel> back = lumen.pop_back(6.0);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_DOUBLE_EQ(back[0].concentration_ug_per_ml, 1.0);
  EXPECT_DOUBLE_EQ(back[1].volume_ul, 5.0);
}

}  // namespace
}  // namespace pumptwin::fluid
