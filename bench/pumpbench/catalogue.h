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

// Alarm names and their bit in the firmware's alarm word.
const std::vector<std::string>& alarm_names();
std::optional<uint16_t> alarm_bit(const std::string& name);
std::string alarm_name(unsigned bit_number);

// Firmware event names by event code (firmware/app/event_log.h).
const std::vector<std::string>& event_names();
std::optional<uint8_t> event_code(const std::string& name);
std::string event_name(uint8_t code);

// Telemetry refusal names by refusal code (docs/telemetry.md, "Refusal codes").
std::string refusal_name(uint8_t code);
// A command's answer as the bench records it when the pump refused it ("refused: PTM lockout").
std::string refused_answer(uint8_t code);

// The alarms of an alarm word by name, "none" when no bit is set.
std::string alarm_list(uint16_t bits);

// A firmware event's argument in its unit (docs/telemetry.md, "Event codes"): "3 mg/day",
// "20000 uL", "motor_stall"; empty when the event has none.
std::string event_detail(uint8_t code, uint32_t argument);

// Levenshtein-nearest candidate within a small distance, for "did you mean".
std::optional<std::string> nearest(const std::string& word,
                                   const std::vector<std::string>& candidates);

}  // namespace pumpbench
