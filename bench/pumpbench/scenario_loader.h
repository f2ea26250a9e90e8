// Loads and validates a scenario file. Every problem is reported with the file, line and column
// where it was written and the field it concerns ("setup.reservoir.fill"), and loading goes on
// after a problem where it can, so one pass shows them all. Nothing in a bad file can crash the
// bench: the loader only ever returns diagnostics.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fault_registry.h"
#include "scenario.h"
#include "units.h"

namespace YAML {
class Node;
}

namespace pumpbench {

struct Diagnostic {
  std::string file;
  SourceLocation location;
  std::string field;  // dotted path, e.g. "timeline[2].refill.volume"; empty for syntax errors
  std::string message;
  // "file:line:column: error: field: message"
  std::string format() const;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when there are no diagnostics
  std::vector<Diagnostic> diagnostics;
  // What was not checked, and why (a scenario outside any folder with a requirements.yaml has
  // its requirement IDs unchecked): `validate` and `run` print these as notes.
  std::vector<std::string> notes;
};

LoadResult load_scenario(const std::string& path);
// The same from text already read (`path` names it in messages, and finds its requirements).
LoadResult load_scenario_text(const std::string& path, const std::string& text);
// The same from a document read by read_yaml_file or parse_yaml_text (yaml_fields.h).
LoadResult load_scenario_document(const std::string& path, const YAML::Node& root);

// The requirements list (scenarios/requirements.yaml): id and text of each requirement.
struct Requirement {
  std::string id;
  std::string text;
};
struct RequirementsLoad {
  std::vector<Requirement> requirements;
  std::vector<Diagnostic> diagnostics;
};
RequirementsLoad load_requirements(const std::string& path);

// The dimension a fault parameter's quantity is read in (a fraction for the kinds without one).
Dimension fault_parameter_dimension(pumptwin::faults::ParameterKind kind);

class Context;  // yaml_fields.h

// An `inject` mapping ({fault: NAME, ...parameters}) read against the twin's fault registry: the
// name, each parameter's unit kind, range, choices and required fields. `path` names the field
// in messages. The scenario's timeline and a campaign's fault variants both read faults so.
std::optional<InjectFaultAction> read_fault(Context& context, const YAML::Node& node,
                                            const std::string& path);

// The actions a timeline step (and a live client's command) may name, in the order the
// documentation lists them.
const std::vector<std::string>& action_names();

// One action ({refill: {...}}, {program: {...}}...) read and checked as a scenario's timeline
// reads it: `key` is the action's name, `node` its value, `path` names it in messages. The
// timeline and the live server's commands are read so, by this one reader.
std::optional<Action> read_action(Context& context, const std::string& key, const YAML::Node& node,
                                  const std::string& path, const Setup& setup);

// The requirements.yaml that applies to a scenario file: in its folder or the nearest parent.
std::optional<std::string> find_requirements_file(const std::string& scenario_path);

}  // namespace pumpbench
