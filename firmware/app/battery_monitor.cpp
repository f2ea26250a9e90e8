#include "app/battery_monitor.h"

namespace pumpfw::app {

void BatteryMonitor::update_indicator(bool& state, uint8_t& run, uint32_t mv, uint32_t threshold_mv,
                                      uint32_t hysteresis_mv, uint8_t confirm) {
  const bool crossing = state ? mv >= threshold_mv + hysteresis_mv : mv <= threshold_mv;
  run = crossing ? static_cast<uint8_t>(run + 1) : 0;
  if (run >= confirm) {
    state = !state;
    run = 0;
  }
}

void BatteryMonitor::add_reading(uint16_t adc_code) {
  const uint32_t mv = code_to_mv(adc_code);
  if (mv > thresholds_.max_plausible_mv || mv < thresholds_.min_plausible_mv) {
    add_failed_reading();
    return;
  }
  rest_mv_ = mv;
  const uint32_t mv_x16 = mv * 16;
  // Exponential average with weight 1/4: settles in a few readings, rejects single spikes.
  filtered_mv_x16_ = have_reading_ ? filtered_mv_x16_ - filtered_mv_x16_ / 4 + mv_x16 / 4 : mv_x16;
  have_reading_ = true;
  failed_run_ = 0;
  const uint32_t filtered = filtered_mv();
  update_indicator(eri_, eri_run_, filtered, thresholds_.eri_mv, thresholds_.hysteresis_mv,
                   thresholds_.confirm_readings);
  update_indicator(eos_, eos_run_, filtered, thresholds_.eos_mv, thresholds_.hysteresis_mv,
                   thresholds_.confirm_readings);
}

void BatteryMonitor::add_loaded_reading(uint16_t adc_code) {
  if (rest_mv_ == 0) return;  // nothing at rest to compare with yet
  last_sag_mv_ = static_cast<int32_t>(rest_mv_) - static_cast<int32_t>(code_to_mv(adc_code));
  const bool sagged = last_sag_mv_ >= static_cast<int32_t>(thresholds_.min_load_sag_mv);
  if (sagged) {
    no_sag_run_ = 0;
  } else if (no_sag_run_ < UINT8_MAX) {
    ++no_sag_run_;
  }
}

}  // namespace pumpfw::app
