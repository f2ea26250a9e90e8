#include "live_commands.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "scenario_loader.h"
#include "units.h"
#include "yaml_fields.h"

namespace pumptwin::live {

namespace {

// JSON as the YAML a scenario would write: numbers and booleans as their text, so that the
// loader reads both the same way.
YAML::Node yaml_of(const Json& value) {
  if (value.is_object()) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [key, item] : value.items()) map[key] = yaml_of(item);
    return map;
  }
  if (value.is_array()) {
    YAML::Node sequence(YAML::NodeType::Sequence);
    for (const Json& item : value) sequence.push_back(yaml_of(item));
    return sequence;
  }
  if (value.is_null()) return YAML::Node(YAML::NodeType::Null);
  if (value.is_string()) return YAML::Node(value.get<std::string>());
  return YAML::Node(value.dump());
}

std::string first_problem(const std::vector<pumpbench::Diagnostic>& diagnostics) {
  const pumpbench::Diagnostic& first = diagnostics.front();
  return first.field.empty() ? first.message : first.field + ": " + first.message;
}

}  // namespace

std::string action_of(const std::string& type) {
  const std::vector<std::string>& names = pumpbench::action_names();
  return std::find(names.begin(), names.end(), type) != names.end() ? type : "";
}

bool parse_live_action(const Json& message, const pumpbench::Setup& setup,
                       const std::function<bool(const std::string&)>& fault_injected,
                       pumpbench::Step& step, std::string& error) {
  const std::string type = message.value("type", "");
  const std::string action = action_of(type);
  if (action.empty()) {
    error = "not a command of this server: " + type;
    return false;
  }
  // The message's fields are the action's, as a scenario writes them; an inject's parameters
  // sit beside its fault's name, an acknowledgement is its list of alarms.
  YAML::Node node;
  if (action == "acknowledge_alarms") {
    node = yaml_of(message.value("alarms", Json::array()));
  } else if (action == "clear") {
    node = yaml_of(message.value("fault", Json()));
  } else if (action == "inject") {
    Json fields = message.value("params", Json::object());
    if (!fields.is_object()) {
      error = "params: expected a mapping of the fault's parameters";
      return false;
    }
    if (fields.contains("fault")) {
      error = "params: a fault has no parameter 'fault'";
      return false;
    }
    fields["fault"] = message.value("fault", Json());
    node = yaml_of(fields);
  } else {
    Json fields = message;
    fields.erase("type");
    fields.erase("id");
    node = fields.empty() ? YAML::Node(YAML::NodeType::Null) : yaml_of(fields);
  }
  pumpbench::Context context("live");
  context.accept_bare_numbers_in_base_unit();
  std::optional<pumpbench::Action> read;
  try {
    read = pumpbench::read_action(context, action, node, type, setup);
  } catch (const YAML::Exception& exception) {
    error = std::string("malformed command: ") + exception.what();
    return false;
  }
  if (!context.diagnostics().empty() || !read) {
    error = context.diagnostics().empty() ? "not a valid " + type
                                          : first_problem(context.diagnostics());
    return false;
  }
  if (const auto* clear = std::get_if<pumpbench::ClearFaultAction>(&*read)) {
    if (!fault_injected(clear->fault)) {
      error = "fault '" + clear->fault + "' is not injected: nothing to clear";
      return false;
    }
  }
  step.action = *read;
  step.action_name = "live " + type;
  step.expect_answer = "any";
  return true;
}

std::optional<double> parse_step_duration(const Json& message, std::string& error) {
  std::optional<double> duration;
  if (message.contains("duration_s") && message["duration_s"].is_number()) {
    duration = message["duration_s"].get<double>();
  } else if (message.contains("duration") && message["duration"].is_string()) {
    const pumpbench::QuantityParse parsed = pumpbench::parse_quantity(
        message["duration"].get<std::string>(), pumpbench::Dimension::kTime);
    if (!parsed.value) {
      error = "duration: " + parsed.error;
      return std::nullopt;
    }
    duration = parsed.value;
  } else {
    error = "a step needs \"duration\" (with its unit) or \"duration_s\"";
    return std::nullopt;
  }
  if (!(*duration > 0.0 && *duration <= kMaxStepS)) {
    error = "the step must be longer than 0 s and at most 20 years";
    return std::nullopt;
  }
  return duration;
}

}  // namespace pumptwin::live
