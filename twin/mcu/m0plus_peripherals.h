// The pump MCU's peripherals as the Cortex-M0+ image sees them: register-level models of SPI0,
// GPIO0, RTC, NVMCTRL, UART0, RSTC, HASH0 and TRNG0 (docs/mcu-memory-map.md; offsets and bits
// from firmware/ports/cortex-m0plus/registers.h, their one definition), the NVIC and SysTick.
// Each model keeps its registers; what happens on the board behind them (an SPI frame to the
// ASIC, an FRAM byte, a UART byte, an HMAC) goes through M0PlusBoard, which the MCU model
// implements over the same twin models the host build reaches through its HAL.
#pragma once

#include <array>
#include <cstdint>

#include "hal/hal.h"

namespace pumptwin::mcu {

class M0PlusBoard {
 public:
  virtual uint32_t spi_transfer(uint32_t mosi_frame) = 0;
  virtual bool asic_irq_level() = 0;
  virtual bool asic_edge_pending() = 0;
  virtual void clear_asic_edge() = 0;
  virtual pumpfw::hal::Ticks rtc_ticks() = 0;
  // The RTC's prescaler output since power-on (the count without its jumps): WAKEUP's clock.
  virtual pumpfw::hal::Ticks crystal_ticks() = 0;
  // Core clock cycles since power-on (8 MHz): SysTick's clock.
  virtual uint64_t clock_cycles() = 0;
  virtual uint32_t nvm_size_bytes() = 0;
  // Stores one byte; `index_in_write` counts the bytes since ADDR was last written (where a
  // power cut armed by a fault falls).
  virtual void nvm_store(uint32_t offset, uint8_t byte, uint32_t index_in_write) = 0;
  virtual uint32_t uart_rx_count() = 0;
  virtual bool uart_tx_full() = 0;
  virtual uint8_t uart_pop() = 0;
  virtual void uart_push(uint8_t byte) = 0;
  virtual void hmac_begin(const uint8_t* key, uint32_t key_length) = 0;
  virtual void hmac_update(uint8_t byte) = 0;
  virtual void hmac_finish(uint8_t digest[32]) = 0;
  virtual uint32_t random_word() = 0;
  virtual pumpfw::hal::ResetCause reset_cause() = 0;

 protected:
  ~M0PlusBoard() = default;
};

// Each model: reset() to its state after any reset; read/write take the register's absolute
// address (a 32-bit access; narrower accesses are widened by the bus).
class Spi0 {
 public:
  void reset() { ctrl_ = 0, rx_data_ = 0; }
  uint32_t read(uint32_t address) const;
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);

 private:
  uint32_t ctrl_ = 0;
  uint32_t rx_data_ = 0;
};

class Gpio0 {
 public:
  void reset() { edge_enable_ = 0; }
  uint32_t read(M0PlusBoard& board, uint32_t address) const;
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);
  bool interrupt(M0PlusBoard& board) const;

 private:
  uint32_t edge_enable_ = 0;
};

// The counter is the board's RTC (always-on; it runs through resets); COMPARE, WAKEUP, INTFLAG
// and INTEN are reset with the core. INTFLAG.COMPARE is set when COUNT reaches COMPARE and stays
// set until written 1; clearing it while COUNT is still at or past COMPARE does not set it
// again. WAKEUP counts down on the prescaler's ticks (crystal_ticks), not on COUNT, and sets
// INTFLAG.WAKEUP when it reaches zero.
class Rtc {
 public:
  void reset();
  uint32_t read(M0PlusBoard& board, uint32_t address);
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);
  bool interrupt(M0PlusBoard& board);
  // For WFI, the ticks at which an enabled flag would next set (UINT64_MAX: never): of COUNT
  // for the compare, of the prescaler (crystal_ticks) for the wake-up timer.
  pumpfw::hal::Ticks next_match() const {
    return armed_ && (int_enable_ & kCompareBit) != 0 ? compare_ : UINT64_MAX;
  }
  pumpfw::hal::Ticks next_wakeup() const {
    return wakeup_armed_ && (int_enable_ & kWakeupBit) != 0 ? wakeup_end_ : UINT64_MAX;
  }

 private:
  static constexpr uint32_t kCompareBit = 1u << 0;
  static constexpr uint32_t kWakeupBit = 1u << 1;
  void update(M0PlusBoard& board);
  uint32_t count_hi_latched_ = 0;
  uint64_t compare_ = UINT64_MAX;
  uint32_t flags_ = 0;
  bool armed_ = false;
  uint64_t wakeup_end_ = 0;
  bool wakeup_armed_ = false;
  uint32_t int_enable_ = 0;
};

class NvmCtrl {
 public:
  void reset() { address_ = 0, index_in_write_ = 0; }
  uint32_t read(M0PlusBoard& board, uint32_t address) const;
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);

 private:
  uint32_t address_ = 0;
  uint32_t index_in_write_ = 0;
};

class Uart0 {
 public:
  void reset() { baud_ = 0, int_enable_ = 0; }
  uint32_t read(M0PlusBoard& board, uint32_t address);
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);
  bool interrupt(M0PlusBoard& board) const;

 private:
  uint32_t baud_ = 0;
  uint32_t int_enable_ = 0;
};

class Rstc {
 public:
  uint32_t read(M0PlusBoard& board, uint32_t address) const;
};

class Hash0 {
 public:
  void reset();
  uint32_t read(uint32_t address) const;
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);

 private:
  std::array<uint32_t, 16> key_{};
  std::array<uint8_t, 32> digest_{};
  uint32_t key_length_ = 0;
  bool done_ = false;
};

class Trng0 {
 public:
  void reset() { enabled_ = false; }
  uint32_t read(M0PlusBoard& board, uint32_t address);
  void write(uint32_t address, uint32_t value);

 private:
  bool enabled_ = false;
};

// SysTick on the core clock (ARMv6-M B3.3). CVR counts down from RVR; reaching zero sets
// COUNTFLAG and, with TICKINT, pends exception 15.
class SysTick {
 public:
  void reset() { csr_ = 0, rvr_ = 0, start_cycle_ = 0, flag_read_wraps_ = 0; }
  uint32_t read(M0PlusBoard& board, uint32_t address);
  void write(M0PlusBoard& board, uint32_t address, uint32_t value);
  // Wraps since enabled (counted from CVR's last write).
  uint64_t wraps(M0PlusBoard& board) const;
  bool interrupt_enabled() const;
  // Core clock cycle of the next wrap (UINT64_MAX: none).
  uint64_t next_wrap_cycle() const;

 private:
  uint32_t csr_ = 0;
  uint32_t rvr_ = 0;
  uint64_t start_cycle_ = 0;
  uint64_t flag_read_wraps_ = 0;
};

// The NVIC's enable, pending and priority registers (ARMv6-M B3.4). An interrupt is pending
// while its line is high (a level) or since it was set pending; ICPR clears the latter only.
class Nvic {
 public:
  void reset() { enabled_ = 0, latched_ = 0, priority_ = {}; }
  uint32_t read(uint32_t address, uint32_t lines) const;
  void write(uint32_t address, uint32_t value);
  uint32_t enabled() const { return enabled_; }
  uint32_t pending(uint32_t lines) const { return latched_ | lines; }
  uint8_t priority(uint32_t line) const { return priority_[line / 4] >> (8 * (line % 4)) & 0xC0; }
  void acknowledge(uint32_t line) { latched_ &= ~(1u << line); }

 private:
  uint32_t enabled_ = 0;
  uint32_t latched_ = 0;
  std::array<uint32_t, 8> priority_{};
};

}  // namespace pumptwin::mcu
