#include "units.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pumpbench {

namespace {

struct UnitDefinition {
  const char* symbol;
  Dimension dimension;
  double base_per_unit;
};

constexpr double kSecondsPerDay = 86400.0;

// Base units: s, uL, ug, ug/day, ug/mL, mmHg, V, A, cm, N.m, 1, degC.
constexpr UnitDefinition kUnits[] = {
    {"s", Dimension::kTime, 1.0},
    {"ms", Dimension::kTime, 1e-3},
    {"min", Dimension::kTime, 60.0},
    {"h", Dimension::kTime, 3600.0},
    {"d", Dimension::kTime, kSecondsPerDay},
    {"day", Dimension::kTime, kSecondsPerDay},
    {"days", Dimension::kTime, kSecondsPerDay},
    {"nL", Dimension::kVolume, 1e-3},
    {"uL", Dimension::kVolume, 1.0},
    {"mL", Dimension::kVolume, 1e3},
    {"ng", Dimension::kMass, 1e-3},
    {"ug", Dimension::kMass, 1.0},
    {"mg", Dimension::kMass, 1e3},
    {"ng/day", Dimension::kDoseRate, 1e-3},
    {"ug/day", Dimension::kDoseRate, 1.0},
    {"mg/day", Dimension::kDoseRate, 1e3},
    {"ug/h", Dimension::kDoseRate, 24.0},
    {"mg/h", Dimension::kDoseRate, 24e3},
    {"ng/mL", Dimension::kConcentration, 1e-3},
    {"ug/mL", Dimension::kConcentration, 1.0},
    {"mg/mL", Dimension::kConcentration, 1e3},
    {"mmHg", Dimension::kPressure, 1.0},
    {"cmH2O", Dimension::kPressure, 0.73556},
    {"mV", Dimension::kVoltage, 1e-3},
    {"V", Dimension::kVoltage, 1.0},
    {"uA", Dimension::kCurrent, 1e-6},
    {"mA", Dimension::kCurrent, 1e-3},
    {"A", Dimension::kCurrent, 1.0},
    {"mm", Dimension::kLength, 0.1},
    {"cm", Dimension::kLength, 1.0},
    {"m", Dimension::kLength, 100.0},
    {"mN.m", Dimension::kTorque, 1e-3},
    {"N.m", Dimension::kTorque, 1.0},
    {"%", Dimension::kFraction, 0.01},
    {"degC", Dimension::kTemperature, 1.0},
    {"mohm", Dimension::kResistance, 1e-3},
    {"ohm", Dimension::kResistance, 1.0},
    {"kohm", Dimension::kResistance, 1e3},
};

// Units of the patient's signal catalogue that are not scenario units.
constexpr UnitDefinition kSignalOnlyUnits[] = {
    {"1", Dimension::kFraction, 1.0},
    {"NRS 0-10", Dimension::kCount, 1.0},
};

std::string replace_micro_sign(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    // U+00B5 MICRO SIGN is C2 B5, U+03BC GREEK SMALL LETTER MU is CE BC in UTF-8.
    if (i + 1 < text.size() && ((static_cast<unsigned char>(text[i]) == 0xC2 &&
                                 static_cast<unsigned char>(text[i + 1]) == 0xB5) ||
                                (static_cast<unsigned char>(text[i]) == 0xCE &&
                                 static_cast<unsigned char>(text[i + 1]) == 0xBC))) {
      out += 'u';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return std::string(text.substr(begin, end - begin));
}

const UnitDefinition* find_unit(std::string_view symbol) {
  for (const UnitDefinition& unit : kUnits) {
    if (symbol == unit.symbol) return &unit;
  }
  return nullptr;
}

}  // namespace

std::string dimension_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::kTime:
      return "a time";
    case Dimension::kVolume:
      return "a volume";
    case Dimension::kMass:
      return "a dose (mass)";
    case Dimension::kDoseRate:
      return "a dose rate";
    case Dimension::kConcentration:
      return "a concentration";
    case Dimension::kPressure:
      return "a pressure";
    case Dimension::kVoltage:
      return "a voltage";
    case Dimension::kCurrent:
      return "a current";
    case Dimension::kLength:
      return "a length";
    case Dimension::kTorque:
      return "a torque";
    case Dimension::kFraction:
      return "a fraction";
    case Dimension::kTemperature:
      return "a temperature";
    case Dimension::kResistance:
      return "a resistance";
    case Dimension::kCount:
      return "a number";
  }
  return "a quantity";
}

std::string accepted_units(Dimension dimension) {
  if (dimension == Dimension::kCount) return "no unit";
  std::string list;
  for (const UnitDefinition& unit : kUnits) {
    if (unit.dimension != dimension) continue;
    if (!list.empty()) list += ", ";
    list += unit.symbol;
  }
  if (dimension == Dimension::kFraction) list = "a plain number from 0 to 1, or " + list;
  return list;
}

namespace {

// The decimal number at the start of `text` ("12", "-0.5", "2.5e3"), its length in `used`.
// Stricter than strtod: no "nan", "inf", hexadecimal or leading space, so that what reaches a
// range check is a finite number a person wrote.
std::optional<double> leading_number(const char* text, size_t& used) {
  const char* cursor = text;
  if (*cursor == '+' || *cursor == '-') ++cursor;
  const char* digits = cursor;
  while (*cursor >= '0' && *cursor <= '9') ++cursor;
  size_t mantissa_digits = static_cast<size_t>(cursor - digits);
  if (*cursor == '.') {
    ++cursor;
    const char* fraction = cursor;
    while (*cursor >= '0' && *cursor <= '9') ++cursor;
    mantissa_digits += static_cast<size_t>(cursor - fraction);
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (*cursor == 'e' || *cursor == 'E') {
    const char* exponent = cursor + 1;
    if (*exponent == '+' || *exponent == '-') ++exponent;
    if (*exponent >= '0' && *exponent <= '9') {
      while (*exponent >= '0' && *exponent <= '9') ++exponent;
      cursor = exponent;
    }
  }
  used = static_cast<size_t>(cursor - text);
  const double value = std::strtod(std::string(text, used).c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

// "1 d 8 h", "2h 30min": a time as a sum of parts, as a test plan writes it.
QuantityParse parse_compound_time(const std::string& text) {
  QuantityParse result;
  double total_s = 0.0;
  const char* cursor = text.c_str();
  while (*cursor != '\0') {
    size_t used = 0;
    const std::optional<double> number = leading_number(cursor, used);
    if (!number) return result;
    cursor += used;
    while (*cursor == ' ') ++cursor;
    const char* unit_begin = cursor;
    while (*cursor != '\0' && *cursor != ' ' && (*cursor < '0' || *cursor > '9')) ++cursor;
    const std::string symbol(unit_begin, cursor);
    const UnitDefinition* unit = find_unit(symbol);
    if (unit == nullptr || unit->dimension != Dimension::kTime || *number < 0.0) return result;
    total_s += *number * unit->base_per_unit;
    while (*cursor == ' ') ++cursor;
  }
  if (std::isfinite(total_s)) result.value = total_s;
  return result;
}

}  // namespace

QuantityParse parse_quantity(std::string_view raw_text, Dimension dimension) {
  QuantityParse result;
  const std::string text = trim(replace_micro_sign(raw_text));
  if (dimension == Dimension::kTime) {
    const QuantityParse compound = parse_compound_time(text);
    if (compound.value) return compound;
  }
  if (text.empty()) {
    result.error = "empty value: expected " + dimension_name(dimension);
    return result;
  }
  size_t used = 0;
  const std::optional<double> parsed_number = leading_number(text.c_str(), used);
  if (!parsed_number) {
    // strtod reads "nan", "inf" and overflows; this parser refuses them, and says so.
    const double loose = std::strtod(text.c_str(), nullptr);
    const bool non_finite = !std::isfinite(loose) || text.find_first_of("0123456789") == 0;
    result.error =
        "'" + text +
        (non_finite ? "' is not a finite decimal number" : "' is not a number with a unit") +
        ": expected " + dimension_name(dimension) + " (" + accepted_units(dimension) + ")";
    return result;
  }
  const double number = *parsed_number;
  const char* number_end = text.c_str() + used;
  const std::string symbol = trim(number_end);
  if (symbol.empty()) {
    if (dimension == Dimension::kCount || dimension == Dimension::kFraction) {
      result.value = number;
      return result;
    }
    result.error = "missing unit in '" + text + "': expected " + dimension_name(dimension) + " (" +
                   accepted_units(dimension) + ")";
    return result;
  }
  const UnitDefinition* unit = find_unit(symbol);
  if (unit == nullptr) {
    result.error = "unknown unit '" + symbol + "' in '" + text + "': expected " +
                   dimension_name(dimension) + " (" + accepted_units(dimension) + ")";
    return result;
  }
  if (unit->dimension != dimension) {
    result.error = "'" + symbol + "' is " + dimension_name(unit->dimension) + " unit, expected " +
                   dimension_name(dimension) + " (" + accepted_units(dimension) + ")";
    return result;
  }
  const double value = number * unit->base_per_unit;
  if (!std::isfinite(value)) {
    result.error = "'" + text + "' is too large to be " + dimension_name(dimension);
    return result;
  }
  result.value = value;
  return result;
}

std::optional<SignalUnit> signal_unit(std::string_view symbol) {
  for (const UnitDefinition& unit : kSignalOnlyUnits) {
    if (symbol == unit.symbol) return SignalUnit{unit.dimension, unit.base_per_unit};
  }
  if (const UnitDefinition* unit = find_unit(symbol)) {
    return SignalUnit{unit->dimension, unit->base_per_unit};
  }
  return std::nullopt;
}

QuantityParse parse_in_signal_unit(std::string_view text, std::string_view unit_symbol) {
  const std::optional<SignalUnit> unit = signal_unit(unit_symbol);
  if (!unit) {
    QuantityParse result;
    result.error = "signal unit '" + std::string(unit_symbol) + "' is not known to the bench";
    return result;
  }
  QuantityParse result = parse_quantity(text, unit->dimension);
  if (result.value) *result.value /= unit->base_per_unit;
  return result;
}

FirmwareInteger firmware_integer(double base_value, double per_base, uint32_t max,
                                 const std::string& firmware_unit) {
  FirmwareInteger result;
  const double scaled = base_value * per_base;
  if (!std::isfinite(scaled) || scaled < 0.0) {
    result.error = "not a finite quantity of 0 or more";
    return result;
  }
  const double whole = std::round(scaled);
  // Decimal input scaled in binary is off by a few ulps ("0.1 mg/day" is 99999.99999999999 ng
  // ... 100000.00000000001 ng); anything further from a whole number was typed so.
  if (std::fabs(scaled - whole) > 1e-6 + scaled * 1e-12) {
    char text[64];
    std::snprintf(text, sizeof text, "%.10g", scaled);
    result.error = std::string(text) + " " + firmware_unit + " is not a whole number of " +
                   firmware_unit + ", the pump's resolution";
    return result;
  }
  if (whole > static_cast<double>(max)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.10g", scaled);
    result.error = std::string(text) + " " + firmware_unit +
                   " is more than the pump's field holds (" + std::to_string(max) + " " +
                   firmware_unit + ")";
    return result;
  }
  result.value = static_cast<uint32_t>(whole);
  return result;
}

}  // namespace pumpbench
