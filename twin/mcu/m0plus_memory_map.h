// The Cortex-M0+ ISS's view of the pump MCU's address space (docs/mcu-memory-map.md). The
// pump's own peripherals are named once, in firmware/ports/cortex-m0plus/registers.h, which
// the ISS's peripheral models include; this header adds the memories and the ARMv6-M system
// control space (ARMv6-M Architecture Reference Manual, B3.2-B3.4), which registers.h names
// only as far as the firmware uses it.
#pragma once

#include <cstdint>

#include "ports/cortex-m0plus/registers.h"

namespace pumptwin::mcu::memory_map {

namespace regs = pumpfw::port::mcu;

inline constexpr uint32_t kFlashBase = 0x00000000;
inline constexpr uint32_t kFlashBytes = 128 * 1024;
inline constexpr uint32_t kNvmWindowBase = static_cast<uint32_t>(regs::nvmctrl::kWindow);
inline constexpr uint32_t kNvmWindowBytes = 8 * 1024;
inline constexpr uint32_t kSramBase = 0x20000000;
inline constexpr uint32_t kSramBytes = 16 * 1024;
// SPI0 at 0x4000_1000 up to TRNG0 at 0x4000_8000, 4 KiB each.
inline constexpr uint32_t kPeripheralBase = 0x40001000;
inline constexpr uint32_t kPeripheralBytes = 8 * 0x1000;
inline constexpr uint32_t kPeripheralStride = 0x1000;
inline constexpr uint32_t kScsBase = 0xE000E000;
inline constexpr uint32_t kScsBytes = 0x1000;

// ARMv6-M system control space.
namespace scs {
inline constexpr uint32_t kSysTickCsr = 0xE000E010;
inline constexpr uint32_t kSysTickRvr = 0xE000E014;
inline constexpr uint32_t kSysTickCvr = 0xE000E018;
inline constexpr uint32_t kSysTickCalib = 0xE000E01C;
inline constexpr uint32_t kSysTickEnable = 1u << 0;
inline constexpr uint32_t kSysTickTickInt = 1u << 1;
inline constexpr uint32_t kSysTickClkSource = 1u << 2;
inline constexpr uint32_t kSysTickCountFlag = 1u << 16;
inline constexpr uint32_t kNvicIser = static_cast<uint32_t>(regs::scs::kNvicIser);
inline constexpr uint32_t kNvicIcer = 0xE000E180;
inline constexpr uint32_t kNvicIspr = 0xE000E200;
inline constexpr uint32_t kNvicIcpr = static_cast<uint32_t>(regs::scs::kNvicIcpr);
inline constexpr uint32_t kNvicIpr0 = 0xE000E400;  // IPR0..IPR7
inline constexpr uint32_t kNvicIprWords = 8;
inline constexpr uint32_t kCpuid = 0xE000ED00;
inline constexpr uint32_t kIcsr = 0xE000ED04;
inline constexpr uint32_t kVtor = 0xE000ED08;
inline constexpr uint32_t kAircr = static_cast<uint32_t>(regs::scs::kAircr);
inline constexpr uint32_t kScr = 0xE000ED10;
inline constexpr uint32_t kCcr = 0xE000ED14;
inline constexpr uint32_t kShpr2 = 0xE000ED1C;
inline constexpr uint32_t kShpr3 = 0xE000ED20;
inline constexpr uint32_t kShcsr = 0xE000ED24;
// Cortex-M0+ r0p1 (Cortex-M0+ Technical Reference Manual, 4.3.1).
inline constexpr uint32_t kCpuidCortexM0Plus = 0x410CC601;
inline constexpr uint32_t kAircrVectKey = 0x05FA0000;
inline constexpr uint32_t kAircrVectKeyStat = 0xFA050000;
inline constexpr uint32_t kAircrSysResetReq = 1u << 2;
inline constexpr uint32_t kIcsrPendStSet = 1u << 26;
inline constexpr uint32_t kIcsrPendStClr = 1u << 25;
inline constexpr uint32_t kIcsrPendSvSet = 1u << 28;
inline constexpr uint32_t kIcsrPendSvClr = 1u << 27;
// CCR reads STKALIGN and UNALIGN_TRP set on ARMv6-M.
inline constexpr uint32_t kCcrValue = 0x00000208;
}  // namespace scs

// Exception numbers (ARMv6-M B1.5.2).
inline constexpr uint32_t kExceptionReset = 1;
inline constexpr uint32_t kExceptionNmi = 2;
inline constexpr uint32_t kExceptionHardFault = 3;
inline constexpr uint32_t kExceptionSvCall = 11;
inline constexpr uint32_t kExceptionPendSv = 14;
inline constexpr uint32_t kExceptionSysTick = 15;
inline constexpr uint32_t kExceptionIrq0 = 16;
inline constexpr uint32_t kIrqLines = 32;

}  // namespace pumptwin::mcu::memory_map
