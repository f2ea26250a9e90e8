// Global sensitivity of the patient model's safety outputs to its uncertain parameters: Morris
// elementary effects (Morris 1991, Technometrics 33:161; mu* of Campolongo et al. 2007, Environ
// Model Softw 22:1509). The factors are parameter uncertainty: population-typical values that
// are calibrated or assumed (PK, effect sites, Emax, EC50s, Hill exponents, tolerance), varied
// over the reference patients. Patient variability (cohort.h) is kept apart: the same outputs at
// the nominal parameters over generated patients, reported beside the screening, never mixed
// into it. bench/physio/physio_sensitivity writes docs/sensitivity.md from both.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio::validation {

// What one evaluation varies: the patients and the two drugs the outputs use (the morphine
// outputs' patient; the baclofen output's patient, tip T11 and target L2).
struct ModelInputs {
  PatientParameters patient;
  PatientParameters baclofen_patient;
  DrugParameters morphine;
  DrugParameters baclofen;
};

// The reference inputs of the screening: the reference adult (opioid-tolerant, so that the
// initial tolerance factor matters for output 5; outputs 1-3 are opioid-naive by definition) and
// spasticity_lumbar, with the drug library's values.
ModelInputs reference_inputs();
// The inputs of a generated patient (cohort seed, member) at the nominal parameters: the
// member's own opioid status for output 5, the member with tip T11 and target L2 for baclofen.
ModelInputs cohort_inputs(std::uint64_t cohort_seed, std::size_t member);

struct Factor {
  std::string name;
  std::string status;  // [CAL] or [ASM] as in docs/models.md
  double low;
  double high;
  std::function<void(ModelInputs&, double)> apply;
};

inline constexpr std::size_t kSafetyOutputCount = 5;
using SafetyOutputs = std::array<double, kSafetyOutputCount>;

// The factors and their uncertainty ranges (docs/sensitivity.md lists them).
const std::vector<Factor>& uncertain_factors();
// Output names, in SafetyOutputs order.
const std::array<const char*, kSafetyOutputCount>& safety_output_names();
// The safety outputs of one set of inputs.
SafetyOutputs safety_outputs(const ModelInputs& inputs);

struct ElementaryEffects {
  std::vector<std::array<double, kSafetyOutputCount>> mu_star;  // per factor, mean |EE|
  std::vector<std::array<double, kSafetyOutputCount>> sigma;    // per factor, SD of EE
  SafetyOutputs nominal{};
  std::size_t evaluations = 0;
};

// Morris screening over factors in [0, 1] (mapped linearly to [low, high]), 4 levels, step 2/3,
// `trajectories` random one-at-a-time trajectories from a seeded std::mt19937_64. The model
// is any function of the normalised factor vector (the patient model, or a test function).
ElementaryEffects morris(std::size_t factor_count, std::size_t trajectories, std::uint64_t seed,
                         const std::function<SafetyOutputs(const std::vector<double>&)>& model);

// The design docs/sensitivity.md is generated with.
inline constexpr std::size_t kSensitivityTrajectories = 12;
inline constexpr std::uint64_t kSensitivitySeed = 19;
// Patient variability: the outputs over these generated patients at the nominal parameters.
inline constexpr std::uint64_t kVariabilityCohortSeed = 42;
inline constexpr std::size_t kVariabilityPatients = 20;

// Morris of the patient model over uncertain_factors() from reference_inputs().
ElementaryEffects patient_model_morris(std::size_t trajectories, std::uint64_t seed);

// The outputs of each generated patient 0..count-1 of the cohort at the nominal parameters.
std::vector<SafetyOutputs> patient_variability(std::uint64_t cohort_seed, std::size_t count);

// docs/sensitivity.md.
std::string sensitivity_markdown(const ElementaryEffects& effects, std::size_t trajectories,
                                 std::uint64_t seed, const std::vector<SafetyOutputs>& patients);

}  // namespace pumptwin::physio::validation
