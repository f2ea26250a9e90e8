// twin/mcu, the parts the host-compiled firmware reaches through its HAL (docs/platform.md,
// "MCU model"): the FRAM and the telemetry UART. The Mcu module itself runs the firmware in the
// platform tests (platform_*_test.cpp); the image's ISS is mcu_m0plus_*_test.cpp and
// mcu_image_platform_test.cpp; the programmer port's socket mcu_telemetry_tcp_bridge_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "fram.h"
#include "telemetry_uart.h"

namespace pumptwin::mcu {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

TEST(Fram, NewPartReadsFfAndATornWriteKeepsOnlyTheBytesBeforeTheCut) {
  Fram fram(8192);
  EXPECT_EQ(fram.size_bytes(), 8192u);
  EXPECT_EQ(fram.byte(0), 0xFF);
  EXPECT_EQ(fram.byte(8191), 0xFF);
  const uint8_t record[4] = {0x11, 0x22, 0x33, 0x44};
  fram.write(100, record, 4, 4);
  fram.write(200, record, 4, 2);  // power cut after two bytes
  EXPECT_EQ(fram.byte(103), 0x44);
  EXPECT_EQ(fram.byte(200), 0x11);
  EXPECT_EQ(fram.byte(201), 0x22);
  EXPECT_EQ(fram.byte(202), 0xFF);
  EXPECT_EQ(fram.byte(203), 0xFF);
  EXPECT_EQ(fram.torn_writes(), 1u);
  EXPECT_EQ(fram.bytes_written(), 6u);
  fram.flip_bit(100, 4);
  EXPECT_EQ(fram.byte(100), 0x01);
}

TEST(Fram, PastTheEndReadsOpenBusAndWritesAreLost) {
  Fram fram(16);
  const uint8_t bytes[4] = {1, 2, 3, 4};
  fram.write(14, bytes, 4, 4);
  uint8_t read[4] = {};
  fram.read(14, read, 4);
  EXPECT_EQ(read[0], 1);
  EXPECT_EQ(read[1], 2);
  EXPECT_EQ(read[2], 0xFF);
  EXPECT_EQ(read[3], 0xFF);
}

// Runs `script` in a SystemC thread next to `uart`, then stops.
void run(const std::function<void()>& script) {
  sc_core::sc_spawn(
      [&script] {
        script();
        sc_core::sc_stop();
      },
      "script");
  sc_core::sc_start();
}

// 10 bit times (8N1) at 19200 Bd, whole nanoseconds.
constexpr uint64_t kByteNs = 520'833;

TEST(TelemetryUart, EachByteTakesTenBitTimesInEitherDirection) {
  sc_core::sc_set_time_resolution(1, SC_NS);
  TelemetryUart uart("uart");
  std::vector<uint64_t> received_ns;
  uint64_t host_has_both_ns = 0;
  std::vector<uint8_t> to_host;
  run([&] {
    uart.host_send({0xA5, 0x5A, 0x01});
    for (int i = 0; i < 3; ++i) {
      sc_core::wait(uart.byte_received);
      received_ns.push_back(sc_core::sc_time_stamp().value());
    }
    const uint8_t reply[2] = {0x10, 0x20};
    EXPECT_EQ(uart.write(reply, 2), 2u);
    const uint64_t written_ns = sc_core::sc_time_stamp().value();
    while (uart.host_take_received().empty()) sc_core::wait(uart.host_byte_arrived);
    sc_core::wait(uart.host_byte_arrived);
    host_has_both_ns = sc_core::sc_time_stamp().value() - written_ns;
  });
  EXPECT_EQ(uart.byte_time(), sc_time(static_cast<double>(kByteNs), SC_NS));
  ASSERT_EQ(received_ns.size(), 3u);
  EXPECT_EQ(received_ns[0], kByteNs);
  EXPECT_EQ(received_ns[2], 3 * kByteNs);
  EXPECT_EQ(host_has_both_ns, 2 * kByteNs);
  uint8_t bytes[4] = {};
  EXPECT_EQ(uart.read(bytes, 4), 3u);
  EXPECT_EQ(bytes[0], 0xA5);
  EXPECT_EQ(bytes[2], 0x01);
}

TEST(TelemetryUart, BytesArrivingAtAFullFifoAreOverrunsAndTheTransmitFifoTakesWhatFits) {
  sc_core::sc_set_time_resolution(1, SC_NS);
  TelemetryUart uart("uart");
  uint32_t accepted = 0;
  run([&] {
    std::vector<uint8_t> flood(70);
    for (size_t i = 0; i < flood.size(); ++i) flood[i] = static_cast<uint8_t>(i);
    uart.host_send(flood);
    sc_core::wait(sc_time(static_cast<double>(71 * kByteNs), SC_NS));
    // One byte leaves the transmit FIFO for the shifter at once: 64 + 1 accepted.
    const std::vector<uint8_t> reply(100, 0x7E);
    accepted = uart.write(reply.data(), 64);
    sc_core::wait(sc_time(1, SC_NS));
    accepted += uart.write(reply.data(), 36);
  });
  EXPECT_EQ(uart.rx_available(), 64u);
  EXPECT_EQ(uart.rx_overruns(), 6u);
  std::vector<uint8_t> kept(64);
  ASSERT_EQ(uart.read(kept.data(), 64), 64u);
  EXPECT_EQ(kept.front(), 0);
  EXPECT_EQ(kept.back(), 63);
  EXPECT_EQ(accepted, 65u);
}

TEST(TelemetryUart, ALineFilterAltersOrLosesBytesOnTheWay) {
  sc_core::sc_set_time_resolution(1, SC_NS);
  TelemetryUart uart("uart");
  uart.set_line_filter([](bool to_pump, uint8_t& byte) {
    if (to_pump && byte == 0x55) return false;
    byte = static_cast<uint8_t>(byte ^ 0x80);
    return true;
  });
  std::vector<uint8_t> at_host;
  run([&] {
    uart.host_send({0x01, 0x55, 0x02});
    sc_core::wait(sc_time(static_cast<double>(4 * kByteNs), SC_NS));
    const uint8_t reply = 0x03;
    uart.write(&reply, 1);
    sc_core::wait(sc_time(static_cast<double>(2 * kByteNs), SC_NS));
    at_host = uart.host_take_received();
  });
  uint8_t bytes[4] = {};
  ASSERT_EQ(uart.read(bytes, 4), 2u);
  EXPECT_EQ(bytes[0], 0x81);
  EXPECT_EQ(bytes[1], 0x82);
  EXPECT_EQ(uart.rx_overruns(), 0u);
  EXPECT_EQ(at_host, std::vector<uint8_t>{0x83});
}

}  // namespace
}  // namespace pumptwin::mcu
