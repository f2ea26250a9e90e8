// The programmer port (twin/mcu/telemetry_tcp_bridge.h): its network half alone (bounded queues
// that drop and count, a client that overruns grossly is closed, one programmer at a time,
// bytes for the programmer reach it), and the bridge on a UART serving nobody before serve().
// 127.0.0.1 only.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <chrono>
#include <vector>
#include <thread>

#include "telemetry_tcp_bridge.h"

namespace pumptwin::mcu {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// Waits (bounded) until `condition` holds: the I/O thread gets there in its own time.
template <typename Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 1000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

TEST(TelemetrySocket, BoundsItsQueuesAndTakesOneProgrammerAtATime) {
  TelemetrySocketConfig config;
  config.inbound_queue_bytes = 100;
  config.outbound_queue_bytes = 50;
  config.overrun_close_bytes = 1000;
  TelemetrySocket socket(config);
  ASSERT_EQ(socket.start(), "");
  EXPECT_EQ(socket.address(), "127.0.0.1:" + std::to_string(socket.port()));
  EXPECT_FALSE(socket.attached());

  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), socket.port());
  tcp::socket programmer(io);
  programmer.connect(endpoint);
  ASSERT_TRUE(eventually([&] { return socket.attached(); }));
  EXPECT_EQ(socket.generation(), 1u);

  // 300 bytes into a 100-byte queue: 100 kept in order, 200 dropped and counted.
  std::vector<uint8_t> bytes(300);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
  asio::write(programmer, asio::buffer(bytes));
  ASSERT_TRUE(eventually([&] { return socket.stats().inbound_dropped_bytes == 200; }));
  const std::vector<uint8_t> taken = socket.take_inbound(60);
  ASSERT_EQ(taken.size(), 60u);
  EXPECT_EQ(taken[59], 59);
  EXPECT_EQ(socket.take_inbound(1000).size(), 40u);
  EXPECT_EQ(socket.stats().inbound_bytes, 100u);

  // A second programmer is closed at once; the first stays.
  tcp::socket second(io);
  second.connect(endpoint);
  std::array<uint8_t, 16> sink{};
  boost::system::error_code error;
  second.read_some(asio::buffer(sink), error);
  EXPECT_EQ(error, asio::error::eof);
  EXPECT_EQ(socket.stats().refused, 1u);
  EXPECT_TRUE(socket.attached());

  // Towards the programmer: 80 bytes into a 50-byte queue (while nothing has gone out yet at
  // most 50 are kept); what was kept arrives in order.
  std::vector<uint8_t> answer(80);
  for (size_t i = 0; i < answer.size(); ++i) answer[i] = static_cast<uint8_t>(200 - i);
  socket.send_outbound(answer);
  ASSERT_TRUE(eventually([&] {
    const TelemetrySocketStats stats = socket.stats();
    return stats.outbound_bytes + stats.outbound_dropped_bytes == 80;
  }));
  const TelemetrySocketStats sent = socket.stats();
  EXPECT_GE(sent.outbound_bytes, 50u);
  std::vector<uint8_t> received(sent.outbound_bytes);
  asio::read(programmer, asio::buffer(received));
  EXPECT_EQ(received.front(), 200);

  // Far beyond the queue: the programmer is closed, the next one is taken.
  std::vector<uint8_t> flood(4000, 0x55);
  asio::write(programmer, asio::buffer(flood), error);
  ASSERT_TRUE(eventually([&] { return !socket.attached(); }));
  EXPECT_EQ(socket.stats().closed_for_overrun, 1u);
  tcp::socket next(io);
  next.connect(endpoint);
  ASSERT_TRUE(eventually([&] { return socket.attached() && socket.generation() == 2; }));
  EXPECT_TRUE(socket.take_inbound(1000).empty());  // nothing of the flood is left for it
  socket.stop();
}

TEST(TelemetrySocket, BindsBeyondLoopbackOnlyWhenAskedTo) {
  TelemetrySocketConfig config;
  config.host = "0.0.0.0";
  TelemetrySocket socket(config);
  EXPECT_NE(socket.start().find("beyond loopback"), std::string::npos);
}

// A programmer that connects before the bench serves programmers (during the scenario's setup)
// waits: none of its bytes reaches the pump's line before serve(), and all of them after (the
// run once let an early programmer's interrogate collide with the setup's refill).
TEST(TelemetryTcpBridge, AProgrammerConnectedBeforeServeWaitsThenGetsThrough) {
  TelemetryUart uart("uart");
  TelemetryTcpBridge bridge("bridge", uart, {});
  ASSERT_EQ(bridge.start(), "");
  asio::io_context io;
  tcp::socket programmer(io);
  programmer.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), bridge.socket().port()));
  const std::vector<uint8_t> request = {0xA5, 0x01, 0x07, 0x01, 0x12, 0x34};
  asio::write(programmer, asio::buffer(request));
  ASSERT_TRUE(eventually([&] { return bridge.socket().stats().inbound_bytes == request.size(); }));

  constexpr double kServedAtS = 3.0;
  uint32_t received_before_serve = 0;
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_core::sc_time(kServedAtS, sc_core::SC_SEC));
    received_before_serve = uart.rx_available();
    bridge.serve();
  });
  sc_core::sc_start(sc_core::sc_time(kServedAtS + 1.0, sc_core::SC_SEC));
  EXPECT_EQ(received_before_serve, 0u);
  std::vector<uint8_t> on_the_line(16);
  on_the_line.resize(uart.read(on_the_line.data(), static_cast<uint32_t>(on_the_line.size())));
  EXPECT_EQ(on_the_line, request);
  bridge.socket().stop();
}

}  // namespace
}  // namespace pumptwin::mcu
