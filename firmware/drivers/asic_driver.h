// Driver of the motor-driver ASIC over SPI (docs/asic-registers.md).
//
// Every frame carries a CRC-8 both ways. A MISO frame with a bad CRC or a wrong status pattern
// is retried. Neither a write nor a read can be trusted from its own MISO frame: the ASIC checks
// the MOSI CRC only at the end of the frame, after it has answered a read with the register
// that the (possibly corrupted) address bits named, under a valid MISO CRC. So every transaction
// ends with a confirmation frame whose status byte must show SPI_ERROR clear: the latch is
// sticky, so a clear status there proves that no frame since the last clearing was corrupted on
// MOSI. Otherwise the latch is cleared and the whole transaction repeated (its values are never
// returned). A write ignored by the ASIC is caught the same way. All retries are bounded; a
// driver call that runs out of attempts returns false and the caller treats the ASIC as faulty
// (docs/firmware.md, "SPI integrity").
#pragma once

#include <cstdint>

#include "drivers/motor_driver_regs.h"
#include "hal/hal.h"

namespace pumpfw::drivers {

struct AsicSettings {
  asic::StepMode step_mode = asic::StepMode::kFull;
  // The ASIC's reset values, which its stall detection and the mechanism are matched to.
  uint16_t step_period_us = asic::reg::kStepPeriod.reset_value;
  uint16_t current_limit_ma = asic::reg::kCurrentLimit.reset_value;
  uint16_t watchdog_timeout_slow_ticks = 60 * asic::kSlowTickHz;  // 60 s
  // Stall detection (docs/asic-registers.md): consecutive stalled reversals, and the rise-time
  // threshold calibrated for the drive above at the calibration supply. A coil's current rises
  // as supply / inductance, so the threshold is scaled by the battery reading (see
  // stall_rise_time_us_for_supply) — but only across the part of the cell's range where any
  // threshold in it separates both rotors at every cell voltage, so that a battery reading
  // wrong by any amount cannot make a turning rotor look stalled (docs/firmware.md, "The stall
  // threshold follows the battery"; PUMP-SAF-009).
  uint8_t stall_count =
      static_cast<uint8_t>(asic::field::kStallConfigCount.get(asic::reg::kStallConfig.reset_value));
  uint16_t stall_rise_time_us =
      asic::field::kStallConfigRiseTimeUs.get(asic::reg::kStallConfig.reset_value);
  uint32_t stall_calibration_supply_mv = 3600;
  // The Li/MnO2 cell's open-circuit voltage when new (twin/power/lithium_cell.h, Linden's
  // Handbook of Batteries): no reading above it is a supply the motor runs at (338 µs).
  uint32_t stall_highest_supply_mv = 3200;
  // The ERI level (app::BatteryThresholds::eri_mv): its 379 µs stays 37 µs under a turning
  // rotor's rise at a new cell (416 µs at 3.2 V) and 26 µs over a seized one's at end of service
  // (353 µs at 2.6 V); a lower supply's threshold would come within reach of the turning rotor.
  uint32_t stall_lowest_supply_mv = 2850;
};

// The stall threshold for a supply voltage: the calibrated threshold × calibration supply /
// supply, with the supply clamped to the range above (338-379 µs): a reading outside it, right
// or wrong, must not turn detection off or make a turning rotor's reversals look stalled.
uint16_t stall_rise_time_us_for_supply(const AsicSettings& settings, uint32_t supply_mv);

// What one interrupt service found: the latched sources (cleared) and, if any fault source
// was set, the FAULT register (cleared too, so a later fault is seen as new).
struct AsicEvents {
  uint16_t int_status = 0;
  uint16_t faults = 0;
  bool move_done() const { return asic::field::kIntStatusMoveDone.get(int_status) != 0; }
};

class AsicDriver {
 public:
  // Attempts per frame at a MISO frame that fails its CRC or pattern; a dead or absent ASIC
  // (MISO stuck) is given up on after these few frames (2 ms).
  static constexpr int kFrameAttempts = 8;
  // Attempts per transaction at a confirmation that shows SPI_ERROR. A transaction fails its
  // confirmation when one of its frames or the previous confirmation frame was hit on MOSI:
  // at a bit error rate of 0.3 % (9 % of frames) about one in four; 16 attempts leave ~1e-10
  // per transaction (docs/firmware.md, "SPI integrity").
  static constexpr int kTransactionAttempts = 16;

  explicit AsicDriver(hal::Hal& hal) : hal_(hal) {}

  // Checks the chip identity and programs step mode, timing, current, interrupt mask and the
  // watchdog. Leaves the bridges enabled and idle.
  bool init(const AsicSettings& settings);

  // A confirmed read: the value is returned only if the confirmation frame after it shows that
  // the ASIC received the read's frame intact.
  bool read(uint8_t address, uint16_t& value);
  // Reads `count` registers in one transaction with one confirmation frame at its end.
  bool read_confirmed(const uint8_t* addresses, uint16_t* values, int count);
  bool write(uint8_t address, uint16_t value);

  // Starts a forward move of `steps` steps in the configured step mode.
  bool start_move(uint16_t steps);
  bool stop_move();
  // Programs STALL_CONFIG: the configured count with this rise-time threshold.
  bool set_stall_rise_time(uint16_t rise_time_us);
  // Steps driven since the ASIC's reset, in 1/8 full step (TOTAL_STEPS, LO then HI).
  bool read_total_microsteps(uint32_t& microsteps);
  // Reads and clears INT_STATUS and, when a fault source is set, FAULT.
  bool service_interrupt(AsicEvents& events);
  bool kick_watchdog();
  bool set_tone(asic::TonePattern pattern);
  // One conversion of one channel; returns the 12-bit code.
  bool convert_adc(asic::AdcChannel channel, uint16_t& code);

  // Microsteps (1/8 full step) per step of the configured step mode.
  uint32_t microsteps_per_step() const;

  uint32_t spi_retries() const { return spi_retries_; }
  uint32_t spi_failures() const { return spi_failures_; }

 private:
  // Sends a read and returns the decoded MISO frame, retrying on a corrupt MISO frame.
  bool transfer_read(uint8_t address, asic::MisoFrame& miso);
  // The confirmation frame (a read of FAULT, whose data is not used): `clean` is true when its
  // status byte shows SPI_ERROR clear. When it is set, it is cleared here.
  bool confirm(bool& clean, bool& busy);
  bool write_once_confirmed(uint8_t address, uint16_t value, bool& accepted);

  hal::Hal& hal_;
  AsicSettings settings_{};
  uint32_t spi_retries_ = 0;
  uint32_t spi_failures_ = 0;
};

}  // namespace pumpfw::drivers
