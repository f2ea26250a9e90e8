// The HAL over the MCU's registers (registers.h, docs/mcu-memory-map.md).
//
// Interrupts stay masked (PRIMASK set at reset) and no handler ever runs: the peripherals
// latch their events (RTC compare, ASIC IRQ edge, UART FIFO) and WFI still wakes on a pending
// enabled interrupt. The firmware reads the latched flags in its main loop, so no state is
// shared with interrupt context and no globals are needed.
#pragma once

#include "hal/hal.h"

namespace pumpfw::port {

class M0PlusHal final : public hal::Hal {
 public:
  M0PlusHal();

  uint32_t spi_transfer(uint32_t mosi_frame) override;
  bool asic_irq_level() override;
  bool take_asic_irq_pending() override;
  hal::Ticks now() override;
  void sleep_until(hal::Ticks wake_ticks) override;
  uint32_t nvm_size_bytes() override;
  void nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) override;
  void nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) override;
  uint32_t uart_rx_available() override;
  uint32_t uart_read(uint8_t* destination, uint32_t max_length) override;
  uint32_t uart_write(const uint8_t* source, uint32_t length) override;
  void hmac_begin(const uint8_t* key, uint32_t key_length) override;
  void hmac_update(const uint8_t* data, uint32_t length) override;
  void hmac_finish(uint8_t digest[32]) override;
  void random_bytes(uint8_t* destination, uint32_t length) override;
  hal::ResetCause reset_cause() override;
  void request_reset() override;
};

}  // namespace pumpfw::port
