#include "lithium_cell.h"

#include <algorithm>
#include <cmath>

namespace pumptwin::power {

namespace {
constexpr double kZeroCelsiusK = 273.15;
constexpr double kAsPerMah = 3.6;
}  // namespace

LithiumCell::LithiumCell(const CellParams& params)
    : params_(params),
      drawn_as_(params.initial_depth_of_discharge * params.capacity_mah * kAsPerMah) {}

void LithiumCell::draw(double charge_as) {
  drawn_as_ += std::max(charge_as, 0.0);
}

double LithiumCell::depth_of_discharge() const {
  return std::clamp(drawn_as_ / (params_.capacity_mah * kAsPerMah), 0.0, 1.0);
}

double LithiumCell::remaining_mah() const {
  return std::max(params_.capacity_mah - drawn_mah(), 0.0);
}

double LithiumCell::open_circuit_v(double temperature_c) const {
  const auto& curve = params_.open_circuit_v_by_depth;
  const double depth = depth_of_discharge();
  double v = curve.back().second;
  for (size_t i = 1; i < curve.size(); ++i) {
    if (depth <= curve[i].first) {
      const auto& [d0, v0] = curve[i - 1];
      const auto& [d1, v1] = curve[i];
      v = v0 + (v1 - v0) * (depth - d0) / (d1 - d0);
      break;
    }
  }
  return v + params_.open_circuit_v_per_k * (temperature_c - params_.reference_temperature_c);
}

double LithiumCell::internal_resistance_ohm(double temperature_c) const {
  const double depth_factor =
      1.0 + params_.internal_resistance_growth *
                std::pow(depth_of_discharge(), params_.internal_resistance_growth_exponent);
  const double t_k = temperature_c + kZeroCelsiusK;
  const double t_ref_k = params_.reference_temperature_c + kZeroCelsiusK;
  const double temperature_factor =
      std::exp(params_.internal_resistance_arrhenius_k * (1.0 / t_k - 1.0 / t_ref_k));
  return params_.internal_resistance_fresh_ohm * depth_factor * temperature_factor;
}

double LithiumCell::terminal_v(double current_a, double temperature_c) const {
  return std::max(
      open_circuit_v(temperature_c) - current_a * internal_resistance_ohm(temperature_c), 0.0);
}

}  // namespace pumptwin::power
