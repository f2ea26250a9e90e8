// A virtual patient: the inter-individual parameters of CSF hydrodynamics, drug transport and
// drug response. Defaults are the reference adult; sources in docs/models.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pumptwin::physio {

struct PatientParameters {
  std::string name = "reference_adult";
  double body_weight_kg = 70.0;
  // Total CSF ~150 mL (Sakka 2011); segment volumes scale with it.
  double csf_volume_ml = 150.0;
  // Formation ~0.35 mL/min, ~500 mL/day (Ekstedt 1978, J Neurol Neurosurg Psychiatry 41:345).
  double csf_production_ml_per_min = 0.35;
  // Marmarou elastance; pressure-volume index PVI = ln(10)/E = 25 mL (Marmarou 1978,
  // J Neurosurg 48:332; Shapiro 1980, Ann Neurol 7:508: PVI 25.9 +/- 2.5 mL in adults).
  double elastance_per_ml = 0.0921;
  // Resistance to CSF outflow, normal 6-10 mmHg/(mL/min) (Czosnyka 2004, J Neurol Neurosurg
  // Psychiatry 75:813; Ekstedt 1978).
  double outflow_resistance_mmhg_min_per_ml = 8.0;
  // Pressure in the sagittal sinus, the back-pressure of absorption: 6-9 mmHg supine
  // (Czosnyka 2004); with formation * resistance = 2.8 mmHg it sets baseline CSF pressure.
  double sagittal_sinus_pressure_mmhg = 8.5;
  // Share of CSF absorbed along the spinal canal rather than intracranially; spinal absorption
  // ~0.11-0.23 mL/min under infusion (Edsbagge 2004, Am J Physiol 287:R1450).
  double spinal_absorption_fraction = 0.4;
  // Effective axial dispersion of spinal CSF at C2, where cardiac and respiratory pulsation
  // (oscillatory flow, ~1 mL per beat at C2; Greitz 1993) mixes far faster than molecular
  // diffusion; it falls caudally with the oscillation's amplitude (patient_model.cpp).
  // Calibrated on the baclofen lumbar:cisternal ratio (Kroin 1993): see docs/models.md.
  double dispersion_cm2_per_s = 0.2;
  // Scales drug-specific transfer out of CSF (meninges, cord, epidural fat).
  double clearance_scale = 1.0;
  // Divides every EC50: inter-individual pharmacodynamic sensitivity apart from opioid
  // tolerance (> 1 more sensitive, e.g. the elderly). Assumption; see docs/models.md.
  double sensitivity = 1.0;
  // Opioid status at the start of intrathecal therapy (PACC 2017 doses naive and tolerant
  // patients differently). A tolerant patient's opioid EC50s (analgesia, respiratory
  // depression, sedation) start multiplied by initial_tolerance_factor; a naive patient's at 1.
  bool opioid_tolerant = false;
  double initial_tolerance_factor = 1.0;
  // The largest fraction of this patient's pain an opioid can relieve, however high the dose:
  // 1 leaves the drug's own Emax; a pain that responds poorly to opioids (more often neuropathic
  // pain; McQuay 1992, Jadad 1992, docs/models.md) has a lower ceiling. It caps opioid analgesia
  // only: the side effects of a dose are the same.
  double opioid_relief_ceiling = 1.0;
  // Numeric rating scale 0-10 without therapy.
  double baseline_pain_score = 7.0;
  // Level of the dermatomes the therapy aims at (pain origin, spastic segments).
  std::string target_level = "T10";
  // Vertebral level of the catheter tip at implant: T8-T12 is usual for pain and spasticity
  // (Deer 2017 [PACC]); PatientTwin places the catheter tip there.
  std::string catheter_tip_level = "T10";
};

// Named reference patients for scenarios: reference_adult, cancer_pain_thoracic,
// spasticity_lumbar, low_compliance, elderly_atrophy.
const std::vector<PatientParameters>& reference_patients();
// Throws std::invalid_argument for an unknown name.
const PatientParameters& reference_patient(std::string_view name);

}  // namespace pumptwin::physio
