// A TCP listener served by one I/O thread (Boost.Asio), as the live server (bench/live) and the
// telemetry bridge (twin/mcu) use it: the host resolved, the acceptor bound, the thread run
// until stop(), which closes on the I/O thread what its owner has open there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio.hpp>

namespace pumptwin {

class TcpListener {
 public:
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;  // I/O thread only once started

  // The address to bind for host (an address or a name to resolve); "" or why not.
  std::string resolve(const std::string& host, uint16_t port, boost::asio::ip::address& address) {
    boost::system::error_code error;
    address = boost::asio::ip::make_address(host, error);
    if (!error) return "";
    boost::asio::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), error);
    if (error || results.empty()) return "cannot resolve '" + host + "': " + error.message();
    address = results.begin()->endpoint().address();
    return "";
  }

  // Opens the acceptor on address:port (port 0: any free one); "" or why not.
  std::string listen(const boost::asio::ip::address& address, uint16_t port, int backlog) {
    const boost::asio::ip::tcp::endpoint endpoint(address, port);
    auto opened = std::make_unique<boost::asio::ip::tcp::acceptor>(io);
    boost::system::error_code error;
    opened->open(endpoint.protocol(), error);
    if (!error) {
      opened->set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), error);
    }
    if (!error) opened->bind(endpoint, error);
    if (!error) opened->listen(backlog, error);
    if (error) {
      return "cannot listen on " + address.to_string() + ":" + std::to_string(port) + ": " +
             error.message();
    }
    acceptor = std::move(opened);
    return "";
  }

  uint16_t port() const { return acceptor->local_endpoint().port(); }

  // Runs the I/O thread; the owner has queued its first accept.
  void start() {
    work_ = std::make_unique<WorkGuard>(io.get_executor());
    thread_ = std::thread([this] { io.run(); });
  }
  bool running() const { return thread_.joinable(); }

  // On the I/O thread: closes the acceptor, then runs close_owned() (the owner's connections),
  // and lets the loop run dry; waits for the thread.
  template <typename CloseOwned>
  void stop(CloseOwned close_owned) {
    if (!thread_.joinable()) return;
    boost::asio::post(io, [this, close_owned] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
      close_owned();
      work_.reset();
    });
    thread_.join();
  }

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::unique_ptr<WorkGuard> work_;
  std::thread thread_;
};

}  // namespace pumptwin
