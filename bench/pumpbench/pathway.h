// The clinical pathway as a run driver (run_driver.h, docs/pathway.md): the bench plays the
// clinician and the patient of one virtual patient from evaluation to follow-up.
//
// evaluation (baseline pain, opioid status) -> intrathecal trial (a bolus, or three days of
// infusion with the rate titrated daily; responder: >= 50 % relief without unacceptable side
// effects; non-responders are not implanted) -> implant (fill at the strength the starting dose
// needs, with a bridging bolus when it differs from the trial's; starting dose by drug and opioid
// status, after an infusion trial the rate that responded; PTM) -> 24 h monitoring
// after the start and after each increase -> follow-up visits (titration by relief and side
// effects in the protocol's steps; refills on schedule and on the low-reservoir alarm, with a
// bridging bolus when the strength changes) -> the patient's own PTM presses (pathway_patient.h).
//
// Every command reaches the pump as a step the run performs through the programmer or the PTM
// (the firmware accepts or refuses it); a refused command fails the run: a device or protocol
// finding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pathway_spec.h"
#include "run_driver.h"
#include "scenario.h"
#include "twin/physio/patient_parameters.h"

namespace pumpbench {

// The patient's opioid status as the pathway sees it at evaluation.
bool opioid_tolerant(const PathwaySpec& spec, const pumptwin::physio::PatientParameters& patient);

// The driver for `scenario.pathway` with this patient; `seed` and `member` seed the patient's
// behaviour.
std::unique_ptr<RunDriver> make_pathway_driver(const Scenario& scenario,
                                               const pumptwin::physio::PatientParameters& patient,
                                               uint64_t seed, uint64_t member);

}  // namespace pumpbench
