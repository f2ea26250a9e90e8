#include "twin/physio/validation/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "twin/physio/cohort.h"
#include "twin/physio/patient_model.h"
#include "twin/physio/validation/format.h"

namespace pumptwin::physio::validation {
namespace {

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;

// Peak respiratory index over 24 h after 1 mg of morphine into lumbar CSF (opioid-naive).
void intrathecal_bolus(const ModelInputs& in, double& peak, double& peak_h) {
  PatientModel m(in.patient, in.morphine);
  m.inject(segment_for_level("L2"), 1.0, 1000.0);
  peak = 0.0;
  peak_h = 0.0;
  for (int step = 1; step <= 24 * 4; ++step) {
    m.advance_to(step * 900.0);
    const double r = m.effects().respiratory_depression_index;
    if (r > peak) {
      peak = r;
      peak_h = step * 0.25;
    }
  }
}

// Peak respiratory index over 12 h after 20 mg of morphine under the skin (a small pocket fill).
double pocket_fill(const ModelInputs& in) {
  PatientModel m(in.patient, in.morphine);
  m.deposit_in_tissue(20000.0);
  double peak = 0.0;
  for (int step = 1; step <= 12 * 12; ++step) {
    m.advance_to(step * 300.0);
    peak = std::max(peak, m.effects().respiratory_depression_index);
  }
  return peak;
}

// Analgesia after 6 weeks of 2 mg/day of morphine into T10 (hourly strokes), in the patient as
// given: the loss of effect that acquired tolerance brings.
double analgesia_after_weeks(const ModelInputs& in) {
  PatientModel m(in.patient, in.morphine);
  const std::size_t tip = segment_for_level("T10");
  const double interval_s = kHour;
  for (double t = interval_s; t <= 42 * kDay; t += interval_s) {
    m.advance_to(t);
    m.inject(tip, 1e-3, 2000.0 * interval_s / kDay);
  }
  return m.effects().analgesia_fraction;
}

// Peak withdrawal risk over 3 days after 400 ug/day of baclofen at T11 stops after 5 days.
double baclofen_stop(const ModelInputs& in) {
  PatientModel m(in.baclofen_patient, in.baclofen);
  const std::size_t tip = segment_for_level(in.baclofen_patient.catheter_tip_level);
  const double interval_s = 1800.0;
  for (double t = interval_s; t <= 5 * kDay; t += interval_s) {
    m.advance_to(t);
    m.inject(tip, 1e-2, 400.0 * interval_s / kDay);
  }
  double peak = 0.0;
  for (int hour = 1; hour <= 72; ++hour) {
    m.advance_to(5 * kDay + hour * kHour);
    peak = std::max(peak, m.effects().withdrawal_risk);
  }
  return peak;
}

Factor multiply(const std::string& name, const std::string& status, double low, double high,
                double DrugParameters::*field, bool morphine) {
  return {name, status, low, high, [field, morphine](ModelInputs& in, double v) {
            DrugParameters& d = morphine ? in.morphine : in.baclofen;
            d.*field = v;
          }};
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

ModelInputs reference_inputs() {
  ModelInputs in{PatientParameters{}, reference_patient("spasticity_lumbar"),
                 drug(DrugId::kMorphine), drug(DrugId::kBaclofen)};
  in.patient.opioid_tolerant = true;
  return in;
}

ModelInputs cohort_inputs(std::uint64_t cohort_seed, std::size_t member) {
  const PatientParameters patient = CohortGenerator(cohort_seed).patient(member);
  PatientParameters spastic = patient;
  spastic.catheter_tip_level = "T11";
  spastic.target_level = "L2";
  return {patient, spastic, drug(DrugId::kMorphine), drug(DrugId::kBaclofen)};
}

const std::vector<Factor>& uncertain_factors() {
  static const std::vector<Factor> factors = {
      {"dispersion D, cm^2/s", "[CAL]", 0.05, 0.2,
       [](ModelInputs& in, double v) {
         in.patient.dispersion_cm2_per_s = v;
         in.baclofen_patient.dispersion_cm2_per_s = v;
       }},
      multiply("morphine CSF clearance, mL/min", "[CAL]", 0.45, 0.7,
               &DrugParameters::csf_clearance_ml_per_min, true),
      multiply("morphine therapeutic t1/2 ke0, min", "[ASM]", 15.0, 60.0,
               &DrugParameters::therapeutic_equilibration_half_life_min, true),
      multiply("morphine supraspinal t1/2 ke0, min", "[CAL]", 60.0, 240.0,
               &DrugParameters::supraspinal_equilibration_half_life_min, true),
      multiply("morphine plasma t1/2 ke0, min", "[ASM]", 30.0, 180.0,
               &DrugParameters::plasma_effect_equilibration_half_life_min, true),
      multiply("morphine analgesic EC50, ug/mL", "[CAL]", 0.75, 3.0,
               &DrugParameters::ec50_csf_ug_per_ml, true),
      multiply("morphine analgesic Emax", "[ASM]", 0.7, 1.0, &DrugParameters::emax, true),
      multiply("morphine analgesic Hill", "[ASM]", 1.0, 2.5, &DrugParameters::hill, true),
      multiply("morphine respiratory EC50 CSF, ug/mL", "[CAL]", 0.9, 3.6,
               &DrugParameters::respiratory_ec50_csf_ug_per_ml, true),
      multiply("morphine respiratory EC50 plasma, ng/mL", "[ASM]", 50.0, 200.0,
               &DrugParameters::respiratory_ec50_plasma_ng_per_ml, true),
      multiply("morphine adverse Hill", "[ASM]", 1.5, 3.0, &DrugParameters::adverse_hill, true),
      multiply("morphine tolerance time constant, d", "[ASM]", 10.0, 42.0,
               &DrugParameters::tolerance_time_constant_d, true),
      multiply("morphine tolerance potency K_I / EC50", "[CAL]", 1.5, 3.0,
               &DrugParameters::tolerance_potency_ratio, true),
      {"initial tolerance factor (tolerant patient)", "[ASM]", 1.5, 6.0,
       [](ModelInputs& in, double v) { in.patient.initial_tolerance_factor = v; }},
      multiply("morphine s.c. absorption t1/2, min", "[STU]", 3.0, 15.0,
               &DrugParameters::tissue_absorption_half_life_min, true),
      multiply("morphine central volume, L/kg", "[CAL]", 0.4, 1.6,
               &DrugParameters::plasma_central_volume_l_per_kg, true),
      multiply("baclofen CSF clearance, mL/min", "[CAL]", 0.8, 1.6,
               &DrugParameters::csf_clearance_ml_per_min, false),
      multiply("baclofen therapeutic t1/2 ke0, min", "[CAL]", 120.0, 480.0,
               &DrugParameters::therapeutic_equilibration_half_life_min, false),
      multiply("baclofen EC50, ug/mL", "[CAL]", 0.16, 0.64, &DrugParameters::ec50_csf_ug_per_ml,
               false),
      multiply("baclofen Emax", "[ASM]", 0.7, 1.0, &DrugParameters::emax, false),
      multiply("baclofen Hill", "[ASM]", 1.5, 3.0, &DrugParameters::hill, false),
      multiply("baclofen withdrawal time constant, h", "[ASM]", 12.0, 48.0,
               &DrugParameters::withdrawal_adaptation_time_constant_h, false),
      multiply("baclofen withdrawal severity", "[ASM]", 0.5, 1.0,
               &DrugParameters::withdrawal_severity, false),
  };
  return factors;
}

const std::array<const char*, kSafetyOutputCount>& safety_output_names() {
  static const std::array<const char*, kSafetyOutputCount> names = {
      "respiratory index, 1 mg IT morphine", "hours to that peak",
      "respiratory index, 20 mg s.c. morphine", "baclofen withdrawal risk after a stop",
      "analgesia after 6 weeks of 2 mg/day morphine"};
  return names;
}

SafetyOutputs safety_outputs(const ModelInputs& inputs) {
  SafetyOutputs out{};
  // Outputs 1-3 are defined for an opioid-naive patient.
  ModelInputs naive = inputs;
  naive.patient.opioid_tolerant = false;
  intrathecal_bolus(naive, out[0], out[1]);
  out[2] = pocket_fill(naive);
  out[3] = baclofen_stop(inputs);
  out[4] = analgesia_after_weeks(inputs);
  return out;
}

ElementaryEffects morris(std::size_t factor_count, std::size_t trajectories, std::uint64_t seed,
                         const std::function<SafetyOutputs(const std::vector<double>&)>& model) {
  constexpr double kDelta = 2.0 / 3.0;  // 4 levels {0, 1/3, 2/3, 1}
  std::mt19937_64 engine(seed);
  std::vector<std::vector<std::array<double, kSafetyOutputCount>>> effects(factor_count);
  ElementaryEffects result;
  result.nominal = model(std::vector<double>(factor_count, 0.5));
  result.evaluations = 1;
  for (std::size_t r = 0; r < trajectories; ++r) {
    std::vector<double> x(factor_count);
    for (double& xi : x) xi = uniform_unit(engine) < 0.5 ? 0.0 : 1.0 / 3.0;
    std::vector<std::size_t> order(factor_count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Fisher-Yates with the portable uniform draw (std::shuffle is implementation-defined).
    for (std::size_t i = factor_count; i > 1; --i) {
      const auto j =
          std::min(i - 1, static_cast<std::size_t>(uniform_unit(engine) * static_cast<double>(i)));
      std::swap(order[i - 1], order[j]);
    }
    SafetyOutputs y = model(x);
    ++result.evaluations;
    for (const std::size_t i : order) {
      x[i] += kDelta;
      const SafetyOutputs next = model(x);
      ++result.evaluations;
      std::array<double, kSafetyOutputCount> ee{};
      for (std::size_t k = 0; k < kSafetyOutputCount; ++k) ee[k] = (next[k] - y[k]) / kDelta;
      effects[i].push_back(ee);
      y = next;
    }
  }
  for (std::size_t i = 0; i < factor_count; ++i) {
    std::array<double, kSafetyOutputCount> mu_star{}, sigma{};
    for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
      std::vector<double> values, absolute;
      for (const auto& ee : effects[i]) {
        values.push_back(ee[k]);
        absolute.push_back(std::abs(ee[k]));
      }
      mu_star[k] = mean(absolute);
      const double m = mean(values);
      double sum_sq = 0.0;
      for (const double v : values) sum_sq += (v - m) * (v - m);
      sigma[k] =
          values.size() > 1 ? std::sqrt(sum_sq / static_cast<double>(values.size() - 1)) : 0.0;
    }
    result.mu_star.push_back(mu_star);
    result.sigma.push_back(sigma);
  }
  return result;
}

ElementaryEffects patient_model_morris(std::size_t trajectories, std::uint64_t seed) {
  const std::vector<Factor>& factors = uncertain_factors();
  const auto model = [&factors](const std::vector<double>& x) {
    ModelInputs in = reference_inputs();
    for (std::size_t i = 0; i < factors.size(); ++i) {
      factors[i].apply(in, factors[i].low + x[i] * (factors[i].high - factors[i].low));
    }
    return safety_outputs(in);
  };
  return morris(factors.size(), trajectories, seed, model);
}

std::vector<SafetyOutputs> patient_variability(std::uint64_t cohort_seed, std::size_t count) {
  std::vector<SafetyOutputs> outputs;
  for (std::size_t i = 0; i < count; ++i) {
    outputs.push_back(safety_outputs(cohort_inputs(cohort_seed, i)));
  }
  return outputs;
}

std::string sensitivity_markdown(const ElementaryEffects& effects, std::size_t trajectories,
                                 std::uint64_t seed, const std::vector<SafetyOutputs>& patients) {
  const std::vector<Factor>& factors = uncertain_factors();
  const auto& names = safety_output_names();
  std::string out =
      "# Sensitivity of the safety outputs: parameter uncertainty and patient variability\n\n"
      "Generated by `build/default/bench/physio/physio_sensitivity docs/sensitivity.md` (Morris "
      "elementary effects, " +
      std::to_string(trajectories) + " trajectories, seed " + std::to_string(seed) + ", " +
      std::to_string(effects.evaluations) + " model evaluations; " +
      std::to_string(patients.size()) + " generated patients of cohort seed " +
      std::to_string(kVariabilityCohortSeed) +
      "); `PhysioSensitivity.CheckedInTableIsRegeneratedIdentically` fails when it is stale. "
      "Method and factors: `twin/physio/validation/sensitivity.h`, "
      "[credibility.md](credibility.md).\n\n"
      "Two kinds of uncertainty, kept apart. **Parameter uncertainty**: the population-typical "
      "value of a calibrated [CAL] or assumed [ASM] parameter, varied over the range below "
      "(mapped linearly from 4 levels) by the Morris screening, always in the same reference "
      "patients (the reference adult, opioid-tolerant for output 5, opioid-naive for outputs "
      "1-3; spasticity_lumbar for output 4). **Patient variability**: real spread between "
      "patients (the cohort, [models.md](models.md)), shown in the second table as the outputs "
      "of generated patients at the nominal parameters; it is not a factor of the screening.\n\n"
      "Outputs (safety signals): (1) peak respiratory-depression index within 24 h of 1 mg "
      "morphine into lumbar CSF; (2) the hour of that peak; (3) peak respiratory-depression index "
      "within 12 h of 20 mg morphine under the skin (a small pocket fill); (4) peak withdrawal "
      "risk within 3 days of stopping 400 ug/day of baclofen at T11 after 5 days; (5) analgesia "
      "fraction after 6 weeks of 2 mg/day of morphine into T10 (the loss of effect acquired "
      "tolerance brings).\n\n"
      "Nominal outputs (every factor at the middle of its range): ";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
    out += std::string(k ? ", " : "") + "(" + std::to_string(k + 1) + ") " +
           format("%.3g", effects.nominal[k]);
  }
  out +=
      ".\n\n## Parameter uncertainty (Morris screening)\n\n"
      "mu* is the mean absolute elementary effect (change of the output when the factor moves "
      "over its whole range, per unit of that range); sigma the standard deviation of the "
      "effects (interactions and non-linearity). Factors with mu* near 0 for every output can be "
      "left as assumptions; the largest mu* are where better data would most improve "
      "credibility.\n\n| factor | status | range |";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
    out += " (" + std::to_string(k + 1) + ") mu* / sigma |";
  }
  out += "\n| --- | --- | --- |";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) out += " --- |";
  out += "\n";
  for (std::size_t i = 0; i < factors.size(); ++i) {
    out += "| " + factors[i].name + " | " + factors[i].status + " | " +
           format("%g", factors[i].low) + "-" + format("%g", factors[i].high) + " |";
    for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
      out += " " + format("%.3g", effects.mu_star[i][k]) + " / " +
             format("%.3g", effects.sigma[i][k]) + " |";
    }
    out += "\n";
  }
  out +=
      "\n## Patient variability (generated patients, nominal parameters)\n\n"
      "Each output over the patients, in their own opioid status for output 5 (naive patients "
      "have no initial tolerance), with the range of the Morris screening's elementary effects "
      "beside it for scale: a spread between patients larger than every mu* means the cohort, "
      "not the uncertain population values, dominates that output.\n\n"
      "| output | median | 10th-90th percentile | range | largest mu* (factor) |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
    std::vector<double> values;
    for (const SafetyOutputs& p : patients) values.push_back(p[k]);
    std::sort(values.begin(), values.end());
    const auto quantile = [&values](double q) {
      if (values.empty()) return 0.0;
      const double position = q * static_cast<double>(values.size() - 1);
      const auto below = static_cast<std::size_t>(position);
      const std::size_t above = std::min(below + 1, values.size() - 1);
      return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
    };
    std::size_t largest = 0;
    for (std::size_t i = 1; i < factors.size(); ++i) {
      if (effects.mu_star[i][k] > effects.mu_star[largest][k]) largest = i;
    }
    out += "| (" + std::to_string(k + 1) + ") " + names[k] + " | " + format("%.3g", quantile(0.5)) +
           " | " + format("%.3g", quantile(0.1)) + "-" + format("%.3g", quantile(0.9)) + " | " +
           format("%.3g", values.empty() ? 0.0 : values.front()) + "-" +
           format("%.3g", values.empty() ? 0.0 : values.back()) + " | " +
           format("%.3g", effects.mu_star[largest][k]) + " (" + factors[largest].name + ") |\n";
  }
  out += "\nOutputs: ";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
    out += std::string(k ? "; " : "") + "(" + std::to_string(k + 1) + ") " + names[k];
  }
  return out + ".\n";
}

}  // namespace pumptwin::physio::validation
