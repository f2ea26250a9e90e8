#include "drivers/asic_driver.h"

namespace pumpfw::drivers {

using asic::MisoFrame;
namespace reg = asic::reg;
namespace field = asic::field;

namespace {
constexpr uint16_t kChipIdValue = 0x1D50;
// A conversion takes 16 µs per channel; one SPI frame lasts longer than that, so a handful
// of polls is a generous bound, not a timing assumption.
constexpr int kAdcPolls = 8;
}  // namespace

uint16_t stall_rise_time_us_for_supply(const AsicSettings& settings, uint32_t supply_mv) {
  uint32_t mv = supply_mv;
  if (mv > settings.stall_highest_supply_mv) mv = settings.stall_highest_supply_mv;
  if (mv < settings.stall_lowest_supply_mv) mv = settings.stall_lowest_supply_mv;
  const uint32_t rise_time_us =
      (uint32_t{settings.stall_rise_time_us} * settings.stall_calibration_supply_mv + mv / 2) / mv;
  const uint32_t field_max = field::kStallConfigRiseTimeUs.get(0xFFFF);
  return static_cast<uint16_t>(rise_time_us < field_max ? rise_time_us : field_max);
}

bool AsicDriver::transfer_read(uint8_t address, MisoFrame& miso) {
  for (int attempt = 0; attempt < kFrameAttempts; ++attempt) {
    miso = asic::decode_miso(hal_.spi_transfer(asic::make_frame(false, address, 0)));
    if (miso.crc_ok && miso.pattern_ok) return true;
    ++spi_retries_;
  }
  ++spi_failures_;
  return false;
}

bool AsicDriver::confirm(bool& clean, bool& busy) {
  MisoFrame check{};
  if (!transfer_read(reg::kFault.address, check)) return false;
  clean = !check.spi_error;
  busy = check.busy;
  // Unconfirmed on purpose: if this frame is lost the latch stays set, and the next
  // confirmation repeats its transaction once more; it never lets a bad frame pass.
  if (check.spi_error) {
    hal_.spi_transfer(asic::make_frame(true, reg::kFault.address, field::kFaultSpiError.mask()));
  }
  return true;
}

bool AsicDriver::read_confirmed(const uint8_t* addresses, uint16_t* values, int count) {
  for (int attempt = 0; attempt < kTransactionAttempts; ++attempt) {
    for (int i = 0; i < count; ++i) {
      MisoFrame miso{};
      if (!transfer_read(addresses[i], miso)) return false;
      values[i] = miso.data;
    }
    bool clean = false;
    bool busy = false;
    if (!confirm(clean, busy)) return false;
    if (clean) return true;
    ++spi_retries_;
  }
  ++spi_failures_;
  return false;
}

bool AsicDriver::read(uint8_t address, uint16_t& value) {
  uint16_t confirmed = 0;
  if (!read_confirmed(&address, &confirmed, 1)) return false;
  value = confirmed;
  return true;
}

// The write's fate shows in the status byte of the confirmation frame. If the ASIC ignored the
// frame, SPI_ERROR is latched there and is cleared before the caller retries.
bool AsicDriver::write_once_confirmed(uint8_t address, uint16_t value, bool& accepted) {
  hal_.spi_transfer(asic::make_frame(true, address, value));
  bool busy = false;
  if (!confirm(accepted, busy)) return false;
  // A move start is visible as BUSY even if SPI_ERROR came from an earlier frame: never start
  // the same move twice.
  if (address == reg::kMoveSteps.address && busy) accepted = true;
  return true;
}

bool AsicDriver::write(uint8_t address, uint16_t value) {
  for (int attempt = 0; attempt < kTransactionAttempts; ++attempt) {
    bool accepted = false;
    if (!write_once_confirmed(address, value, accepted)) return false;
    if (accepted) return true;
    ++spi_retries_;
  }
  ++spi_failures_;
  return false;
}

uint32_t AsicDriver::microsteps_per_step() const {
  switch (settings_.step_mode) {
    case asic::StepMode::kFull:
      return 8;
    case asic::StepMode::kHalf:
      return 4;
    case asic::StepMode::kEighth:
      return 1;
  }
  return 8;
}

bool AsicDriver::init(const AsicSettings& settings) {
  settings_ = settings;
  uint16_t chip_id = 0;
  if (!read(reg::kChipId.address, chip_id) || chip_id != kChipIdValue) return false;
  const uint16_t ctrl =
      static_cast<uint16_t>(field::kCtrlEnable.make(1) |
                            field::kCtrlStepMode.make(static_cast<uint16_t>(settings.step_mode)));
  // SPI errors are handled where they happen (each write is confirmed), so they do not
  // interrupt; every other fault and the end of a move do.
  const uint16_t int_mask =
      static_cast<uint16_t>((field::kIntStatusFaults.mask() & ~field::kFaultSpiError.mask()) |
                            field::kIntStatusMoveDone.mask());
  return write(reg::kStepPeriod.address, settings.step_period_us) &&
         write(reg::kCurrentLimit.address, settings.current_limit_ma) &&
         set_stall_rise_time(settings.stall_rise_time_us) &&
         write(reg::kWdtTimeout.address, settings.watchdog_timeout_slow_ticks) &&
         write(reg::kWdtKick.address, asic::kWdtKickKey) && write(reg::kCtrl.address, ctrl) &&
         write(reg::kIntMask.address, int_mask);
}

bool AsicDriver::start_move(uint16_t steps) {
  // The watchdog clears ENABLE; restoring it here lets delivery resume after a recovered reset.
  const uint16_t ctrl =
      static_cast<uint16_t>(field::kCtrlEnable.make(1) |
                            field::kCtrlStepMode.make(static_cast<uint16_t>(settings_.step_mode)));
  return write(reg::kCtrl.address, ctrl) && write(reg::kMoveSteps.address, steps);
}

bool AsicDriver::stop_move() {
  const uint16_t ctrl =
      static_cast<uint16_t>(field::kCtrlEnable.make(1) | field::kCtrlStop.make(1) |
                            field::kCtrlStepMode.make(static_cast<uint16_t>(settings_.step_mode)));
  // STOP reads back 0, so the write is confirmed by the status byte only.
  return write(reg::kCtrl.address, ctrl);
}

bool AsicDriver::set_stall_rise_time(uint16_t rise_time_us) {
  return write(reg::kStallConfig.address,
               static_cast<uint16_t>(field::kStallConfigCount.make(settings_.stall_count) |
                                     field::kStallConfigRiseTimeUs.make(rise_time_us)));
}

bool AsicDriver::read_total_microsteps(uint32_t& microsteps) {
  // Reading LO latches HI, so the pair is consistent even while the motor turns; one
  // confirmation covers both (a corrupted LO read would also have left HI unlatched).
  const uint8_t addresses[2] = {reg::kTotalStepsLo.address, reg::kTotalStepsHi.address};
  uint16_t values[2] = {};
  if (!read_confirmed(addresses, values, 2)) return false;
  microsteps = (static_cast<uint32_t>(values[1]) << 16) | values[0];
  return true;
}

bool AsicDriver::service_interrupt(AsicEvents& events) {
  events = AsicEvents{};
  if (!read(reg::kIntStatus.address, events.int_status)) return false;
  if (field::kIntStatusFaults.get(events.int_status) != 0) {
    if (!read(reg::kFault.address, events.faults)) return false;
    if (events.faults != 0 && !write(reg::kFault.address, events.faults)) return false;
  }
  return events.int_status == 0 || write(reg::kIntStatus.address, events.int_status);
}

bool AsicDriver::kick_watchdog() {
  return write(reg::kWdtKick.address, asic::kWdtKickKey);
}

bool AsicDriver::set_tone(asic::TonePattern pattern) {
  return write(reg::kAlarmTone.address,
               field::kAlarmTonePattern.make(static_cast<uint16_t>(pattern)));
}

bool AsicDriver::convert_adc(asic::AdcChannel channel, uint16_t& code) {
  const uint16_t channels =
      field::kAdcCtrlChannels.make(static_cast<uint16_t>(1u << static_cast<uint8_t>(channel)));
  if (!write(reg::kAdcCtrl.address,
             static_cast<uint16_t>(channels | field::kAdcCtrlStart.make(1)))) {
    return false;
  }
  for (int poll = 0; poll < kAdcPolls; ++poll) {
    uint16_t adc_ctrl = 0;
    if (!read(reg::kAdcCtrl.address, adc_ctrl)) return false;
    if (field::kAdcCtrlStart.get(adc_ctrl) == 0) {
      const uint8_t result_address =
          static_cast<uint8_t>(reg::kAdcMotorCurrent.address + static_cast<uint8_t>(channel));
      if (!read(result_address, code)) return false;
      code &= 0x0FFF;
      return true;
    }
  }
  return false;
}

}  // namespace pumpfw::drivers
