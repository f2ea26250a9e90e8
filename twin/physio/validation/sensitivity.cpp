#include "twin/physio/validation/sensitivity.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <set>

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

// Analgesia after 6 weeks of 0.4 mg/day of morphine into T10 (hourly strokes), in the patient as
// given: the loss of effect that acquired tolerance brings. The dose is a few times the typical
// naive patient's 50 % dose (0.14 mg/day, docs/models.md), where tolerance still shows.
double analgesia_after_weeks(const ModelInputs& in) {
  PatientModel m(in.patient, in.morphine);
  const std::size_t tip = segment_for_level("T10");
  const double interval_s = kHour;
  for (double t = interval_s; t <= 42 * kDay; t += interval_s) {
    m.advance_to(t);
    m.inject(tip, 1e-3, 400.0 * interval_s / kDay);
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

Factor multiply(const std::string& id, const std::string& name, const std::string& status,
                double low, double high, double DrugParameters::*field, bool morphine) {
  return {id, name, status, low, high, [field, morphine](ModelInputs& in, double v) {
            DrugParameters& d = morphine ? in.morphine : in.baclofen;
            d.*field = v;
          }};
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

ModelInputs cohort_inputs(std::uint64_t cohort_seed, std::size_t member) {
  const PatientParameters patient = CohortGenerator(cohort_seed).patient(member);
  PatientParameters spastic = patient;
  spastic.catheter_tip_level = "T11";
  spastic.target_level = "L2";
  return {patient, spastic, drug(DrugId::kMorphine), drug(DrugId::kBaclofen)};
}

const std::vector<Factor>& uncertain_factors() {
  static const std::vector<Factor> factors = {
      {"dispersion", "dispersion D at C2, cm^2/s", "[CAL]", 0.1, 0.4,
       [](ModelInputs& in, double v) {
         in.patient.dispersion_cm2_per_s = v;
         in.baclofen_patient.dispersion_cm2_per_s = v;
       }},
      multiply("morphine_csf_clearance", "morphine CSF clearance, mL/min", "[CAL]", 0.57, 1.2,
               &DrugParameters::csf_clearance_ml_per_min, true),
      multiply("morphine_therapeutic_ke0", "morphine therapeutic t1/2 ke0, min", "[ASM]", 15.0,
               60.0, &DrugParameters::therapeutic_equilibration_half_life_min, true),
      multiply("morphine_supraspinal_ke0", "morphine supraspinal t1/2 ke0, min", "[CAL]", 110.0,
               440.0, &DrugParameters::supraspinal_equilibration_half_life_min, true),
      multiply("morphine_plasma_ke0", "morphine plasma t1/2 ke0, min", "[ASM]", 30.0, 180.0,
               &DrugParameters::plasma_effect_equilibration_half_life_min, true),
      multiply("morphine_analgesic_ec50", "morphine analgesic EC50, ug/mL", "[CAL]", 0.115, 0.46,
               &DrugParameters::ec50_csf_ug_per_ml, true),
      multiply("morphine_emax", "morphine analgesic Emax", "[ASM]", 0.7, 1.0, &DrugParameters::emax,
               true),
      multiply("morphine_hill", "morphine analgesic Hill", "[ASM]", 1.0, 2.5, &DrugParameters::hill,
               true),
      multiply("morphine_respiratory_ec50_csf", "morphine respiratory EC50 CSF, ug/mL", "[CAL]",
               0.425, 1.7, &DrugParameters::respiratory_ec50_csf_ug_per_ml, true),
      multiply("morphine_respiratory_ec50_plasma", "morphine respiratory EC50 plasma, ng/mL",
               "[ASM]", 50.0, 200.0, &DrugParameters::respiratory_ec50_plasma_ng_per_ml, true),
      multiply("morphine_adverse_hill", "morphine adverse Hill", "[ASM]", 1.5, 3.0,
               &DrugParameters::adverse_hill, true),
      multiply("morphine_tolerance_time_constant", "morphine tolerance time constant, d", "[ASM]",
               10.0, 42.0, &DrugParameters::tolerance_time_constant_d, true),
      multiply("morphine_tolerance_potency", "morphine tolerance potency K_I / EC50", "[CAL]", 1.5,
               3.0, &DrugParameters::tolerance_potency_ratio, true),
      {"initial_tolerance_factor", "initial tolerance factor (tolerant patient)", "[ASM]", 1.5, 6.0,
       [](ModelInputs& in, double v) { in.patient.initial_tolerance_factor = v; }},
      multiply("morphine_sc_absorption", "morphine s.c. absorption t1/2, min", "[STU]", 3.0, 15.0,
               &DrugParameters::tissue_absorption_half_life_min, true),
      multiply("morphine_central_volume", "morphine central volume, L/kg", "[CAL]", 0.4, 1.6,
               &DrugParameters::plasma_central_volume_l_per_kg, true),
      multiply("baclofen_csf_clearance", "baclofen CSF clearance, mL/min", "[CAL]", 0.8, 1.6,
               &DrugParameters::csf_clearance_ml_per_min, false),
      multiply("baclofen_therapeutic_ke0", "baclofen therapeutic t1/2 ke0, min", "[CAL]", 120.0,
               480.0, &DrugParameters::therapeutic_equilibration_half_life_min, false),
      multiply("baclofen_ec50", "baclofen EC50, ug/mL", "[CAL]", 0.16, 0.64,
               &DrugParameters::ec50_csf_ug_per_ml, false),
      multiply("baclofen_emax", "baclofen Emax", "[ASM]", 0.7, 1.0, &DrugParameters::emax, false),
      multiply("baclofen_hill", "baclofen Hill", "[ASM]", 1.5, 3.0, &DrugParameters::hill, false),
      multiply("baclofen_withdrawal_time_constant", "baclofen withdrawal time constant, h", "[ASM]",
               12.0, 48.0, &DrugParameters::withdrawal_adaptation_time_constant_h, false),
      multiply("baclofen_withdrawal_severity", "baclofen withdrawal severity", "[ASM]", 0.5, 1.0,
               &DrugParameters::withdrawal_severity, false),
  };
  return factors;
}

const std::array<const char*, kSafetyOutputCount>& safety_output_names() {
  static const std::array<const char*, kSafetyOutputCount> names = {
      "respiratory index, 1 mg IT morphine", "hours to that peak",
      "respiratory index, 20 mg s.c. morphine", "baclofen withdrawal risk after a stop",
      "analgesia after 6 weeks of 0.4 mg/day morphine"};
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

const Factor* find_factor(std::string_view id) {
  for (const Factor& factor : uncertain_factors()) {
    if (factor.id == id) return &factor;
  }
  return nullptr;
}

void apply_factor(const Factor& factor, double unit, PatientParameters& patient,
                  DrugParameters& run_drug) {
  // The run's patient stands for both patients of ModelInputs, the run's drug for the one of
  // the two drugs it is; the library's value of the other takes what its factors do, unused.
  ModelInputs in{patient, patient, drug(DrugId::kMorphine), drug(DrugId::kBaclofen)};
  if (run_drug.id == DrugId::kMorphine) in.morphine = run_drug;
  if (run_drug.id == DrugId::kBaclofen) in.baclofen = run_drug;
  factor.apply(in, factor.value_at(unit));
  patient = in.patient;
  if (run_drug.id == DrugId::kMorphine) run_drug = in.morphine;
  if (run_drug.id == DrugId::kBaclofen) run_drug = in.baclofen;
}

MorrisDesign morris_design(std::size_t factor_count, std::size_t trajectories, std::size_t levels,
                           std::uint64_t seed) {
  MorrisDesign design;
  design.factor_count = factor_count;
  design.trajectories = trajectories;
  design.levels = levels;
  const double step = 1.0 / static_cast<double>(levels - 1);
  design.delta = static_cast<double>(levels / 2) * step;
  std::mt19937_64 engine(seed);
  for (std::size_t r = 0; r < trajectories; ++r) {
    // A start from which +delta stays in [0, 1]: one of the lower levels/2 levels.
    std::vector<double> x(factor_count);
    for (double& xi : x) {
      const auto level = std::min(
          levels / 2 - 1,
          static_cast<std::size_t>(uniform_unit(engine) * static_cast<double>(levels / 2)));
      xi = static_cast<double>(level) * step;
    }
    std::vector<std::size_t> order(factor_count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Fisher-Yates with the portable uniform draw (std::shuffle is implementation-defined).
    for (std::size_t i = factor_count; i > 1; --i) {
      const auto j =
          std::min(i - 1, static_cast<std::size_t>(uniform_unit(engine) * static_cast<double>(i)));
      std::swap(order[i - 1], order[j]);
    }
    design.points.push_back(x);
    design.moved.push_back(0);  // the start moves nothing
    for (const std::size_t i : order) {
      x[i] += design.delta;
      design.points.push_back(x);
      design.moved.push_back(i);
    }
  }
  return design;
}

ElementaryEffects elementary_effects(const MorrisDesign& design,
                                     const std::vector<std::vector<double>>& outputs) {
  const std::size_t output_count = outputs.empty() ? 0 : outputs.front().size();
  // effects[factor][output]: one elementary effect per trajectory.
  std::vector<std::vector<std::vector<double>>> effects(
      design.factor_count, std::vector<std::vector<double>>(output_count));
  const std::size_t length = design.factor_count + 1;
  for (std::size_t point = 0; point < design.points.size(); ++point) {
    if (point % length == 0) continue;
    for (std::size_t k = 0; k < output_count; ++k) {
      effects[design.moved[point]][k].push_back((outputs[point][k] - outputs[point - 1][k]) /
                                                design.delta);
    }
  }
  ElementaryEffects result;
  for (const auto& factor : effects) {
    std::vector<double> mu_star, sigma;
    for (const std::vector<double>& values : factor) {
      std::vector<double> absolute;
      for (const double v : values) absolute.push_back(std::abs(v));
      mu_star.push_back(mean(absolute));
      const double m = mean(values);
      double sum_sq = 0.0;
      for (const double v : values) sum_sq += (v - m) * (v - m);
      sigma.push_back(values.size() > 1 ? std::sqrt(sum_sq / static_cast<double>(values.size() - 1))
                                        : 0.0);
    }
    result.mu_star.push_back(mu_star);
    result.sigma.push_back(sigma);
  }
  return result;
}

std::string morris_ranking_markdown(const std::vector<const Factor*>& factors,
                                    const ElementaryEffects& effects, std::size_t output) {
  std::vector<std::size_t> order(factors.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return effects.mu_star[a][output] > effects.mu_star[b][output];
  });
  std::string out =
      "| rank | factor | id | status | range | mu* | sigma |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const Factor& factor = *factors[order[rank]];
    out += "| " + std::to_string(rank + 1) + " | " + factor.name + " | `" + factor.id + "` | " +
           factor.status + " | " + format("%g", factor.low) + "-" + format("%g", factor.high) +
           " | " + format("%.3g", effects.mu_star[order[rank]][output]) + " | " +
           format("%.3g", effects.sigma[order[rank]][output]) + " |\n";
  }
  return out;
}

std::vector<SafetyOutputs> patient_variability(std::uint64_t cohort_seed, std::size_t count) {
  std::vector<SafetyOutputs> outputs;
  for (std::size_t i = 0; i < count; ++i) {
    outputs.push_back(safety_outputs(cohort_inputs(cohort_seed, i)));
  }
  return outputs;
}

namespace {

// The shortest %g text that reads back as the same double: an exact record of a run's output.
std::string exact(double value) {
  for (int digits = 1; digits < 17; ++digits) {
    const std::string text = format(("%." + std::to_string(digits) + "g").c_str(), value);
    if (std::strtod(text.c_str(), nullptr) == value) return text;
  }
  return format("%.17g", value);
}

// Which campaign file is the question's: its file name without the folder and ".yaml".
std::string question_id(const Screening& screening) {
  std::string id = screening.campaign_file.substr(screening.campaign_file.rfind('/') + 1);
  return id.substr(0, id.rfind('.'));
}

// For each factor, each question screening it with the best rank the factor reaches there (over
// its cells and outputs); "not screened" when none does.
std::string coverage_markdown(const std::vector<Screening>& screenings) {
  std::string out =
      "| factor | id | status | range | screened by: question (best rank among its factors, "
      "output, mu*) |\n| --- | --- | --- | --- | --- |\n";
  for (const Factor& factor : uncertain_factors()) {
    std::string where;
    for (const Screening& screening : screenings) {
      const auto found = std::find(screening.factors.begin(), screening.factors.end(), &factor);
      if (found == screening.factors.end()) continue;
      const auto i = static_cast<std::size_t>(found - screening.factors.begin());
      std::size_t best = screening.factors.size() + 1;
      std::string best_output;
      double best_mu_star = 0.0;
      for (const ScreenedCell& cell : screening.cells) {
        for (std::size_t k = 0; k < cell.outputs.size(); ++k) {
          const double own = cell.effects.mu_star[i][k];
          if (own == 0.0) continue;
          std::size_t rank = 1;
          for (std::size_t j = 0; j < screening.factors.size(); ++j) {
            const double other = cell.effects.mu_star[j][k];
            // As the tables rank: by mu*, ties in the factors' order.
            if (other > own || (other == own && j < i)) ++rank;
          }
          if (rank < best) {
            best = rank;
            best_output = cell.outputs[k];
            best_mu_star = own;
          }
        }
      }
      where +=
          (where.empty() ? "" : "; ") + question_id(screening) +
          (best_output.empty()
               ? std::string(" (mu* 0 on every output)")
               : " (" + std::to_string(best) + " of " + std::to_string(screening.factors.size()) +
                     ", `" + best_output + "`, mu* " + format("%.3g", best_mu_star) + ")");
    }
    out += "| " + factor.name + " | `" + factor.id + "` | " + factor.status + " | " +
           format("%g", factor.low) + "-" + format("%g", factor.high) + " | " +
           (where.empty() ? "not screened" : where) + " |\n";
  }
  return out;
}

}  // namespace

std::string freshness_markdown(const std::vector<Screening>& screenings) {
  std::string out = std::string(kFreshnessHeading) +
                    "\n\n"
                    "| campaign | inputs sha256 | first design point | output | value |\n"
                    "| --- | --- | --- | --- | --- |\n";
  for (const Screening& screening : screenings) {
    for (const ScreenedCell& cell : screening.cells) {
      for (std::size_t k = 0; k < cell.outputs.size(); ++k) {
        out += "| `" + screening.campaign_file + "` | `" + screening.inputs_sha256 + "` | `" +
               cell.first_run + "` | `" + cell.outputs[k] + "` | " +
               (k < cell.first_outputs.size() && !std::isnan(cell.first_outputs[k])
                    ? exact(cell.first_outputs[k])
                    : "missing (the run gave no figure)") +
               " |\n";
      }
    }
  }
  return out;
}

std::string sensitivity_markdown(const std::vector<Screening>& screenings,
                                 const std::vector<SafetyOutputs>& patients) {
  const auto& names = safety_output_names();
  std::size_t runs = 0;
  std::set<std::size_t> trajectories;
  for (const Screening& screening : screenings) {
    runs += screening.runs;
    trajectories.insert(screening.trajectories);
  }
  std::string precision;
  for (const std::size_t r : trajectories) {
    precision += std::string(precision.empty() ? "" : ", ") + "with " + std::to_string(r) +
                 " trajectories at most " +
                 format("%.2f", 1.0 / std::sqrt(static_cast<double>(r))) + " sigma";
  }
  std::string out =
      "# Sensitivity of the safety outputs: parameter uncertainty and patient variability\n\n"
      "Generated by `campaigns/sensitivity.sh` (`pumpbench campaign FILE` for every campaign "
      "file of `campaigns/sensitivity/`, each one safety question, then `physio_sensitivity` on "
      "their `campaign.json`): Morris elementary effects over " +
      std::to_string(runs) +
      " whole-chain runs in all. Method and factors: `twin/physio/validation/sensitivity.h`, "
      "[campaigns.md](campaigns.md) (\"Sensitivity\"), [credibility.md](credibility.md). "
      "CTest re-runs the first design point of every screened scenario and fails when the "
      "outputs or the inputs' hashes differ from the [freshness record](#freshness-record).\n\n"
      "Two kinds of uncertainty, kept apart. **Parameter uncertainty**: the population-typical "
      "value of a calibrated [CAL] or assumed [ASM] parameter, varied over its range (mapped "
      "linearly from the levels) by the Morris screening, always in the same patient: each "
      "design point is one run of the whole chain (firmware, pump, catheter, patient) of the "
      "campaign's scenario with the factors applied to its patient and drug, and the outputs are "
      "the run's key figures (`result.json`, [scenarios.md](scenarios.md)). **Patient "
      "variability**: real spread between patients (the cohort, [models.md](models.md)), shown "
      "in the last table as the patient model's outputs for generated patients at the nominal "
      "parameters; it is not a factor of the screening.\n\n"
      "## Parameter uncertainty (Morris screening of whole-chain runs)\n\n"
      "mu* is the mean absolute elementary effect (change of the output when the factor moves "
      "over its whole range, per unit of that range, in the output's unit); sigma the standard "
      "deviation of the effects (interactions and non-linearity). Factors are ranked by mu*; "
      "those with mu* near 0 can be left as assumptions for this use, the largest are where "
      "better data would most improve credibility. Precision: a mu* is the mean of one "
      "|elementary effect| per trajectory, so its standard error is at most sigma divided by the "
      "square root of the trajectories (|EE| spreads no more than EE): " +
      precision +
      "; factors whose mu* differ by less than that are not told apart.\n\n"
      "Each question screens the factors that can act in its scenarios (a factor of another "
      "drug, or one that does not enter its outputs, would read 0 by construction); every factor "
      "of the registry is screened by at least one:\n\n" +
      coverage_markdown(screenings);
  for (const Screening& screening : screenings) {
    std::string description = screening.description;
    while (!description.empty() && std::isspace(static_cast<unsigned char>(description.back()))) {
      description.pop_back();
    }
    out += "\n### Question `" + question_id(screening) + "`: " + screening.name + "\n\n" +
           description + "\n\n`pumpbench campaign " + screening.campaign_file +
           "`: " + std::to_string(screening.factors.size()) + " factors, " +
           std::to_string(screening.trajectories) + " trajectories of " +
           std::to_string(screening.levels) + " levels, seed " + std::to_string(screening.seed) +
           ", " + std::to_string(screening.runs) + " runs.\n";
    for (const ScreenedCell& cell : screening.cells) {
      for (std::size_t k = 0; k < cell.outputs.size(); ++k) {
        out += "\n#### " + cell.scenario_name + " [" + cell.variant + "]: `" + cell.outputs[k] +
               "`\n\n" + morris_ranking_markdown(screening.factors, cell.effects, k);
      }
    }
  }
  out +=
      "\n" + freshness_markdown(screenings) +
      "\nEach campaign's first design point of each scenario (`pumpbench campaign FILE --shard "
      "0/P`, P the design's points: the runs `<scenario>/<variant>/point-0`, in the same worker "
      "processes) is re-run by the test `PumpbenchSensitivity.CheckedInDocumentMatchesItsReRuns` "
      "(`physio_sensitivity --check`), which fails when an output differs in any digit or an "
      "inputs hash (campaign file, scenario files, requirements) differs: the model or the "
      "inputs changed since this document was generated. Regenerate it with "
      "`campaigns/sensitivity.sh build/default OUT 2`.\n";
  out +=
      "\n## Patient variability (generated patients, nominal parameters)\n\n"
      "The patient model alone, in " +
      std::to_string(patients.size()) + " generated patients of cohort seed " +
      std::to_string(kVariabilityCohortSeed) +
      " (`patient_variability()`), each in its own opioid status for output 5 (naive patients "
      "have no initial tolerance): (1) peak respiratory-depression index within 24 h of 1 mg "
      "morphine into lumbar CSF (opioid-naive); (2) the hour of that peak; (3) peak "
      "respiratory-depression index within 12 h of 20 mg morphine under the skin (a small pocket "
      "fill); (4) peak withdrawal risk within 3 days of stopping 400 ug/day of baclofen at T11 "
      "after 5 days; (5) analgesia fraction after 6 weeks of 0.4 mg/day of morphine into T10 (the "
      "loss of effect acquired tolerance brings). Outputs (1)-(3) are what question "
      "`respiratory_day`'s `peak_respiratory_depression_index` and "
      "`peak_respiratory_depression_time_h` measure in the whole chain, (4) `baclofen_stop`'s "
      "`peak_withdrawal_risk`, (5) `tolerance_six_weeks`'s `final_analgesia_fraction` (there "
      "titrated, in a tolerant patient): a spread "
      "between patients larger than the largest mu* of an output means the cohort, not the "
      "uncertain population values, dominates it.\n\n"
      "| output | median | 10th-90th percentile | range |\n"
      "| --- | --- | --- | --- |\n";
  for (std::size_t k = 0; k < kSafetyOutputCount; ++k) {
    std::vector<double> values;
    for (const SafetyOutputs& p : patients) values.push_back(p[k]);
    std::sort(values.begin(), values.end());
    const auto quantile = [&values](double q) {
      if (values.empty()) return 0.0;
      const double position = q * static_cast<double>(values.size() - 1);
      const auto below = static_cast<std::size_t>(position);
      const std::size_t above = std::min(below + 1, values.size() - 1);
      return values[below] +
             (position - static_cast<double>(below)) * (values[above] - values[below]);
    };
    out += "| (" + std::to_string(k + 1) + ") " + names[k] + " | " + format("%.3g", quantile(0.5)) +
           " | " + format("%.3g", quantile(0.1)) + "-" + format("%.3g", quantile(0.9)) + " | " +
           format("%.3g", values.empty() ? 0.0 : values.front()) + "-" +
           format("%.3g", values.empty() ? 0.0 : values.back()) + " |\n";
  }
  return out;
}

}  // namespace pumptwin::physio::validation
