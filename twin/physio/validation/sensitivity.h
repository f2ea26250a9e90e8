// Global sensitivity of the safety outputs to the patient model's uncertain parameters: Morris
// elementary effects (Morris 1991, Technometrics 33:161; mu* of Campolongo et al. 2007, Environ
// Model Softw 22:1509). The factors are parameter uncertainty: population-typical values that
// are calibrated or assumed (PK, effect sites, Emax, EC50s, Hill exponents, tolerance). The
// screening runs as a `pumpbench campaign` (bench/pumpbench/campaign.h, docs/campaigns.md): each
// design point is a whole-chain run with the factors applied to its patient and drug, the
// outputs are the runs' key figures. This file is its one definition of the factors, the design
// and the elementary effects. Patient variability (cohort.h) is kept apart: the patient model's
// safety outputs at the nominal parameters over generated patients, reported beside the
// screening, never mixed into it. bench/physio/physio_sensitivity writes docs/sensitivity.md
// from both.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio::validation {

// What one evaluation of the patient-variability outputs varies: the patients and the two drugs
// the outputs use (the morphine outputs' patient; the baclofen output's patient, tip T11 and
// target L2). The factors are written against it (Factor::apply); apply_factor maps a whole-chain
// run's patient and drug onto it.
struct ModelInputs {
  PatientParameters patient;
  PatientParameters baclofen_patient;
  DrugParameters morphine;
  DrugParameters baclofen;
};

// The inputs of a generated patient (cohort seed, member) at the nominal parameters: the
// member's own opioid status for output 5, the member with tip T11 and target L2 for baclofen.
ModelInputs cohort_inputs(std::uint64_t cohort_seed, std::size_t member);

struct Factor {
  std::string id;      // what a campaign file lists it by
  std::string name;    // with its unit, as the tables show it
  std::string status;  // [CAL] or [ASM] as in docs/models.md
  double low;
  double high;
  std::function<void(ModelInputs&, double)> apply;

  // The value at `unit` in [0, 1] of the range (linear).
  double value_at(double unit) const { return low + unit * (high - low); }
};

// The factors and their uncertainty ranges (docs/sensitivity.md lists them).
const std::vector<Factor>& uncertain_factors();
// The factor with this id, or nullptr.
const Factor* find_factor(std::string_view id);
// Sets `factor` to `unit` of its range in a whole-chain run's patient and drug: a factor of
// morphine changes the drug only when it is morphine, one of baclofen only when it is baclofen,
// a patient's factor (dispersion, initial tolerance) the patient whatever the drug.
void apply_factor(const Factor& factor, double unit, PatientParameters& patient,
                  DrugParameters& drug);

// Morris's one-at-a-time design over factors in [0, 1]: `levels` (even) levels
// {0, 1/(p-1), ..., 1}, step delta = p / (2 (p-1)) (2/3 for 4 levels); each trajectory starts at
// a random point of the lower half of the grid and moves every factor once, in a random order,
// by +delta; drawn from a seeded std::mt19937_64 with portable draws, so a design is the same on
// every platform.
struct MorrisDesign {
  std::size_t factor_count = 0;
  std::size_t trajectories = 0;
  std::size_t levels = 0;
  double delta = 0.0;
  // Trajectory r is points [r (k+1), (r+1) (k+1)) for k factors; a point that is not the first
  // of its trajectory differs from the one before it in factor moved[point] only.
  std::vector<std::vector<double>> points;
  std::vector<std::size_t> moved;
};
MorrisDesign morris_design(std::size_t factor_count, std::size_t trajectories, std::size_t levels,
                           std::uint64_t seed);

// mu* (mean |EE|) and sigma (standard deviation of EE) per factor and output.
struct ElementaryEffects {
  std::vector<std::vector<double>> mu_star;  // [factor][output]
  std::vector<std::vector<double>> sigma;
};
// The effects from the outputs at every point of the design: outputs[point][output].
ElementaryEffects elementary_effects(const MorrisDesign& design,
                                     const std::vector<std::vector<double>>& outputs);

// A ranked markdown table of one output's effects: factor, status, range, mu*, sigma, by mu*
// (largest first; ties in the factors' order). `factors` are the screened factors, in the
// order of the effects' rows.
std::string morris_ranking_markdown(const std::vector<const Factor*>& factors,
                                    const ElementaryEffects& effects, std::size_t output);

// Patient variability: the patient model's safety outputs (the experiments below) over generated
// patients at the nominal parameters.
inline constexpr std::size_t kSafetyOutputCount = 5;
using SafetyOutputs = std::array<double, kSafetyOutputCount>;
// Output names, in SafetyOutputs order.
const std::array<const char*, kSafetyOutputCount>& safety_output_names();
// The safety outputs of one set of inputs.
SafetyOutputs safety_outputs(const ModelInputs& inputs);

inline constexpr std::uint64_t kVariabilityCohortSeed = 42;
inline constexpr std::size_t kVariabilityPatients = 20;

// The outputs of each generated patient 0..count-1 of the cohort at the nominal parameters.
std::vector<SafetyOutputs> patient_variability(std::uint64_t cohort_seed, std::size_t count);

// The screening of one campaign cell (scenario x fault variant), as campaign.json reports it,
// and its first design point: the run `<scenario>/<variant>/point-0` and the outputs it gave,
// which docs/sensitivity.md records so that re-running that one run tells a stale document.
struct ScreenedCell {
  std::string scenario;
  std::string scenario_name;
  std::string variant;
  std::vector<std::string> outputs;
  ElementaryEffects effects;
  std::string first_run;
  std::vector<double> first_outputs;
};
// One sensitivity campaign: one safety question (its name and description say which).
struct Screening {
  std::string campaign_file;  // as given to pumpbench
  std::string inputs_sha256;  // of the campaign file, its scenario files and the requirements
  std::string name;
  std::string description;
  std::size_t trajectories = 0;
  std::size_t levels = 0;
  std::uint64_t seed = 0;
  std::size_t runs = 0;
  std::vector<const Factor*> factors;
  std::vector<ScreenedCell> cells;
};

// docs/sensitivity.md: the campaigns' screenings (in the order given), which question screens
// which factor, the freshness record and the patient variability.
std::string sensitivity_markdown(const std::vector<Screening>& screenings,
                                 const std::vector<SafetyOutputs>& patients);

// docs/sensitivity.md's freshness record: each campaign's inputs hash and each cell's first
// design point with its outputs, exactly (the shortest text that reads back as the same double).
// `physio_sensitivity --check` compares it with the one re-run cells give.
inline constexpr const char* kFreshnessHeading = "## Freshness record";
std::string freshness_markdown(const std::vector<Screening>& screenings);

}  // namespace pumptwin::physio::validation
