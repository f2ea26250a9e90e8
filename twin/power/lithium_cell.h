// A primary lithium / manganese-dioxide (Li/MnO2) cell: open-circuit voltage by depth of
// discharge, an internal resistance that grows towards the end of discharge and with cold
// (Arrhenius), and a capacity that the loads drain coulomb by coulomb. Parameters and their
// sources: docs/platform.md ("Power").
#pragma once

#include <utility>
#include <vector>

namespace pumptwin::power {

struct CellParams {
  double capacity_mah = 2000.0;
  double initial_depth_of_discharge = 0.0;
  // Open-circuit voltage at the reference temperature by depth of discharge (0 new, 1
  // exhausted), interpolated linearly: the flat plateau near 2.9-3.0 V and the knee of a
  // Li/MnO2 discharge curve (Linden's Handbook of Batteries, Li/MnO2 chapter).
  std::vector<std::pair<double, double>> open_circuit_v_by_depth = {
      {0.00, 3.20}, {0.05, 3.05}, {0.20, 2.98}, {0.50, 2.93}, {0.70, 2.89},
      {0.80, 2.85}, {0.90, 2.76}, {0.95, 2.62}, {0.98, 2.40}, {1.00, 2.00}};
  double reference_temperature_c = 37.0;
  double open_circuit_v_per_k = -0.0005;
  // Internal resistance at the reference temperature: fresh, and its growth as
  // r_fresh * (1 + growth * depth^growth_exponent) as the cathode is consumed.
  double internal_resistance_fresh_ohm = 0.6;
  double internal_resistance_growth = 3.0;
  double internal_resistance_growth_exponent = 4.0;
  // Ionic conduction of the electrolyte: r(T) = r(T_ref) * exp(b * (1/T - 1/T_ref)).
  double internal_resistance_arrhenius_k = 3000.0;
};

class LithiumCell {
 public:
  explicit LithiumCell(const CellParams& params = {});

  void draw(double charge_as);

  double depth_of_discharge() const;
  double remaining_mah() const;
  double drawn_mah() const { return drawn_as_ / 3.6; }
  double open_circuit_v(double temperature_c) const;
  double internal_resistance_ohm(double temperature_c) const;
  // The voltage at the terminals while `current_a` flows out of the cell.
  double terminal_v(double current_a, double temperature_c) const;
  const CellParams& params() const { return params_; }

 private:
  CellParams params_;
  double drawn_as_;
};

}  // namespace pumptwin::power
