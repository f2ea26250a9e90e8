// Options of `pumpbench run --serve` and `pumpbench serve` (docs/protocol.md).
#pragma once

#include <string>

namespace pumptwin::live {

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port (printed, and written to port_file)
  std::string token;        // required beyond loopback
  // Pace at start: simulated seconds per wall second; 0: as fast as possible.
  double speed = 0.0;
  bool start_paused = false;  // `serve`: waits for a client to resume
  bool linger = false;        // `serve`: keeps serving after the end until interrupted
  std::string port_file;      // the bound port is written here (tests, scripts)
};

}  // namespace pumptwin::live
