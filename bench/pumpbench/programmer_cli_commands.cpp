#include "programmer_cli_commands.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "app/pump.h"
#include "firmware_commands.h"
#include "scenario_loader.h"
#include "yaml_fields.h"

namespace pumpbench {

namespace {

// Why an action of the registry is not a programmer's, empty when it is one.
std::string not_a_programmers(const Action& action) {
  return std::visit(
      [](const auto& read) -> std::string {
        using T = std::decay_t<decltype(read)>;
        if constexpr (std::is_same_v<T, PtmPressAction>) {
          return "the patient's PTM presses it, not a clinician's programmer";
        } else if constexpr (std::is_same_v<T, CheckpointAction> ||
                             std::is_same_v<T, InjectFaultAction> ||
                             std::is_same_v<T, ClearFaultAction>) {
          return "the bench's action, not the pump's: a scenario or a live client sends it";
        } else if constexpr (std::is_same_v<T, RefillAction>) {
          return read.pocket_fill ? "a pocket fill is what a scenario's refill does to the "
                                    "patient; a programmer only tells the pump"
                                  : "";
        } else {
          return "";
        }
      },
      action);
}

// "did you mean ...": the nearest action's name, or those of which `word` is a whole part
// ("acknowledge": acknowledge_alarms; "bolus": clinician_bolus, priming_bolus).
std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
  if (std::string near = suggestion(word, names); !near.empty()) return near;
  std::string parts;
  for (const std::string& name : names) {
    const std::string framed = "_" + name + "_";
    if (framed.find("_" + word + "_") == std::string::npos) continue;
    parts += (parts.empty() ? "" : " or ") + ("'" + name + "'");
  }
  return parts.empty() ? "" : " (did you mean " + parts + "?)";
}

std::string first_problem(const std::vector<Diagnostic>& diagnostics) {
  const Diagnostic& first = diagnostics.front();
  return first.field.empty() ? first.message : first.field + ": " + first.message;
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
  if (words.empty()) {
    error = "no command";
    return false;
  }
  command.text.clear();
  for (const std::string& word : words) command.text += (command.text.empty() ? "" : " ") + word;
  const std::string& name = words[0];
  std::string value;
  for (size_t i = 1; i < words.size(); ++i) value += (value.empty() ? "" : " ") + words[i];

  if (name == kEventsCommand) {
    command.events = true;
    if (words.size() > 2) {
      error = "'" + command.text + "': unexpected '" + words[2] + "'";
      return false;
    }
    if (words.size() == 2) {
      const std::string& count = words[1];
      if (count.empty() || count.size() > 3 ||
          count.find_first_not_of("0123456789") != std::string::npos || std::stoul(count) == 0 ||
          std::stoul(count) > kMaxProgrammerEvents) {
        error = "events '" + count + "': expected a count from 1 to " +
                std::to_string(kMaxProgrammerEvents);
        return false;
      }
      command.event_count = std::stoul(count);
    }
    return true;
  }

  const std::vector<std::string>& names = action_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::vector<std::string> known = names;
    known.push_back(kEventsCommand);
    error = "unknown command '" + name + "'" + did_you_mean(name, known) +
            "; a command is a scenario's action (" + joined(names) + ") or " + kEventsCommand;
    return false;
  }
  command.action_name = name;
  if (name == "acknowledge_alarms" && value.empty()) {
    command.every_active = true;
    command.action = AcknowledgeAlarmsAction{};
    return true;
  }
  // The action's value as a scenario writes it: a list of alarms, or a mapping of fields
  // whose braces the command line leaves out.
  std::string yaml = value;
  if (!value.empty() && value.front() != '{' && value.front() != '[') {
    yaml = name == "acknowledge_alarms" ? "[" + value + "]" : "{" + value + "}";
  }
  std::vector<Diagnostic> diagnostics;
  std::optional<YAML::Node> node = yaml.empty()
                                       ? std::optional<YAML::Node>(YAML::Node(YAML::NodeType::Null))
                                       : parse_yaml_text(name, yaml, diagnostics);
  if (!node) {
    error = "'" + command.text + "': " + first_problem(diagnostics);
    return false;
  }
  // No scenario's setup stands behind a programmer: a refill without a drug or a
  // concentration takes the pump's (programmer_cli.cpp), read as empty and zero here.
  Setup none;
  none.drug.clear();
  none.concentration_ug_per_ml = 0.0;
  Context context(name);
  std::optional<Action> read;
  try {
    read = read_action(context, name, *node, name, none);
  } catch (const YAML::Exception& exception) {
    error = "'" + command.text + "': malformed command: " + exception.what();
    return false;
  }
  if (!context.diagnostics().empty() || !read) {
    error = "'" + command.text + "': " +
            (context.diagnostics().empty() ? "not a valid " + name
                                           : first_problem(context.diagnostics()));
    return false;
  }
  if (const std::string why = not_a_programmers(*read); !why.empty()) {
    error = "'" + command.text + "': " + why;
    return false;
  }
  command.action = *read;
  return true;
}

std::vector<uint8_t> action_payload(const Action& action) {
  using pumpfw::app::Command;
  if (const auto* program = std::get_if<ProgramAction>(&action)) {
    return program_payload(program->program);
  }
  if (const auto* bolus = std::get_if<ClinicianBolusAction>(&action)) {
    return clinician_bolus_payload(bolus->dose_ug, bolus->duration_minutes);
  }
  if (const auto* ptm = std::get_if<PtmConfigAction>(&action)) return ptm_payload(ptm->ptm);
  if (const auto* prime = std::get_if<PrimingBolusAction>(&action)) {
    return priming_bolus_payload(prime->volume_ul);
  }
  if (const auto* acknowledge = std::get_if<AcknowledgeAlarmsAction>(&action)) {
    return acknowledge_alarms_payload(acknowledge->alarm_bits);
  }
  if (std::holds_alternative<AlarmTestAction>(action)) return command_payload(Command::kAlarmTest);
  if (std::holds_alternative<InterrogateAction>(action)) {
    return command_payload(Command::kInterrogate);
  }
  throw std::invalid_argument("action_payload: a refill or a bench action");
}

}  // namespace pumpbench
