#include "twin/physio/drug_library.h"

#include <stdexcept>

namespace pumptwin::physio {
namespace {

// Sources (full references in docs/models.md):
//  [PACC]  Deer et al. 2017, Polyanalgesic Consensus Conference, Neuromodulation 20:96-132.
//  [INF]   Infumorph (morphine, preservative-free) prescribing information: 10 and 25 mg/mL.
//  [LIO]   Lioresal Intrathecal / Gablofen prescribing information: 50-2000 ug/mL, CSF clearance
//          ~30 mL/h, CSF half-life 1.51 h, lumbar:cisternal ratio ~4:1 under infusion.
//  [PRI]   Prialt (ziconotide) prescribing information: 25 and 100 ug/mL, 2.4 ug/day start,
//          19.2 ug/day maximum, CSF clearance 0.38 mL/min, Vd 155 mL, CSF t1/2 4.6 +/- 0.9 h,
//          plasma t1/2 1.3 h.
//  [MAR]   Marcaine (bupivacaine) prescribing information: Vd 73 L, plasma t1/2 2.7 h.
//  [CAT]   Catapres / Duraclon (clonidine) prescribing information: Vd 2.1 L/kg, t1/2 12-16 h;
//          Duraclon withdrawal: rebound hypertension.
//  [LUG]   Lugo & Kern 2004, J Pain Palliat Care Pharmacother 18(4):17-30 (opioid PK).
//  [STU]   Stuart-Harris et al. 2000, Br J Clin Pharmacol 49:207-14 (s.c. morphine, tmax ~15 min).
//  [KRO]   Kroin et al. 1993, Neurosurgery 33:226-30 (spread under chronic infusion).
//  [BER]   Bernards 2006, Anesthesiology 105:169-78 (lipophilic drugs cleared near the tip).
//  [CAL]   calibrated in this model; the observation it reproduces is in docs/models.md.
constexpr std::array<DrugParameters, kDrugCount> kLibrary{{
    {DrugId::kMorphine,
     "morphine",
     DrugClass::kOpioid,
     TherapeuticEffect::kAnalgesia,
     /*concentration*/ 1000.0,
     25000.0,  // [INF] up to 25 mg/mL
     /*dose*/ 200.0,
     15000.0,  // [PACC] start 0.1-0.5 mg/day, max 15 mg/day
     /*csf*/ 0.40,
     4.3,  // hydrophilic: clearance ~ CSF turnover [CAL, KRO]
     /*plasma*/ 3.5,
     2.5,
     15.0,  // [LUG] Vd 3-4 L/kg, t1/2 2-3 h; [STU]
     /*effect*/ 2.0,
     1.5,
     0.9,  // [CAL] 0.6 mg/day at T10 halves the pain score
     /*resp*/ 3.0,
     100.0,  // [CAL] intracranial; plasma [LUG] toxic > 100 ng/mL
     /*sedation*/ 60.0,
     2.0,  // [CAL]
     /*withdrawal*/ 0.6},
    {DrugId::kHydromorphone,
     "hydromorphone",
     DrugClass::kOpioid,
     TherapeuticEffect::kAnalgesia,
     1000.0,
     15000.0,  // [PACC] max 15 mg/mL
     40.0,
     4000.0,  // [PACC] start 0.01-0.15 mg/day, max 4 mg/day
     0.8,
     2.2,  // more lipophilic than morphine [BER, CAL]
     4.0,
     2.5,
     15.0,  // [LUG] Vd ~4 L/kg, t1/2 2-3 h
     0.25,
     1.5,
     0.9,  // [PACC] ~5x morphine potency intrathecally (dose ratio) [CAL]
     0.3,
     20.0,  // [CAL]; plasma: 5x morphine potency [LUG]
     12.0,
     0.2,  // [CAL]
     0.6},
    {DrugId::kBaclofen,
     "baclofen",
     DrugClass::kGabaBAgonist,
     TherapeuticEffect::kAntispasticity,
     50.0,
     2000.0,  // [LIO]
     100.0,
     1000.0,  // [LIO] maintenance 90-703 ug/day, little experience above 1000 ug/day
     0.5,
     1.51,  // [LIO] 30 mL/h, t1/2 1.51 h
     0.7,
     3.5,
     30.0,  // [LIO] oral baclofen Vd 0.7 L/kg, t1/2 3-4 h
     0.5,
     2.0,
     0.9,  // [CAL] 300 ug/day at T10 gives ~70 % of the maximal effect
     0.0,
     0.0,  // not respiratory-depressant at therapeutic doses
     0.0,
     5.0,   // [CAL] overdose: drowsiness, coma [LIO]
     1.0},  // [LIO] boxed warning: abrupt discontinuation can be fatal
    {DrugId::kZiconotide,
     "ziconotide",
     DrugClass::kCalciumChannelBlocker,
     TherapeuticEffect::kAnalgesia,
     25.0,
     100.0,  // [PRI]
     2.4,
     19.2,  // [PRI]
     0.38,
     4.6,  // [PRI]
     0.43,
     1.3,
     30.0,  // [PRI] plasma t1/2 1.3 h, Vd ~30 L
     0.02,
     1.5,
     0.8,  // [CAL] 7.2 ug/day at T10 gives ~half the maximal effect
     0.0,
     0.0,
     0.0,
     0.03,  // [PRI] CNS adverse events (confusion, somnolence) [CAL]
     0.0},  // [PRI] can be stopped abruptly without withdrawal
    {DrugId::kBupivacaine,
     "bupivacaine",
     DrugClass::kLocalAnaesthetic,
     TherapeuticEffect::kAnalgesia,
     500.0,
     30000.0,  // [PACC] max 30 mg/mL
     1000.0,
     20000.0,  // [PACC] max 15-20 mg/day
     1.5,
     1.1,  // lipophilic: cleared near the tip [BER, CAL]
     1.0,
     2.7,
     20.0,  // [MAR] Vd 73 L for 70 kg, t1/2 2.7 h
     4.0,
     2.0,
     0.8,  // [CAL] 3 mg/day at T10 gives ~half the maximal effect
     0.0,
     0.0,
     0.0,
     0.0,
     0.0},
    {DrugId::kClonidine,
     "clonidine",
     DrugClass::kAlpha2Agonist,
     TherapeuticEffect::kAnalgesia,
     50.0,
     1000.0,  // [PACC] max 1000 ug/mL
     40.0,
     600.0,  // [PACC] start 20-100 ug/day, max 600 ug/day
     1.2,
     1.3,  // lipophilic [BER, CAL]
     2.1,
     12.0,
     20.0,  // [CAT]
     0.2,
     1.5,
     0.6,  // [CAL] 120 ug/day at T10 gives ~half the maximal effect
     0.0,
     0.0,
     2.0,
     0.0,   // [CAT] sedation at plasma > ~2 ng/mL
     0.6},  // [CAT] rebound hypertension
}};

}  // namespace

const std::array<DrugParameters, kDrugCount>& drug_library() {
  return kLibrary;
}

const DrugParameters& drug(DrugId id) {
  for (const DrugParameters& d : kLibrary) {
    if (d.id == id) return d;
  }
  throw std::invalid_argument("unknown drug id");
}

const DrugParameters& drug(std::string_view name) {
  for (const DrugParameters& d : kLibrary) {
    if (d.name == name) return d;
  }
  throw std::invalid_argument("unknown drug");
}

}  // namespace pumptwin::physio
