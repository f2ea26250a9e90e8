// What a scenario may name: faults, drugs, patients, signals, alarms and firmware events.
// Drugs and patients come from the twin's and the firmware's libraries, signals from the
// patient model's catalogue plus the platform's own, so the lists cannot drift from the twin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fault_registry.h"
#include "firmware_vocabulary.h"
#include "plot_axes.h"

namespace pumptwin::physio::patient_signal {
enum Id : std::size_t;  // twin/physio/patient_twin.h
}

namespace pumpbench {

// Faults come from the twin's registry (twin/faults/fault_registry.h, docs/faults.md).
using FaultInfo = pumptwin::faults::FaultDefinition;
const std::vector<FaultInfo>& fault_catalogue();
const FaultInfo* find_fault(const std::string& name);

struct SignalDefinition {
  std::string name;
  std::string unit;
  std::string source;  // "patient", "platform" or "live"
  // The plot the viewer and the run report draw it in with the rest of its view ("": none).
  std::string view;
  bool report = false;  // the run report draws it among its key signals
  // A band of values with a clinical meaning, drawn behind its line (the patient model's).
  std::optional<pumptwin::plot::ReferenceBand> reference = std::nullopt;
  std::string label = {};  // short, for a plot's row ("": the name)
};
// Every signal the bench records, in recording order (platform_signals.def, then the patient
// model's).
const std::vector<SignalDefinition>& signal_catalogue();
// The live server's signals beyond those (platform_signals.def), after them in its catalogue.
const std::vector<SignalDefinition>& live_signal_catalogue();
const SignalDefinition* find_signal(const std::string& name);
// A signal as signals.json and the live hello list it (docs/protocol.md, "hello"):
// {"name", "unit", "source", "view"}, "reference" {"low", "high", "label"} if it has one, and
// "label" if it has one.
nlohmann::json signal_json(const SignalDefinition& signal);

// A patient signal's column in a recorded sample (signal_catalogue() order): after the
// recorded platform signals.
std::size_t recorded_index(pumptwin::physio::patient_signal::Id signal);

struct DrugInfo {
  std::string name;
  uint8_t firmware_id;
  double min_concentration_ug_per_ml;
  double max_concentration_ug_per_ml;
  double max_daily_dose_ug;
};
const std::vector<DrugInfo>& drug_catalogue();
const DrugInfo* find_drug(const std::string& name);

std::vector<std::string> patient_names();

// Alarms, firmware events, refusals and reset causes are the firmware's (firmware/app/alarms.def,
// events.def, refusals.def, firmware/hal/reset_causes.def), read through
// bench/vocabulary/firmware_vocabulary.h.
// Alarm names in bit order, and an alarm's bit in the firmware's alarm word.
const std::vector<std::string>& alarm_names();
std::optional<uint16_t> alarm_bit(const std::string& name);
// Firmware event names in code order, and an event's code.
const std::vector<std::string>& event_names();
std::optional<uint8_t> event_code(const std::string& name);
using pumptwin::firmware_vocabulary::alarm_list;
using pumptwin::firmware_vocabulary::alarm_name;
using pumptwin::firmware_vocabulary::event_detail;
using pumptwin::firmware_vocabulary::event_name;
using pumptwin::firmware_vocabulary::refusal_name;
using pumptwin::firmware_vocabulary::reset_cause_name;
// A command's answer as the bench records it when the pump refused it ("refused: PTM lockout").
std::string refused_answer(uint8_t code);

// Levenshtein-nearest candidate within a small distance, for "did you mean".
std::optional<std::string> nearest(const std::string& word,
                                   const std::vector<std::string>& candidates);

}  // namespace pumpbench
