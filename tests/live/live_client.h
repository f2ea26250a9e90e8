// A blocking test client of the live server, on loopback: connect, send lines, read messages.
// Sends ignore errors (the server may have dropped the client on purpose). A server that stays
// silent for kSilenceLimit fails the test instead of hanging it: the server sends a status five
// times a wall second while a run is live, so silence that long is a defect.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "protocol.h"

namespace pumptwin::live::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

class Client {
 public:
  static constexpr std::chrono::seconds kSilenceLimit{120};

  explicit Client(unsigned short port, int receive_buffer = 0) : socket_(io_) {
    socket_.open(tcp::v4());
    if (receive_buffer > 0) {
      socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void send(const std::string& bytes) {
    boost::system::error_code ignored;
    asio::write(socket_, asio::buffer(bytes), ignored);
  }
  void send(const Json& message) { send(encode(message)); }
  Json receive() {
    boost::system::error_code error = asio::error::timed_out;
    std::size_t bytes = 0;
    asio::async_read_until(socket_, buffer_, '\n',
                           [&error, &bytes](const boost::system::error_code& e, std::size_t n) {
                             error = e;
                             bytes = n;
                           });
    io_.restart();
    io_.run_for(kSilenceLimit);
    if (!io_.stopped()) {
      ADD_FAILURE() << "the server sent nothing for " << kSilenceLimit.count() << " s";
      socket_.cancel();
      io_.run();  // the read completes as cancelled
    }
    if (error && bytes == 0) return nullptr;
    std::string line(asio::buffers_begin(buffer_.data()),
                     asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(bytes));
    buffer_.consume(bytes);
    return Json::parse(line);
  }
  // Messages until one of `type` (returned) or the end (null).
  Json receive_until(const std::string& type) {
    return receive_until([&type](const Json& message) { return message["type"] == type; });
  }
  // Messages until one `wanted` accepts (returned) or the end (null).
  Json receive_until(const std::function<bool(const Json&)>& wanted) {
    for (Json message = receive(); !message.is_null(); message = receive()) {
      if (wanted(message)) return message;
    }
    return nullptr;
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  asio::streambuf buffer_;
};

}  // namespace pumptwin::live::testing
