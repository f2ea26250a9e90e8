// Global sensitivity of the patient model's safety outputs to its uncertain parameters: Morris
// elementary effects (Morris 1991, Technometrics 33:161; mu* of Campolongo et al. 2007, Environ
// Model Softw 22:1509). The factors are parameter uncertainty: population-typical values that
// are calibrated or assumed. Patient variability (cohort.h) is a different thing and is not
// varied here: every run is the reference adult (or spasticity_lumbar for baclofen).
// bench/physio/physio_sensitivity writes docs/sensitivity.md from it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio::validation {

// What one evaluation varies: the patient and the two drugs the outputs use.
struct ModelInputs {
  PatientParameters patient;
  DrugParameters morphine;
  DrugParameters baclofen;
};

struct Factor {
  std::string name;
  std::string status;  // [CAL] or [ASM] as in docs/models.md
  double low;
  double high;
  std::function<void(ModelInputs&, double)> apply;
};

inline constexpr std::size_t kSafetyOutputCount = 4;
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
inline constexpr std::size_t kSensitivityTrajectories = 20;
inline constexpr std::uint64_t kSensitivitySeed = 19;

// Morris of the patient model over uncertain_factors().
ElementaryEffects patient_model_morris(std::size_t trajectories, std::uint64_t seed);

// docs/sensitivity.md.
std::string sensitivity_markdown(const ElementaryEffects& effects, std::size_t trajectories,
                                 std::uint64_t seed);

}  // namespace pumptwin::physio::validation
