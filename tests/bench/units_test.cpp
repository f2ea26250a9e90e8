// Quantities with units as scenario files write them.
#include <gtest/gtest.h>

#include "units.h"

namespace pumpbench {
namespace {

double value(const char* text, Dimension dimension) {
  const QuantityParse parsed = parse_quantity(text, dimension);
  EXPECT_TRUE(parsed.value.has_value()) << text << ": " << parsed.error;
  return parsed.value.value_or(-1.0);
}

std::string error(const char* text, Dimension dimension) {
  const QuantityParse parsed = parse_quantity(text, dimension);
  EXPECT_FALSE(parsed.value.has_value()) << text;
  return parsed.error;
}

TEST(Units, TimesInSeconds) {
  EXPECT_DOUBLE_EQ(value("12 h", Dimension::kTime), 43200.0);
  EXPECT_DOUBLE_EQ(value("30 min", Dimension::kTime), 1800.0);
  EXPECT_DOUBLE_EQ(value("7 d", Dimension::kTime), 604800.0);
  EXPECT_DOUBLE_EQ(value("250 ms", Dimension::kTime), 0.25);
  EXPECT_DOUBLE_EQ(value("1 d 8 h", Dimension::kTime), 115200.0);
  EXPECT_DOUBLE_EQ(value("2h 30min", Dimension::kTime), 9000.0);
}

TEST(Units, DrugQuantitiesInMicrograms) {
  EXPECT_DOUBLE_EQ(value("500 ug/day", Dimension::kDoseRate), 500.0);
  EXPECT_DOUBLE_EQ(value("2 mg/day", Dimension::kDoseRate), 2000.0);
  EXPECT_DOUBLE_EQ(value("19.2 µg/day", Dimension::kDoseRate), 19.2);
  EXPECT_DOUBLE_EQ(value("1 ug/h", Dimension::kDoseRate), 24.0);
  EXPECT_DOUBLE_EQ(value("25 mg/mL", Dimension::kConcentration), 25000.0);
  EXPECT_DOUBLE_EQ(value("0.5 mg", Dimension::kMass), 500.0);
  EXPECT_DOUBLE_EQ(value("2.5 mL", Dimension::kVolume), 2500.0);
  EXPECT_DOUBLE_EQ(value("250 nL", Dimension::kVolume), 0.25);
}

TEST(Units, BoardQuantities) {
  EXPECT_DOUBLE_EQ(value("12 mmHg", Dimension::kPressure), 12.0);
  EXPECT_DOUBLE_EQ(value("2850 mV", Dimension::kVoltage), 2.85);
  EXPECT_DOUBLE_EQ(value("1 mA", Dimension::kCurrent), 1e-3);
  EXPECT_DOUBLE_EQ(value("0.53 mm", Dimension::kLength), 0.053);
  EXPECT_DOUBLE_EQ(value("50 mN.m", Dimension::kTorque), 0.05);
  EXPECT_DOUBLE_EQ(value("5 %", Dimension::kFraction), 0.05);
  EXPECT_DOUBLE_EQ(value("0.2", Dimension::kFraction), 0.2);
  EXPECT_DOUBLE_EQ(value("38.5 degC", Dimension::kTemperature), 38.5);
}

TEST(Units, ErrorsNameTheDimensionAndTheUnitsAccepted) {
  EXPECT_NE(error("12", Dimension::kTime).find("missing unit"), std::string::npos);
  EXPECT_NE(error("12 mL", Dimension::kTime).find("'mL' is a volume unit, expected a time"),
            std::string::npos);
  EXPECT_NE(error("3 furlongs", Dimension::kLength).find("unknown unit 'furlongs'"),
            std::string::npos);
  EXPECT_NE(error("ten mg", Dimension::kMass).find("not a number"), std::string::npos);
  EXPECT_NE(error("25 mg", Dimension::kConcentration).find("ug/mL, mg/mL"), std::string::npos);
  EXPECT_NE(error("", Dimension::kVolume).find("empty"), std::string::npos);
  EXPECT_NE(error("1 d 3 mL", Dimension::kTime).find("unknown unit"), std::string::npos);
}

TEST(Units, ThresholdsInTheSignalsOwnUnit) {
  EXPECT_DOUBLE_EQ(*parse_in_signal_unit("500 uL", "mL").value, 0.5);
  EXPECT_DOUBLE_EQ(*parse_in_signal_unit("2 mg/mL", "ug/mL").value, 2000.0);
  EXPECT_DOUBLE_EQ(*parse_in_signal_unit("0.3", "1").value, 0.3);
  EXPECT_DOUBLE_EQ(*parse_in_signal_unit("4", "NRS 0-10").value, 4.0);
  EXPECT_FALSE(parse_in_signal_unit("4 V", "mmHg").value.has_value());
}

}  // namespace
}  // namespace pumpbench
