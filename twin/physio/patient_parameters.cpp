#include "twin/physio/patient_parameters.h"

#include <stdexcept>

namespace pumptwin::physio {

const std::vector<PatientParameters>& reference_patients() {
  static const std::vector<PatientParameters> patients = [] {
    std::vector<PatientParameters> list;
    list.push_back(PatientParameters{});

    // Opioid-tolerant cancer patient with thoracic pain, on a cancer-pain maintenance dose: the
    // mean intrathecal morphine at satisfactory analgesia of 159 cancer patients was 2.69 mg/day
    // (Sallerin-Caute 1998), ~20 times the naive patient's 50 % dose (0.14 mg/day, Grider 2011).
    // ASSUMPTION: factor 10, the generated cohort's most tolerant, with which that dose gives
    // this patient >= 50 % relief
    // (PhysioCohort.CancerPainPatientIsRelievedNotSedatedOnACancerPainDose).
    PatientParameters cancer;
    cancer.name = "cancer_pain_thoracic";
    cancer.body_weight_kg = 62.0;
    cancer.opioid_tolerant = true;
    cancer.initial_tolerance_factor = 10.0;
    cancer.baseline_pain_score = 8.0;
    cancer.target_level = "T6";
    cancer.catheter_tip_level = "T7";
    list.push_back(cancer);

    // Spinal-cord-injury spasticity; the target is the lumbar enlargement.
    PatientParameters spasticity;
    spasticity.name = "spasticity_lumbar";
    spasticity.body_weight_kg = 75.0;
    spasticity.baseline_pain_score = 3.0;
    spasticity.target_level = "L2";
    spasticity.catheter_tip_level = "T11";
    list.push_back(spasticity);

    // Stiff CSF space (PVI ~15 mL) and impaired absorption, as in communicating hydrocephalus
    // (Czosnyka 2004: Rout > 13 mmHg/(mL/min) abnormal).
    PatientParameters stiff;
    stiff.name = "low_compliance";
    stiff.elastance_per_ml = 0.1535;
    stiff.outflow_resistance_mmhg_min_per_ml = 14.0;
    stiff.sagittal_sinus_pressure_mmhg = 7.0;
    list.push_back(stiff);

    // Elderly patient: brain atrophy enlarges CSF spaces (~+25 %), formation falls
    // (May 1990, Neurology 40:500: 0.19 mL/min at 77 years).
    PatientParameters elderly;
    elderly.name = "elderly_atrophy";
    elderly.body_weight_kg = 60.0;
    elderly.csf_volume_ml = 190.0;
    elderly.csf_production_ml_per_min = 0.2;
    elderly.outflow_resistance_mmhg_min_per_ml = 10.0;
    elderly.sagittal_sinus_pressure_mmhg = 8.5;
    elderly.sensitivity = 1.5;
    list.push_back(elderly);
    return list;
  }();
  return patients;
}

const PatientParameters& reference_patient(std::string_view name) {
  for (const PatientParameters& p : reference_patients()) {
    if (p.name == name) return p;
  }
  throw std::invalid_argument("unknown reference patient");
}

}  // namespace pumptwin::physio
