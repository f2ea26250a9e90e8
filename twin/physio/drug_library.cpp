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
//  [STU]  Stuart-Harris et al. 2000, Br J Clin Pharmacol 49:207-14: s.c. bolus morphine
//         appearance (absorption) half-life 0.08 h, tmax 0.25 h; i.v. and s.c. plasma curves.
//  [NOR]  Nordberg et al. 1984, Anesthesiology 60:448-54: lumbar CSF after 0.25/0.5 mg lumbar
//         intrathecal morphine, terminal t1/2 175-196 min, CL 2.8-3.4 uL/kg/min.
//  [ION]  Ionescu et al., The pharmacokinetics of intradural morphine in major abdominal surgery
//         (21 patients, 0.05 mg/kg): lumbar CSF moments CL 0.34 +/- 0.18 mL/min, Vss 42 +/- 18
//         mL, MRT 137 +/- 55 min.
//  [LIB]  Lioresal Intrathecal labeling: onset 0.5-1 h after a bolus, peak effect ~4 h.
//  [ASM]  assumption; docs/models.md gives its sensitivity.
//  [BAS]  Baselt, Disposition of Toxic Drugs and Chemicals in Man (toxic plasma levels).
//  [BER]  Bernards 2006, Anesthesiology 105:169-78 (lipophilic drugs stay near the tip).
//  [CAL]  calibrated in this model; docs/models.md names the observation it reproduces.
//  [SAL]  Sallerin-Caute et al. 1998, Neurosurgery 42:44 ("Does intrathecal morphine in the
//         treatment of cancer pain induce the development of tolerance?"): 159 patients, daily
//         intrathecal morphine rose two- to threefold over 3 months at satisfactory analgesia.
//  [GRI]  Grider et al. 2011, Pain Physician 14:343: after 6 opioid-free weeks the dose-response
//         of intrathecal morphine for effective analgesia lies in 50-400 ug/day.
//  [JAC]  Jacobson et al. 1988, Anesth Analg 67:1082: after 1 mg intrathecal morphine
//         respiratory depression (raised PaCO2) was common, after 2.5 mg it was apnoea that
//         needed naloxone; 0.3 mg was free of it.
//  [KON]  Koning et al. 2022, Pain Res Manag 2022:4567192: serious adverse events after a single
//         intrathecal morphine dose, somnolence at a median of 2 mg (82 % given naloxone),
//         life-threatening respiratory depression only above 0.9 mg.
// The [CAL] EC50s of morphine are re-derived through the model from these doses (docs/models.md,
// "Calibration"); tests/twin/physio_validation_test.cpp fails when the model's concentrations
// move them, e.g. after a change of the CSF clearance.
// Concentrations and daily doses agree with firmware/app/drug_library.h (checked by a test).

DrugParameters morphine() {
  DrugParameters d{};
  d.id = DrugId::kMorphine;
  d.name = "morphine";
  d.drug_class = DrugClass::kOpioid;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;        // [PACC]
  d.max_concentration_ug_per_ml = 25000.0;      // [INF] 25 mg/mL preparation
  d.starting_dose_ug_per_day = 200.0;           // [PACC] 0.1-0.5 mg/day
  d.max_daily_dose_ug_per_day = 15000.0;        // [PACC]
  d.csf_clearance_ml_per_min = 0.87;            // [CAL] lumbar CL and MRT of [ION]
  d.csf_half_life_h = 2.05;                     // model terminal lumbar value; [NOR] 2.9-3.3 h
  d.plasma_volume_l_per_kg = 3.5;               // [LUG] 3-4 L/kg
  d.plasma_half_life_h = 2.2;                   // [STU] 2.2 +/- 1.0 h
  d.tissue_absorption_half_life_min = 5.0;      // [STU] appearance t1/2 0.08 h
  d.ec50_csf_ug_per_ml = 0.23;                  // [CAL] [GRI] 50 % relief at 141 ug/day, T10
  d.hill = 1.5;                                 // [ASM] docs/models.md
  d.emax = 0.9;                                 // [ASM] incomplete relief at the maximum
  d.respiratory_ec50_csf_ug_per_ml = 0.85;      // [CAL] intracranial, [JAC] [KON] boluses
  d.respiratory_ec50_plasma_ng_per_ml = 100.0;  // [BAS] toxic from ~100 ng/mL (naive)
  d.sedation_ec50_plasma_ng_per_ml = 60.0;      // [LUG]
  d.sedation_ec50_csf_ug_per_ml = 0.77;         // [CAL] [KON] 2 mg lumbar bolus: index 0.5
  d.withdrawal_severity = 0.6;                  // [ASM] below baclofen's (boxed warning)
  d.plasma_central_volume_l_per_kg = 0.8;       // [CAL] i.v. and s.c. curves of [STU]
  d.plasma_distribution_clearance_l_per_h_per_kg = 5.7;  // [CAL] as above
  d.therapeutic_equilibration_half_life_min = 30.0;      // [ASM] onset 30-60 min
  d.supraspinal_equilibration_half_life_min = 220.0;     // [CAL] see docs/models.md
  d.plasma_effect_equilibration_half_life_min = 90.0;    // [ASM] slow blood-brain transfer
  d.tolerance_time_constant_d = 21.0;                    // [ASM] see docs/models.md
  d.tolerance_potency_ratio = 2.0;                       // [CAL] [SAL] 2-3-fold dose in 3 months
  return d;
}

DrugParameters hydromorphone() {
  DrugParameters d{};
  d.id = DrugId::kHydromorphone;
  d.name = "hydromorphone";
  d.drug_class = DrugClass::kOpioid;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;               // [PACC]
  d.max_concentration_ug_per_ml = 15000.0;             // [PACC]
  d.starting_dose_ug_per_day = 40.0;                   // [PACC] 0.01-0.15 mg/day
  d.max_daily_dose_ug_per_day = 10000.0;               // [PACC]
  d.csf_clearance_ml_per_min = 1.22;                   // 1.4 x morphine: more lipophilic [BER, ASM]
  d.csf_half_life_h = 1.45;                            // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 4.0;                      // [LUG]
  d.plasma_half_life_h = 2.5;                          // [LUG]
  d.tissue_absorption_half_life_min = 5.0;             // as morphine [STU] [ASM]
  d.ec50_csf_ug_per_ml = 0.036;                        // [CAL] [PACC] 5:1 potency vs morphine
  d.hill = 1.5;                                        // [ASM] docs/models.md
  d.emax = 0.9;                                        // [ASM] incomplete relief at the maximum
  d.respiratory_ec50_csf_ug_per_ml = 0.14;             // [CAL] morphine's / 6
  d.respiratory_ec50_plasma_ng_per_ml = 20.0;          // [LUG] ~5x morphine potency
  d.sedation_ec50_plasma_ng_per_ml = 12.0;             // [LUG]
  d.sedation_ec50_csf_ug_per_ml = 0.13;                // [CAL] morphine's / 6, as respiratory
  d.withdrawal_severity = 0.6;                         // [ASM] below baclofen's (boxed warning)
  d.therapeutic_equilibration_half_life_min = 15.0;    // [ASM] more lipophilic: faster
  d.supraspinal_equilibration_half_life_min = 60.0;    // [ASM]
  d.plasma_effect_equilibration_half_life_min = 30.0;  // [ASM]
  d.tolerance_time_constant_d = 21.0;                  // [ASM] as morphine
  d.tolerance_potency_ratio = 2.0;                     // [ASM] as morphine
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
  d.csf_clearance_ml_per_min = 1.2;          // [CAL] lumbar CL ~30 mL/h [LIO]
  d.csf_half_life_h = 1.51;                  // [LIO] over the first 4 h
  d.plasma_volume_l_per_kg = 0.7;            // [LIO] oral PK
  d.plasma_half_life_h = 3.5;                // [LIO] 2.5-4 h
  d.tissue_absorption_half_life_min = 30.0;  // [CAL] hydrophilic zwitterion, slower s.c.
  d.ec50_csf_ug_per_ml = 0.32;               // [CAL] 300 ug/day at T10: ~70 % of maximum
  d.hill = 2.0;                              // [ASM] docs/models.md
  d.emax = 0.9;                              // [ASM] incomplete relief at the maximum
  d.sedation_ec50_csf_ug_per_ml = 5.0;       // [LIO] overdose: drowsiness to coma [CAL]
  d.withdrawal_severity = 1.0;               // [LIO] boxed warning: abrupt stop can be fatal
  d.therapeutic_equilibration_half_life_min = 240.0;   // [CAL] peak effect ~4 h [LIB]
  d.supraspinal_equilibration_half_life_min = 60.0;    // [ASM]
  d.plasma_effect_equilibration_half_life_min = 60.0;  // no plasma effect modelled
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
  d.csf_clearance_ml_per_min = 0.45;         // [CAL] lumbar CL, V, t1/2 of [PRI]: docs/models.md
  d.csf_half_life_h = 4.0;                   // model terminal lumbar value; [PRI] 4.6 +/- 0.9 h
  d.plasma_volume_l_per_kg = 0.43;           // [PRI] ~30 L
  d.plasma_half_life_h = 1.3;                // [PRI]
  d.tissue_absorption_half_life_min = 30.0;  // [CAL] peptide, slow s.c. absorption
  d.ec50_csf_ug_per_ml = 0.0172;             // [CAL] 7.2 ug/day at T10: ~half maximum
  d.hill = 1.5;                              // [ASM] docs/models.md
  d.emax = 0.8;                              // [ASM] incomplete relief at the maximum
  d.sedation_ec50_csf_ug_per_ml = 0.026;     // [PRI] confusion, somnolence at high doses [CAL]
  d.withdrawal_severity = 0.0;               // [PRI] may be stopped abruptly
  d.therapeutic_equilibration_half_life_min = 120.0;   // [ASM] near-maximal in hours [PRI]
  d.supraspinal_equilibration_half_life_min = 120.0;   // [ASM]
  d.plasma_effect_equilibration_half_life_min = 60.0;  // no plasma effect modelled
  return d;
}

DrugParameters bupivacaine() {
  DrugParameters d{};
  d.id = DrugId::kBupivacaine;
  d.name = "bupivacaine";
  d.drug_class = DrugClass::kLocalAnaesthetic;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 500.0;             // [PACC]
  d.max_concentration_ug_per_ml = 30000.0;           // [PACC]
  d.starting_dose_ug_per_day = 1000.0;               // [PACC] 1-4 mg/day
  d.max_daily_dose_ug_per_day = 20000.0;             // [PACC] 15-20 mg/day
  d.csf_clearance_ml_per_min = 1.5;                  // lipophilic, cleared near the tip [BER, CAL]
  d.csf_half_life_h = 1.3;                           // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 1.0;                    // [MAR] 73 L
  d.plasma_half_life_h = 2.7;                        // [MAR]
  d.tissue_absorption_half_life_min = 20.0;          // [MAR] s.c. infiltration peaks in 10-30 min
  d.ec50_csf_ug_per_ml = 4.0;                        // [CAL] 3 mg/day at T10: ~half maximum
  d.hill = 2.0;                                      // [ASM] docs/models.md
  d.emax = 0.8;                                      // [ASM] incomplete relief at the maximum
  d.withdrawal_severity = 0.0;                       // [ASM] no withdrawal syndrome described
  d.therapeutic_equilibration_half_life_min = 5.0;   // [ASM] spinal block within minutes
  d.supraspinal_equilibration_half_life_min = 10.0;  // [ASM]
  d.plasma_effect_equilibration_half_life_min = 10.0;  // [ASM]
  return d;
}

DrugParameters clonidine() {
  DrugParameters d{};
  d.id = DrugId::kClonidine;
  d.name = "clonidine";
  d.drug_class = DrugClass::kAlpha2Agonist;
  d.effect = TherapeuticEffect::kAnalgesia;
  d.min_concentration_ug_per_ml = 50.0;                // [PACC]
  d.max_concentration_ug_per_ml = 1000.0;              // [PACC]
  d.starting_dose_ug_per_day = 40.0;                   // [PACC] 20-100 ug/day
  d.max_daily_dose_ug_per_day = 600.0;                 // [PACC]
  d.csf_clearance_ml_per_min = 1.2;                    // lipophilic [BER, CAL]
  d.csf_half_life_h = 1.6;                             // model's terminal value for that clearance
  d.plasma_volume_l_per_kg = 2.1;                      // [CAT]
  d.plasma_half_life_h = 12.0;                         // [CAT]
  d.tissue_absorption_half_life_min = 20.0;            // [CAL]
  d.ec50_csf_ug_per_ml = 0.2;                          // [CAL] 120 ug/day at T10: ~half maximum
  d.hill = 1.5;                                        // [ASM] docs/models.md
  d.emax = 0.6;                                        // [ASM] incomplete relief at the maximum
  d.sedation_ec50_plasma_ng_per_ml = 2.0;              // [CAT] sedation from ~1-2 ng/mL
  d.withdrawal_severity = 0.6;                         // [CAT] rebound hypertension
  d.therapeutic_equilibration_half_life_min = 30.0;    // [ASM]
  d.supraspinal_equilibration_half_life_min = 30.0;    // [ASM]
  d.plasma_effect_equilibration_half_life_min = 30.0;  // [ASM]
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
