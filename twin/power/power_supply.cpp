#include "power_supply.h"

#include <algorithm>

#include <systemc>

namespace pumptwin::power {

PowerSupply::PowerSupply(const PowerConfig& config, asic::MotorDriverAsic& asic, mcu::Mcu& mcu)
    : config_(config),
      asic_(asic),
      mcu_(mcu),
      cell_(config.cell),
      terminal_v_(cell_.open_circuit_v(config.cell.reference_temperature_c)),
      interval_terminal_v_(terminal_v_) {}

double PowerSupply::charge_since_update_as(double interval_s) {
  asic_.bring_to_now();
  // Energy the bridges return to the supply (negative current while a coil discharges
  // through it) does not recharge a primary cell.
  return std::max(asic_.bridge_charge_as() - last_bridge_charge_as_, 0.0) +
         (mcu_.charge_drawn_as() - last_mcu_charge_as_) +
         (config_.board_quiescent_current_a + parasitic_current_a_) * interval_s;
}

double PowerSupply::terminal_v_under(const LithiumCell& cell, double load_current_a,
                                     double temperature_c) const {
  return cell.terminal_v(load_current_a, temperature_c) - load_current_a * film_resistance_ohm_;
}

void PowerSupply::update(double temperature_c) {
  const double now_s = sc_core::sc_time_stamp().to_seconds();
  const double interval_s = now_s - last_update_s_;
  const double charge_as = charge_since_update_as(interval_s);
  last_bridge_charge_as_ = asic_.bridge_charge_as();
  last_mcu_charge_as_ = mcu_.charge_drawn_as();
  last_update_s_ = now_s;
  cell_.draw(charge_as);
  load_current_a_ = interval_s > 0.0 ? charge_as / interval_s
                                     : config_.board_quiescent_current_a + parasitic_current_a_;
  terminal_v_ = terminal_v_under(cell_, load_current_a_, temperature_c);
  if (interval_s > 0.0) interval_terminal_v_ = terminal_v_;
  asic_.set_supply_v(terminal_v_);
  const bool undervoltage = terminal_v_ < config_.undervoltage_v;
  if (undervoltage != undervoltage_) {
    undervoltage_ = undervoltage;
    asic_.set_undervoltage(undervoltage);
  }
  mcu_.set_supply_v(terminal_v_);
}

PowerSupply::Reading PowerSupply::reading_now(double temperature_c) {
  const double interval_s = sc_core::sc_time_stamp().to_seconds() - last_update_s_;
  if (interval_s <= 0.0) {
    return {interval_terminal_v_, cell_.depth_of_discharge(), cell_.drawn_mah()};
  }
  const double charge_as = charge_since_update_as(interval_s);
  LithiumCell cell = cell_;
  cell.draw(charge_as);
  return {terminal_v_under(cell, charge_as / interval_s, temperature_c), cell.depth_of_discharge(),
          cell.drawn_mah()};
}

}  // namespace pumptwin::power
