// Seeded generator of virtual patients with inter-individual variability. Patient i of a seed is
// the same whatever the cohort size and on every platform: each patient draws from its own
// std::mt19937_64 (whose output the C++ standard fixes) seeded through std::seed_seq (also fixed
// by the standard) with (seed, i), and normal deviates come from the Irwin-Hall sum of twelve
// uniforms minus six, which uses only additions, instead of std::normal_distribution whose
// algorithm each standard library chooses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio {

// Patient variability (not parameter uncertainty: that is validation/sensitivity.h):
// coefficients of variation (standard deviation / mean) and ranges; sources in docs/models.md.
struct CohortVariability {
  double body_weight_cv = 0.15;        // ASSUMPTION: adult weight SD ~12 kg around 70 kg
  double csf_volume_cv = 0.16;         // Edsbagge 2011: spinal CSF 81 +/- 13 mL
  double csf_production_cv = 0.2;      // Ekstedt 1978; May 1990
  double elastance_cv = 0.1;           // Shapiro 1980: PVI 25.9 +/- 2.5 mL (CV 0.097)
  double outflow_resistance_cv = 0.3;  // Czosnyka 2004
  double dispersion_cv = 0.3;          // spread of pulsatility between patients (assumed)
  double clearance_cv = 0.3;           // Wermeling 2003: ziconotide CSF clearance CV ~30 %
  double sensitivity_cv = 0.3;         // between-patient opioid requirement spread (assumed)
  double min_baseline_pain = 5.0;
  double max_baseline_pain = 9.0;
  // Tip levels drawn with equal probability.
  std::vector<std::string> tip_levels = {"T8", "T9", "T10", "T11", "T12"};
  // Share of candidates already on systemic opioids (opioid-tolerant) when intrathecal therapy
  // starts: 28 of 30 took systemic opioids regularly at enrolment (Anderson & Burchiel 1999,
  // Neurosurgery 44:289). ASSUMPTION: regular use read as tolerance (the doses are not given).
  double opioid_tolerant_fraction = 28.0 / 30.0;
  // Initial opioid EC50 multiplier of a tolerant patient: log-normal, median and log-SD,
  // clipped to [min, max]. ASSUMPTION: median 3 lies between 1 and the ~7x ratio of the
  // geometric mid-points of the intrathecal morphine dose ranges of naive (0.2-1 mg/day) and
  // tolerant (1-10 mg/day) patients (PACC 2017), the rest of that ratio being tolerance
  // acquired during intrathecal therapy (the process in patient_model.h).
  double tolerance_factor_median = 3.0;
  double tolerance_factor_log_sd = 0.4;
  double tolerance_factor_min = 1.5;
  double tolerance_factor_max = 10.0;
  // Pain mechanism of intrathecal morphine candidates (Anderson & Burchiel 1999, Neurosurgery
  // 44:289, the 30 implanted of 40 trialled: nociceptive 1, mixed 15, peripheral neuropathic 10,
  // deafferentation 4); the rest is neuropathic.
  double nociceptive_pain_fraction = 1.0 / 30.0;
  double mixed_pain_fraction = 15.0 / 30.0;
  // Share of pains with a good response to titrated morphine (> 70 mm relief on a 100 mm VAS
  // with manageable side effects; McQuay et al. 1992, Anaesthesia 47:757: nociceptive 9 of 14,
  // neuropathic 5 of 13). ASSUMPTION: mixed pain halfway between the two.
  double good_opioid_response_nociceptive = 9.0 / 14.0;
  double good_opioid_response_neuropathic = 5.0 / 13.0;
  // A pain without a good response has a relief ceiling in McQuay's moderate (30-70 mm) or poor
  // (< 30 mm) range. ASSUMPTION: uniform over 10-70 %.
  double poor_response_ceiling_min = 0.1;
  double poor_response_ceiling_max = 0.7;
};

// Uniform in [0, 1) from the top 53 bits of one draw.
double uniform_unit(std::mt19937_64& engine);
// Approximately standard normal (Irwin-Hall, n = 12), clipped to [-3, 3] so that multiplicative
// parameters stay positive.
double standard_normal(std::mt19937_64& engine);

class CohortGenerator {
 public:
  explicit CohortGenerator(std::uint64_t seed, CohortVariability variability = {},
                           PatientParameters typical = {});

  // Patient number index of this seed, named "cohort_<seed>_<index>".
  PatientParameters patient(std::size_t index) const;
  std::vector<PatientParameters> generate(std::size_t count) const;

 private:
  std::uint64_t seed_;
  CohortVariability variability_;
  PatientParameters typical_;
};

}  // namespace pumptwin::physio
