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

const std::vector<std::string>& alarm_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const auto& alarm : pumptwin::firmware_vocabulary::alarms()) list.emplace_back(alarm.name);
    return list;
  }();
  return names;
}

std::optional<uint16_t> alarm_bit(const std::string& name) {
  const auto* alarm = pumptwin::firmware_vocabulary::find_alarm(name);
  if (!alarm) return std::nullopt;
  return static_cast<uint16_t>(1u << alarm->bit);
}

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const auto& event : pumptwin::firmware_vocabulary::events()) list.emplace_back(event.name);
    return list;
  }();
  return names;
}

std::optional<uint8_t> event_code(const std::string& name) {
  const auto* event = pumptwin::firmware_vocabulary::find_event(std::string_view(name));
  if (!event) return std::nullopt;
  return event->code;
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

std::string refused_answer(uint8_t code) {
  return "refused: " + refusal_name(code);
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
