// The pump's supply: one lithium cell and everything that draws on it, i.e. the ASIC's
// H-bridges (the motor), the MCU, the always-on rest of the board and, as a fault, a
// parasitic path (an internal short, a leaky component).
//
// Lazy: nothing runs per cycle. update() is called from SystemC processes at the moments the
// load changes or is looked at (the MCU's wake-ups, the end of each motor move, a coarse
// period); it takes the charge drawn since the last update from the loads' own counters,
// drains the cell by it, and sets the terminal voltage under the average current of that
// interval on the ASIC (bridge supply, undervoltage comparator) and the MCU (brown-out). An
// interval that spans a move sees the motor's sag, an interval of sleep sees almost none.
#pragma once

#include "lithium_cell.h"
#include "mcu.h"
#include "motor_driver_asic.h"

namespace pumptwin::power {

struct PowerConfig {
  CellParams cell{};
  // The ASIC's always-on domain, the analog front end's bias and the telemetry receiver's
  // sniffing, together (docs/platform.md).
  double board_quiescent_current_a = 15e-6;
  // The ASIC's supply comparator trips below this (motor stops with FAULT.UNDERVOLTAGE).
  double undervoltage_v = 2.3;
};

class PowerSupply {
 public:
  PowerSupply(const PowerConfig& config, asic::MotorDriverAsic& asic, mcu::Mcu& mcu);

  // From a SystemC process only (the ASIC's inputs change at the current time).
  void update(double temperature_c);
  // Fault: a parasitic current drawn from the cell from the next update on.
  void set_parasitic_load_a(double current_a) { parasitic_current_a_ = current_a; }
  // Fault: a resistive film in the cell, in series with its internal resistance, from the next
  // update on (battery film formation: normal at rest, a collapse under the motor's current).
  void set_film_resistance_ohm(double ohm) { film_resistance_ohm_ = ohm; }
  double film_resistance_ohm() const { return film_resistance_ohm_; }
  double parasitic_load_a() const { return parasitic_current_a_; }

  double terminal_v() const { return terminal_v_; }
  // The terminal voltage under the average load of the last interval that ended now, and the
  // cell's charge, without making an update (the loads are not told). At the instant of one
  // or more updates it is what the first of them computed, so an observer reads the same
  // values whichever process the kernel runs first there.
  struct Reading {
    double terminal_v;
    double depth_of_discharge;
    double drawn_mah;
  };
  Reading reading_now(double temperature_c);
  // Average current of the last update interval.
  double load_current_a() const { return load_current_a_; }
  double charge_drawn_by_bridges_as() const { return last_bridge_charge_as_; }
  const LithiumCell& cell() const { return cell_; }

 private:
  // Charge drawn since the last update (A·s), over an interval of `interval_s`.
  double charge_since_update_as(double interval_s);
  double terminal_v_under(const LithiumCell& cell, double load_current_a,
                          double temperature_c) const;

  PowerConfig config_;
  asic::MotorDriverAsic& asic_;
  mcu::Mcu& mcu_;
  LithiumCell cell_;
  double parasitic_current_a_ = 0.0;
  double film_resistance_ohm_ = 0.0;
  double last_update_s_ = 0.0;
  double last_bridge_charge_as_ = 0.0;
  double last_mcu_charge_as_ = 0.0;
  double terminal_v_;
  double interval_terminal_v_;  // of the last update that closed an interval
  double load_current_a_ = 0.0;
  bool undervoltage_ = false;
};

}  // namespace pumptwin::power
