// Register map of the motor-driver ASIC, as the firmware sees it over SPI.
// Source of truth: docs/asic-registers.md; tests/rtl/register_map_drift_test.cpp checks this
// header and rtl/motor_driver_regs_pkg.sv against it.
#pragma once

#include <cstdint>

namespace pumpfw::asic {

struct RegisterInfo {
  uint8_t address;
  uint16_t reset_value;
};

namespace reg {
inline constexpr RegisterInfo kChipId{0x00, 0x1D50};
inline constexpr RegisterInfo kRevision{0x01, 0x0100};
inline constexpr RegisterInfo kCtrl{0x02, 0x0000};
inline constexpr RegisterInfo kMoveSteps{0x03, 0x0000};
inline constexpr RegisterInfo kStepPeriod{0x04, 0x07D0};
inline constexpr RegisterInfo kCurrentLimit{0x05, 0x0032};
inline constexpr RegisterInfo kStatus{0x06, 0x0000};
inline constexpr RegisterInfo kStepsRemaining{0x07, 0x0000};
inline constexpr RegisterInfo kFault{0x08, 0x0000};
inline constexpr RegisterInfo kIntMask{0x09, 0x0000};
inline constexpr RegisterInfo kIntStatus{0x0A, 0x0000};
inline constexpr RegisterInfo kTotalStepsLo{0x0B, 0x0000};
inline constexpr RegisterInfo kTotalStepsHi{0x0C, 0x0000};
inline constexpr RegisterInfo kStallConfig{0x0D, 0x212C};
inline constexpr RegisterInfo kAdcCtrl{0x0E, 0x0000};
inline constexpr RegisterInfo kAdcMotorCurrent{0x10, 0x0000};
inline constexpr RegisterInfo kAdcBattery{0x11, 0x0000};
inline constexpr RegisterInfo kAdcTemperature{0x12, 0x0000};
inline constexpr RegisterInfo kAdcPressureReservoir{0x13, 0x0000};
inline constexpr RegisterInfo kAdcPressureOutlet{0x14, 0x0000};
inline constexpr RegisterInfo kWdtKick{0x18, 0x0000};
inline constexpr RegisterInfo kWdtTimeout{0x19, 0x0200};
inline constexpr RegisterInfo kWdtRemaining{0x1A, 0x0200};
inline constexpr RegisterInfo kAlarmTone{0x1B, 0x0000};
}  // namespace reg

// Field positions: bit index of the field's least significant bit, and its width.
struct Field {
  uint8_t lsb;
  uint8_t width;
  constexpr uint16_t mask() const { return static_cast<uint16_t>(((1u << width) - 1u) << lsb); }
  constexpr uint16_t get(uint16_t value) const {
    return static_cast<uint16_t>((value >> lsb) & ((1u << width) - 1u));
  }
  constexpr uint16_t make(uint16_t field_value) const {
    return static_cast<uint16_t>((field_value << lsb) & mask());
  }
};

namespace field {
inline constexpr Field kCtrlEnable{0, 1};
inline constexpr Field kCtrlDir{1, 1};
inline constexpr Field kCtrlStepMode{2, 2};
inline constexpr Field kCtrlSleep{4, 1};
inline constexpr Field kCtrlStop{5, 1};
inline constexpr Field kStatusBusy{0, 1};
inline constexpr Field kStatusAdcBusy{1, 1};
inline constexpr Field kStatusToneActive{2, 1};
inline constexpr Field kStatusResetRequest{3, 1};
inline constexpr Field kFaultOvercurrent{0, 1};
inline constexpr Field kFaultStall{1, 1};
inline constexpr Field kFaultOpenLoad{2, 1};
inline constexpr Field kFaultUndervoltage{3, 1};
inline constexpr Field kFaultOvertemperature{4, 1};
inline constexpr Field kFaultSpiError{5, 1};
inline constexpr Field kFaultWatchdog{6, 1};
inline constexpr Field kIntStatusFaults{0, 7};
inline constexpr Field kIntStatusMoveDone{7, 1};
inline constexpr Field kIntStatusAdcDone{8, 1};
inline constexpr Field kStallConfigRiseTimeUs{0, 12};
inline constexpr Field kStallConfigCount{12, 4};
inline constexpr Field kAdcCtrlChannels{0, 5};
inline constexpr Field kAdcCtrlStart{15, 1};
inline constexpr Field kAlarmTonePattern{0, 2};
}  // namespace field

enum class StepMode : uint8_t { kFull = 0, kHalf = 1, kEighth = 2 };
enum class TonePattern : uint8_t { kOff = 0, kOneTone = 1, kTwoTone = 2 };
enum class AdcChannel : uint8_t {
  kMotorCurrent = 0,
  kBattery = 1,
  kTemperature = 2,
  kPressureReservoir = 3,
  kPressureOutlet = 4,
};
inline constexpr uint8_t kAdcChannelCount = 5;

// TOTAL_STEPS counts in 1/8 full step whatever the step mode.
inline constexpr uint32_t kTotalStepsPerFullStep = 8;
inline constexpr uint16_t kWdtKickKey = 0x5AC3;
inline constexpr uint32_t kSlowTickHz = 64;  // 32.768 kHz crystal / 512
inline constexpr uint32_t kCoreClockHz = 1000000;

// SPI frame layout (docs/asic-registers.md, "SPI frame").
inline constexpr uint8_t kCrc8Polynomial = 0x2F;
inline constexpr uint8_t kCrc8Init = 0xFF;
inline constexpr uint8_t kMisoStatusPattern = 0x5;  // status byte bits 3:0
inline constexpr uint32_t kSpiMaxClockHz = 125000;

// CRC-8 over the 24 most significant bits of a frame, MSB first.
constexpr uint8_t frame_crc8(uint32_t frame_bits_31_8) {
  uint8_t crc = kCrc8Init;
  for (int bit = 23; bit >= 0; --bit) {
    const bool in = ((frame_bits_31_8 >> bit) & 1u) != 0;
    const bool feedback = ((crc >> 7) & 1u) != static_cast<unsigned>(in);
    crc = static_cast<uint8_t>(crc << 1);
    if (feedback) crc = static_cast<uint8_t>(crc ^ kCrc8Polynomial);
  }
  return crc;
}

constexpr uint32_t make_frame(bool write, uint8_t address, uint16_t data) {
  const uint32_t head =
      (static_cast<uint32_t>(write) << 23) | (static_cast<uint32_t>(address & 0x7F) << 16) | data;
  return (head << 8) | frame_crc8(head);
}

struct MisoFrame {
  bool irq;
  bool fault;
  bool busy;
  bool spi_error;
  uint16_t data;
  bool crc_ok;
  bool pattern_ok;
};

constexpr MisoFrame decode_miso(uint32_t frame) {
  const uint32_t head = frame >> 8;
  const uint8_t status = static_cast<uint8_t>(head >> 16);
  return MisoFrame{(status & 0x80) != 0,
                   (status & 0x40) != 0,
                   (status & 0x20) != 0,
                   (status & 0x10) != 0,
                   static_cast<uint16_t>(head & 0xFFFF),
                   frame_crc8(head) == static_cast<uint8_t>(frame & 0xFF),
                   (status & 0x0F) == kMisoStatusPattern};
}

}  // namespace pumpfw::asic
