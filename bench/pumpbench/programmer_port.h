// pumpbench run --programmer-port: the twin's telemetry link on TCP for an external programmer
// (twin/mcu/telemetry_tcp_bridge.h, docs/telemetry.md "External programmer").
#pragma once

#include <memory>
#include <string>

#include "telemetry_tcp_bridge.h"
#include "wall_pacer.h"

namespace pumpbench {

struct ProgrammerPortOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;    // 0: any free port (printed, and written to port_file)
  bool allow_remote = false;  // --programmer-remote: bind beyond loopback
  std::string port_file;      // the bound port is written here (tests, scripts)
  // --wait-programmer: after the setup the run holds until a programmer attaches.
  bool wait = false;
  // --keep-running: after the scenario's end the pump keeps running, paced, until interrupted.
  bool keep_running = false;
};

// How often a paced run looks for a programmer that has connected (wall seconds).
inline constexpr double kLookForProgrammerWallS = 0.25;

// Listens and announces the address on stderr ("pumpbench: programmer port on HOST:PORT").
// While a programmer is attached `pacer` keeps the run at wall pace (WallPacer::pace_programmer).
// Null, with `problem` set, when it cannot listen.
std::unique_ptr<pumptwin::mcu::TelemetryTcpBridge> open_programmer_port(
    const ProgrammerPortOptions& options, WallPacer& pacer, pumptwin::mcu::TelemetryUart& uart,
    std::string& problem);

// --wait-programmer: holds the whole simulation until a programmer attaches (or Ctrl-C); the
// run's wall time and pace count from then. False when interrupted without one.
bool hold_for_programmer(pumptwin::mcu::TelemetryTcpBridge& port, WallPacer& pacer);

}  // namespace pumpbench
