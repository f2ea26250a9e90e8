// A live client's command (docs/protocol.md, "Control") as the run performs it: the message is
// turned into the timeline action it names and read by the scenario loader's own reader
// (read_action), so a client can say exactly what a scenario can, checked by the same rules,
// units, ranges and firmware limits. No SystemC: the loader tests and the fuzz target use it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "protocol.h"
#include "scenario.h"

namespace pumptwin::live {

// The timeline action a control message names (its "type" is the action's name), empty for
// the types that steer the run rather than the pump.
std::string action_of(const std::string& type);

// A well-formed message (check_client_message) naming an action, read into `step`; false with
// `error` ("field: problem") when the loader refuses it, or when it clears a fault that
// `fault_injected` says is not injected.
bool parse_live_action(const Json& message, const pumpbench::Setup& setup,
                       const std::function<bool(const std::string&)>& fault_injected,
                       pumpbench::Step& step, std::string& error);

// A step's length: "duration" with its unit, or "duration_s"; finite, above 0 and at most
// kMaxStepS.
inline constexpr double kMaxStepS = 20 * 365 * 86400.0;
std::optional<double> parse_step_duration(const Json& message, std::string& error);

}  // namespace pumptwin::live
