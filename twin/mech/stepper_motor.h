// Two-phase permanent-magnet stepper motor: coil currents from the H-bridge voltages (R, L,
// back-EMF) and a rotor that follows the stator field unless the load holds it (Coulomb
// friction: a stalled rotor does not move, so it makes no back-EMF).
// Parameters: docs/mech.md.
#pragma once

#include <cstdint>

namespace pumptwin::mech {

// What an H-bridge applies to its coil; the values are the ASIC's phase output encoding.
enum class BridgeDrive : uint8_t {
  kOff = 0,        // high impedance: current decays fast through the body diodes
  kPositive = 1,   // +supply across the coil
  kNegative = 2,   // -supply
  kSlowDecay = 3,  // both low sides on: the coil is shorted
};

struct StepperMotorParams {
  // A 10 mm can-stack / micro stepper of the class used in implantable pumps (Faulhaber
  // AM1020-class data sheet order of magnitude): 20 full steps per revolution.
  double phase_resistance_ohm = 40.0;
  double phase_inductance_h = 12e-3;
  double torque_constant_nm_per_a = 0.01;  // also the back-EMF constant, V s/rad
  double rotor_inertia_kg_m2 = 2e-9;
  double viscous_damping_nm_s_per_rad = 1.5e-6;
  double diode_drop_v = 0.7;
  int full_steps_per_rev = 20;
  // The coil currents change within a core cycle and are integrated every advance(); the
  // rotor, whose fastest motion (~240 Hz about a detent at the full 90 mA) is thousands of
  // cycles long, advances once per this many calls, on the currents' mean over them, and its
  // back-EMF is held in between (docs/mech.md).
  int rotor_update_calls = 16;
};

class StepperMotor {
 public:
  explicit StepperMotor(const StepperMotorParams& params = {});

  // Advances by dt with the bridges held as given. load_friction_nm opposes motion (and
  // holds the rotor still while the motor torque does not exceed it).
  void advance(double dt_s, BridgeDrive phase_a, BridgeDrive phase_b, double supply_v,
               double load_friction_nm);

  // The bridges are off and the core clock stops: the coil currents decay and the rotor
  // comes to rest. While the currents still flow, the field pulls the rotor to the nearest
  // equilibrium of the last drive position (what it does in the milliseconds of decay after an
  // aborted move), unless the load is more than the field can hold; with no current left it
  // stays where it is. Called when nothing is simulated in detail.
  void settle(double load_friction_nm);

  double phase_current_a_a() const { return current_a_a_; }
  double phase_current_b_a() const { return current_b_a_; }
  double rotor_angle_rad() const { return angle_rad_; }
  double rotor_speed_rad_per_s() const { return speed_rad_per_s_; }
  // As of the rotor's last step (see StepperMotorParams::rotor_update_calls).
  double motor_torque_nm() const { return torque_nm_; }
  // Current drawn from the supply by both bridges (negative while energy flows back).
  double supply_current_a() const { return supply_current_a_; }
  // Winding faults, from a SystemC process while the ASIC model is current (fault injection):
  // a winding whose turns have shorted together (low resistance, almost no inductance), or
  // an open winding (a broken wire or bond: no current flows). Phase 0 is A, 1 is B.
  void set_phase_shorted(int phase, bool shorted);
  void set_phase_open(int phase, bool open);

  // Largest coil current magnitude seen since construction or the last reset_peak_current().
  double peak_phase_current_a() const { return peak_current_a_; }
  void reset_peak_current() { peak_current_a_ = 0.0; }
  double full_step_angle_rad() const { return full_step_angle_rad_; }
  const StepperMotorParams& params() const { return params_; }

 private:
  struct Winding {
    double resistance_ohm;
    double conductance_s;  // 1 / resistance: the per-cycle path multiplies
    double decay_factor;   // exp(-dt R / L) for cached_dt_s_
    bool open;
  };
  double next_current(const Winding& winding, double current_a, double applied_v,
                      double back_emf_v) const;
  void update_decay_factors();
  // Keeps sin and cos of the electrical angle current as the rotor turns.
  void rotate_electrical_angle(double delta_rad);
  static double bridge_supply_current(BridgeDrive drive, double current_a);
  // The rotor's step over the calls since its last one, and the back-EMF it makes.
  void advance_rotor(double load_friction_nm);
  void hold_back_emf();

  StepperMotorParams params_;
  int pole_pairs_;
  double full_step_angle_rad_;
  double inverse_inertia_per_kg_m2_;
  double cached_dt_s_ = 0.0;
  Winding windings_[2];
  bool shorted_[2] = {false, false};
  double current_a_a_ = 0.0;
  double current_b_a_ = 0.0;
  double angle_rad_ = 0.0;
  double sin_electrical_ = 0.0;
  double cos_electrical_ = 1.0;
  int rotations_since_exact_ = 0;
  double speed_rad_per_s_ = 0.0;
  double emf_a_v_ = 0.0;
  double emf_b_v_ = 0.0;
  // Since the rotor's last step: the calls, their time and the sums of the coil currents.
  int calls_since_rotor_step_ = 0;
  double rotor_step_s_ = 0.0;
  double current_sum_a_a_ = 0.0;
  double current_sum_b_a_ = 0.0;
  double torque_nm_ = 0.0;
  double supply_current_a_ = 0.0;
  double peak_current_a_ = 0.0;
};

}  // namespace pumptwin::mech
