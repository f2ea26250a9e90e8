#include "m0plus_hal.h"

#include "registers.h"

namespace pumpfw::port {

using mcu::reg32;

namespace {
void clear_pending(uint32_t irq) {
  reg32(mcu::scs::kNvicIcpr) = 1u << irq;
}
}  // namespace

M0PlusHal::M0PlusHal() {
  reg32(mcu::spi0::kCtrl) = mcu::spi0::kCtrlEnable | mcu::spi0::kClkDiv125kHz;
  reg32(mcu::uart0::kBaud) = mcu::uart0::kBaud19200;
  reg32(mcu::uart0::kIntEnable) = mcu::uart0::kRxNotEmpty;
  reg32(mcu::gpio0::kEdgeEnable) = mcu::gpio0::kAsicIrqPin;
  reg32(mcu::rtc::kIntEnable) = mcu::rtc::kCompare | mcu::rtc::kWakeupFlag;
  reg32(mcu::trng0::kCtrl) = mcu::trng0::kCtrlEnable;
  reg32(mcu::scs::kNvicIser) = (1u << mcu::kIrqRtc) | (1u << mcu::kIrqAsic) | (1u << mcu::kIrqUart);
}

uint32_t M0PlusHal::spi_transfer(uint32_t mosi_frame) {
  reg32(mcu::spi0::kTxData) = mosi_frame;
  while ((reg32(mcu::spi0::kStatus) & mcu::spi0::kStatusBusy) != 0) {
  }
  return reg32(mcu::spi0::kRxData);
}

bool M0PlusHal::asic_irq_level() {
  return (reg32(mcu::gpio0::kIn) & mcu::gpio0::kAsicIrqPin) != 0;
}

bool M0PlusHal::take_asic_irq_pending() {
  if ((reg32(mcu::gpio0::kEdgePending) & mcu::gpio0::kAsicIrqPin) == 0) return false;
  reg32(mcu::gpio0::kEdgePending) = mcu::gpio0::kAsicIrqPin;
  clear_pending(mcu::kIrqAsic);
  return true;
}

hal::Ticks M0PlusHal::now() {
  const uint32_t lo = reg32(mcu::rtc::kCountLo);  // latches COUNT_HI
  return (static_cast<hal::Ticks>(reg32(mcu::rtc::kCountHi)) << 32) | lo;
}

void M0PlusHal::sleep_until(hal::Ticks wake_ticks) {
  const hal::Ticks now_ticks = now();
  if (wake_ticks <= now_ticks) return;
  reg32(mcu::rtc::kCompareLo) = static_cast<uint32_t>(wake_ticks);
  reg32(mcu::rtc::kCompareHi) = static_cast<uint32_t>(wake_ticks >> 32);
  // The compare alone would let a backward jump of COUNT stretch the sleep past the ASIC's
  // watchdog; the wake-up timer counts the same ticks from the crystal and ends it on time.
  const hal::Ticks ticks_to_go = wake_ticks - now_ticks;
  reg32(mcu::rtc::kWakeup) =
      ticks_to_go < UINT32_MAX ? static_cast<uint32_t>(ticks_to_go) : UINT32_MAX;
  for (;;) {
    reg32(mcu::rtc::kIntFlag) = mcu::rtc::kCompare;
    clear_pending(mcu::kIrqRtc);
    // Checked after clearing: an event from here on leaves its interrupt pending, and WFI
    // returns at once on a pending interrupt, so none is slept through.
    if (now() >= wake_ticks) break;
    if ((reg32(mcu::rtc::kIntFlag) & mcu::rtc::kWakeupFlag) != 0) break;
    if ((reg32(mcu::gpio0::kEdgePending) & mcu::gpio0::kAsicIrqPin) != 0) break;
    if ((reg32(mcu::uart0::kStatus) & mcu::uart0::kRxNotEmpty) != 0) break;
    __asm volatile("wfi" ::: "memory");
    clear_pending(mcu::kIrqUart);
  }
  reg32(mcu::rtc::kWakeup) = 0;
}

uint32_t M0PlusHal::nvm_size_bytes() {
  return reg32(mcu::nvmctrl::kSize);
}

void M0PlusHal::nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) {
  const volatile uint8_t* window = reinterpret_cast<const volatile uint8_t*>(mcu::nvmctrl::kWindow);
  for (uint32_t i = 0; i < length; ++i) destination[i] = window[offset + i];
}

void M0PlusHal::nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) {
  reg32(mcu::nvmctrl::kAddr) = offset;
  for (uint32_t i = 0; i < length; ++i) {
    reg32(mcu::nvmctrl::kData) = source[i];
    while ((reg32(mcu::nvmctrl::kStatus) & mcu::nvmctrl::kReady) == 0) {
    }
  }
}

uint32_t M0PlusHal::uart_rx_available() {
  return (reg32(mcu::uart0::kStatus) & mcu::uart0::kRxCountMask) >> mcu::uart0::kRxCountShift;
}

uint32_t M0PlusHal::uart_read(uint8_t* destination, uint32_t max_length) {
  uint32_t count = 0;
  while (count < max_length && (reg32(mcu::uart0::kStatus) & mcu::uart0::kRxNotEmpty) != 0) {
    destination[count++] = static_cast<uint8_t>(reg32(mcu::uart0::kData));
  }
  return count;
}

uint32_t M0PlusHal::uart_write(const uint8_t* source, uint32_t length) {
  uint32_t count = 0;
  while (count < length && (reg32(mcu::uart0::kStatus) & mcu::uart0::kTxFull) == 0) {
    reg32(mcu::uart0::kData) = source[count++];
  }
  return count;
}

void M0PlusHal::hmac_begin(const uint8_t* key, uint32_t key_length) {
  if (key_length > mcu::hash0::kKeyWords * 4) key_length = mcu::hash0::kKeyWords * 4;
  for (uint32_t word = 0; word < mcu::hash0::kKeyWords; ++word) {
    uint32_t value = 0;
    for (uint32_t byte = 0; byte < 4; ++byte) {
      const uint32_t at = word * 4 + byte;
      if (at < key_length) value |= static_cast<uint32_t>(key[at]) << (8 * byte);
    }
    reg32(mcu::hash0::kKey0 + 4 * word) = value;
  }
  reg32(mcu::hash0::kKeyLen) = key_length;
  reg32(mcu::hash0::kCtrl) = mcu::hash0::kCtrlStart;
}

void M0PlusHal::hmac_update(const uint8_t* data, uint32_t length) {
  for (uint32_t i = 0; i < length; ++i) {
    while ((reg32(mcu::hash0::kStatus) & mcu::hash0::kStatusBusy) != 0) {
    }
    reg32(mcu::hash0::kDataIn) = data[i];
  }
}

void M0PlusHal::hmac_finish(uint8_t digest[32]) {
  reg32(mcu::hash0::kCtrl) = mcu::hash0::kCtrlFinish;
  while ((reg32(mcu::hash0::kStatus) & mcu::hash0::kStatusDone) == 0) {
  }
  for (uint32_t word = 0; word < mcu::hash0::kDigestWords; ++word) {
    const uint32_t value = reg32(mcu::hash0::kDigest0 + 4 * word);
    for (uint32_t byte = 0; byte < 4; ++byte) {
      digest[word * 4 + byte] = static_cast<uint8_t>(value >> (8 * byte));
    }
  }
}

void M0PlusHal::random_bytes(uint8_t* destination, uint32_t length) {
  uint32_t i = 0;
  while (i < length) {
    while ((reg32(mcu::trng0::kStatus) & mcu::trng0::kStatusReady) == 0) {
    }
    const uint32_t word = reg32(mcu::trng0::kData);
    for (uint32_t byte = 0; byte < 4 && i < length; ++byte) {
      destination[i++] = static_cast<uint8_t>(word >> (8 * byte));
    }
  }
}

hal::ResetCause M0PlusHal::reset_cause() {
  const uint32_t cause = reg32(mcu::rstc::kCause);
  if ((cause & mcu::rstc::kWatchdog) != 0) return hal::ResetCause::kWatchdog;
  if ((cause & mcu::rstc::kBrownOut) != 0) return hal::ResetCause::kBrownOut;
  if ((cause & mcu::rstc::kSoftware) != 0) return hal::ResetCause::kSoftware;
  return hal::ResetCause::kPowerOn;
}

void M0PlusHal::request_reset() {
  __asm volatile("dsb" ::: "memory");
  reg32(mcu::scs::kAircr) = mcu::scs::kAircrSysResetReq;
  for (;;) {
  }
}

}  // namespace pumpfw::port
