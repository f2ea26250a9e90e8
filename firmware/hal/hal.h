// The hardware abstraction layer: the only seam between the pump firmware and the board.
// ports/twin implements it over the SystemC MCU model, ports/cortex-m0plus over real
// registers, and tests/firmware over a fake. The firmware never learns which one it runs on.
#pragma once

#include <cstdint>

namespace pumpfw::hal {

// The RTC counts 1/1024 s (a 32.768 kHz crystal divided by 32): binary, so seconds are a shift.
using Ticks = uint64_t;
inline constexpr uint32_t kTicksPerSecond = 1024;

// The causes, their values and their names are defined once, in reset_causes.def.
enum class ResetCause : uint8_t {
#define PUMPFW_RESET_CAUSE(enumerator, value, ...) enumerator = value,
#include "hal/reset_causes.def"
#undef PUMPFW_RESET_CAUSE
};

class Hal {
 public:
  Hal() = default;
  Hal(const Hal&) = delete;
  Hal& operator=(const Hal&) = delete;

  // --- SPI to the motor-driver ASIC --------------------------------------------------------
  // One 32-bit frame, MSB first, chip select low for exactly this frame; returns the MISO
  // frame. Blocks for the frame's duration (32 bits at <= 125 kHz plus chip-select guards).
  virtual uint32_t spi_transfer(uint32_t mosi_frame) = 0;

  // --- ASIC interrupt line -----------------------------------------------------------------
  virtual bool asic_irq_level() = 0;
  // True when a rising edge of the IRQ line was seen since the last call; clears the flag.
  virtual bool take_asic_irq_pending() = 0;

  // --- Time ----------------------------------------------------------------------------------
  // Monotonic RTC. It keeps counting through watchdog, brown-out and software resets and
  // restarts from zero only at power-on.
  virtual Ticks now() = 0;
  // Low-power sleep. Returns when the RTC reaches wake_ticks or when as many ticks as it had
  // to go at the call have passed on the crystal, whichever is first (a jump of the RTC can
  // shorten a sleep, never stretch it), or earlier when the ASIC IRQ rises or UART bytes
  // arrive. Returns at once when wake_ticks is not in the future.
  virtual void sleep_until(Ticks wake_ticks) = 0;

  // --- Non-volatile memory -----------------------------------------------------------------
  // Byte-addressable, no erase needed (FRAM / EEPROM-like). A write is not atomic: power can
  // be lost after any byte, leaving the bytes before it new and the rest old.
  virtual uint32_t nvm_size_bytes() = 0;
  virtual void nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) = 0;
  virtual void nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) = 0;

  // --- Telemetry UART (non-blocking) ---------------------------------------------------------
  // Received bytes waiting to be read.
  virtual uint32_t uart_rx_available() = 0;
  // Reads up to max_length received bytes; returns how many were read.
  virtual uint32_t uart_read(uint8_t* destination, uint32_t max_length) = 0;
  // Queues bytes for transmission; returns how many were accepted.
  virtual uint32_t uart_write(const uint8_t* source, uint32_t length) = 0;

  // --- Crypto peripheral (SHA-256/HMAC accelerator and random-number generator) -----------
  // One HMAC-SHA256 at a time: begin with the key (at most 64 bytes), feed the message in any
  // number of pieces, finish with the 32-byte digest. A begin abandons any unfinished one.
  virtual void hmac_begin(const uint8_t* key, uint32_t key_length) = 0;
  virtual void hmac_update(const uint8_t* data, uint32_t length) = 0;
  virtual void hmac_finish(uint8_t digest[32]) = 0;
  // Fills destination with bytes from the true random-number generator (challenges).
  virtual void random_bytes(uint8_t* destination, uint32_t length) = 0;

  // --- Reset ---------------------------------------------------------------------------------
  virtual ResetCause reset_cause() = 0;
  // Asks for a software reset. On hardware it does not return; the twin and fakes record it
  // and the caller stops running the firmware instance.
  virtual void request_reset() = 0;

 protected:
  // Not deletable through the interface: the firmware never owns its HAL, so no heap
  // deleting destructor is needed on the target.
  ~Hal() = default;
};

}  // namespace pumpfw::hal
