// Quantities with units as scenario files write them: "12 h", "30 min", "500 ug/day",
// "25 mg/mL", "2.5 mL", "12 mmHg", "2.85 V", "0.05 N.m", "5 %". Each field of a scenario wants
// one dimension; a quantity of another dimension, or without a unit, is an error whose message
// lists the units the field accepts. Values come back in the dimension's base unit, the one its
// name in the code carries (seconds, microlitres, micrograms, ug/day...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pumpbench {

enum class Dimension {
  kTime,           // s
  kVolume,         // uL
  kMass,           // ug
  kDoseRate,       // ug/day
  kConcentration,  // ug/mL
  kPressure,       // mmHg
  kVoltage,        // V
  kCurrent,        // A
  kLength,         // cm
  kTorque,         // N.m
  kFraction,       // 1 (a plain number or a percentage)
  kTemperature,    // degC
  kResistance,     // ohm
  kCount,          // a plain number
};

// "a time", "a volume"... for messages.
std::string dimension_name(Dimension dimension);
// The units a dimension accepts, for messages: "s, min, h, d".
std::string accepted_units(Dimension dimension);

struct QuantityParse {
  std::optional<double> value;  // in the dimension's base unit
  std::string error;            // set when value is empty
};

// Parses "<number> <unit>" (the space is optional; "µ" and "μ" may stand for "u").
QuantityParse parse_quantity(std::string_view text, Dimension dimension);

// The dimension and scale of a unit symbol as the patient's signal catalogue writes it ("mmHg",
// "ug/mL", "1"...): values in that unit are base-unit values divided by `per_base`.
struct SignalUnit {
  Dimension dimension;
  double base_per_unit;  // one of this unit in the dimension's base unit
};
std::optional<SignalUnit> signal_unit(std::string_view symbol);

// Parses a threshold for a signal recorded in `unit_symbol` and returns it in that unit.
QuantityParse parse_in_signal_unit(std::string_view text, std::string_view unit_symbol);

// A quantity as the firmware's integers hold it: a whole number of the firmware's unit
// (`per_base` of them in one base unit: 1000 ng per ug, 1/60 min per s), from 0 to `max`. The
// one conversion from the bench's doubles to the pump's fields: it never rounds a value to
// another nor wraps one past the field's width; it refuses, saying why ("not a whole number
// of ng/day, the pump's resolution", "more than the pump's field holds").
struct FirmwareInteger {
  std::optional<uint32_t> value;
  std::string error;  // set when value is empty
};
FirmwareInteger firmware_integer(double base_value, double per_base, uint32_t max,
                                 const std::string& firmware_unit);

}  // namespace pumpbench
