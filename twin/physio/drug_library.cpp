#include "twin/physio/drug_library.h"

#include <stdexcept>

namespace pumptwin::physio {
namespace {

// Sources (full references in docs/models.md):
//  [PACC] Deer et al. 2017, Polyanalgesic Consensus Conference, Neuromodulation 20:96-132.
//  [INF]  Infumorph (preservative-free morphine) prescribing information: 10 and 25 mg/mL.
//  [LIO]  Lioresal Intrathecal / Gablofen prescribing information: 50-2000 ug/mL; CSF clearance
//         ~30 mL/h, CSF half-life 1.51 h; lumbar:cisternal ratio ~4:1 under infusion.
//  [PRI]  Prialt (ziconotide) prescribing information: 25 and 100 ug/mL, 2.4 ug/day start,
//         19.2 ug/day maximum; CSF clearance 0.38 mL/min, Vd 155 mL, CSF t1/2 4.6 +/- 0.9 h;
//         plasma t1/2 1.3 h.
//  [MAR]  Marcaine (bupivacaine) prescribing information: Vd 73 L, plasma t1/2 2.7 h.
//  [CAT]  Catapres / Duraclon (clonidine) prescribing information: Vd 2.1 L/kg, t1/2 12-16 h;
//         rebound hypertension on withdrawal.
//  [LUG]  Lugo & Kern 2004, J Pain Palliat Care Pharmacother 18(4):17-30 (opioid PK).
//  [STU]  Stuart-Harris et al. 2000, Br J Clin Pharmacol 49:207-14 (s.c. morphine tmax ~15 min).
//  [BAS]  Baselt, Disposition of Toxic Drugs and Chemicals in Man (toxic plasma levels).
//  [BER]  Bernards 2006, Anesthesiology 105:169-78 (lipophilic drugs stay near the tip).
//  [CAL]  calibrated in this model; docs/models.md names the observation it reproduces.
// Concentrations and daily doses agree with firmware/app/drug_library.h (checked by a test).

DrugParameters morphine() {
  DrugParameters d{};
  d.id = DrugId::kMorphine;
  d.name = "morphine";
  d.drug_class = DrugClass::kOpioid;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;     // [PACC]
  d.max_concentration_ug_per_ml = 25000.0;   // [INF] 25 mg/mL preparation
  d.starting_dose_ug_per_day = 200.0;        // [PACC] 0.1-0.5 mg/day
  d.max_daily_dose_ug_per_day = 15000.0;     // [PACC]
  d.csf_clearance_ml_per_min = 0.4;          // hydrophilic: ~ CSF turnover [CAL]
  d.csf_half_life_h = 4.3;                   // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 3.5;            // [LUG] 3-4 L/kg
  d.plasma_half_life_h = 2.5;                // [LUG] 2-3 h
  d.tissue_absorption_half_life_min = 15.0;  // [STU]
  d.ec50_csf_ug_per_ml = 2.0;                // [CAL] 0.6 mg/day at T10 halves the pain
  d.hill = 1.5;
  d.emax = 0.9;
  d.respiratory_ec50_csf_ug_per_ml = 3.0;       // [CAL] intracranial
  d.respiratory_ec50_plasma_ng_per_ml = 100.0;  // [BAS] toxic from ~100 ng/mL (naive)
  d.sedation_ec50_plasma_ng_per_ml = 60.0;      // [LUG]
  d.sedation_ec50_csf_ug_per_ml = 2.0;          // [CAL]
  d.withdrawal_severity = 0.6;
  return d;
}

DrugParameters hydromorphone() {
  DrugParameters d{};
  d.id = DrugId::kHydromorphone;
  d.name = "hydromorphone";
  d.drug_class = DrugClass::kOpioid;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;     // [PACC]
  d.max_concentration_ug_per_ml = 15000.0;   // [PACC]
  d.starting_dose_ug_per_day = 40.0;         // [PACC] 0.01-0.15 mg/day
  d.max_daily_dose_ug_per_day = 10000.0;     // [PACC]
  d.csf_clearance_ml_per_min = 0.8;          // more lipophilic than morphine [BER, CAL]
  d.csf_half_life_h = 2.6;                   // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 4.0;            // [LUG]
  d.plasma_half_life_h = 2.5;                // [LUG]
  d.tissue_absorption_half_life_min = 15.0;  // as morphine [STU]
  d.ec50_csf_ug_per_ml = 0.25;               // [PACC] 5:1 dose potency vs morphine [CAL]
  d.hill = 1.5;
  d.emax = 0.9;
  d.respiratory_ec50_csf_ug_per_ml = 0.3;      // [CAL]
  d.respiratory_ec50_plasma_ng_per_ml = 20.0;  // [LUG] ~5x morphine potency
  d.sedation_ec50_plasma_ng_per_ml = 12.0;     // [LUG]
  d.sedation_ec50_csf_ug_per_ml = 0.2;         // [CAL]
  d.withdrawal_severity = 0.6;
  return d;
}

DrugParameters baclofen() {
  DrugParameters d{};
  d.id = DrugId::kBaclofen;
  d.name = "baclofen";
  d.drug_class = DrugClass::kGabaBAgonist;
  d.effect = TherapeuticEffect::kAntispasticity;
  d.min_concentration_ug_per_ml = 50.0;      // [LIO]
  d.max_concentration_ug_per_ml = 2000.0;    // [LIO]
  d.starting_dose_ug_per_day = 100.0;        // [LIO] screening 50-100 ug, then titrate
  d.max_daily_dose_ug_per_day = 1000.0;      // [LIO] little experience above 1000 ug/day
  d.csf_clearance_ml_per_min = 0.5;          // [LIO] ~30 mL/h
  d.csf_half_life_h = 1.51;                  // [LIO]
  d.plasma_volume_l_per_kg = 0.7;            // [LIO] oral PK
  d.plasma_half_life_h = 3.5;                // [LIO] 2.5-4 h
  d.tissue_absorption_half_life_min = 30.0;  // [CAL] hydrophilic zwitterion, slower s.c.
  d.ec50_csf_ug_per_ml = 0.5;                // [CAL] 300 ug/day at T10: ~70 % of maximum
  d.hill = 2.0;
  d.emax = 0.9;
  d.sedation_ec50_csf_ug_per_ml = 5.0;  // [LIO] overdose: drowsiness to coma [CAL]
  d.withdrawal_severity = 1.0;          // [LIO] boxed warning: abrupt stop can be fatal
  return d;
}

DrugParameters ziconotide() {
  DrugParameters d{};
  d.id = DrugId::kZiconotide;
  d.name = "ziconotide";
  d.drug_class = DrugClass::kCalciumChannelBlocker;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 25.0;      // [PRI]
  d.max_concentration_ug_per_ml = 100.0;     // [PRI]
  d.starting_dose_ug_per_day = 2.4;          // [PRI]
  d.max_daily_dose_ug_per_day = 19.2;        // [PRI]
  d.csf_clearance_ml_per_min = 0.38;         // [PRI]
  d.csf_half_life_h = 4.6;                   // [PRI]
  d.plasma_volume_l_per_kg = 0.43;           // [PRI] ~30 L
  d.plasma_half_life_h = 1.3;                // [PRI]
  d.tissue_absorption_half_life_min = 30.0;  // [CAL] peptide, slow s.c. absorption
  d.ec50_csf_ug_per_ml = 0.02;               // [CAL] 7.2 ug/day at T10: ~half maximum
  d.hill = 1.5;
  d.emax = 0.8;
  d.sedation_ec50_csf_ug_per_ml = 0.03;  // [PRI] confusion, somnolence at high doses [CAL]
  d.withdrawal_severity = 0.0;           // [PRI] may be stopped abruptly
  return d;
}

DrugParameters bupivacaine() {
  DrugParameters d{};
  d.id = DrugId::kBupivacaine;
  d.name = "bupivacaine";
  d.drug_class = DrugClass::kLocalAnaesthetic;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;     // [PACC]
  d.max_concentration_ug_per_ml = 30000.0;   // [PACC]
  d.starting_dose_ug_per_day = 1000.0;       // [PACC] 1-4 mg/day
  d.max_daily_dose_ug_per_day = 20000.0;     // [PACC] 15-20 mg/day
  d.csf_clearance_ml_per_min = 1.5;          // lipophilic, cleared near the tip [BER, CAL]
  d.csf_half_life_h = 1.3;                   // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 1.0;            // [MAR] 73 L
  d.plasma_half_life_h = 2.7;                // [MAR]
  d.tissue_absorption_half_life_min = 20.0;  // [MAR] s.c. infiltration peaks in 10-30 min
  d.ec50_csf_ug_per_ml = 4.0;                // [CAL] 3 mg/day at T10: ~half maximum
  d.hill = 2.0;
  d.emax = 0.8;
  d.withdrawal_severity = 0.0;
  return d;
}

DrugParameters clonidine() {
  DrugParameters d{};
  d.id = DrugId::kClonidine;
  d.name = "clonidine";
  d.drug_class = DrugClass::kAlpha2Agonist;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 50.0;      // [PACC]
  d.max_concentration_ug_per_ml = 1000.0;    // [PACC]
  d.starting_dose_ug_per_day = 40.0;         // [PACC] 20-100 ug/day
  d.max_daily_dose_ug_per_day = 600.0;       // [PACC]
  d.csf_clearance_ml_per_min = 1.2;          // lipophilic [BER, CAL]
  d.csf_half_life_h = 1.6;                   // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 2.1;            // [CAT]
  d.plasma_half_life_h = 12.0;               // [CAT]
  d.tissue_absorption_half_life_min = 20.0;  // [CAL]
  d.ec50_csf_ug_per_ml = 0.2;                // [CAL] 120 ug/day at T10: ~half maximum
  d.hill = 1.5;
  d.emax = 0.6;
  d.sedation_ec50_plasma_ng_per_ml = 2.0;  // [CAT] sedation from ~1-2 ng/mL
  d.withdrawal_severity = 0.6;             // [CAT] rebound hypertension
  return d;
}

}  // namespace

const std::array<DrugParameters, kDrugCount>& drug_library() {
  static const std::array<DrugParameters, kDrugCount> library{
      morphine(), hydromorphone(), baclofen(), ziconotide(), bupivacaine(), clonidine()};
  return library;
}

const DrugParameters& drug(DrugId id) {
  for (const DrugParameters& d : drug_library()) {
    if (d.id == id) return d;
  }
  throw std::invalid_argument("unknown drug id");
}

const DrugParameters& drug(std::string_view name) {
  for (const DrugParameters& d : drug_library()) {
    if (d.name == name) return d;
  }
  throw std::invalid_argument("unknown drug");
}

}  // namespace pumptwin::physio
