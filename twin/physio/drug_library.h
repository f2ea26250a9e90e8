// Intrathecal drug library: the six drugs of the Polyanalgesic Consensus Conference algorithms
// and intrathecal baclofen, with the clinical limits the pump programmer enforces and the
// pharmacokinetic and pharmacodynamic parameters the patient model uses. Every value's source
// is in the comment of drug_library.cpp and in docs/models.md; values marked "calibrated" were
// fitted so the model reproduces a published observation, named there.
//
// The firmware keeps its own library (firmware/app/drug_library.h); the overlapping fields
// (name, concentration range, maximum daily dose) are checked against each other by
// tests/twin/physio_drug_library_agreement_test.cpp.
#pragma once

#include <array>
#include <string_view>

namespace pumptwin::physio {

enum class DrugId { kMorphine, kHydromorphone, kBaclofen, kZiconotide, kBupivacaine, kClonidine };

enum class DrugClass {
  kOpioid,
  kGabaBAgonist,
  kCalciumChannelBlocker,
  kLocalAnaesthetic,
  kAlpha2Agonist
};

// What the drug is infused for.
enum class TherapeuticEffect { kAnalgesia, kAntispasticity };

struct DrugParameters {
  DrugId id;
  std::string_view name;
  DrugClass drug_class;
  TherapeuticEffect effect;

  // Clinical limits.
  double min_concentration_ug_per_ml;
  double max_concentration_ug_per_ml;
  double starting_dose_ug_per_day;
  double max_daily_dose_ug_per_day;

  // CSF pharmacokinetics: whole-CSF clearance (bulk outflow plus transfer across the meninges
  // and into the cord) and the CSF half-life it was derived from or checked against.
  double csf_clearance_ml_per_min;
  double csf_half_life_h;

  // Plasma pharmacokinetics and absorption from a subcutaneous depot. The volume is the
  // steady-state volume of distribution and sets clearance = volume * ln2 / half-life; a
  // central volume > 0 splits it into central (sampled plasma) and peripheral compartments
  // exchanging at the distribution clearance, else one compartment.
  double plasma_volume_l_per_kg;
  double plasma_half_life_h;
  double tissue_absorption_half_life_min;
  double plasma_central_volume_l_per_kg;
  double plasma_distribution_clearance_l_per_h_per_kg;

  // Effect-site (biophase) equilibration half-lives (t1/2 ke0), minutes: of the therapeutic
  // effect with the target-segment CSF, of the supraspinal effects (respiratory depression,
  // sedation) with intracranial CSF, and of those effects with plasma.
  double therapeutic_equilibration_half_life_min;
  double supraspinal_equilibration_half_life_min;
  double plasma_effect_equilibration_half_life_min;

  // Therapeutic effect at the target segment: Emax model with Hill coefficient.
  double ec50_csf_ug_per_ml;
  double hill;
  double emax;

  // Adverse effects; 0 where the drug has none of that kind.
  double respiratory_ec50_csf_ug_per_ml;     // intracranial CSF (opioids)
  double respiratory_ec50_plasma_ng_per_ml;  // plasma (opioids)
  double sedation_ec50_plasma_ng_per_ml;
  double sedation_ec50_csf_ug_per_ml;  // intracranial CSF
  // 0 none, 1 life-threatening (baclofen): scales the withdrawal risk signal.
  double withdrawal_severity;
  // Hill exponent of the adverse-effect curves: the steep rise of opioid respiratory depression
  // near its threshold (Dahan et al. 2010, Anesthesiology 112:226); the value is an assumption.
  double adverse_hill = 2.0;
  // Time constant with which the patient adapts to the target concentration (withdrawal):
  // syndromes after abrupt cessation of intrathecal baclofen start within hours and peak over
  // 1-3 days (Coffey et al. 2002, Arch Phys Med Rehabil 83:735); the value is an assumption.
  double withdrawal_adaptation_time_constant_h = 24.0;
  // Opioid tolerance acquired under therapy (competitive form of Porchet, Benowitz & Sheiner
  // 1988, J Pharmacol Exp Ther 244:231): a tolerance compartment x follows the target
  // concentration over this time constant, scaled by the tolerance potency K_I, and multiplies
  // the EC50s by (1 + x). K_I is given as a multiple of the patient's EC50 at the start of
  // therapy, so the dose that keeps an effect rises at most 1 / (1 - C/K_I)-fold and the effect
  // stays reachable up to C = K_I. 0: no tolerance process (non-opioids).
  double tolerance_time_constant_d = 0.0;
  double tolerance_potency_ratio = 0.0;
};

inline constexpr std::size_t kDrugCount = 6;

const std::array<DrugParameters, kDrugCount>& drug_library();
const DrugParameters& drug(DrugId id);
// By name ("morphine", "baclofen"...), case-sensitive. Throws std::invalid_argument.
const DrugParameters& drug(std::string_view name);

}  // namespace pumptwin::physio
