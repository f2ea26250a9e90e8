#include "telemetry_tcp_bridge.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>

#include "tcp_listener.h"

namespace pumptwin::mcu {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kReadChunk = 512;
constexpr std::size_t kWriteChunk = 4096;
}  // namespace

// ------------------------------------------------------------------------ TelemetrySocket

struct Connection {
  explicit Connection(tcp::socket connection) : socket(std::move(connection)) {}
  tcp::socket socket;  // I/O thread only
  std::array<uint8_t, kReadChunk> read_buffer{};
  std::vector<uint8_t> write_buffer;  // I/O thread only
  bool writing = false;               // I/O thread only
};

struct TelemetrySocket::Impl {
  explicit Impl(const TelemetrySocketConfig& socket_config) : config(socket_config) {}

  TelemetrySocketConfig config;
  TcpListener listener;
  std::string bound_host;
  std::shared_ptr<Connection> current;  // I/O thread only
  std::atomic<bool> write_kick_pending{false};

  mutable std::mutex mutex;  // everything below
  bool attached = false;
  uint64_t generation = 0;
  std::deque<uint8_t> inbound;
  std::deque<uint8_t> outbound;
  std::size_t dropped_from_current = 0;
  TelemetrySocketStats stats;

  void accept() {
    listener.acceptor->async_accept(
        [this](const boost::system::error_code& error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !listener.acceptor->is_open()) return;
          if (!error) attach(std::move(socket));
          accept();
        });
  }

  void attach(tcp::socket socket) {
    boost::system::error_code ignored;
    if (current) {
      {
        std::lock_guard lock(mutex);
        ++stats.refused;
      }
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      return;
    }
    socket.set_option(tcp::no_delay(true), ignored);
    current = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(mutex);
      attached = true;
      ++generation;
      ++stats.connections;
      inbound.clear();
      outbound.clear();
      dropped_from_current = 0;
    }
    read(current);
  }

  void detach(const std::shared_ptr<Connection>& connection) {
    if (connection != current) return;
    boost::system::error_code ignored;
    connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
    connection->socket.close(ignored);
    current.reset();
    std::lock_guard lock(mutex);
    attached = false;
    inbound.clear();
    outbound.clear();
  }

  void read(const std::shared_ptr<Connection>& connection) {
    connection->socket.async_read_some(
        asio::buffer(connection->read_buffer),
        [this, connection](const boost::system::error_code& error, std::size_t length) {
          if (error) {
            detach(connection);  // gone, reset, or closed by us
            return;
          }
          bool overrun = false;
          {
            std::lock_guard lock(mutex);
            const std::size_t room = config.inbound_queue_bytes - inbound.size();
            const std::size_t taken = std::min(room, length);
            inbound.insert(inbound.end(), connection->read_buffer.begin(),
                           connection->read_buffer.begin() + static_cast<std::ptrdiff_t>(taken));
            stats.inbound_bytes += taken;
            stats.inbound_dropped_bytes += length - taken;
            dropped_from_current += length - taken;
            if (dropped_from_current > config.overrun_close_bytes) {
              overrun = true;
              ++stats.closed_for_overrun;
            }
          }
          if (overrun) {
            detach(connection);
            return;
          }
          read(connection);
        });
  }

  void write() {
    const std::shared_ptr<Connection> connection = current;
    if (!connection || connection->writing) return;
    {
      std::lock_guard lock(mutex);
      const std::size_t count = std::min(outbound.size(), kWriteChunk);
      connection->write_buffer.assign(outbound.begin(),
                                      outbound.begin() + static_cast<std::ptrdiff_t>(count));
      outbound.erase(outbound.begin(), outbound.begin() + static_cast<std::ptrdiff_t>(count));
    }
    if (connection->write_buffer.empty()) return;
    connection->writing = true;
    asio::async_write(
        connection->socket, asio::buffer(connection->write_buffer),
        [this, connection](const boost::system::error_code& error, std::size_t length) {
          connection->writing = false;
          if (error) {
            detach(connection);
            return;
          }
          {
            std::lock_guard lock(mutex);
            stats.outbound_bytes += length;
          }
          write();
        });
  }
};

TelemetrySocket::TelemetrySocket(const TelemetrySocketConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}

TelemetrySocket::~TelemetrySocket() {
  stop();
}

std::string TelemetrySocket::start() {
  const TelemetrySocketConfig& config = impl_->config;
  TcpListener& listener = impl_->listener;
  asio::ip::address bind_address;
  std::string error = listener.resolve(config.host, config.port, bind_address);
  if (!error.empty()) return error;
  if (!bind_address.is_loopback() && !config.allow_remote) {
    return "binding to " + bind_address.to_string() +
           " (beyond loopback) must be asked for explicitly";
  }
  error = listener.listen(bind_address, config.port, 4);
  if (!error.empty()) return error;
  port_ = listener.port();
  impl_->bound_host = bind_address.to_string();
  impl_->accept();
  listener.start();
  return "";
}

std::string TelemetrySocket::address() const {
  const bool v6 = impl_->bound_host.find(':') != std::string::npos;
  return (v6 ? "[" + impl_->bound_host + "]" : impl_->bound_host) + ":" + std::to_string(port_);
}

void TelemetrySocket::stop() {
  impl_->listener.stop([this] {
    if (impl_->current) impl_->detach(impl_->current);
  });
}

bool TelemetrySocket::attached() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->attached;
}

uint64_t TelemetrySocket::generation() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->generation;
}

std::vector<uint8_t> TelemetrySocket::take_inbound(std::size_t max_bytes) {
  std::lock_guard lock(impl_->mutex);
  const std::size_t count = std::min(max_bytes, impl_->inbound.size());
  std::vector<uint8_t> bytes(impl_->inbound.begin(),
                             impl_->inbound.begin() + static_cast<std::ptrdiff_t>(count));
  impl_->inbound.erase(impl_->inbound.begin(),
                       impl_->inbound.begin() + static_cast<std::ptrdiff_t>(count));
  return bytes;
}

void TelemetrySocket::send_outbound(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    const std::size_t room =
        impl_->attached ? impl_->config.outbound_queue_bytes - impl_->outbound.size() : 0;
    const std::size_t taken = std::min(room, bytes.size());
    impl_->outbound.insert(impl_->outbound.end(), bytes.begin(),
                           bytes.begin() + static_cast<std::ptrdiff_t>(taken));
    impl_->stats.outbound_dropped_bytes += bytes.size() - taken;
    if (taken == 0) return;
  }
  if (!impl_->listener.running() || impl_->write_kick_pending.exchange(true)) return;
  asio::post(impl_->listener.io, [this] {
    impl_->write_kick_pending = false;
    impl_->write();
  });
}

TelemetrySocketStats TelemetrySocket::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

// --------------------------------------------------------------------- TelemetryTcpBridge

TelemetryTcpBridge::TelemetryTcpBridge(const sc_core::sc_module_name& name, TelemetryUart& uart,
                                       const TelemetryTcpBridgeConfig& config)
    : sc_core::sc_module(name), uart_(uart), config_(config), socket_(config.socket) {
  uart_.set_host_listener([this](uint8_t byte) {
    if (attached_) to_programmer_.push_back(byte);
  });
  SC_THREAD(bridge_thread);
}

TelemetryTcpBridge::~TelemetryTcpBridge() {
  socket_.stop();
  uart_.set_host_listener(nullptr);
}

void TelemetryTcpBridge::serve() {
  serving_ = true;
  serving_started_.notify(sc_core::SC_ZERO_TIME);
}

void TelemetryTcpBridge::pace_always() {
  pace_always_ = true;
  pace_always_changed_.notify(sc_core::SC_ZERO_TIME);
}

void TelemetryTcpBridge::bridge_thread() {
  const sc_core::sc_time poll_period(config_.poll_period_s, sc_core::SC_SEC);
  const sc_core::sc_time idle_poll_period(config_.idle_poll_period_s, sc_core::SC_SEC);
  // What the line carries in one poll period, and a byte more: the UART's line queue stays
  // short and a flood waits (and overflows) in the socket's bounded queue instead.
  const auto bytes_per_poll =
      static_cast<std::size_t>(std::ceil(poll_period / uart_.byte_time())) + 1;
  while (!serving_) sc_core::wait(serving_started_);
  for (;;) {
    while (!socket_.attached() && !pace_always_) {
      sc_core::wait(idle_poll_period, pace_always_changed_);
    }
    if (config_.forwarding_started) config_.forwarding_started();
    while (socket_.attached() || pace_always_) {
      const uint64_t generation = socket_.generation();
      const bool attached = socket_.attached();
      if (!attached || generation != generation_) to_programmer_.clear();  // not theirs
      attached_ = attached;
      generation_ = generation;
      socket_.send_outbound(to_programmer_);
      to_programmer_.clear();
      const std::vector<uint8_t> bytes = socket_.take_inbound(bytes_per_poll);
      if (!bytes.empty()) uart_.host_send(bytes);
      if (config_.forwarding_poll) config_.forwarding_poll();
      sc_core::wait(poll_period);
    }
    attached_ = false;
    to_programmer_.clear();
  }
}

}  // namespace pumptwin::mcu
