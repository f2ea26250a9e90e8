#include "live_client.h"

#include <chrono>
#include <limits>

#include <boost/asio.hpp>

namespace pumpviewer {

namespace asio = boost::asio;
using asio::ip::tcp;

struct LiveClient::Impl {
  asio::io_context io;
  tcp::socket socket{io};
};

LiveClient::LiveClient(RunData& data, std::string host, unsigned short port, std::string token)
    : impl_(std::make_unique<Impl>()),
      data_(data),
      host_(std::move(host)),
      port_(port),
      token_(std::move(token)) {}

LiveClient::~LiveClient() {
  stopping_ = true;
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->socket.close(ignored);
  });
  if (thread_.joinable()) thread_.join();
}

void LiveClient::start() {
  thread_ = std::thread([this] { run(); });
}

void LiveClient::retry() {
  if (!failed_) return;
  if (thread_.joinable()) thread_.join();
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
  impl_->io.restart();
  failed_ = false;
  start();
}

void LiveClient::send(Json command) {
  command["id"] = next_id_++;
  auto line = std::make_shared<std::string>(pumptwin::live::encode(command));
  asio::post(impl_->io, [this, line] {
    boost::system::error_code ignored;
    asio::write(impl_->socket, asio::buffer(*line), ignored);
  });
}

void LiveClient::run() {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  using pumptwin::live::LineDecoder;
  boost::system::error_code error;
  {
    std::lock_guard lock(data_.mutex);
    data_.connection = "connecting to " + host_ + ":" + std::to_string(port_);
    data_.live = true;
  }
  // A server that is starting gets a few seconds; then the viewer says it is not connected and
  // offers to retry, rather than saying "connecting" for ever.
  for (int attempt = 0; attempt < 30 && !stopping_; ++attempt) {
    tcp::resolver resolver(impl_->io);
    const auto endpoints = resolver.resolve(host_, std::to_string(port_), error);
    if (!error) asio::connect(impl_->socket, endpoints, error);
    if (!error) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (error) {
    std::lock_guard lock(data_.mutex);
    data_.connection =
        "cannot connect to " + host_ + ":" + std::to_string(port_) + ": " + error.message();
    failed_ = true;
    return;
  }
  Json hello = {
      {"type", "hello"}, {"version", pumptwin::live::kProtocolVersion}, {"client", "pumpviewer"}};
  if (!token_.empty()) hello["token"] = token_;
  asio::write(impl_->socket, asio::buffer(pumptwin::live::encode(hello)), error);
  connected_ = true;
  {
    std::lock_guard lock(data_.mutex);
    data_.connection = "connected to " + host_ + ":" + std::to_string(port_);
  }
  LineDecoder decoder(pumptwin::live::kMaxServerMessageBytes);
  std::array<char, 65536> buffer{};
  std::vector<double> row;
  for (;;) {
    // Commands posted by the UI run between reads.
    impl_->io.poll();
    impl_->io.restart();
    if (stopping_ || !impl_->socket.is_open()) break;
    impl_->socket.non_blocking(false, error);
    if (error) break;
    const std::size_t available = impl_->socket.available(error);
    if (error) break;
    std::size_t bytes = 0;
    if (available == 0) {
      // Wait briefly so posted commands are not held up by a quiet server.
      impl_->socket.non_blocking(true, error);
      if (error) break;
      bytes = impl_->socket.read_some(asio::buffer(buffer), error);
      if (error == asio::error::would_block) {
        error.clear();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
    } else {
      bytes = impl_->socket.read_some(asio::buffer(buffer), error);
    }
    if (error) break;
    decoder.feed(std::string_view(buffer.data(), bytes));
    Json message;
    std::string problem;
    std::lock_guard lock(data_.mutex);
    while (decoder.next(message, problem)) {
      if (!problem.empty()) {
        data_.last_error = "bad message from the server: " + problem;
        continue;
      }
      const std::string type = message["type"];
      if (type == "hello") {
        data_.set_catalogue(signals_from_json(message["signals"]));
        data_.events.clear();  // a reconnection gets the history again
        data_.snapshots.clear();
        data_.run = message.value("run", Json::object());
        data_.faults = message.value("faults", Json::array());
        data_.duration_s = data_.run.value("duration_s", 0.0);
      } else if (type == "sample") {
        const Json& v = message["v"];
        row.assign(v.size(), kNaN);
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (v[i].is_number()) row[i] = v[i].get<double>();
        }
        data_.add_sample(message["t"].get<double>(), row);
      } else if (type == "history") {
        // The run before this client joined (docs/protocol.md): one signal's points.
        const Json& t = message["t"];
        const Json& v = message["v"];
        std::vector<double> times(t.size());
        std::vector<double> values(v.size());
        for (std::size_t i = 0; i < t.size(); ++i)
          times[i] = t[i].is_number() ? t[i].get<double>() : kNaN;
        for (std::size_t i = 0; i < v.size(); ++i)
          values[i] = v[i].is_number() ? v[i].get<double>() : kNaN;
        data_.add_history(message.value("signal", std::size_t{0}), std::move(times),
                          std::move(values));
      } else if (type == "history_end") {
        data_.end_history();
      } else if (type == "event") {
        data_.events.push_back({message.value("t", 0.0), message.value("source", ""),
                                message.value("kind", ""), message.value("text", "")});
      } else if (type == "snapshot") {
        data_.snapshots.emplace_back(message.value("t", 0.0), message);
      } else if (type == "status") {
        data_.status = message;
      } else if (type == "end") {
        data_.result = message;
        data_.ended = true;
      } else if (type == "error") {
        data_.last_error = message.value("code", "") + ": " + message.value("message", "");
      } else if (type == "ack" && message.value("ok", true) == false) {
        data_.last_error = message.value("message", "");
      } else if (type == "ack") {
        data_.last_error.clear();
        data_.status["last_answer"] = message.value("message", "");
      }
    }
  }
  connected_ = false;
  std::lock_guard lock(data_.mutex);
  data_.connection = data_.ended ? "run ended; disconnected" : "disconnected: " + error.message();
  if (!data_.ended && !stopping_) failed_ = true;
}

}  // namespace pumpviewer
