#include "telemetry_uart.h"

#include <algorithm>

namespace pumptwin::mcu {

namespace {
constexpr uint64_t kBitsPerByte = 10;  // start, 8 data, stop
}

TelemetryUart::TelemetryUart(const sc_core::sc_module_name& name, const TelemetryUartConfig& config)
    : sc_core::sc_module(name),
      config_(config),
      byte_time_(sc_core::sc_time(
          static_cast<double>(kBitsPerByte * 1'000'000'000ull / config.baud), sc_core::SC_NS)) {
  SC_THREAD(receive_thread);
  SC_THREAD(transmit_thread);
}

uint32_t TelemetryUart::read(uint8_t* destination, uint32_t max_length) {
  uint32_t count = 0;
  while (count < max_length && !rx_fifo_.empty()) {
    destination[count++] = rx_fifo_.front();
    rx_fifo_.pop_front();
  }
  return count;
}

uint32_t TelemetryUart::write(const uint8_t* source, uint32_t length) {
  const uint32_t room = config_.fifo_bytes - static_cast<uint32_t>(tx_fifo_.size());
  const uint32_t accepted = std::min(room, length);
  tx_fifo_.insert(tx_fifo_.end(), source, source + accepted);
  if (accepted != 0) tx_fifo_filled_.notify(sc_core::SC_ZERO_TIME);
  return accepted;
}

void TelemetryUart::reset_fifos() {
  rx_fifo_.clear();
  tx_fifo_.clear();
}

void TelemetryUart::host_send(const std::vector<uint8_t>& bytes) {
  line_to_pump_.insert(line_to_pump_.end(), bytes.begin(), bytes.end());
  line_to_pump_filled_.notify(sc_core::SC_ZERO_TIME);
}

std::vector<uint8_t> TelemetryUart::host_take_received() {
  std::vector<uint8_t> bytes;
  bytes.swap(host_received_);
  return bytes;
}

void TelemetryUart::receive_thread() {
  for (;;) {
    while (line_to_pump_.empty()) wait(line_to_pump_filled_);
    wait(byte_time_);
    uint8_t byte = line_to_pump_.front();
    line_to_pump_.pop_front();
    if (line_filter_ && !line_filter_(true, byte)) continue;
    if (rx_fifo_.size() >= config_.fifo_bytes) {
      ++rx_overruns_;
      continue;
    }
    rx_fifo_.push_back(byte);
    byte_received.notify(sc_core::SC_ZERO_TIME);
  }
}

void TelemetryUart::transmit_thread() {
  for (;;) {
    while (tx_fifo_.empty()) wait(tx_fifo_filled_);
    // The byte leaves the FIFO for the shift register at once, freeing its place.
    uint8_t byte = tx_fifo_.front();
    tx_fifo_.pop_front();
    wait(byte_time_);
    if (line_filter_ && !line_filter_(false, byte)) continue;
    host_received_.push_back(byte);
    if (host_listener_) host_listener_(byte);
    host_byte_arrived.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace pumptwin::mcu
