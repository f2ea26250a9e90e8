// The viewer's connection to a live run (docs/protocol.md): a Boost.Asio client on its own
// thread that fills RunData and sends the UI's commands.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "run_data.h"

namespace pumpviewer {

class LiveClient {
 public:
  LiveClient(RunData& data, std::string host, unsigned short port, std::string token);
  ~LiveClient();
  void start();
  // Queues a command (an "id" is added); safe from the UI thread.
  void send(Json command);
  bool connected() const { return connected_; }
  // The connection could not be made or was lost before the run ended.
  bool failed() const { return failed_; }
  // After a failure: tries again (the history comes again, from the start).
  void retry();

 private:
  void run();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RunData& data_;
  std::string host_;
  unsigned short port_;
  std::string token_;
  std::thread thread_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> next_id_{1};
};

}  // namespace pumpviewer
