#include "twin/fluid/reservoir.h"

#include <algorithm>
#include <stdexcept>

namespace pumptwin::fluid {

Reservoir::Reservoir(double capacity_ml, double volume_ml, double concentration_ug_per_ml)
    : capacity_ml_(capacity_ml),
      volume_ml_(volume_ml),
      concentration_ug_per_ml_(concentration_ug_per_ml) {
  if (capacity_ml <= 0.0 || volume_ml < 0.0 || volume_ml > capacity_ml ||
      concentration_ug_per_ml < 0.0) {
    throw std::invalid_argument("Reservoir: volume must lie in [0, capacity], all non-negative");
  }
}

RefillOutcome Reservoir::refill(double volume_ml, double concentration_ug_per_ml,
                                RefillRoute route) {
  if (volume_ml < 0.0 || concentration_ug_per_ml < 0.0) {
    throw std::invalid_argument("Reservoir::refill: negative volume or concentration");
  }
  RefillOutcome outcome;
  if (route == RefillRoute::kPocket) {
    outcome.volume_to_pocket_ml = volume_ml;
    outcome.drug_to_pocket_ug = volume_ml * concentration_ug_per_ml;
    return outcome;
  }
  const double accepted_ml = std::min(volume_ml, capacity_ml_ - volume_ml_);
  const double total_ml = volume_ml_ + accepted_ml;
  if (total_ml > 0.0) {
    concentration_ug_per_ml_ = (drug_ug() + accepted_ml * concentration_ug_per_ml) / total_ml;
  }
  volume_ml_ = total_ml;
  outcome.volume_to_reservoir_ml = accepted_ml;
  outcome.volume_rejected_ml = volume_ml - accepted_ml;
  return outcome;
}

Parcel Reservoir::empty() {
  const Parcel removed{volume_ml_ * 1e3, concentration_ug_per_ml_};
  volume_ml_ = 0.0;
  return removed;
}

Parcel Reservoir::withdraw(double volume_ul) {
  const double taken_ml = std::clamp(volume_ul * 1e-3, 0.0, volume_ml_);
  volume_ml_ -= taken_ml;
  return {taken_ml * 1e3, concentration_ug_per_ml_};
}

}  // namespace pumptwin::fluid
