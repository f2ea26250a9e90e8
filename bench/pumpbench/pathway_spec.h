// `pathway:` in a scenario: the clinical pathway the bench plays for the scenario's patient
// (evaluation, intrathecal trial, implant, starting dose, titration at follow-up visits, refills,
// the patient's own PTM presses) instead of a fixed programme. The protocol's doses and steps
// per drug are in pathway.h with their sources; docs/pathway.md is the reference.
#pragma once

#include <optional>
#include <string>

namespace pumpbench {

struct PathwaySpec {
  // How the trial is given: "bolus" (a single intrathecal injection) or "infusion" (a temporary
  // catheter with an external pump, for three days at the starting dose).
  std::string trial = "bolus";
  // Opioid status at evaluation: "patient" (the generated patient's own), "naive", "tolerant".
  std::string opioid_status = "patient";
  // Days between follow-up visits once the patient is past the drug's own titration schedule;
  // absent: the drug's (pathway.h).
  std::optional<double> follow_up_s;
  // Whether the patient has a PTM and presses it when in pain (opioids only).
  bool ptm = true;
};

}  // namespace pumpbench
