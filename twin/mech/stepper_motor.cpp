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
  for (int phase = 0; phase < 2; ++phase) {
    windings_[phase] = {params_.phase_resistance_ohm, 1.0 / params_.phase_resistance_ohm, 0.0,
                        false};
    decay_powers_[phase].assign(static_cast<size_t>(params_.rotor_update_calls) + 1, 1.0);
    decay_power_sums_[phase].assign(static_cast<size_t>(params_.rotor_update_calls) + 1, 0.0);
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
    std::vector<double>& powers = decay_powers_[phase];
    std::vector<double>& sums = decay_power_sums_[phase];
    for (size_t calls = 1; calls < powers.size(); ++calls) {
      powers[calls] = powers[calls - 1] * windings_[phase].decay_factor;
      sums[calls] = sums[calls - 1] + powers[calls];
    }
  }
}

void StepperMotor::set_phase_shorted(int phase, bool shorted) {
  close_segment();
  shorted_[phase] = shorted;
  update_decay_factors();
}

void StepperMotor::set_phase_open(int phase, bool open) {
  close_segment();
  windings_[phase].open = open;
  if (open) (phase == 0 ? current_a_a_ : current_b_a_) = 0.0;
}

void StepperMotor::rotate_electrical_angle(double delta_rad) {
  // Per rotor step the electrical angle moves by some mrad: a rotation by the Taylor series to
  // sixth order is exact to 2e-11 up to 0.1 rad and costs a few multiplications instead of a
  // sin and a cos. The exact values are taken again every 256 rotations so rounding cannot
  // accumulate.
  constexpr int kRotationsPerExactUpdate = 256;
  if (++rotations_since_exact_ == kRotationsPerExactUpdate || std::fabs(delta_rad) > 0.1) {
    rotations_since_exact_ = 0;
    sin_electrical_ = std::sin(pole_pairs_ * angle_rad_);
    cos_electrical_ = std::cos(pole_pairs_ * angle_rad_);
    return;
  }
  const double d2 = delta_rad * delta_rad;
  const double sin_d = delta_rad * (1.0 - d2 * (1.0 / 6.0) * (1.0 - d2 * (1.0 / 20.0)));
  const double cos_d = 1.0 - d2 * 0.5 * (1.0 - d2 * (1.0 / 12.0) * (1.0 - d2 * (1.0 / 30.0)));
  const double sin_next = sin_electrical_ * cos_d + cos_electrical_ * sin_d;
  cos_electrical_ = cos_electrical_ * cos_d - sin_electrical_ * sin_d;
  sin_electrical_ = sin_next;
}

void StepperMotor::open_segment(BridgeDrive phase_a, BridgeDrive phase_b, double supply_v) {
  segment_.open = true;
  segment_.drive[0] = phase_a;
  segment_.drive[1] = phase_b;
  segment_.supply_v = supply_v;
  segment_.calls = 0;
  const double taken_over_a[2] = {current_a_a_, current_b_a_};
  const double back_emf_v[2] = {emf_a_v_, emf_b_v_};
  for (int phase = 0; phase < 2; ++phase) {
    const Winding& winding = windings_[phase];
    const BridgeDrive drive = segment_.drive[phase];
    const double current_a = taken_over_a[phase];
    double applied_v = 0.0;
    double supply_sign = 0.0;
    switch (drive) {
      case BridgeDrive::kPositive:
        applied_v = supply_v;
        supply_sign = 1.0;
        break;
      case BridgeDrive::kNegative:
        applied_v = -supply_v;
        supply_sign = -1.0;
        break;
      case BridgeDrive::kSlowDecay:
        break;
      case BridgeDrive::kOff: {
        // The body diodes clamp the coil to the supply plus their two drops, against the
        // current, and return its energy to the supply.
        const double clamp_v = supply_v + 2.0 * params_.diode_drop_v;
        applied_v = current_a > 0 ? -clamp_v : clamp_v;
        supply_sign = current_a > 0 ? -1.0 : 1.0;
        break;
      }
    }
    const bool conducts = !winding.open && !(drive == BridgeDrive::kOff && current_a == 0.0);
    const double steady_a =
        conducts ? (applied_v - back_emf_v[phase]) * winding.conductance_s : 0.0;
    segment_.steady_a[phase] = steady_a;
    segment_.excess_a[phase] = conducts ? current_a - steady_a : 0.0;
    segment_.fast_decay[phase] = drive == BridgeDrive::kOff;
    segment_.start_positive[phase] = current_a > 0;
    segment_.supply_sign[phase] = supply_sign;
  }
  // The segment starts from its own closed form at k = 0 (within an ulp of the current it
  // took over), so that every current of it, the first included, lies on one monotone curve.
  const SegmentCurrents currents(segment_, decay_powers_);
  current_a_a_ = segment_.start_a[0] = currents.after(0, 0);
  current_b_a_ = segment_.start_a[1] = currents.after(1, 0);
}

double StepperMotor::segment_current_sum(int phase, int calls) const {
  // Fast decay: only the calls before the current reached zero add to the sum.
  int conducting = calls;
  if (segment_.fast_decay[phase]) {
    const SegmentCurrents currents(segment_, decay_powers_);
    while (conducting > 0 && currents.after(phase, conducting) == 0.0) --conducting;
  }
  return conducting * segment_.steady_a[phase] +
         segment_.excess_a[phase] * decay_power_sums_[phase][conducting];
}

double StepperMotor::segment_charge_as(const double (&before_last_sums_a)[2]) const {
  // Each call draws with the current it starts from: the start and the ends of calls 1..k-1.
  double charge_as = 0.0;
  for (int phase = 0; phase < 2; ++phase) {
    charge_as +=
        segment_.supply_sign[phase] * (segment_.start_a[phase] + before_last_sums_a[phase]);
  }
  return charge_as * cached_dt_s_;
}

double StepperMotor::supply_charge_as() const {
  if (!segment_.open || segment_.calls == 0) return closed_charge_as_;
  const double before_last_sums_a[2] = {segment_current_sum(0, segment_.calls - 1),
                                        segment_current_sum(1, segment_.calls - 1)};
  return closed_charge_as_ + segment_charge_as(before_last_sums_a);
}

void StepperMotor::close_segment() {
  if (!segment_.open) return;
  segment_.open = false;
  const int calls = segment_.calls;
  if (calls == 0) return;
  // The ends of calls 1..k-1 are in both the rotor's sums (with the last end) and the charge.
  const double before_last_sums_a[2] = {segment_current_sum(0, calls - 1),
                                        segment_current_sum(1, calls - 1)};
  current_sum_a_a_ += before_last_sums_a[0] + current_a_a_;
  current_sum_b_a_ += before_last_sums_a[1] + current_b_a_;
  rotor_step_s_ += calls * cached_dt_s_;
  closed_charge_as_ += segment_charge_as(before_last_sums_a);
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
  close_segment();
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
}

}  // namespace pumptwin::mech
