// pumpbench run --programmer-port: the twin's telemetry link on TCP for an external programmer
// (twin/mcu/telemetry_tcp_bridge.h, docs/telemetry.md "External programmer").
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "telemetry_tcp_bridge.h"

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

// Listens and announces the address on stderr ("pumpbench: programmer port on HOST:PORT").
// While a programmer is attached the run goes at `realtime_factor` × wall time (1 when 0).
// Null, with `problem` set, when it cannot listen.
std::unique_ptr<pumptwin::mcu::TelemetryTcpBridge> open_programmer_port(
    const ProgrammerPortOptions& options, double realtime_factor,
    pumptwin::mcu::TelemetryUart& uart, std::function<bool()> stop_requested,
    std::string& problem);

}  // namespace pumpbench
