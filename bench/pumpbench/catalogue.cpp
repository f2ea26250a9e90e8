#include "catalogue.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "app/drug_library.h"
#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"
#include "twin/physio/patient_twin.h"

namespace pumpbench {

const std::vector<FaultInfo>& fault_catalogue() {
  return pumptwin::faults::fault_registry();
}

const FaultInfo* find_fault(const std::string& name) {
  return pumptwin::faults::find_fault(name);
}

const std::vector<SignalDefinition>& signal_catalogue() {
  static const std::vector<SignalDefinition> signals = [] {
    std::vector<SignalDefinition> list;
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) \
  if (recorded) list.push_back({#name, unit, "platform", view, report});
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
    // The patient's catalogue does not depend on the patient's parameters: any twin lists it.
    const pumptwin::physio::PatientTwin reference{pumptwin::physio::PatientTwinConfig{}};
    for (const pumptwin::physio::SignalInfo& info : reference.signal_catalogue()) {
      std::optional<pumptwin::plot::ReferenceBand> reference;
      if (info.reference) {
        reference = {info.reference->low, info.reference->high, info.reference->label};
      }
      list.push_back(
          {info.name, info.unit, "patient", info.view, info.report, reference, info.label});
    }
    return list;
  }();
  return signals;
}

const std::vector<SignalDefinition>& live_signal_catalogue() {
  static const std::vector<SignalDefinition> signals = [] {
    std::vector<SignalDefinition> list;
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) \
  if (!(recorded)) list.push_back({#name, unit, "live", view, report});
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
    return list;
  }();
  return signals;
}

const SignalDefinition* find_signal(const std::string& name) {
  for (const SignalDefinition& signal : signal_catalogue()) {
    if (signal.name == name) return &signal;
  }
  return nullptr;
}

nlohmann::json signal_json(const SignalDefinition& signal) {
  nlohmann::json entry = {{"name", signal.name},
                          {"unit", signal.unit},
                          {"source", signal.source},
                          {"view", signal.view}};
  if (signal.reference) {
    entry["reference"] = {{"low", signal.reference->low},
                          {"high", signal.reference->high},
                          {"label", signal.reference->label}};
  }
  if (!signal.label.empty()) entry["label"] = signal.label;
  return entry;
}

namespace {
constexpr std::size_t kRecordedPlatformSignals = 0
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) +((recorded) ? 1 : 0)
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
    ;
}  // namespace

std::size_t recorded_index(pumptwin::physio::patient_signal::Id signal) {
  return kRecordedPlatformSignals + static_cast<std::size_t>(signal);
}

const std::vector<DrugInfo>& drug_catalogue() {
  static const std::vector<DrugInfo> drugs = [] {
    std::vector<DrugInfo> list;
    for (const pumpfw::app::DrugLimits& limits : pumpfw::app::kDrugLibrary) {
      // The pharmacology must exist for the patient model too; the two libraries are checked
      // against each other by tests/twin/physio_drug_library_agreement_test.cpp.
      pumptwin::physio::drug(limits.name);
      list.push_back({limits.name, static_cast<uint8_t>(limits.id),
                      static_cast<double>(limits.min_concentration_ug_per_ml),
                      static_cast<double>(limits.max_concentration_ug_per_ml),
                      limits.max_daily_dose_ng / 1000.0});
    }
    return list;
  }();
  return drugs;
}

const DrugInfo* find_drug(const std::string& name) {
  for (const DrugInfo& drug : drug_catalogue()) {
    if (drug.name == name) return &drug;
  }
  return nullptr;
}

std::vector<std::string> patient_names() {
  std::vector<std::string> names;
  for (const pumptwin::physio::PatientParameters& patient :
       pumptwin::physio::reference_patients()) {
    names.push_back(patient.name);
  }
  return names;
}

// Bit order of pumpfw::app::AlarmId.
const std::vector<std::string>& alarm_names() {
  static const std::vector<std::string> names = {
      "reservoir_empty", "motor_stall",   "end_of_service",       "memory_error",
      "asic_fault",      "reservoir_low", "elective_replacement",
  };
  return names;
}

std::optional<uint16_t> alarm_bit(const std::string& name) {
  const std::vector<std::string>& names = alarm_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return static_cast<uint16_t>(1u << (found - names.begin()));
}

std::string alarm_name(unsigned bit_number) {
  return bit_number < alarm_names().size() ? alarm_names()[bit_number]
                                           : "alarm_bit_" + std::to_string(bit_number);
}

// Index + 1 is pumpfw::app::EventCode.
const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names = {
      "boot",
      "alarm_raised",
      "alarm_cleared",
      "refill",
      "program_changed",
      "clinician_bolus",
      "ptm_bolus",
      "ptm_refused",
      "periodic_bolus",
      "bridging_bolus",
      "priming_bolus",
      "motor_fault",
      "steps_not_driven",
      "clock_set",
      "alarm_test",
      "nvm_repaired",
      "ptm_configured",
      "alarms_acknowledged",
      "therapy_stopped",
      "asic_comm_failure",
      "session_opened",
      "command_refused",
      "link_refused",
      "lockout",
      "time_base_jump",
      "stall_recovered",
  };
  return names;
}

std::optional<uint8_t> event_code(const std::string& name) {
  const std::vector<std::string>& names = event_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return static_cast<uint8_t>(found - names.begin() + 1);
}

std::string event_name(uint8_t code) {
  return code >= 1 && code <= event_names().size() ? event_names()[code - 1]
                                                   : "event_" + std::to_string(code);
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}
}  // namespace

std::string alarm_list(uint16_t bits) {
  std::string text;
  for (unsigned bit = 0; bit < 16; ++bit) {
    if ((bits & (1u << bit)) != 0) text += (text.empty() ? "" : ", ") + alarm_name(bit);
  }
  return text.empty() ? "none" : text;
}

std::string event_detail(uint8_t code, uint32_t argument) {
  auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return std::string(text);
  };
  switch (code) {
    case 1: {
      static const char* const kCauses[] = {"power-on", "watchdog", "brown-out", "software"};
      return argument < 4 ? kCauses[argument] : "cause " + std::to_string(argument);
    }
    case 2:
    case 3:
    case 19:
      return alarm_name(argument);
    case 4:
      return std::to_string(argument) + " uL";
    case 5:
      return number(argument / 1e6) + " mg/day";
    case 6:
    case 7:
    case 9:
    case 17:
      return number(argument / 1e3) + " ug";
    case 8:
      return refusal_name(static_cast<uint8_t>(argument));
    case 10:
    case 11:
      return number(argument / 1e3) + " uL";
    case 13:
      return std::to_string(argument) + " microsteps";
    case 18:
      return alarm_list(static_cast<uint16_t>(argument));
    case 22: {
      char opcode[8];
      std::snprintf(opcode, sizeof opcode, "0x%02X", (argument >> 8) & 0xFF);
      return std::string("opcode ") + opcode + ": " +
             refusal_name(static_cast<uint8_t>(argument & 0xFF));
    }
    case 23:
      return std::to_string(argument >> 8) + " x " +
             refusal_name(static_cast<uint8_t>(argument & 0xFF));
    case 24:
      return std::to_string(argument) + " s";
    default:
      return argument == 0 ? "" : std::to_string(argument);
  }
}

std::string refused_answer(uint8_t code) {
  return "refused: " + refusal_name(code);
}

std::string refusal_name(uint8_t code) {
  static const char* const kNames[] = {"none",
                                       "bad frame",
                                       "unknown command",
                                       "bad length",
                                       "bad argument",
                                       "unknown drug",
                                       "concentration out of range",
                                       "daily dose over limit",
                                       "schedule invalid",
                                       "no drug",
                                       "no program",
                                       "bolus in progress",
                                       "therapy stopped",
                                       "PTM disabled",
                                       "PTM lockout",
                                       "PTM daily limit",
                                       "volume out of range",
                                       "rate too high",
                                       "busy",
                                       "awaiting confirmation",
                                       "authentication required",
                                       "authentication failed",
                                       "replayed",
                                       "session expired",
                                       "locked out",
                                       "not confirmed",
                                       "no device key"};
  return code < std::size(kNames) ? kNames[code] : "refusal " + std::to_string(code);
}

std::optional<std::string> nearest(const std::string& word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A suggestion further than a third of the word away is noise.
  if (!best || best_distance > std::max<size_t>(2, word.size() / 3)) return std::nullopt;
  return best;
}

}  // namespace pumpbench
