// The pump's drive train: stepper motor, reduction gear and the positive-displacement pump
// mechanism. The ASIC wrapper advances it inside its batch loop every core cycle; the rest of
// the twin sees its slower results (displaced volume, rotor steps, supply current) and drives
// its load (outlet pressure from the catheter, extra torque from injected faults).
// Parameters: docs/mech.md.
#pragma once

#include <cstdint>

#include "stepper_motor.h"

namespace pumptwin::mech {

struct GearTrainParams {
  double ratio = 16.0;       // motor revolutions per pump-shaft revolution
  double efficiency = 0.70;  // spur-gear train of this size
};

struct PumpMechanismParams {
  // With 20 steps/rev and a 16:1 gear: 0.25 µL per full motor step, the pump's calibration.
  double volume_per_shaft_rev_ul = 80.0;
  double shaft_friction_nm = 2e-4;  // seals and valves at the pump shaft
};

class DriveTrain {
 public:
  DriveTrain(const StepperMotorParams& motor = {}, const GearTrainParams& gear = {},
             const PumpMechanismParams& pump = {});

  // One core cycle.
  void advance(double dt_s, BridgeDrive phase_a, BridgeDrive phase_b, double supply_v) {
    advance_held(1, dt_s, phase_a, phase_b, supply_v, [](double, double) { return true; });
  }
  // Up to max_calls core cycles with the bridges held, the same bits as as many advance()
  // calls; stops after the first cycle whose starting coil currents are outside the window
  // in_window(current_a_a, current_b_a) tells (StepperMotor::advance_held).
  template <typename InWindow>
  HeldCalls advance_held(uint64_t max_calls, double dt_s, BridgeDrive phase_a, BridgeDrive phase_b,
                         double supply_v, InWindow&& in_window) {
    // The displacement is counted only when the rotor has moved on.
    return motor_.advance_held(max_calls, dt_s, phase_a, phase_b, supply_v, load_at_motor_nm_,
                               in_window, [this] {
                                 if (motor_.rotor_angle_rad() > furthest_angle_rad_) {
                                   count_displacement();
                                 }
                               });
  }
  void settle();

  // Load inputs, held until changed.
  void set_outlet_pressure_mmhg(double pressure_mmhg);
  void set_extra_shaft_load_nm(double torque_nm);

  // Volume pushed out of the pump since start: forward motion only (the check valves stop
  // back-flow), and motion already counted is not counted again after a backward swing.
  double displaced_volume_ul() const { return displaced_volume_ul_; }
  double volume_per_full_step_ul() const { return volume_per_full_step_ul_; }
  // Full steps the rotor has turned forward (net), from its angle.
  int64_t rotor_full_steps() const;
  double load_at_motor_nm() const { return load_at_motor_nm_; }

  StepperMotor& motor() { return motor_; }
  const StepperMotor& motor() const { return motor_; }
  const GearTrainParams& gear() const { return gear_; }
  const PumpMechanismParams& pump() const { return pump_; }

 private:
  void count_displacement();
  // The load changes only with its inputs; advance() runs every core cycle.
  void update_load_at_motor();

  StepperMotor motor_;
  GearTrainParams gear_;
  PumpMechanismParams pump_;
  double outlet_pressure_mmhg_ = 0.0;
  double extra_shaft_load_nm_ = 0.0;
  double load_at_motor_nm_ = 0.0;
  double volume_per_full_step_ul_;
  double furthest_angle_rad_;
  double displaced_volume_ul_ = 0.0;
};

}  // namespace pumptwin::mech
