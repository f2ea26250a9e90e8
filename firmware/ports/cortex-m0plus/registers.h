// Register map of the pump's MCU (a Cortex-M0+ with the peripherals defined in
// docs/mcu-memory-map.md). Offsets and bits only; the HAL does the accesses.
#pragma once

#include <cstdint>

namespace pumpfw::port::mcu {

inline volatile uint32_t& reg32(uintptr_t address) {
  return *reinterpret_cast<volatile uint32_t*>(address);
}

// SPI0: controller to the motor-driver ASIC. Writing TXDATA starts one 32-bit frame with
// chip select low for exactly that frame (mode 0, MSB first); RXDATA holds the MISO frame.
namespace spi0 {
inline constexpr uintptr_t kBase = 0x40001000;
inline constexpr uintptr_t kCtrl = kBase + 0x00;    // bit 0 ENABLE, bits 15:8 CLKDIV
inline constexpr uintptr_t kStatus = kBase + 0x04;  // bit 0 BUSY
inline constexpr uintptr_t kTxData = kBase + 0x08;
inline constexpr uintptr_t kRxData = kBase + 0x0C;
inline constexpr uint32_t kCtrlEnable = 1u << 0;
inline constexpr uint32_t kStatusBusy = 1u << 0;
// SCLK = 8 MHz / (2 × (CLKDIV + 1)): 31 gives 125 kHz, the ASIC's maximum.
inline constexpr uint32_t kClkDiv125kHz = 31u << 8;
}  // namespace spi0

// GPIO0 pin 0 is the ASIC's IRQ output; a rising edge latches EDGE_PENDING and NVIC IRQ 1.
namespace gpio0 {
inline constexpr uintptr_t kBase = 0x40002000;
inline constexpr uintptr_t kIn = kBase + 0x00;
inline constexpr uintptr_t kEdgePending = kBase + 0x04;  // write 1 to clear
inline constexpr uintptr_t kEdgeEnable = kBase + 0x08;
inline constexpr uint32_t kAsicIrqPin = 1u << 0;
}  // namespace gpio0

// RTC: 64-bit counter at 1024 Hz in the always-on domain (runs through every reset but
// power-on). Reading COUNT_LO latches COUNT_HI. COMPARE match sets INTFLAG and NVIC IRQ 0.
// WAKEUP is a down-counter on the same 1024 Hz prescaler output, not on COUNT: writing N
// starts it (0 stops it) and clears its flag; N ticks later it sets INTFLAG.WAKEUP, which a
// jump of COUNT neither advances nor delays.
namespace rtc {
inline constexpr uintptr_t kBase = 0x40003000;
inline constexpr uintptr_t kCountLo = kBase + 0x00;
inline constexpr uintptr_t kCountHi = kBase + 0x04;
inline constexpr uintptr_t kCompareLo = kBase + 0x08;
inline constexpr uintptr_t kCompareHi = kBase + 0x0C;
inline constexpr uintptr_t kIntFlag =
    kBase + 0x10;  // bit 0 COMPARE, bit 1 WAKEUP; write 1 to clear
inline constexpr uintptr_t kIntEnable = kBase + 0x14;
inline constexpr uintptr_t kWakeup = kBase + 0x18;  // ticks to go; reads what is left
inline constexpr uint32_t kCompare = 1u << 0;
inline constexpr uint32_t kWakeupFlag = 1u << 1;
}  // namespace rtc

// NVMCTRL: 8 KiB of byte-writable FRAM. Reads through the window at kWindow; writes one byte
// at a time through ADDR/DATA (ADDR increments after each byte), READY when it is stored.
namespace nvmctrl {
inline constexpr uintptr_t kBase = 0x40004000;
inline constexpr uintptr_t kAddr = kBase + 0x00;
inline constexpr uintptr_t kData = kBase + 0x04;
inline constexpr uintptr_t kStatus = kBase + 0x08;  // bit 0 READY
inline constexpr uintptr_t kSize = kBase + 0x0C;
inline constexpr uint32_t kReady = 1u << 0;
inline constexpr uintptr_t kWindow = 0x10000000;
}  // namespace nvmctrl

// UART0: telemetry link with 64-byte receive and transmit FIFOs; RX_NOT_EMPTY raises NVIC
// IRQ 2 when enabled.
namespace uart0 {
inline constexpr uintptr_t kBase = 0x40005000;
inline constexpr uintptr_t kData = kBase + 0x00;
// bit 0 RX_NOT_EMPTY, bit 1 TX_FULL, bits 15:8 RX_COUNT (bytes in the receive FIFO)
inline constexpr uintptr_t kStatus = kBase + 0x04;
inline constexpr uintptr_t kBaud = kBase + 0x08;
inline constexpr uintptr_t kIntEnable = kBase + 0x0C;
inline constexpr uint32_t kRxNotEmpty = 1u << 0;
inline constexpr uint32_t kTxFull = 1u << 1;
inline constexpr uint32_t kRxCountShift = 8;
inline constexpr uint32_t kRxCountMask = 0xFFu << kRxCountShift;
inline constexpr uint32_t kBaud19200 = 8000000u / 19200u;
}  // namespace uart0

// RSTC: the cause of the most recent reset, one bit, rewritten by every reset.
namespace rstc {
inline constexpr uintptr_t kBase = 0x40006000;
inline constexpr uintptr_t kCause = kBase + 0x00;
inline constexpr uint32_t kPowerOn = 1u << 0;
inline constexpr uint32_t kWatchdog = 1u << 1;  // the ASIC's reset_request pin
inline constexpr uint32_t kBrownOut = 1u << 2;
inline constexpr uint32_t kSoftware = 1u << 3;
}  // namespace rstc

// HASH0: SHA-256/HMAC accelerator. Write the key (KEYLEN bytes, KEY0.. little-endian words),
// set CTRL.START, write the message a byte at a time to DATAIN (it waits while BUSY), set
// CTRL.FINISH, wait for STATUS.DONE and read DIGEST0..7 (digest bytes in order, little-endian
// words). Starting a new HMAC clears the key registers' use by the previous one.
namespace hash0 {
inline constexpr uintptr_t kBase = 0x40007000;
inline constexpr uintptr_t kCtrl = kBase + 0x00;     // bit 0 START, bit 1 FINISH
inline constexpr uintptr_t kStatus = kBase + 0x04;   // bit 0 BUSY, bit 1 DONE
inline constexpr uintptr_t kKeyLen = kBase + 0x08;   // key length in bytes, 1-64
inline constexpr uintptr_t kDataIn = kBase + 0x0C;   // bits 7:0: one message byte
inline constexpr uintptr_t kKey0 = kBase + 0x40;     // KEY0..KEY15, 64 bytes
inline constexpr uintptr_t kDigest0 = kBase + 0x80;  // DIGEST0..DIGEST7, 32 bytes
inline constexpr uint32_t kCtrlStart = 1u << 0;
inline constexpr uint32_t kCtrlFinish = 1u << 1;
inline constexpr uint32_t kStatusBusy = 1u << 0;
inline constexpr uint32_t kStatusDone = 1u << 1;
inline constexpr uint32_t kKeyWords = 16;
inline constexpr uint32_t kDigestWords = 8;
}  // namespace hash0

// TRNG0: true random-number generator; DATA holds a fresh 32-bit word when STATUS.READY.
namespace trng0 {
inline constexpr uintptr_t kBase = 0x40008000;
inline constexpr uintptr_t kCtrl = kBase + 0x00;    // bit 0 ENABLE
inline constexpr uintptr_t kStatus = kBase + 0x04;  // bit 0 READY
inline constexpr uintptr_t kData = kBase + 0x08;    // reading takes the word, clears READY
inline constexpr uint32_t kCtrlEnable = 1u << 0;
inline constexpr uint32_t kStatusReady = 1u << 0;
}  // namespace trng0

// ARMv6-M system control space.
namespace scs {
inline constexpr uintptr_t kNvicIser = 0xE000E100;
inline constexpr uintptr_t kNvicIcpr = 0xE000E280;
inline constexpr uintptr_t kAircr = 0xE000ED0C;
inline constexpr uint32_t kAircrSysResetReq = 0x05FA0004;
}  // namespace scs

inline constexpr uint32_t kIrqRtc = 0;
inline constexpr uint32_t kIrqAsic = 1;
inline constexpr uint32_t kIrqUart = 2;

}  // namespace pumpfw::port::mcu
