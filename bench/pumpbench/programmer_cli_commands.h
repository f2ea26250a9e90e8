// The commands of `pumpbench programmer` (programmer_cli.h). A command is a timeline action of
// the scenario registry by its name (action_names(): `program`, `clinician_bolus`,
// `acknowledge_alarms`...) followed by the action's value as a scenario writes it, without the
// braces: `clinician_bolus dose: 5 mg, duration: 30 min`. It is read by the scenario loader's
// own reader (read_action), so the words, units, ranges and firmware resolution are the
// scenario's and the live server's, and encoded by firmware_commands: what is sent is exactly
// what was typed, and anything else is refused before a byte is sent. `events [N]` (the pump's
// log) is the one command that is not an action. No network, no SystemC: the tests drive it
// directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario.h"

namespace pumpbench {

inline constexpr size_t kMaxProgrammerEvents = 256;  // the pump's log
// The one programmer command that is not a timeline action: read the pump's event log.
inline constexpr const char* kEventsCommand = "events";

struct ProgrammerCommand {
  bool events = false;  // `events [N]`; otherwise `action`
  size_t event_count = kMaxProgrammerEvents;
  std::string action_name;    // the registry's name of `action`
  Action action;              // as read_action read it
  bool every_active = false;  // `acknowledge_alarms` without names: every active one
  std::string text;           // as written, for messages
  std::string where;          // "FILE:LINE: " in a script, empty on the command line
};

std::vector<std::string> split_words(const std::string& text);

// Reads one command; false with `error` set when it is not one the pump could be sent as typed,
// or when its action is not a programmer's (inject, clear, checkpoint: the bench's; ptm_press:
// the patient's).
bool parse_programmer_command(const std::vector<std::string>& words, ProgrammerCommand& command,
                              std::string& error);

// The payload of an action that needs nothing from the pump (every one but a refill, which
// may take the pump's drug, and an acknowledgement of every active alarm), as it goes to it.
std::vector<uint8_t> action_payload(const Action& action);

}  // namespace pumpbench
