// The drug library: hard limits the firmware enforces whatever a programmer sends.
//
// Values are literature-typical limits for intrathecal use:
// - Morphine, hydromorphone, bupivacaine, clonidine: maximum concentration and daily dose
//   recommended by the Polyanalgesic Consensus Conference 2017 (Deer TR et al.,
//   Neuromodulation 2017;20(2):96-132, table of maximum concentrations and doses); morphine's
//   upper concentration follows the 25 mg/mL commercial preparation (Infumorph).
// - Baclofen: Lioresal Intrathecal / Gablofen prescribing information, 50-2000 µg/mL
//   preparations; maintenance 90-800 µg/day, about 1000 µg/day as the practical maximum.
// - Ziconotide: Prialt prescribing information, 25 and 100 µg/mL; at most 19.2 µg/day.
// twin/physio has its own drug library for the pharmacology; a test checks that the fields the
// two share (name, concentration range, maximum daily dose) agree.
#pragma once

#include <cstdint>

namespace pumpfw::app {

enum class DrugId : uint8_t {
  kMorphine = 1,
  kHydromorphone = 2,
  kBaclofen = 3,
  kZiconotide = 4,
  kBupivacaine = 5,
  kClonidine = 6,
};

struct DrugLimits {
  DrugId id;
  const char* name;
  uint32_t min_concentration_ug_per_ml;
  uint32_t max_concentration_ug_per_ml;
  uint32_t max_daily_dose_ng;  // ng so that ziconotide's 19.2 µg/day is exact
};

inline constexpr DrugLimits kDrugLibrary[] = {
    {DrugId::kMorphine, "morphine", 500, 25000, 15000000},
    {DrugId::kHydromorphone, "hydromorphone", 500, 15000, 10000000},
    {DrugId::kBaclofen, "baclofen", 50, 2000, 1000000},
    {DrugId::kZiconotide, "ziconotide", 25, 100, 19200},
    {DrugId::kBupivacaine, "bupivacaine", 500, 30000, 20000000},
    {DrugId::kClonidine, "clonidine", 50, 1000, 600000},
};

// The library entry of a drug, or nullptr for an unknown id.
const DrugLimits* find_drug(DrugId id);
const DrugLimits* find_drug(uint8_t raw_id);

}  // namespace pumpfw::app
