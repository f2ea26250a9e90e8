// The MCU's telemetry UART and the radio link behind it, byte-timed: each byte takes 10 bit
// times (8N1) on the line in either direction. The firmware side has the 64-byte receive and
// transmit FIFOs of docs/mcu-memory-map.md (UART0); the host side (the clinician programmer or
// the patient's PTM) sends and receives whole byte strings. A byte that arrives while the
// receive FIFO is full is lost (an overrun), as on the part.
//
// Idle costs nothing: the two shifters are threads that wait for bytes to send.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>

namespace pumptwin::mcu {

struct TelemetryUartConfig {
  uint32_t baud = 19200;
  uint32_t fifo_bytes = 64;
};

class TelemetryUart : public sc_core::sc_module {
 public:
  // A byte entered the receive FIFO (an MCU wake-up source).
  sc_core::sc_event byte_received;
  // A byte reached the host.
  sc_core::sc_event host_byte_arrived;

  SC_HAS_PROCESS(TelemetryUart);
  TelemetryUart(const sc_core::sc_module_name& name, const TelemetryUartConfig& config = {});

  sc_core::sc_time byte_time() const { return byte_time_; }

  // --- firmware side (non-blocking, the HAL's contract) ----------------------------------
  uint32_t rx_available() const { return static_cast<uint32_t>(rx_fifo_.size()); }
  uint32_t tx_space() const { return config_.fifo_bytes - static_cast<uint32_t>(tx_fifo_.size()); }
  uint32_t read(uint8_t* destination, uint32_t max_length);
  // Accepts what fits in the transmit FIFO; returns how many bytes were taken.
  uint32_t write(const uint8_t* source, uint32_t length);
  // A reset of the MCU empties both FIFOs; bytes already on the line still arrive.
  void reset_fifos();

  // --- host side ---------------------------------------------------------------------------
  // Queues bytes for the line towards the pump (the host's buffer is not bounded).
  void host_send(const std::vector<uint8_t>& bytes);
  // Takes every byte the host has received so far.
  std::vector<uint8_t> host_take_received();

  uint32_t rx_overruns() const { return rx_overruns_; }

  // A second receiver on the air (the TCP bridge's external programmer): every byte that
  // reaches the host is also given to `listener`. Empty: none.
  using HostListener = std::function<void(uint8_t byte)>;
  void set_host_listener(HostListener listener) { host_listener_ = std::move(listener); }

  // Fault injection (twin/faults): each byte that reaches the end of the line passes through
  // `filter` (towards the pump or towards the host), which may alter it or return false to lose
  // it. Empty: a clean link.
  using LineFilter = std::function<bool(bool to_pump, uint8_t& byte)>;
  void set_line_filter(LineFilter filter) { line_filter_ = std::move(filter); }

 private:
  void receive_thread();
  void transmit_thread();

  TelemetryUartConfig config_;
  sc_core::sc_time byte_time_;
  std::deque<uint8_t> line_to_pump_;
  std::deque<uint8_t> rx_fifo_;
  std::deque<uint8_t> tx_fifo_;
  std::vector<uint8_t> host_received_;
  uint32_t rx_overruns_ = 0;
  LineFilter line_filter_;
  HostListener host_listener_;
  sc_core::sc_event line_to_pump_filled_;
  sc_core::sc_event tx_fifo_filled_;
};

}  // namespace pumptwin::mcu
