// Two-phase permanent-magnet stepper motor: coil currents from the H-bridge voltages (R, L,
// back-EMF) and a rotor that follows the stator field unless the load holds it (Coulomb
// friction: a stalled rotor does not move, so it makes no back-EMF).
// Parameters: docs/mech.md.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

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
  int rotor_update_calls = 32;
};

// What StepperMotor::advance_held did: the calls made and the coil currents the last one
// started from.
struct HeldCalls {
  uint64_t calls;
  double last_start_a_a;
  double last_start_b_a;
};

class StepperMotor {
 public:
  explicit StepperMotor(const StepperMotorParams& params = {});

  // Advances by dt with the bridges held as given. load_friction_nm opposes motion (and
  // holds the rotor still while the motor torque does not exceed it).
  void advance(double dt_s, BridgeDrive phase_a, BridgeDrive phase_b, double supply_v,
               double load_friction_nm) {
    advance_held(
        1, dt_s, phase_a, phase_b, supply_v, load_friction_nm, [](double, double) { return true; },
        [] {});
  }

  // Up to max_calls calls of advance() with the bridges held: the same bits as single calls,
  // however the calls are grouped. The run ends with the first call whose starting coil
  // currents are outside a window: in_window(current_a_a, current_b_a) tells, and must hold on
  // an interval of each current. after_rotor_step() runs after every step of the rotor.
  template <typename InWindow, typename AfterRotorStep>
  HeldCalls advance_held(uint64_t max_calls, double dt_s, BridgeDrive phase_a, BridgeDrive phase_b,
                         double supply_v, double load_friction_nm, InWindow&& in_window,
                         AfterRotorStep&& after_rotor_step);

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
  // Charge drawn from the supply by both bridges over every call so far (A·s; energy flowing
  // back counts negative).
  double supply_charge_as() const;
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
    double conductance_s;  // 1 / resistance
    double decay_factor;   // exp(-dt R / L) for cached_dt_s_
    bool open;
  };
  // A run of calls with the same bridges, supply, dt and back-EMF: the coil's equation
  // L di/dt = V - R i - e then has the closed form i_k = s + (i_0 - s) d^k after k calls, so a
  // call's current depends on its index and not on a chain of roundings through the calls
  // before it, and no grouping of the calls can change it. It is at most rotor_update_calls
  // long (the rotor's step changes the back-EMF).
  struct Segment {
    bool open = false;
    BridgeDrive drive[2] = {BridgeDrive::kOff, BridgeDrive::kOff};
    double supply_v = 0.0;
    double start_a[2] = {0.0, 0.0};
    double steady_a[2] = {0.0, 0.0};
    double excess_a[2] = {0.0, 0.0};  // start - steady
    // Fast decay (bridge off): the diodes conduct only until the current has reached zero.
    bool fast_decay[2] = {false, false};
    bool start_positive[2] = {false, false};
    // The supply current per coil current: +1 driven positive, -1 negative or in fast decay of a
    // positive current, 0 in slow decay.
    double supply_sign[2] = {0.0, 0.0};
    int calls = 0;
  };

  void update_decay_factors();
  // A segment's constants, copied so that a loop over its calls keeps them in registers.
  class SegmentCurrents {
   public:
    SegmentCurrents(const Segment& segment, const std::vector<double> (&decay_powers)[2]) {
      for (int phase = 0; phase < 2; ++phase) {
        steady_a_[phase] = segment.steady_a[phase];
        excess_a_[phase] = segment.excess_a[phase];
        fast_decay_[phase] = segment.fast_decay[phase];
        start_positive_[phase] = segment.start_positive[phase];
        decay_powers_[phase] = decay_powers[phase].data();
      }
    }
    // The coil current after `calls` calls of the segment.
    double after(int phase, int calls) const {
      const double current_a = steady_a_[phase] + excess_a_[phase] * decay_powers_[phase][calls];
      return fast_decay_[phase] && (current_a > 0) != start_positive_[phase] ? 0.0 : current_a;
    }

   private:
    double steady_a_[2];
    double excess_a_[2];
    bool fast_decay_[2];
    bool start_positive_[2];
    const double* decay_powers_[2];
  };

  // Starts a segment from the present currents and back-EMF.
  void open_segment(BridgeDrive phase_a, BridgeDrive phase_b, double supply_v);
  // Sum of the segment's currents after calls 1..calls (each call's end value).
  double segment_current_sum(int phase, int calls) const;
  // The charge of the open segment's calls, from the sums of the ends of all but its last.
  double segment_charge_as(const double (&before_last_sums_a)[2]) const;
  // Adds the open segment to the rotor's sums and the charge, and closes it.
  void close_segment();
  // Keeps sin and cos of the electrical angle current as the rotor turns.
  void rotate_electrical_angle(double delta_rad);
  // The rotor's step over the calls since its last one, and the back-EMF it makes.
  void advance_rotor(double load_friction_nm);
  void hold_back_emf();

  StepperMotorParams params_;
  int pole_pairs_;
  double full_step_angle_rad_;
  double inverse_inertia_per_kg_m2_;
  double cached_dt_s_ = 0.0;
  Winding windings_[2];
  // Per phase, d^k for k = 0..rotor_update_calls (by repeated multiplication) and their
  // prefix sums from k = 1.
  std::vector<double> decay_powers_[2];
  std::vector<double> decay_power_sums_[2];
  bool shorted_[2] = {false, false};
  Segment segment_;
  double current_a_a_ = 0.0;
  double current_b_a_ = 0.0;
  double angle_rad_ = 0.0;
  double sin_electrical_ = 0.0;
  double cos_electrical_ = 1.0;
  int rotations_since_exact_ = 0;
  double speed_rad_per_s_ = 0.0;
  double emf_a_v_ = 0.0;
  double emf_b_v_ = 0.0;
  // Since the rotor's last step: the calls, and of the closed segments their time and the
  // sums of the coil currents.
  int calls_since_rotor_step_ = 0;
  double rotor_step_s_ = 0.0;
  double current_sum_a_a_ = 0.0;
  double current_sum_b_a_ = 0.0;
  double torque_nm_ = 0.0;
  double closed_charge_as_ = 0.0;  // of the closed segments
  double peak_current_a_ = 0.0;
};

template <typename InWindow, typename AfterRotorStep>
HeldCalls StepperMotor::advance_held(uint64_t max_calls, double dt_s, BridgeDrive phase_a,
                                     BridgeDrive phase_b, double supply_v, double load_friction_nm,
                                     InWindow&& in_window, AfterRotorStep&& after_rotor_step) {
  if (dt_s != cached_dt_s_) {
    close_segment();
    cached_dt_s_ = dt_s;
    update_decay_factors();
  }
  if (segment_.open && (segment_.drive[0] != phase_a || segment_.drive[1] != phase_b ||
                        segment_.supply_v != supply_v)) {
    close_segment();
  }
  // A motor at rest with no current and no voltage across its coils stays as it is: the
  // cycles the ASIC runs for SPI frames and conversions leave it untouched.
  const bool no_voltage = (phase_a == BridgeDrive::kOff || phase_a == BridgeDrive::kSlowDecay) &&
                          (phase_b == BridgeDrive::kOff || phase_b == BridgeDrive::kSlowDecay);
  HeldCalls done{0, current_a_a_, current_b_a_};
  bool stopped = false;
  while (done.calls < max_calls && !stopped) {
    if (no_voltage && current_a_a_ == 0.0 && current_b_a_ == 0.0 && speed_rad_per_s_ == 0.0 &&
        calls_since_rotor_step_ == 0) {
      torque_nm_ = 0.0;
      done.calls = in_window(0.0, 0.0) ? max_calls : done.calls + 1;
      done.last_start_a_a = 0.0;
      done.last_start_b_a = 0.0;
      break;
    }
    if (!segment_.open) open_segment(phase_a, phase_b, supply_v);
    // The calls up to the rotor's next step, each current from the closed form.
    const SegmentCurrents currents(segment_, decay_powers_);
    const uint64_t room =
        static_cast<uint64_t>(params_.rotor_update_calls - calls_since_rotor_step_);
    const int first_call = segment_.calls + 1;
    const int last_call = segment_.calls + static_cast<int>(std::min(max_calls - done.calls, room));
    // Each current moves monotonically within a segment (toward its steady value, or staying at
    // zero once fast decay has reached it: d^k only falls), so once a call starts outside the
    // window every later one does: the first such call is found by bisection.
    const int first_start = first_call - 1;
    auto inside = [&](int start) {
      return in_window(currents.after(0, start), currents.after(1, start));
    };
    int call = last_call;
    if (!inside(first_start)) {
      call = first_call;
      stopped = true;
    } else if (!inside(last_call - 1)) {
      // The call starting at `inside_start` starts inside, the one at `outside_start` outside.
      int inside_start = first_start;
      int outside_start = last_call - 1;
      while (outside_start - inside_start > 1) {
        const int middle = inside_start + (outside_start - inside_start) / 2;
        const bool middle_inside = inside(middle);
        inside_start = middle_inside ? middle : inside_start;
        outside_start = middle_inside ? outside_start : middle;
      }
      call = outside_start + 1;
      stopped = true;
    }
    done.last_start_a_a = currents.after(0, call - 1);
    done.last_start_b_a = currents.after(1, call - 1);
    const double end_a[2] = {currents.after(0, call), currents.after(1, call)};
    // The currents being monotone, the run's largest magnitude is at one of its ends.
    for (int phase = 0; phase < 2; ++phase) {
      const double first = std::fabs(currents.after(phase, first_call));
      const double last = std::fabs(end_a[phase]);
      if (first > peak_current_a_) peak_current_a_ = first;
      if (last > peak_current_a_) peak_current_a_ = last;
    }
    const int run = call - segment_.calls;
    segment_.calls = call;
    current_a_a_ = end_a[0];
    current_b_a_ = end_a[1];
    done.calls += static_cast<uint64_t>(run);
    calls_since_rotor_step_ += run;
    if (calls_since_rotor_step_ >= params_.rotor_update_calls) {
      close_segment();
      advance_rotor(load_friction_nm);
      after_rotor_step();
    }
  }
  return done;
}

}  // namespace pumptwin::mech
