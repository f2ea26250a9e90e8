#include "fake_hal.h"

#include <algorithm>

namespace pumpfw::test {

namespace reg = asic::reg;
namespace field = asic::field;

namespace {
constexpr hal::Ticks kNoEvent = UINT64_MAX;
hal::Ticks us_to_ticks(uint64_t us) {
  return (us * hal::kTicksPerSecond + 999999) / 1000000;
}
hal::Ticks slow_ticks_to_ticks(uint64_t slow) {
  return slow * hal::kTicksPerSecond / asic::kSlowTickHz;
}
constexpr uint8_t kRandomSeed[] = "pumptwin fake board random stream";
}  // namespace

FakeAsic::FakeAsic() {
  power_on_reset();
}

void FakeAsic::power_on_reset() {
  const asic::RegisterInfo all[] = {reg::kChipId,
                                    reg::kRevision,
                                    reg::kCtrl,
                                    reg::kMoveSteps,
                                    reg::kStepPeriod,
                                    reg::kCurrentLimit,
                                    reg::kStatus,
                                    reg::kStepsRemaining,
                                    reg::kFault,
                                    reg::kIntMask,
                                    reg::kIntStatus,
                                    reg::kTotalStepsLo,
                                    reg::kTotalStepsHi,
                                    reg::kStallConfig,
                                    reg::kAdcCtrl,
                                    reg::kAdcMotorCurrent,
                                    reg::kAdcBattery,
                                    reg::kAdcTemperature,
                                    reg::kAdcPressureReservoir,
                                    reg::kAdcPressureOutlet,
                                    reg::kWdtKick,
                                    reg::kWdtTimeout,
                                    reg::kWdtRemaining,
                                    reg::kAlarmTone};
  std::fill(std::begin(regs_), std::end(regs_), 0);
  for (const auto& info : all) regs_[info.address] = info.reset_value;
  total_microsteps_ = 0;
  busy_ = false;
  // The watchdog runs from reset with its reset timeout (8 s).
  watchdog_deadline_ = slow_ticks_to_ticks(reg::kWdtTimeout.reset_value);
}

uint32_t FakeAsic::microsteps_per_step() const {
  switch (field::kCtrlStepMode.get(regs_[reg::kCtrl.address])) {
    case 0:
      return 8;
    case 1:
      return 4;
    default:
      return 1;
  }
}

void FakeAsic::latch_fault(uint16_t fault_mask) {
  regs_[reg::kFault.address] |= fault_mask;
  regs_[reg::kIntStatus.address] |= fault_mask;
}

bool FakeAsic::irq_level() const {
  return (regs_[reg::kIntStatus.address] & regs_[reg::kIntMask.address]) != 0;
}

hal::Ticks FakeAsic::next_event() const {
  return std::min(busy_ ? move_end_ : kNoEvent, watchdog_deadline_);
}

void FakeAsic::advance(hal::Ticks now) {
  if (busy_ && now >= move_end_) {
    busy_ = false;
    const uint16_t driven = move_stalls_ ? std::min(steps_before_stall_, move_steps_) : move_steps_;
    total_microsteps_ += driven * microsteps_per_step();
    if (move_stalls_) latch_fault(field::kFaultStall.mask());
    regs_[reg::kIntStatus.address] |= field::kIntStatusMoveDone.mask();
  }
  while (now >= watchdog_deadline_) {
    ++watchdog_expiries_;
    busy_ = false;
    latch_fault(field::kFaultWatchdog.mask());
    regs_[reg::kCtrl.address] &= static_cast<uint16_t>(~field::kCtrlEnable.mask());
    watchdog_deadline_ +=
        slow_ticks_to_ticks(std::max<uint16_t>(regs_[reg::kWdtTimeout.address], 1));
  }
}

void FakeAsic::write_register(uint8_t address, uint16_t value, hal::Ticks now) {
  if (address == reg::kFault.address || address == reg::kIntStatus.address) {
    regs_[address] &= static_cast<uint16_t>(~value);
  } else if (address == reg::kCtrl.address) {
    if (field::kCtrlStop.get(value) != 0 && busy_) {
      busy_ = false;
      regs_[reg::kIntStatus.address] |= field::kIntStatusMoveDone.mask();
    }
    regs_[address] = static_cast<uint16_t>(value & ~field::kCtrlStop.mask());
  } else if (address == reg::kMoveSteps.address) {
    regs_[address] = value;
    const uint16_t ctrl = regs_[reg::kCtrl.address];
    if (value != 0 && !busy_ && field::kCtrlEnable.get(ctrl) != 0 &&
        field::kCtrlSleep.get(ctrl) == 0) {
      busy_ = true;
      ++moves_started_;
      move_steps_ = value;
      move_stalls_ = stalled_moves_ > 0;
      if (move_stalls_) --stalled_moves_;
      const uint64_t period = std::max<uint16_t>(regs_[reg::kStepPeriod.address], 100);
      move_end_ = now + us_to_ticks((uint64_t{value} + 1) * period);
    }
  } else if (address == reg::kWdtKick.address) {
    if (value == asic::kWdtKickKey) {
      watchdog_deadline_ =
          now + slow_ticks_to_ticks(std::max<uint16_t>(regs_[reg::kWdtTimeout.address], 1));
    }
  } else if (address == reg::kAdcCtrl.address) {
    // Conversions finish within the next frame: the model completes them at once.
    if (adc_stalled_) {
      regs_[address] = value;
      return;
    }
    if (field::kAdcCtrlStart.get(value) != 0) {
      if (value & 0x02) {
        regs_[reg::kAdcBattery.address] =
            busy_ ? static_cast<uint16_t>(battery_code_ - battery_sag_codes_) : battery_code_;
      }
      regs_[reg::kIntStatus.address] |= field::kIntStatusAdcDone.mask();
    }
    regs_[address] = static_cast<uint16_t>(value & field::kAdcCtrlChannels.mask());
  } else if (address == reg::kAlarmTone.address) {
    if (regs_[address] != value) {
      ++tone_changes_;
      tone_history.emplace_back(now, value);
    }
    regs_[address] = value;
  } else if (address == reg::kCtrl.address || address == reg::kStepPeriod.address ||
             address == reg::kCurrentLimit.address || address == reg::kIntMask.address ||
             address == reg::kStallConfig.address || address == reg::kWdtTimeout.address) {
    regs_[address] = value;
  }
}

uint32_t FakeAsic::transfer(uint32_t mosi, hal::Ticks now) {
  advance(now);
  ++frames_;
  if (flip_mosi_skip_ > 0) {
    --flip_mosi_skip_;
  } else if (flip_mosi_ > 0) {
    --flip_mosi_;
    mosi ^= flip_mosi_mask_;
  }
  const uint16_t fault = regs_[reg::kFault.address];
  const uint8_t status = static_cast<uint8_t>(
      (irq_level() ? 0x80 : 0) | (fault != 0 ? 0x40 : 0) | (busy_ ? 0x20 : 0) |
      (field::kFaultSpiError.get(fault) != 0 ? 0x10 : 0) | asic::kMisoStatusPattern);
  const bool write = (mosi >> 31) != 0;
  const uint8_t address = static_cast<uint8_t>((mosi >> 24) & 0x7F);
  const uint16_t data = static_cast<uint16_t>(mosi >> 8);
  bool mosi_ok = asic::frame_crc8(mosi >> 8) == static_cast<uint8_t>(mosi);
  if (corrupt_mosi_ > 0) {
    --corrupt_mosi_;
    mosi_ok = false;
  }
  uint16_t value = address < 0x20 ? regs_[address] : 0;
  if (address == reg::kStatus.address) {
    value = static_cast<uint16_t>((busy_ ? 1 : 0) | (regs_[reg::kAlarmTone.address] != 0 ? 4 : 0));
  } else if (address == reg::kTotalStepsLo.address) {
    value = static_cast<uint16_t>(total_microsteps_);
    if (!write && mosi_ok)
      regs_[reg::kTotalStepsHi.address] = static_cast<uint16_t>(total_microsteps_ >> 16);
  } else if (address == reg::kWdtKick.address) {
    value = 0;
  } else if (address == reg::kWdtRemaining.address) {
    value = static_cast<uint16_t>((watchdog_deadline_ - now) * asic::kSlowTickHz /
                                  hal::kTicksPerSecond);
  }
  if (address == stuck_address_) {
    value = stuck_value_ ? static_cast<uint16_t>(value | stuck_mask_)
                         : static_cast<uint16_t>(value & ~stuck_mask_);
  }
  if (!mosi_ok) {
    latch_fault(field::kFaultSpiError.mask());
  } else if (write) {
    write_register(address, data, now);
  }
  const uint32_t head = (uint32_t{status} << 16) | value;
  uint32_t miso = (head << 8) | asic::frame_crc8(head);
  if (corrupt_miso_ > 0) {
    --corrupt_miso_;
    miso ^= 0x01;
  }
  return miso;
}

FakeHal::FakeHal() : nvm(kNvmBytes, 0xFF), crypto_(kRandomSeed, sizeof kRandomSeed) {}

void FakeHal::hmac_begin(const uint8_t* key, uint32_t key_length) {
  crypto_.hmac_begin(key, key_length);
}

void FakeHal::hmac_update(const uint8_t* data, uint32_t length) {
  crypto_.hmac_update(data, length);
}

void FakeHal::hmac_finish(uint8_t digest[32]) {
  crypto_.hmac_finish(digest);
}

void FakeHal::random_bytes(uint8_t* destination, uint32_t length) {
  crypto_.random_bytes(destination, length);
}

void FakeHal::note_irq() {
  const bool high = asic.irq_level();
  if (high && !irq_was_high_) irq_pending_ = true;
  irq_was_high_ = high;
}

uint32_t FakeHal::spi_transfer(uint32_t mosi_frame) {
  const uint32_t miso = asic.transfer(mosi_frame, now_);
  note_irq();
  return miso;
}

bool FakeHal::take_asic_irq_pending() {
  note_irq();
  const bool pending = irq_pending_;
  irq_pending_ = false;
  return pending;
}

void FakeHal::sleep_until(hal::Ticks wake_rtc_ticks) {
  ++sleeps;
  if (!rx.empty() || wake_rtc_ticks <= now()) return;
  const hal::Ticks wake_ticks = wake_rtc_ticks - rtc_shift_;
  while (now_ < wake_ticks) {
    const hal::Ticks event = asic.next_event();
    now_ = std::min(wake_ticks, std::max(event, now_));
    asic.advance(now_);
    note_irq();
    if (irq_pending_) return;
    if (event > wake_ticks) break;
  }
}

void FakeHal::nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) {
  std::copy(nvm.begin() + offset, nvm.begin() + offset + length, destination);
}

void FakeHal::nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) {
  for (uint32_t i = 0; i < length; ++i) {
    if (nvm_budget_ == 0) return;
    if (nvm_budget_ > 0) --nvm_budget_;
    nvm[offset + i] = source[i];
    ++nvm_bytes_written;
  }
}

uint32_t FakeHal::uart_read(uint8_t* destination, uint32_t max_length) {
  uint32_t count = 0;
  while (count < max_length && !rx.empty()) {
    destination[count++] = rx.front();
    rx.pop_front();
  }
  return count;
}

uint32_t FakeHal::uart_write(const uint8_t* source, uint32_t length) {
  const uint32_t accepted = std::min(length, uart_tx_fifo_bytes);
  tx.insert(tx.end(), source, source + accepted);
  return accepted;
}

}  // namespace pumpfw::test
