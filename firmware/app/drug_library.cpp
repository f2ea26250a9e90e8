#include "app/drug_library.h"

namespace pumpfw::app {

const DrugLimits* find_drug(DrugId id) {
  for (const DrugLimits& drug : kDrugLibrary) {
    if (drug.id == id) return &drug;
  }
  return nullptr;
}

const DrugLimits* find_drug(uint8_t raw_id) {
  return find_drug(static_cast<DrugId>(raw_id));
}

}  // namespace pumpfw::app
