// The live server: a Boost.Asio TCP server on its own thread, between a running simulation and
// its clients (protocol.h). The simulation never waits on it: it publishes into each client's
// bounded queue and drains the clients' commands at its sync points; a client that reads too
// slowly loses samples (counted), one that falls further behind on events is dropped, one that
// sends garbage gets an error and is dropped. Nothing here knows SystemC.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol.h"

namespace pumptwin::live {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port (see Server::port())
  // Required from clients in their hello; binding beyond loopback requires one.
  std::string token;
  std::size_t max_clients = 8;
  // A client's queue: samples beyond this many bytes are dropped; other messages beyond four
  // times as much drop the client. A client may ask for less (subscribe.queue_bytes).
  std::size_t queue_bytes = 512 * 1024;
  // Commands waiting for the simulation; more get a "busy" error.
  std::size_t max_pending_commands = 64;
  // History for clients that join late (history.h): points kept per signal, events kept
  // (the oldest are forgotten beyond this, counted in the history's end message).
  std::size_t history_points = 4096;
  std::size_t history_events = 50000;
  // The run's actions (the scenario registry's action_names()): commands whose fields the run
  // reads with the scenario loader's reader (check_client_message).
  std::vector<std::string> actions;
};

// What a client asked of the simulation.
struct Command {
  uint64_t client = 0;
  Json message;
};

// Per-client figures, for status messages and tests.
struct ClientStats {
  uint64_t id = 0;
  std::string name;
  uint64_t samples_sent = 0;     // queued for the socket
  uint64_t samples_dropped = 0;  // not queued: the client's queue was full
  uint64_t messages_sent = 0;
  std::size_t queued_bytes = 0;
  // Every byte the server holds for this client: its queue (the history included), the batch
  // being written and the unread part of what it sent. Bounded (docs/protocol.md, "Limits per
  // client") whatever the client does.
  std::size_t held_bytes = 0;
};

enum class Stream { kSample, kEvent, kSnapshot, kStatus, kReply };

class Server {
 public:
  explicit Server(const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The hello every client gets on connection (type, protocol and version are filled in).
  void set_hello(const Json& hello);
  // Binds, listens and starts the network thread. Returns the problem, empty on success.
  std::string start();
  unsigned short port() const { return port_; }
  // Closes every connection and joins the network thread (also done by the destructor).
  void stop();

  // --- from the simulation thread; none of these waits on the network ---
  // Clients that have said hello.
  std::size_t clients() const;
  // Whether this client is still connected (and said hello).
  bool connected(uint64_t client) const;
  // To every client that subscribed to the stream; a sample goes to a client only when
  // `time_s` is at least its sample period after the last one it got.
  void publish(Stream stream, double time_s, const Json& message);
  void send_to(uint64_t client, const Json& message);
  // The history a client gets after its hello (history.h): the catalogue's size, then every
  // sample row (NaN: not measured). Events and the last snapshot and status are kept from
  // what is published.
  void set_history_signals(std::size_t count);
  void record_sample(double time_s, const std::vector<double>& values);
  // Commands received since the last call (at most max_pending_commands).
  std::vector<Command> take_commands();
  // Waits up to `timeout` for a command (only while the run is paused by a client).
  bool wait_for_command(std::chrono::milliseconds timeout);
  // Waits up to `timeout` until every queue has gone out (at the end of a run).
  void flush(std::chrono::milliseconds timeout);
  std::vector<ClientStats> stats() const;
  // Per client: samples dropped so far.
  uint64_t samples_dropped(uint64_t client) const;

  struct Impl;  // the network side (server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace pumptwin::live
