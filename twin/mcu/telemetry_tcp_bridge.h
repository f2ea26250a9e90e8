// The telemetry link brought out to a TCP socket, so that an external programmer (pumpbench
// programmer, docs/telemetry.md "External programmer") can talk to the twin's pump. The bytes
// on the stream are exactly the bytes on the radio link: the programmer speaks the telemetry
// framing itself.
//
// Two halves, one per thread:
//  - TelemetrySocket: the network (Boost.Asio, its own I/O thread, no SystemC). One programmer
//    at a time — a radio link has one programmer in session — so a second connection is
//    closed at once and counted. Bytes from the programmer wait in a bounded inbound queue
//    (overflow: dropped and counted; a programmer that overruns it by far more is closed),
//    bytes for it in a bounded outbound queue (overflow: dropped and counted).
//  - TelemetryTcpBridge: the simulation's side (SystemC), which never lets the I/O thread touch
//    the kernel. It looks for a programmer every idle_poll_period_s of simulated time (timed
//    polls, known in advance: the ASIC's run-ahead must never meet an unscheduled wake-up);
//    while one is attached it polls every poll_period_s, moves at most what the line carries in
//    that time into the UART, forwards every byte the UART delivered to the host, and calls
//    the bench's pacing hooks (the twin never reads the wall clock: the bench keeps the
//    simulation at wall pace there, so that the programmer sees a live pump). Without a
//    programmer it only looks, which changes no result. It serves nobody before serve().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "telemetry_uart.h"

namespace pumptwin::mcu {

struct TelemetrySocketConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port (see TelemetrySocket::port())
  // Binding beyond loopback must be asked for: the pump's session authentication is then the
  // only protection of the link.
  bool allow_remote = false;
  std::size_t inbound_queue_bytes = 1024;      // a few frames (at most 207 bytes each)
  std::size_t outbound_queue_bytes = 16 * 1024;
  // A programmer whose dropped inbound bytes exceed this is closed: it is not a programmer.
  std::size_t overrun_close_bytes = 16 * 1024;
};

struct TelemetrySocketStats {
  uint64_t connections = 0;          // programmers attached
  uint64_t refused = 0;              // connections closed because one was attached
  uint64_t closed_for_overrun = 0;
  uint64_t inbound_bytes = 0;        // queued for the pump
  uint64_t inbound_dropped_bytes = 0;
  uint64_t outbound_bytes = 0;       // written to programmers
  uint64_t outbound_dropped_bytes = 0;
};

class TelemetrySocket {
 public:
  explicit TelemetrySocket(const TelemetrySocketConfig& config);
  ~TelemetrySocket();
  TelemetrySocket(const TelemetrySocket&) = delete;
  TelemetrySocket& operator=(const TelemetrySocket&) = delete;

  // Binds, listens and starts the I/O thread. Returns the problem, empty on success.
  std::string start();
  unsigned short port() const { return port_; }
  // The address bound, as HOST:PORT.
  std::string address() const;
  // Closes the connection and joins the I/O thread (the destructor does it too).
  void stop();

  // --- from any other thread; none of these waits on the network ---
  // A programmer is attached; `generation` counts attachments (a new programmer, a new number).
  bool attached() const;
  uint64_t generation() const;
  // Takes at most `max_bytes` of what the attached programmer sent.
  std::vector<uint8_t> take_inbound(std::size_t max_bytes);
  // Queues bytes for the attached programmer (dropped, and counted, without one or when full).
  void send_outbound(const std::vector<uint8_t>& bytes);
  TelemetrySocketStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

struct TelemetryTcpBridgeConfig {
  TelemetrySocketConfig socket;
  double poll_period_s = 0.005;      // simulated, while a programmer is attached
  double idle_poll_period_s = 1.0;   // simulated, while none is
  // Called on the simulation thread when forwarding starts (a programmer attached, or
  // pace_always) and at every poll while it goes on: where the bench paces the run.
  std::function<void()> forwarding_started;
  std::function<void()> forwarding_poll;
};

class TelemetryTcpBridge : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TelemetryTcpBridge);
  TelemetryTcpBridge(const sc_core::sc_module_name& name, TelemetryUart& uart,
                     const TelemetryTcpBridgeConfig& config);
  ~TelemetryTcpBridge() override;

  // Listens (before the simulation starts). Returns the problem, empty on success.
  std::string start() { return socket_.start(); }
  TelemetrySocket& socket() { return socket_; }

  // --- from a SystemC thread ---
  // From now on an attached programmer is served. Until then its bytes wait in the socket's
  // queue and it hears nothing: the bench serves programmers from the end of the scenario's
  // setup, so that an early programmer cannot collide with the filling and programming that
  // come before its session (as in a clinic, where the pump arrives filled and programmed).
  void serve();
  // From now on the simulation is paced even without a programmer (after a scenario's end,
  // while the pump is kept running for programmers).
  void pace_always();

 private:
  void bridge_thread();

  TelemetryUart& uart_;
  TelemetryTcpBridgeConfig config_;
  TelemetrySocket socket_;
  sc_core::sc_event pace_always_changed_;
  sc_core::sc_event serving_started_;
  bool serving_ = false;
  bool attached_ = false;  // simulation side: forwarding to the current programmer
  bool pace_always_ = false;
  uint64_t generation_ = 0;
  std::vector<uint8_t> to_programmer_;
};

}  // namespace pumptwin::mcu
