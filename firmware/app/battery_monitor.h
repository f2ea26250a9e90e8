// Battery supervision: elective replacement indicator (ERI) and end of service (EOS) from the
// ASIC's battery ADC channel. Readings are taken with the motor idle (no load sag), filtered
// by an exponential average, and a threshold must be crossed on several consecutive readings
// before it counts; an indicator clears only above its threshold plus a hysteresis, so noise
// near a threshold cannot make the alarm chatter. A reading taken while the motor runs checks
// that the channel follows the cell at all: the cell's internal resistance must sag it.
#pragma once

#include <cstdint>

namespace pumpfw::app {

struct BatteryThresholds {
  // The analog front end divides the cell by 2 onto the 2.5 V, 12-bit ADC input.
  uint32_t divider_ratio = 2;
  uint32_t eri_mv = 2850;
  uint32_t eos_mv = 2600;
  uint32_t hysteresis_mv = 50;
  uint8_t confirm_readings = 3;
  // A reading outside these is not the cell (a stuck converter bit, a broken divider or
  // channel): it counts as a reading not taken. Above any cell this pump takes: Li/SVO is 3.2 V
  // fresh (twin/power/lithium_cell.h). Below the MCU's brown-out level (2.2 V, twin/mcu/mcu.h)
  // no firmware runs to take the reading. The margins are assumptions.
  uint32_t max_plausible_mv = 3700;
  uint32_t min_plausible_mv = 2000;
  // A reading under the motor's load must lie at least this far below the last one at rest.
  // Measured on the twin with a new cell (0.6 ohm, the least sag it ever shows; more as it
  // discharges, with cold, with a film): 5-14 mV, 10 on average, 4 ms into a stroke; a stuck
  // channel shows only the converter's noise (< 1 mV rms at the cell). 4 mV, about 3 LSB at
  // the cell, between the two (docs/firmware.md; the margin is an assumption).
  uint32_t min_load_sag_mv = 4;
};

class BatteryMonitor {
 public:
  explicit BatteryMonitor(const BatteryThresholds& thresholds) : thresholds_(thresholds) {}

  uint32_t code_to_mv(uint16_t adc_code) const {
    return static_cast<uint32_t>(adc_code) * 2500u * thresholds_.divider_ratio / 4096u;
  }
  void add_reading(uint16_t adc_code);
  // A reading that could not be taken (the conversion never completed, or its frames never got
  // through). As many in a row as confirm a threshold crossing raise ERI: a monitor that cannot
  // see the cell must not let it run down unannounced (PUMP-SEN-001).
  void add_failed_reading() {
    if (failed_run_ < UINT8_MAX) ++failed_run_;
  }
  // A reading taken while the motor runs. As many in a row without the sag of the cell's
  // internal resistance as confirm a threshold crossing mean the channel does not follow the
  // cell (stuck at a plausible value): the monitor is blind (PUMP-SEN-001).
  void add_loaded_reading(uint16_t adc_code);
  bool stuck() const { return no_sag_run_ >= thresholds_.confirm_readings; }
  bool blind() const { return failed_run_ >= thresholds_.confirm_readings || stuck(); }
  // The last loaded reading's sag below the reading at rest before it (negative: above it).
  int32_t last_sag_mv() const { return last_sag_mv_; }

  bool elective_replacement() const { return eri_ || blind(); }
  bool end_of_service() const { return eos_; }
  uint32_t filtered_mv() const { return filtered_mv_x16_ / 16; }

 private:
  static void update_indicator(bool& state, uint8_t& run, uint32_t mv, uint32_t threshold_mv,
                               uint32_t hysteresis_mv, uint8_t confirm);

  BatteryThresholds thresholds_;
  uint32_t filtered_mv_x16_ = 0;
  bool have_reading_ = false;
  bool eri_ = false;
  bool eos_ = false;
  uint8_t eri_run_ = 0;
  uint8_t eos_run_ = 0;
  uint8_t failed_run_ = 0;
  uint32_t rest_mv_ = 0;  // the last plausible reading at rest, unfiltered
  int32_t last_sag_mv_ = 0;
  uint8_t no_sag_run_ = 0;
};

}  // namespace pumpfw::app
