#include "twin/physio/cohort.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace pumptwin::physio {

double uniform_unit(std::mt19937_64& engine) {
  return static_cast<double>(engine() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

double standard_normal(std::mt19937_64& engine) {
  double sum = 0.0;
  for (int i = 0; i < 12; ++i) sum += uniform_unit(engine);
  return std::clamp(sum - 6.0, -3.0, 3.0);
}

CohortGenerator::CohortGenerator(std::uint64_t seed, CohortVariability variability,
                                 PatientParameters typical)
    : seed_(seed), variability_(std::move(variability)), typical_(std::move(typical)) {}

PatientParameters CohortGenerator::patient(std::size_t index) const {
  std::seed_seq sequence{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32),
                         static_cast<std::uint32_t>(index),
                         static_cast<std::uint32_t>(static_cast<std::uint64_t>(index) >> 32)};
  std::mt19937_64 engine(sequence);
  // Multiplicative variation around the typical value; the floor keeps a 3-sigma draw with a
  // large CV physiological.
  const auto vary = [&engine](double typical, double cv) {
    return typical * std::max(0.1, 1.0 + cv * standard_normal(engine));
  };
  const CohortVariability& v = variability_;
  PatientParameters p = typical_;
  p.name = "cohort_" + std::to_string(seed_) + "_" + std::to_string(index);
  p.body_weight_kg = vary(typical_.body_weight_kg, v.body_weight_cv);
  p.csf_volume_ml = vary(typical_.csf_volume_ml, v.csf_volume_cv);
  p.csf_production_ml_per_min = vary(typical_.csf_production_ml_per_min, v.csf_production_cv);
  p.elastance_per_ml = vary(typical_.elastance_per_ml, v.elastance_cv);
  p.outflow_resistance_mmhg_min_per_ml =
      vary(typical_.outflow_resistance_mmhg_min_per_ml, v.outflow_resistance_cv);
  p.dispersion_cm2_per_s = vary(typical_.dispersion_cm2_per_s, v.dispersion_cv);
  p.clearance_scale = vary(typical_.clearance_scale, v.clearance_cv);
  p.sensitivity = vary(typical_.sensitivity, v.sensitivity_cv);
  p.baseline_pain_score =
      v.min_baseline_pain + (v.max_baseline_pain - v.min_baseline_pain) * uniform_unit(engine);
  if (!v.tip_levels.empty()) {
    const auto pick =
        static_cast<std::size_t>(uniform_unit(engine) * static_cast<double>(v.tip_levels.size()));
    p.catheter_tip_level = v.tip_levels[std::min(pick, v.tip_levels.size() - 1)];
  }
  // Drawn last so that the draws above keep their values for a seed. Both draws are taken
  // whatever the status, so a change of the prevalence leaves every other patient unchanged.
  const double status_draw = uniform_unit(engine);
  const double factor_draw =
      v.tolerance_factor_median * std::exp(v.tolerance_factor_log_sd * standard_normal(engine));
  p.opioid_tolerant = status_draw < v.opioid_tolerant_fraction;
  p.initial_tolerance_factor =
      p.opioid_tolerant ? std::clamp(factor_draw, v.tolerance_factor_min, v.tolerance_factor_max)
                        : 1.0;
  // Drawn after the opioid status for the same reason, all three whatever the outcome.
  const double mechanism_draw = uniform_unit(engine);
  const double response_draw = uniform_unit(engine);
  const double ceiling_draw = uniform_unit(engine);
  double good_response = 0.5 * (v.good_opioid_response_nociceptive +
                                v.good_opioid_response_neuropathic);  // mixed pain
  if (mechanism_draw < v.nociceptive_pain_fraction) {
    good_response = v.good_opioid_response_nociceptive;
  } else if (mechanism_draw >= v.nociceptive_pain_fraction + v.mixed_pain_fraction) {
    good_response = v.good_opioid_response_neuropathic;
  }
  p.opioid_relief_ceiling =
      response_draw < good_response
          ? 1.0
          : v.poor_response_ceiling_min +
                (v.poor_response_ceiling_max - v.poor_response_ceiling_min) * ceiling_draw;
  return p;
}

std::vector<PatientParameters> CohortGenerator::generate(std::size_t count) const {
  std::vector<PatientParameters> cohort;
  cohort.reserve(count);
  for (std::size_t i = 0; i < count; ++i) cohort.push_back(patient(i));
  return cohort;
}

}  // namespace pumptwin::physio
