#include "programmer_port.h"

#include <algorithm>
#include <cstdio>

#include "run_interrupt.h"

namespace pumpbench {

std::unique_ptr<pumptwin::mcu::TelemetryTcpBridge> open_programmer_port(
    const ProgrammerPortOptions& options, WallPacer& pacer, pumptwin::mcu::TelemetryUart& uart,
    std::string& problem) {
  pumptwin::mcu::TelemetryTcpBridgeConfig config;
  config.socket.host = options.host;
  config.socket.port = options.port;
  config.socket.allow_remote = options.allow_remote;
  // A paced run looks for a programmer every kLookForProgrammerWallS of wall time (at most
  // every simulated second, as an unpaced one): at a quarter of real time a simulated second
  // is 4 s of wall time, most of the programmer's 5 s deadline for its first answer, and at a
  // tenth more than all of it.
  if (pacer.factor() > 0.0) {
    config.idle_poll_period_s =
        std::min(config.idle_poll_period_s, pacer.factor() * kLookForProgrammerWallS);
  }
  config.forwarding_started = [&pacer] {
    pacer.attach_programmer(sc_core::sc_time_stamp().to_seconds());
  };
  config.forwarding_poll = [&pacer] {
    pacer.pace_programmer(sc_core::sc_time_stamp().to_seconds(), interrupt_requested);
  };
  auto bridge = std::make_unique<pumptwin::mcu::TelemetryTcpBridge>("programmer_port", uart, config);
  problem = bridge->start();
  if (!problem.empty()) {
    if (!options.allow_remote && problem.find("beyond loopback") != std::string::npos) {
      problem += " (--programmer-remote)";
    }
    return nullptr;
  }
  std::fprintf(stderr, "pumpbench: programmer port on %s\n", bridge->socket().address().c_str());
  if (!options.port_file.empty()) {
    // Written aside and renamed: a reader never sees half a number.
    const std::string aside = options.port_file + ".partial";
    std::FILE* file = std::fopen(aside.c_str(), "w");
    if (file == nullptr) {
      problem = "cannot write the port file '" + options.port_file + "'";
      return nullptr;
    }
    std::fprintf(file, "%u\n", bridge->socket().port());
    std::fclose(file);
    std::rename(aside.c_str(), options.port_file.c_str());
  }
  return bridge;
}

bool hold_for_programmer(pumptwin::mcu::TelemetryTcpBridge& port, WallPacer& pacer) {
  pacer.hold_begin();
  WallPacer::wait_until([&port] { return port.socket().attached() || interrupt_requested(); });
  pacer.hold_end();
  pacer.attach_programmer(sc_core::sc_time_stamp().to_seconds());
  return port.socket().attached();
}

}  // namespace pumpbench
