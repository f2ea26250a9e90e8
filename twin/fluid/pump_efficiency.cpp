#include "twin/fluid/pump_efficiency.h"

#include <algorithm>

namespace pumptwin::fluid {

double PumpEfficiency::delivered_fraction(double back_pressure_mmhg, double wear_fraction) const {
  const double slip = std::max(0.0, back_pressure_mmhg) / zero_delivery_back_pressure_mmhg;
  const double pressure_factor = std::clamp(1.0 - slip, 0.0, 1.0);
  const double wear_factor = 1.0 - std::clamp(wear_fraction, 0.0, 1.0);
  return nominal_fraction * pressure_factor * wear_factor;
}

}  // namespace pumptwin::fluid
