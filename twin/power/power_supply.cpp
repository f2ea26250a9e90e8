#include "power_supply.h"

#include <algorithm>

#include <systemc>

namespace pumptwin::power {

PowerSupply::PowerSupply(const PowerConfig& config, asic::MotorDriverAsic& asic, mcu::Mcu& mcu)
    : config_(config),
      asic_(asic),
      mcu_(mcu),
      cell_(config.cell),
      terminal_v_(cell_.open_circuit_v(config.cell.reference_temperature_c)) {}

void PowerSupply::update(double temperature_c) {
  const double now_s = sc_core::sc_time_stamp().to_seconds();
  const double interval_s = now_s - last_update_s_;
  asic_.bring_to_now();
  const double bridge_charge_as = asic_.bridge_charge_as();
  const double mcu_charge_as = mcu_.charge_drawn_as();
  // Energy the bridges return to the supply (negative current while a coil discharges
  // through it) does not recharge a primary cell.
  double charge_as = std::max(bridge_charge_as - last_bridge_charge_as_, 0.0) +
                     (mcu_charge_as - last_mcu_charge_as_) +
                     (config_.board_quiescent_current_a + parasitic_current_a_) * interval_s;
  last_bridge_charge_as_ = bridge_charge_as;
  last_mcu_charge_as_ = mcu_charge_as;
  last_update_s_ = now_s;
  cell_.draw(charge_as);
  load_current_a_ = interval_s > 0.0 ? charge_as / interval_s
                                     : config_.board_quiescent_current_a + parasitic_current_a_;
  terminal_v_ =
      cell_.terminal_v(load_current_a_, temperature_c) - load_current_a_ * film_resistance_ohm_;
  asic_.set_supply_v(terminal_v_);
  const bool undervoltage = terminal_v_ < config_.undervoltage_v;
  if (undervoltage != undervoltage_) {
    undervoltage_ = undervoltage;
    asic_.set_undervoltage(undervoltage);
  }
  mcu_.set_supply_v(terminal_v_);
}

}  // namespace pumptwin::power
