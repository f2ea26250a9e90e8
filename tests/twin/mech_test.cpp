// The drive train on its own: calibration, the rotor following the field, stall under load,
// the load reflected through the gear, back-EMF, the check valves' one-way count, and runs of
// held cycles giving the same bits as single cycles.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "drive_train.h"

namespace pumptwin::mech {
namespace {

constexpr double kCycleS = 1e-6;

// Drives full steps (two phases on, no chopping: the coil resistance limits the current).
void drive_full_steps(DriveTrain& train, int steps, double period_s, int direction = 1) {
  // Positions 45°, 135°, 225°, 315°: (A, B) = (+,+), (-,+), (-,-), (+,-).
  static const BridgeDrive kA[4] = {BridgeDrive::kPositive, BridgeDrive::kNegative,
                                    BridgeDrive::kNegative, BridgeDrive::kPositive};
  static const BridgeDrive kB[4] = {BridgeDrive::kPositive, BridgeDrive::kPositive,
                                    BridgeDrive::kNegative, BridgeDrive::kNegative};
  const int cycles = static_cast<int>(period_s / kCycleS);
  for (int step = 1; step <= steps; ++step) {
    const int position = ((direction * step) % 4 + 4) % 4;
    for (int i = 0; i < cycles; ++i) train.advance(kCycleS, kA[position], kB[position], 3.6);
  }
}

TEST(DriveTrain, CalibrationIsAQuarterMicrolitrePerFullStep) {
  DriveTrain train;
  EXPECT_DOUBLE_EQ(train.volume_per_full_step_ul(), 0.25);
}

TEST(DriveTrain, RotorFollowsFullStepsAndDisplacesTheirVolume) {
  DriveTrain train;
  drive_full_steps(train, 100, 2e-3);
  EXPECT_EQ(train.rotor_full_steps(), 100);
  EXPECT_NEAR(train.displaced_volume_ul(), 100 * 0.25, 0.25);
}

TEST(DriveTrain, LoadAbovePullOutTorqueHoldsTheRotor) {
  DriveTrain train;
  train.set_extra_shaft_load_nm(0.05);
  drive_full_steps(train, 40, 2e-3);
  EXPECT_EQ(train.rotor_full_steps(), 0);
  EXPECT_EQ(train.displaced_volume_ul(), 0.0);
}

TEST(DriveTrain, OutletPressureReflectsThroughTheGearAsMotorLoad) {
  DriveTrain train;
  train.set_outlet_pressure_mmhg(100.0);
  // (p · V/rad + shaft friction) / (ratio · efficiency):
  // (100 · 133.322 Pa · 80e-9 m³ / 2π + 2e-4 N·m) / (16 · 0.7) = 3.3014e-5 N·m.
  EXPECT_NEAR(train.load_at_motor_nm(), 3.3014e-5, 1e-8);
  train.set_outlet_pressure_mmhg(-5.0);  // suction does not help the motor
  EXPECT_NEAR(train.load_at_motor_nm(), 2e-4 / 11.2, 1e-10);
}

// Mean time for phase A's current to go from a reversal to 35.5 mA the other way, over the
// reversals after the first few steps.
double mean_reversal_rise_s(DriveTrain& train) {
  static const BridgeDrive kA[4] = {BridgeDrive::kPositive, BridgeDrive::kNegative,
                                    BridgeDrive::kNegative, BridgeDrive::kPositive};
  static const BridgeDrive kB[4] = {BridgeDrive::kPositive, BridgeDrive::kPositive,
                                    BridgeDrive::kNegative, BridgeDrive::kNegative};
  double total_s = 0.0;
  int reversals = 0;
  for (int step = 1; step <= 40; ++step) {
    const int position = step % 4;
    const bool a_reverses = kA[position] != kA[(step + 3) % 4];
    bool measuring = a_reverses && step > 4;
    for (int i = 0; i < 2000; ++i) {
      train.advance(kCycleS, kA[position], kB[position], 3.6);
      const double along = kA[position] == BridgeDrive::kPositive
                               ? train.motor().phase_current_a_a()
                               : -train.motor().phase_current_a_a();
      if (measuring && along >= 0.0355) {
        total_s += (i + 1) * kCycleS;
        ++reversals;
        measuring = false;
      }
    }
  }
  return total_s / reversals;
}

TEST(DriveTrain, BackEmfSlowsTheCurrentRiseOfATurningRotor) {
  // The signature the ASIC's stall detection relies on.
  DriveTrain turning;
  DriveTrain stalled;
  stalled.set_extra_shaft_load_nm(0.05);
  const double turning_s = mean_reversal_rise_s(turning);
  const double stalled_s = mean_reversal_rise_s(stalled);
  EXPECT_EQ(stalled.rotor_full_steps(), 0);
  EXPECT_EQ(turning.rotor_full_steps(), 40);
  // L/R-limited rise from -90 mA to +35.5 mA at 3.6 V, 40 Ω, 12 mH: τ·ln(180/54.5) = 358 µs.
  EXPECT_NEAR(stalled_s, 12e-3 / 40.0 * std::log(180.0 / 54.5), 5e-6);
  EXPECT_GT(turning_s, 1.2 * stalled_s);
}

TEST(DriveTrain, CheckValvesCountOnlyNewForwardMotion) {
  DriveTrain train;
  drive_full_steps(train, 20, 2e-3);
  const double forward = train.displaced_volume_ul();
  drive_full_steps(train, 8, 2e-3, -1);  // back 8
  EXPECT_NEAR(train.displaced_volume_ul(), forward, 0.05);
  drive_full_steps(train, 8, 2e-3, 1);  // forward again over the same ground
  EXPECT_NEAR(train.displaced_volume_ul(), forward, 0.3);
  drive_full_steps(train, 4, 2e-3, 1);
  EXPECT_NEAR(train.displaced_volume_ul(), forward + 4 * 0.25, 0.3);
}

TEST(DriveTrain, SettlingPullsARotorLeftMidStrideOntoTheField) {
  DriveTrain train;
  drive_full_steps(train, 3, 2e-3);
  // Step on and stop 600 µs later, mid-stride, with the coils still carrying current.
  for (int i = 0; i < 600; ++i)
    train.advance(kCycleS, BridgeDrive::kPositive, BridgeDrive::kPositive, 3.6);
  const double before = train.motor().rotor_angle_rad() / train.motor().full_step_angle_rad();
  ASSERT_LT(before, 4.0) << "the rotor should still be on its way";
  // One full step is a quarter of the electrical cycle: the field's equilibrium in steps.
  const double field_steps =
      std::atan2(train.motor().phase_current_b_a(), train.motor().phase_current_a_a()) / (M_PI / 2);
  const double expected = field_steps + 4.0 * std::round((before - field_steps) / 4.0);
  EXPECT_GT(expected, 4.0);
  train.settle();
  const double steps = train.motor().rotor_angle_rad() / train.motor().full_step_angle_rad();
  EXPECT_NEAR(steps, expected, 1e-9);
  EXPECT_GT(train.displaced_volume_ul(), (expected - 0.5) * 0.25 - 1e-9) << "the pull counts";
  EXPECT_EQ(train.motor().phase_current_a_a(), 0.0);
  EXPECT_EQ(train.motor().rotor_speed_rad_per_s(), 0.0);
}

TEST(DriveTrain, ShortedWindingDrawsFarMoreThanTheLimitAndAnOpenOneNothing) {
  // The two winding faults the ASIC must catch (OVERCURRENT, OPEN_LOAD).
  StepperMotor motor;
  motor.set_phase_shorted(0, true);
  for (int i = 0; i < 20; ++i)
    motor.advance(kCycleS, BridgeDrive::kPositive, BridgeDrive::kOff, 3.6, 1.0);
  EXPECT_GT(motor.phase_current_a_a(), 1.0) << "1 ohm, 10 uH: amperes within 20 us";
  motor.set_phase_shorted(0, false);
  motor.set_phase_open(0, true);
  for (int i = 0; i < 2000; ++i)
    motor.advance(kCycleS, BridgeDrive::kPositive, BridgeDrive::kPositive, 3.6, 1.0);
  EXPECT_EQ(motor.phase_current_a_a(), 0.0);
  EXPECT_NEAR(motor.phase_current_b_a(), 3.6 / 40.0, 1e-3) << "phase B is unaffected";
  motor.set_phase_open(0, false);
  for (int i = 0; i < 2000; ++i)
    motor.advance(kCycleS, BridgeDrive::kPositive, BridgeDrive::kPositive, 3.6, 1.0);
  EXPECT_NEAR(motor.phase_current_a_a(), 3.6 / 40.0, 1e-3) << "cleared: the winding conducts again";
}

// A chopper-like drive pattern: runs of held bridge states, fast and slow decay included.
struct HeldRun {
  BridgeDrive phase_a;
  BridgeDrive phase_b;
  uint64_t cycles;
};

std::vector<HeldRun> chopper_like_runs(int count) {
  std::mt19937 random(20261124);  // fixed seed: the same pattern every time
  const BridgeDrive kDrives[4] = {BridgeDrive::kPositive, BridgeDrive::kNegative,
                                  BridgeDrive::kSlowDecay, BridgeDrive::kOff};
  std::vector<HeldRun> runs;
  for (int i = 0; i < count; ++i) {
    runs.push_back({kDrives[random() % 4], kDrives[random() % 4], 1 + random() % 90});
  }
  return runs;
}

void expect_same_bits(const DriveTrain& single, const DriveTrain& held) {
  EXPECT_EQ(single.motor().phase_current_a_a(), held.motor().phase_current_a_a());
  EXPECT_EQ(single.motor().phase_current_b_a(), held.motor().phase_current_b_a());
  EXPECT_EQ(single.motor().rotor_angle_rad(), held.motor().rotor_angle_rad());
  EXPECT_EQ(single.motor().rotor_speed_rad_per_s(), held.motor().rotor_speed_rad_per_s());
  EXPECT_EQ(single.motor().supply_charge_as(), held.motor().supply_charge_as());
  EXPECT_EQ(single.motor().peak_phase_current_a(), held.motor().peak_phase_current_a());
  EXPECT_EQ(single.displaced_volume_ul(), held.displaced_volume_ul());
}

// Decoupled mode advances the quiet cycles of a bulk edge as one run, lockstep one cycle at a
// time: both must compute the same bits, or the modes would part.
TEST(DriveTrain, ARunOfHeldCyclesGivesTheSameBitsAsSingleCycles) {
  DriveTrain single;
  DriveTrain held;
  const auto always = [](double, double) { return true; };
  double supply_v = 3.6;
  int run_index = 0;
  for (const HeldRun& run : chopper_like_runs(4000)) {
    // The supply sags, and a winding shorts and opens, part of the way through.
    if (run_index == 1500) supply_v = 3.1;
    if (run_index == 2000 || run_index == 2500) {
      single.motor().set_phase_shorted(0, run_index == 2000);
      held.motor().set_phase_shorted(0, run_index == 2000);
    }
    if (run_index == 3000 || run_index == 3300) {
      single.motor().set_phase_open(1, run_index == 3000);
      held.motor().set_phase_open(1, run_index == 3000);
    }
    ++run_index;
    for (uint64_t i = 0; i < run.cycles; ++i) {
      single.advance(kCycleS, run.phase_a, run.phase_b, supply_v);
    }
    EXPECT_EQ(
        held.advance_held(run.cycles, kCycleS, run.phase_a, run.phase_b, supply_v, always).calls,
        run.cycles);
    // Reading the charge and the peak mid-run changes nothing.
    EXPECT_EQ(single.motor().supply_charge_as(), held.motor().supply_charge_as());
  }
  expect_same_bits(single, held);
  EXPECT_GT(single.displaced_volume_ul(), 0.0) << "the pattern turned the rotor";
  EXPECT_GT(single.motor().peak_phase_current_a(), 0.5) << "the short drew amperes";
}

TEST(DriveTrain, ARunEndsWithTheFirstCycleStartingOutsideItsWindow) {
  // Phase A driven from rest: its current rises through 60 mA within ~250 cycles.
  DriveTrain single;
  DriveTrain held;
  constexpr double kWindowTopA = 0.060;
  std::vector<double> starts_a;
  for (int i = 0; i < 400; ++i) {
    starts_a.push_back(single.motor().phase_current_a_a());
    single.advance(kCycleS, BridgeDrive::kPositive, BridgeDrive::kSlowDecay, 3.6);
  }
  uint64_t first_outside = 0;
  while (starts_a[first_outside] <= kWindowTopA) ++first_outside;
  ASSERT_GT(first_outside, 100u);
  ASSERT_LT(first_outside, 399u);
  const HeldCalls run =
      held.advance_held(400, kCycleS, BridgeDrive::kPositive, BridgeDrive::kSlowDecay, 3.6,
                        [&](double current_a_a, double) { return current_a_a <= kWindowTopA; });
  // The cycle that starts outside is the run's last.
  EXPECT_EQ(run.calls, first_outside + 1);
  EXPECT_EQ(run.last_start_a_a, starts_a[first_outside]);
  held.advance_held(400 - run.calls, kCycleS, BridgeDrive::kPositive, BridgeDrive::kSlowDecay, 3.6,
                    [](double, double) { return true; });
  expect_same_bits(single, held);
}

TEST(DriveTrain, FastDecayStopsAtZeroWithinARun) {
  DriveTrain train;
  train.advance_held(300, kCycleS, BridgeDrive::kPositive, BridgeDrive::kNegative, 3.6,
                     [](double, double) { return true; });
  ASSERT_GT(train.motor().phase_current_a_a(), 0.04);
  ASSERT_LT(train.motor().phase_current_b_a(), -0.04);
  // Off: the diodes return the energy at -(V + 2 Vd) against the current, which reaches zero
  // in ~L/R ln(1 + I R / (V + 2 Vd)) ≈ 120 µs and stays there (no reverse current).
  const double charge_before_as = train.motor().supply_charge_as();
  train.advance_held(2000, kCycleS, BridgeDrive::kOff, BridgeDrive::kOff, 3.6,
                     [](double, double) { return true; });
  EXPECT_EQ(train.motor().phase_current_a_a(), 0.0);
  EXPECT_EQ(train.motor().phase_current_b_a(), 0.0);
  EXPECT_LT(train.motor().supply_charge_as(), charge_before_as) << "energy flowed back";
}

}  // namespace
}  // namespace pumptwin::mech
