// A fake board for the firmware's unit tests: time advances only in sleep_until (instantly),
// NVM is a byte array that can lose power after any byte, the UART is two byte queues, and
// the ASIC is a small behavioural model of its SPI registers (docs/asic-registers.md): moves
// take their step time, TOTAL_STEPS counts 1/8 steps actually driven, the watchdog runs, and
// stalls, SPI corruption and battery voltage can be injected.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "drivers/motor_driver_regs.h"
#include "hal/hal.h"
#include "ports/twin/mbed_crypto.h"

namespace pumpfw::test {

class FakeAsic {
 public:
  FakeAsic();
  uint32_t transfer(uint32_t mosi, hal::Ticks now);
  // Runs the model up to `now`: ends moves, expires the watchdog.
  void advance(hal::Ticks now);
  hal::Ticks next_event() const;
  bool irq_level() const;
  uint16_t reg(uint8_t address) const { return regs_[address]; }

  // Fault injection.
  void stall_next_moves(int count, uint16_t steps_before_stall) {
    stalled_moves_ = count;
    steps_before_stall_ = steps_before_stall;
  }
  void corrupt_next_miso(int count) { corrupt_miso_ = count; }
  void corrupt_next_mosi(int count) { corrupt_mosi_ = count; }
  // After `skip` frames, the next `count` MOSI frames arrive with these bits inverted (bit 31 =
  // frame bit 31): the ASIC decodes the damaged address, answers it, and latches SPI_ERROR at
  // the frame's end.
  void flip_next_mosi_bits(int count, uint32_t mask, int skip = 0) {
    flip_mosi_skip_ = skip;
    flip_mosi_ = count;
    flip_mosi_mask_ = mask;
  }
  void set_battery_code(uint16_t code) { battery_code_ = code; }
  // How many codes lower the battery channel reads while a move runs (the cell's internal
  // resistance under the motor's current: 8 codes, ~10 mV at the cell, as the twin shows for a
  // new cell); 0 is a channel that does not follow the cell (stuck).
  void set_battery_sag_codes(uint16_t codes) { battery_sag_codes_ = codes; }
  // Reads of this register return this bit stuck at `value` (under a correct MISO CRC, as a
  // fault inside the chip would).
  void stick_register_bit(uint8_t address, uint8_t bit, bool value) {
    stuck_address_ = address;
    stuck_mask_ = static_cast<uint16_t>(1u << bit);
    stuck_value_ = value;
  }
  // Conversions started are never finished (ADC_CTRL.START stays set).
  void stall_adc(bool stalled) { adc_stalled_ = stalled; }
  // Power-cycles the chip: registers and TOTAL_STEPS back to reset.
  void power_on_reset();

  uint32_t total_microsteps() const { return total_microsteps_; }
  uint32_t moves_started() const { return moves_started_; }
  uint32_t watchdog_expiries() const { return watchdog_expiries_; }
  uint32_t frames() const { return frames_; }
  uint32_t tone_changes() const { return tone_changes_; }
  std::vector<std::pair<hal::Ticks, uint16_t>> tone_history;

 private:
  void latch_fault(uint16_t fault_mask);
  void write_register(uint8_t address, uint16_t value, hal::Ticks now);
  uint32_t microsteps_per_step() const;

  uint16_t regs_[0x20] = {};
  uint32_t total_microsteps_ = 0;
  bool busy_ = false;
  hal::Ticks move_end_ = 0;
  uint16_t move_steps_ = 0;
  bool move_stalls_ = false;
  hal::Ticks watchdog_deadline_ = 0;
  int stalled_moves_ = 0;
  uint16_t steps_before_stall_ = 0;
  int corrupt_miso_ = 0;
  int corrupt_mosi_ = 0;
  int flip_mosi_ = 0;
  int flip_mosi_skip_ = 0;
  uint32_t flip_mosi_mask_ = 0;
  bool adc_stalled_ = false;
  int stuck_address_ = -1;
  uint16_t stuck_mask_ = 0;
  bool stuck_value_ = false;
  uint16_t battery_code_ = 2457;  // 3.0 V cell through the 1/2 divider
  uint16_t battery_sag_codes_ = 8;
  uint32_t moves_started_ = 0;
  uint32_t watchdog_expiries_ = 0;
  uint32_t frames_ = 0;
  uint32_t tone_changes_ = 0;
};

class FakeHal final : public hal::Hal {
 public:
  static constexpr uint32_t kNvmBytes = 8192;
  FakeHal();

  uint32_t spi_transfer(uint32_t mosi_frame) override;
  bool asic_irq_level() override { return asic.irq_level(); }
  bool take_asic_irq_pending() override;
  // The RTC: the board's time plus any jump injected with jump_rtc (the ASIC keeps the
  // board's time, as its watchdog runs from its own crystal).
  hal::Ticks now() override { return now_ + rtc_shift_; }
  void sleep_until(hal::Ticks wake_ticks) override;
  uint32_t nvm_size_bytes() override { return nvm_size_override; }
  void nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) override;
  void nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) override;
  uint32_t uart_rx_available() override { return static_cast<uint32_t>(rx.size()); }
  uint32_t uart_read(uint8_t* destination, uint32_t max_length) override;
  uint32_t uart_write(const uint8_t* source, uint32_t length) override;
  // The crypto peripheral, with mbedTLS: HMAC-SHA256 and a seeded (deterministic) random
  // stream standing in for the TRNG.
  void hmac_begin(const uint8_t* key, uint32_t key_length) override;
  void hmac_update(const uint8_t* data, uint32_t length) override;
  void hmac_finish(uint8_t digest[32]) override;
  void random_bytes(uint8_t* destination, uint32_t length) override;
  hal::ResetCause reset_cause() override { return reset_cause_value; }
  void request_reset() override { ++reset_requests; }

  // Power is lost after this many more NVM bytes: the write in progress stops there and no
  // later write lands, until restore_power().
  void lose_power_after_nvm_bytes(int64_t bytes) { nvm_budget_ = bytes; }
  void restore_power() { nvm_budget_ = -1; }
  bool powered_off() const { return nvm_budget_ == 0; }
  void set_now(hal::Ticks ticks) { now_ = ticks; }
  // The RTC jumps by `ticks` (negative: back); the board's time does not.
  void jump_rtc(int64_t ticks) { rtc_shift_ += static_cast<hal::Ticks>(ticks); }
  hal::Ticks board_now() const { return now_; }

  FakeAsic asic;
  std::vector<uint8_t> nvm;
  std::deque<uint8_t> rx;
  std::vector<uint8_t> tx;
  hal::ResetCause reset_cause_value = hal::ResetCause::kPowerOn;
  uint32_t reset_requests = 0;
  uint64_t nvm_bytes_written = 0;
  uint32_t nvm_size_override = kNvmBytes;
  uint32_t uart_tx_fifo_bytes = UINT32_MAX;  // bytes uart_write accepts per call
  uint64_t sleeps = 0;

 private:
  void note_irq();
  hal::Ticks now_ = 0;
  hal::Ticks rtc_shift_ = 0;  // modulo 2^64: a jump back is a wrap-around
  bool irq_pending_ = false;
  bool irq_was_high_ = false;
  int64_t nvm_budget_ = -1;
  port::MbedCrypto crypto_;
};

}  // namespace pumpfw::test
