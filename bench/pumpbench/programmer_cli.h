// pumpbench programmer HOST:PORT --key FILE [COMMAND | --script FILE]: a clinician programmer
// on the command line, over TCP to a run's programmer port (pumpbench run --programmer-port,
// docs/telemetry.md "External programmer"). It speaks the telemetry framing and the session
// protocol itself (ProgrammerLink) with the device key read from a file, on its own wall clock.
//
// Commands (quantities with units as in scenario files):
//   interrogate                            the pump's status
//   events [N]                             the event log (the N newest; default all)
//   program continuous RATE                e.g. program continuous 3 mg/day
//   refill VOLUME CONCENTRATION [--drug NAME] [--low-reservoir VOLUME]
//   bolus DOSE [DURATION]                  a clinician bolus, e.g. bolus 0.5 mg 10 min
//   acknowledge [ALARM...]                 default: every active acknowledgeable alarm
//
// Exit codes: 0 done, 1 the pump refused (its reason printed by name) or did not prove it holds
// the key, 2 bad input (key file, command, script, endpoint), 3 no answer in time, no
// connection, or the connection was closed.
#pragma once

#include <string>
#include <vector>

namespace pumpbench {

inline constexpr int kProgrammerDone = 0;
inline constexpr int kProgrammerRefused = 1;
inline constexpr int kProgrammerBadInput = 2;
inline constexpr int kProgrammerNoAnswer = 3;

struct ProgrammerCliOptions {
  std::string endpoint;  // HOST:PORT
  std::string key_file;  // 64 hex digits; lines starting with '#' are comments
  std::vector<std::string> command;  // one command's words (or empty with script_file)
  std::string script_file;           // one command per line, '#' comments
  double timeout_s = 5.0;            // per request, wall time
};

int run_programmer(const ProgrammerCliOptions& options);

}  // namespace pumpbench
