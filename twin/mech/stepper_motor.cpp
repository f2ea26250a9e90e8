#include "stepper_motor.h"

#include <cmath>

namespace pumptwin::mech {

namespace {
constexpr double kPi = 3.14159265358979323846;
// A winding shorted turn to turn: what is left of it (and of the bridge) barely limits the
// current, which the ASIC must catch as overcurrent.
constexpr double kShortedResistanceOhm = 1.0;
constexpr double kShortedInductanceH = 10e-6;
}  // namespace

StepperMotor::StepperMotor(const StepperMotorParams& params)
    : params_(params),
      pole_pairs_(params.full_steps_per_rev / 4),
      full_step_angle_rad_(2.0 * kPi / params.full_steps_per_rev),
      inverse_inertia_per_kg_m2_(1.0 / params.rotor_inertia_kg_m2),
      // The ASIC's sequencer resets to microstep 4, the 45° point between two full steps'
      // detents, so the rotor starts there: half a full step.
      angle_rad_(0.5 * full_step_angle_rad()),
      sin_electrical_(std::sin(pole_pairs_ * angle_rad_)),
      cos_electrical_(std::cos(pole_pairs_ * angle_rad_)) {
  for (Winding& winding : windings_) {
    winding = {params_.phase_resistance_ohm, 1.0 / params_.phase_resistance_ohm, 0.0, false};
  }
}

void StepperMotor::update_decay_factors() {
  for (int phase = 0; phase < 2; ++phase) {
    const double inductance_h = shorted_[phase] ? kShortedInductanceH : params_.phase_inductance_h;
    windings_[phase].resistance_ohm =
        shorted_[phase] ? kShortedResistanceOhm : params_.phase_resistance_ohm;
    windings_[phase].conductance_s = 1.0 / windings_[phase].resistance_ohm;
    windings_[phase].decay_factor =
        std::exp(-cached_dt_s_ * windings_[phase].resistance_ohm / inductance_h);
  }
}

void StepperMotor::set_phase_shorted(int phase, bool shorted) {
  shorted_[phase] = shorted;
  update_decay_factors();
}

void StepperMotor::set_phase_open(int phase, bool open) {
  windings_[phase].open = open;
  if (open) (phase == 0 ? current_a_a_ : current_b_a_) = 0.0;
}

void StepperMotor::rotate_electrical_angle(double delta_rad) {
  // Per rotor step the electrical angle moves by a few mrad: a fourth-order rotation is exact
  // to 3e-11 up to 20 mrad and costs a few multiplications instead of a sin and a cos. The
  // exact values are taken again every 256 rotations so rounding cannot accumulate.
  constexpr int kRotationsPerExactUpdate = 256;
  if (++rotations_since_exact_ == kRotationsPerExactUpdate || std::fabs(delta_rad) > 2e-2) {
    rotations_since_exact_ = 0;
    sin_electrical_ = std::sin(pole_pairs_ * angle_rad_);
    cos_electrical_ = std::cos(pole_pairs_ * angle_rad_);
    return;
  }
  const double d2 = delta_rad * delta_rad;
  const double sin_d = delta_rad * (1.0 - d2 / 6.0);
  const double cos_d = 1.0 - d2 / 2.0 + d2 * d2 / 24.0;
  const double sin_next = sin_electrical_ * cos_d + cos_electrical_ * sin_d;
  cos_electrical_ = cos_electrical_ * cos_d - sin_electrical_ * sin_d;
  sin_electrical_ = sin_next;
}

double StepperMotor::next_current(const Winding& winding, double current_a, double applied_v,
                                  double back_emf_v) const {
  // Exact solution of L di/dt = V - R i - e over the cached dt with V and e held constant.
  if (winding.open) return 0.0;
  const double steady_a = (applied_v - back_emf_v) * winding.conductance_s;
  return steady_a + (current_a - steady_a) * winding.decay_factor;
}

double StepperMotor::bridge_supply_current(BridgeDrive drive, double current_a) {
  switch (drive) {
    case BridgeDrive::kPositive:
      return current_a;
    case BridgeDrive::kNegative:
      return -current_a;
    case BridgeDrive::kOff:
      return -std::fabs(current_a);  // fast decay returns the coil's energy to the supply
    case BridgeDrive::kSlowDecay:
      return 0.0;
  }
  return 0.0;
}

void StepperMotor::advance(double dt_s, BridgeDrive phase_a, BridgeDrive phase_b, double supply_v,
                           double load_friction_nm) {
  if (dt_s != cached_dt_s_) {
    cached_dt_s_ = dt_s;
    update_decay_factors();
  }
  // A motor at rest with no current and no voltage across its coils stays as it is: the
  // cycles the ASIC runs for SPI frames and conversions leave it untouched.
  const bool no_voltage = (phase_a == BridgeDrive::kOff || phase_a == BridgeDrive::kSlowDecay) &&
                          (phase_b == BridgeDrive::kOff || phase_b == BridgeDrive::kSlowDecay);
  if (no_voltage && current_a_a_ == 0.0 && current_b_a_ == 0.0 && speed_rad_per_s_ == 0.0 &&
      calls_since_rotor_step_ == 0) {
    torque_nm_ = 0.0;
    supply_current_a_ = 0.0;
    return;
  }
  auto step_phase = [&](const Winding& winding, double current, BridgeDrive drive, double emf) {
    switch (drive) {
      case BridgeDrive::kPositive:
        return next_current(winding, current, supply_v, emf);
      case BridgeDrive::kNegative:
        return next_current(winding, current, -supply_v, emf);
      case BridgeDrive::kSlowDecay:
        return next_current(winding, current, 0.0, emf);
      case BridgeDrive::kOff:
        break;
    }
    if (current == 0.0) return 0.0;
    // The diodes conduct only until the current has fallen to zero.
    const double clamp_v = supply_v + 2.0 * params_.diode_drop_v;
    const double next = next_current(winding, current, current > 0 ? -clamp_v : clamp_v, emf);
    return (next > 0) == (current > 0) ? next : 0.0;
  };
  supply_current_a_ =
      bridge_supply_current(phase_a, current_a_a_) + bridge_supply_current(phase_b, current_b_a_);
  current_a_a_ = step_phase(windings_[0], current_a_a_, phase_a, emf_a_v_);
  current_b_a_ = step_phase(windings_[1], current_b_a_, phase_b, emf_b_v_);
  // Comparisons rather than fmax: no call in the per-cycle path, the same value (no NaN here).
  const double magnitude_a = std::fabs(current_a_a_);
  const double magnitude_b = std::fabs(current_b_a_);
  const double larger = magnitude_a > magnitude_b ? magnitude_a : magnitude_b;
  if (larger > peak_current_a_) peak_current_a_ = larger;

  current_sum_a_a_ += current_a_a_;
  current_sum_b_a_ += current_b_a_;
  rotor_step_s_ += dt_s;
  if (++calls_since_rotor_step_ >= params_.rotor_update_calls) advance_rotor(load_friction_nm);
}

void StepperMotor::advance_rotor(double load_friction_nm) {
  const double dt_s = rotor_step_s_;
  const double per_call = 1.0 / calls_since_rotor_step_;
  const double mean_a_a = current_sum_a_a_ * per_call;
  const double mean_b_a = current_sum_b_a_ * per_call;
  calls_since_rotor_step_ = 0;
  rotor_step_s_ = 0.0;
  current_sum_a_a_ = 0.0;
  current_sum_b_a_ = 0.0;

  const double ke = params_.torque_constant_nm_per_a;
  torque_nm_ = ke * (-mean_a_a * sin_electrical_ + mean_b_a * cos_electrical_);
  const double driving_nm = torque_nm_ - params_.viscous_damping_nm_s_per_rad * speed_rad_per_s_;
  if (speed_rad_per_s_ == 0.0 && std::fabs(torque_nm_) <= load_friction_nm) return;  // held
  const double direction =
      speed_rad_per_s_ != 0.0 ? (speed_rad_per_s_ > 0 ? 1.0 : -1.0) : (torque_nm_ > 0 ? 1.0 : -1.0);
  const double net_nm = driving_nm - direction * load_friction_nm;
  const double next_speed = speed_rad_per_s_ + net_nm * inverse_inertia_per_kg_m2_ * dt_s;
  // Friction stops the rotor; it cannot push it backwards.
  speed_rad_per_s_ =
      (speed_rad_per_s_ != 0.0 && (next_speed > 0) != (speed_rad_per_s_ > 0)) ? 0.0 : next_speed;
  if (speed_rad_per_s_ != 0.0) {
    angle_rad_ += speed_rad_per_s_ * dt_s;
    rotate_electrical_angle(pole_pairs_ * speed_rad_per_s_ * dt_s);
  }
  hold_back_emf();
}

void StepperMotor::hold_back_emf() {
  const double ke = params_.torque_constant_nm_per_a;
  emf_a_v_ = -ke * speed_rad_per_s_ * sin_electrical_;
  emf_b_v_ = ke * speed_rad_per_s_ * cos_electrical_;
}

void StepperMotor::settle(double load_friction_nm) {
  const double holding_torque_nm =
      params_.torque_constant_nm_per_a * std::hypot(current_a_a_, current_b_a_);
  if (holding_torque_nm > load_friction_nm) {
    const double field_angle = std::atan2(current_b_a_, current_a_a_);
    const double electrical_angle = pole_pairs_ * angle_rad_;
    const double turns = std::round((electrical_angle - field_angle) / (2.0 * kPi));
    angle_rad_ = (field_angle + 2.0 * kPi * turns) / pole_pairs_;
    sin_electrical_ = std::sin(pole_pairs_ * angle_rad_);
    cos_electrical_ = std::cos(pole_pairs_ * angle_rad_);
    rotations_since_exact_ = 0;
  }
  current_a_a_ = 0.0;
  current_b_a_ = 0.0;
  speed_rad_per_s_ = 0.0;
  calls_since_rotor_step_ = 0;
  rotor_step_s_ = 0.0;
  current_sum_a_a_ = 0.0;
  current_sum_b_a_ = 0.0;
  hold_back_emf();
  torque_nm_ = 0.0;
  supply_current_a_ = 0.0;
}

}  // namespace pumptwin::mech
