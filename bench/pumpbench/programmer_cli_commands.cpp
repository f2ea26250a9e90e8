#include "programmer_cli_commands.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

#include "app/pump.h"
#include "catalogue.h"
#include "firmware_commands.h"
#include "units.h"

namespace pumpbench {

namespace {

constexpr double kSecondsPerDay = 86400.0;  // the longest bolus a programmer sets
constexpr double kMaxVolumeUl = 100e3;      // beyond any implanted reservoir

// The drug library's widest concentration: no drug the pump knows comes stronger.
double library_max_concentration_ug_per_ml() {
  double most = 0.0;
  for (const DrugInfo& drug : drug_catalogue()) {
    most = std::max(most, drug.max_concentration_ug_per_ml);
  }
  return most;
}

bool starts_like_number(const std::string& word) {
  return !word.empty() && (std::isdigit(static_cast<unsigned char>(word[0])) != 0 ||
                           word[0] == '.' || word[0] == '-' || word[0] == '+');
}

// A quantity at words[at]: "3 mg/day" as two words, or "3mg/day" as one; above zero, at most
// `max_base` (in the dimension's base unit), and a whole number of the pump's unit
// (`per_base` of them in one base unit) that its field holds.
bool take_quantity(const std::vector<std::string>& words, size_t& at, Dimension dimension,
                   const std::string& what, double max_base, const std::string& range_text,
                   double per_base, uint32_t field_max, const std::string& firmware_unit,
                   double& value, std::string& error) {
  if (at >= words.size()) {
    error = "missing " + what + " (" + dimension_name(dimension) + ", e.g. in " +
            accepted_units(dimension) + ")";
    return false;
  }
  std::string text = words[at++];
  if (at < words.size() && !starts_like_number(words[at]) && words[at].rfind("--", 0) != 0 &&
      text.find_first_not_of("0123456789.+-eE") == std::string::npos) {
    text += " " + words[at++];
  }
  const QuantityParse parsed = parse_quantity(text, dimension);
  if (!parsed.value) {
    error = what + " '" + text + "': " + parsed.error;
    return false;
  }
  if (!(*parsed.value > 0.0)) {
    error = what + " '" + text + "': must be above zero";
    return false;
  }
  if (!(*parsed.value <= max_base)) {
    error = what + " '" + text + "': out of range (" + range_text + ")";
    return false;
  }
  const FirmwareInteger converted =
      firmware_integer(*parsed.value, per_base, field_max, firmware_unit);
  if (!converted.value || *converted.value == 0) {
    error = what + " '" + text + "': " +
            (converted.value ? "less than the pump's resolution (1 " + firmware_unit + ")"
                             : converted.error);
    return false;
  }
  value = *parsed.value;
  return true;
}

}  // namespace

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream stream(text);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

bool parse_programmer_command(const std::vector<std::string>& words, ProgrammerCommand& command,
                              std::string& error) {
  command.low_reservoir_ul = pumpfw::app::PumpConfig{}.default_low_reservoir_ul;
  if (words.empty()) {
    error = "no command";
    return false;
  }
  command.text.clear();
  for (const std::string& word : words) command.text += (command.text.empty() ? "" : " ") + word;
  const std::string& verb = words[0];
  size_t at = 1;
  auto no_more = [&] {
    if (at == words.size()) return true;
    error = "'" + command.text + "': unexpected '" + words[at] + "'";
    return false;
  };
  if (verb == "interrogate") {
    command.verb = ProgrammerCommand::Verb::kInterrogate;
    return no_more();
  }
  if (verb == "events") {
    command.verb = ProgrammerCommand::Verb::kEvents;
    if (at < words.size()) {
      const std::string& count = words[at++];
      if (count.empty() || count.size() > 3 ||
          count.find_first_not_of("0123456789") != std::string::npos || std::stoul(count) == 0 ||
          std::stoul(count) > kMaxProgrammerEvents) {
        error = "events '" + count + "': expected a count from 1 to " +
                std::to_string(kMaxProgrammerEvents);
        return false;
      }
      command.event_count = std::stoul(count);
    }
    return no_more();
  }
  if (verb == "program") {
    command.verb = ProgrammerCommand::Verb::kProgram;
    if (at >= words.size() || words[at] != "continuous") {
      error =
          "expected 'program continuous RATE', e.g. program continuous 3 mg/day (schedules and "
          "periodic boluses: a scenario file)";
      return false;
    }
    ++at;
    return take_quantity(words, at, Dimension::kDoseRate, "rate", kMaxDoseRateUgPerDay,
                         "at most 1000 mg/day", 1e3, UINT32_MAX, "ng/day", command.rate_ug_per_day,
                         error) &&
           no_more();
  }
  if (verb == "refill") {
    command.verb = ProgrammerCommand::Verb::kRefill;
    if (!take_quantity(words, at, Dimension::kVolume, "volume", kMaxVolumeUl, "at most 100 mL", 1.0,
                       UINT32_MAX, "uL", command.volume_ul, error) ||
        !take_quantity(words, at, Dimension::kConcentration, "concentration",
                       library_max_concentration_ug_per_ml(),
                       "no drug in the pump's library comes stronger", 1.0, UINT32_MAX, "ug/mL",
                       command.concentration_ug_per_ml, error)) {
      return false;
    }
    while (at < words.size()) {
      if (words[at] == "--drug" && at + 1 < words.size()) {
        command.drug = words[at + 1];
        at += 2;
        if (find_drug(command.drug) == nullptr) {
          std::vector<std::string> names;
          for (const DrugInfo& drug : drug_catalogue()) names.push_back(drug.name);
          const std::optional<std::string> near = nearest(command.drug, names);
          error = "unknown drug '" + command.drug + "'" +
                  (near ? " (did you mean '" + *near + "'?)" : " (pumpbench list drugs)");
          return false;
        }
      } else if (words[at] == "--low-reservoir") {
        ++at;
        if (!take_quantity(words, at, Dimension::kVolume, "low-reservoir level", kMaxVolumeUl,
                           "at most 100 mL", 1.0, UINT32_MAX, "uL", command.low_reservoir_ul,
                           error)) {
          return false;
        }
      } else {
        return no_more();
      }
    }
    return true;
  }
  if (verb == "bolus") {
    command.verb = ProgrammerCommand::Verb::kBolus;
    if (!take_quantity(words, at, Dimension::kMass, "dose", kMaxDoseUg, "at most 100 mg", 1e3,
                       UINT32_MAX, "ng", command.dose_ug, error)) {
      return false;
    }
    double duration_s = command.duration_minutes * 60.0;
    if (at < words.size() &&
        !take_quantity(words, at, Dimension::kTime, "duration", kSecondsPerDay, "at most 1 d",
                       1.0 / 60.0, UINT16_MAX, "min", duration_s, error)) {
      return false;
    }
    command.duration_minutes =
        static_cast<uint16_t>(*firmware_integer(duration_s, 1.0 / 60.0, UINT16_MAX, "min").value);
    return no_more();
  }
  if (verb == "acknowledge") {
    command.verb = ProgrammerCommand::Verb::kAcknowledge;
    for (; at < words.size(); ++at) {
      const std::optional<uint16_t> bit = alarm_bit(words[at]);
      if (!bit) {
        error = "unknown alarm '" + words[at] + "' (pumpbench list alarms)";
        return false;
      }
      command.alarm_bits = static_cast<uint16_t>(command.alarm_bits | *bit);
    }
    return true;
  }
  error =
      "unknown command '" + verb + "' (interrogate, events, program, refill, bolus, acknowledge)";
  return false;
}

std::vector<uint8_t> dose_change_payload(const ProgrammerCommand& command) {
  if (command.verb == ProgrammerCommand::Verb::kBolus) {
    return clinician_bolus_payload(command.dose_ug, command.duration_minutes);
  }
  ProgramSpec program;
  program.steps.push_back({0, command.rate_ug_per_day});
  return program_payload(program);
}

}  // namespace pumpbench
