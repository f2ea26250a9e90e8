// The commands of `pumpbench programmer` (programmer_cli.h) read from their words: every
// quantity with its unit, inside the drug library's widest limits and a whole number of the
// pump's unit (firmware_integer), so that what is sent is exactly what was typed; anything
// else is refused before a byte is sent. No network, no SystemC: the tests drive it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pumpbench {

inline constexpr size_t kMaxProgrammerEvents = 256;  // the pump's log

struct ProgrammerCommand {
  enum class Verb {
    kInterrogate,
    kEvents,
    kProgram,
    kRefill,
    kBolus,
    kAcknowledge
  } verb = Verb::kInterrogate;
  std::string text;   // as written, for messages
  std::string where;  // "FILE:LINE: " in a script, empty on the command line
  size_t event_count = kMaxProgrammerEvents;
  double rate_ug_per_day = 0.0;
  double volume_ul = 0.0;
  double concentration_ug_per_ml = 0.0;
  std::string drug;               // empty: the drug the pump holds
  double low_reservoir_ul = 0.0;  // set from the firmware's default by parse_programmer_command
  double dose_ug = 0.0;
  uint16_t duration_minutes = 10;
  uint16_t alarm_bits = 0;  // 0: every active acknowledgeable alarm
};

std::vector<std::string> split_words(const std::string& text);

// Reads one command; false with `error` set when it is not one the pump could be sent as typed.
bool parse_programmer_command(const std::vector<std::string>& words, ProgrammerCommand& command,
                              std::string& error);

// The payload of a dose change (program, bolus) as it goes to the pump.
std::vector<uint8_t> dose_change_payload(const ProgrammerCommand& command);

}  // namespace pumpbench
