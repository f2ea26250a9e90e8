#include "drive_train.h"

#include <cmath>

namespace pumptwin::mech {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kPascalPerMmhg = 133.322;
constexpr double kCubicMetresPerMicrolitre = 1e-9;
}  // namespace

DriveTrain::DriveTrain(const StepperMotorParams& motor, const GearTrainParams& gear,
                       const PumpMechanismParams& pump)
    : motor_(motor),
      gear_(gear),
      pump_(pump),
      volume_per_full_step_ul_(pump_.volume_per_shaft_rev_ul /
                               (gear_.ratio * motor_.params().full_steps_per_rev)),
      furthest_angle_rad_(motor_.rotor_angle_rad()) {
  update_load_at_motor();
}

void DriveTrain::set_outlet_pressure_mmhg(double pressure_mmhg) {
  outlet_pressure_mmhg_ = pressure_mmhg;
  update_load_at_motor();
}

void DriveTrain::set_extra_shaft_load_nm(double torque_nm) {
  extra_shaft_load_nm_ = torque_nm;
  update_load_at_motor();
}

void DriveTrain::update_load_at_motor() {
  // Work against the outlet pressure: p dV = T dθ at the pump shaft.
  const double displacement_m3_per_rad =
      pump_.volume_per_shaft_rev_ul * kCubicMetresPerMicrolitre / (2.0 * kPi);
  const double pressure_nm =
      std::fmax(outlet_pressure_mmhg_, 0.0) * kPascalPerMmhg * displacement_m3_per_rad;
  const double shaft_nm = pressure_nm + pump_.shaft_friction_nm + extra_shaft_load_nm_;
  load_at_motor_nm_ = shaft_nm / (gear_.ratio * gear_.efficiency);
}

void DriveTrain::settle() {
  motor_.settle(load_at_motor_nm_);
  count_displacement();
}

void DriveTrain::count_displacement() {
  const double angle = motor_.rotor_angle_rad();
  if (angle > furthest_angle_rad_) {
    displaced_volume_ul_ +=
        (angle - furthest_angle_rad_) / motor_.full_step_angle_rad() * volume_per_full_step_ul();
    furthest_angle_rad_ = angle;
  }
}

int64_t DriveTrain::rotor_full_steps() const {
  return static_cast<int64_t>(std::floor(motor_.rotor_angle_rad() / motor_.full_step_angle_rad()));
}

}  // namespace pumptwin::mech
