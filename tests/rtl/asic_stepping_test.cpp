// Step commands over SPI: exact step counts, the phase sequence and step period in each step
// mode, current chopping, stall, stop and the faults that stop the motor.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "asic_bench.h"

namespace pumptwin::testing {
namespace {

constexpr uint8_t kDrivePositive = 1;
constexpr uint8_t kDriveNegative = 2;

// Times at which each phase's drive polarity reversed, from the phase-output changes.
struct PolarityLog {
  int direction[2] = {0, 0};
  std::vector<uint64_t> first_drive;  // time of the first polarity seen on any phase
  std::vector<uint64_t> reversals[2];

  void record(uint64_t time_ns, uint8_t a, uint8_t b) {
    const uint8_t drives[2] = {a, b};
    for (int phase = 0; phase < 2; ++phase) {
      const int dir = drives[phase] == kDrivePositive   ? 1
                      : drives[phase] == kDriveNegative ? -1
                                                        : 0;
      if (dir == 0) continue;
      if (first_drive.empty()) first_drive.push_back(time_ns);
      if (direction[phase] != 0 && dir != direction[phase]) reversals[phase].push_back(time_ns);
      direction[phase] = dir;
    }
  }
};

// Sign of cos(index * 11.25°) as the RTL's table has it (0 where it is zero).
int cosine_sign(int index) {
  index = ((index % 32) + 32) % 32;
  if (index == 8 || index == 24) return 0;
  return (index > 8 && index < 24) ? -1 : 1;
}

struct ModeCase {
  regs::StepMode mode;
  int step_size;  // microsteps per step, also 1/8 full steps per step
  uint16_t steps;
  uint16_t period_us;
  bool reverse;
  // Stall rise-time threshold for this mode and rate: the current has less to rise after a
  // reversal in 1/8 steps (turning ~58 µs, stalled ~34 µs) than in full steps (~350 / ~238).
  uint16_t stall_rise_time_us;
};

class AsicStepModes : public ::testing::TestWithParam<ModeCase> {};

TEST_P(AsicStepModes, DrivesExactlyNStepsWithThePhaseSequenceAndPeriod) {
  const ModeCase c = GetParam();
  use_twin_time_resolution();
  AsicBench bench;
  PolarityLog log;
  bench.asic.set_phase_observer([&](uint64_t t, uint8_t a, uint8_t b) { log.record(t, a, b); });
  uint64_t done_ns = 0;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask());
    bench.write(regs::reg::kStallConfig,
                regs::field::kStallConfigCount.make(2) |
                    regs::field::kStallConfigRiseTimeUs.make(c.stall_rise_time_us));
    bench.start_move(c.steps, c.mode, c.period_us, c.reverse);
    ASSERT_TRUE(bench.wait_for_irq(ns(uint64_t{c.steps} * c.period_us * 1000 + 10'000'000)));
    done_ns = now_ns();
    EXPECT_EQ(bench.total_steps(), uint32_t{c.steps} * c.step_size);
    EXPECT_EQ(bench.read(regs::reg::kStepsRemaining), 0);
    EXPECT_EQ(bench.read(regs::reg::kFault), 0);
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
  });

  // The rotor followed: it turned the commanded angle.
  const int full_steps = c.steps * c.step_size / 8;
  EXPECT_EQ(bench.drive_train.rotor_full_steps(), c.reverse ? -full_steps : full_steps);

  // Expected reversal times from the sine table: the move holds its start position (index 4)
  // for one period, then step k (1-based) is applied at t0 + kP.
  ASSERT_FALSE(log.first_drive.empty());
  const uint64_t t0 = log.first_drive.front();
  const uint64_t period_ns = uint64_t{c.period_us} * 1000;
  std::vector<uint64_t> expected[2];
  int last_sign[2] = {cosine_sign(4), cosine_sign(4 - 8)};
  for (int k = 1; k <= c.steps; ++k) {
    const int index = 4 + (c.reverse ? -1 : 1) * c.step_size * k;
    const int signs[2] = {cosine_sign(index), cosine_sign(index - 8)};
    for (int phase = 0; phase < 2; ++phase) {
      if (signs[phase] == 0) continue;
      if (last_sign[phase] != 0 && signs[phase] != last_sign[phase])
        expected[phase].push_back(t0 + k * period_ns);
      last_sign[phase] = signs[phase];
    }
  }
  ASSERT_FALSE(expected[0].empty());
  EXPECT_EQ(log.reversals[0], expected[0]) << "phase A reversal times";
  EXPECT_EQ(log.reversals[1], expected[1]) << "phase B reversal times";

  // The alignment period and N step periods (the last one is the rotor's settling time), then
  // the interrupt through its latch. The bridges follow the sequencer one core cycle later.
  const uint64_t move_start = t0 - 1000;
  EXPECT_GE(done_ns, move_start + (c.steps + 1) * period_ns);
  EXPECT_LE(done_ns, move_start + (c.steps + 1) * period_ns + 3000);
}

std::string mode_case_name(const ::testing::TestParamInfo<ModeCase>& info) {
  static const char* const kNames[] = {"Full", "Half", "Eighth"};
  return std::string(kNames[static_cast<int>(info.param.mode)]) +
         (info.param.reverse ? "Reverse" : "Forward");
}

INSTANTIATE_TEST_SUITE_P(Modes, AsicStepModes,
                         ::testing::Values(ModeCase{regs::StepMode::kFull, 8, 40, 2000, false, 300},
                                           ModeCase{regs::StepMode::kFull, 8, 24, 2000, true, 300},
                                           ModeCase{regs::StepMode::kHalf, 4, 80, 1000, false, 280},
                                           ModeCase{regs::StepMode::kEighth, 1, 320, 250, false,
                                                    45}),
                         mode_case_name);

TEST(AsicStepping, ChoppingHoldsPhaseCurrentAtTheLimit) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask());
    bench.write(regs::reg::kStallConfig, 0);  // these limits and rates are not calibrated for it
    for (const uint16_t limit_ma : {40, 25}) {
      bench.drive_train.motor().reset_peak_current();
      bench.write(regs::reg::kCurrentLimit, limit_ma);
      // 1/8 steps pass the table's 100 % points, where the target is the limit itself.
      bench.start_move(64, regs::StepMode::kEighth, 250);
      ASSERT_TRUE(bench.wait_for_irq(ns(100'000'000)));
      bench.write(regs::reg::kIntStatus, 0x1FF);
      const double peak_ma = bench.drive_train.motor().peak_phase_current_a() * 1e3;
      // At or under the limit, and it does get there.
      EXPECT_LE(peak_ma, limit_ma) << "limit " << limit_ma << " mA";
      EXPECT_GE(peak_ma, 0.95 * limit_ma) << "limit " << limit_ma << " mA";
    }
  });
}

TEST(AsicStepping, LoadAbovePullOutTorqueStallsAndLatchesTheFault) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.drive_train.set_extra_shaft_load_nm(0.05);  // ten times what the motor can turn
  bench.run([&] {
    bench.write(regs::reg::kIntMask,
                regs::field::kIntStatusFaults.mask() | regs::field::kIntStatusMoveDone.mask());
    const uint64_t start = now_ns();
    bench.start_move(40, regs::StepMode::kFull, 2000);
    ASSERT_TRUE(bench.wait_for_irq(ns(100'000'000)));
    // Two stalled phase reversals at the default STALL_CONFIG: the alignment period and at
    // most three steps.
    EXPECT_LT(now_ns() - start, 4 * 2'000'000u);
    EXPECT_EQ(bench.read(regs::reg::kFault), regs::field::kFaultStall.mask());
    const uint16_t int_status = bench.read(regs::reg::kIntStatus);
    EXPECT_TRUE(int_status & regs::field::kFaultStall.mask());
    EXPECT_TRUE(int_status & regs::field::kIntStatusMoveDone.mask());
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
    const uint32_t counted = bench.total_steps();
    EXPECT_LE(counted, 3u * 8u);
    EXPECT_GE(bench.read(regs::reg::kStepsRemaining), 37);

    // While the fault is latched no move starts and the counter stays where it stopped.
    bench.write(regs::reg::kMoveSteps, 10);
    sc_core::wait(ns(40'000'000));
    EXPECT_EQ(bench.total_steps(), counted);
  });
  EXPECT_EQ(bench.drive_train.rotor_full_steps(), 0);
}

TEST(AsicStepping, NormalLoadNeverLooksLikeAStall) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.drive_train.set_outlet_pressure_mmhg(25.0);  // catheter tip in CSF, plus its resistance
  bench.run([&] {
    bench.write(regs::reg::kIntMask,
                regs::field::kIntStatusFaults.mask() | regs::field::kIntStatusMoveDone.mask());
    bench.start_move(400, regs::StepMode::kFull, 2000);
    ASSERT_TRUE(bench.wait_for_irq(ns(1'000'000'000)));
    EXPECT_EQ(bench.read(regs::reg::kFault), 0);
    EXPECT_EQ(bench.total_steps(), 400u * 8u);
  });
  EXPECT_EQ(bench.drive_train.rotor_full_steps(), 400);
  EXPECT_NEAR(bench.drive_train.displaced_volume_ul(), 400 * 0.25, 0.25);
}

TEST(AsicStepping, StopCommandEndsTheMoveAndCountsOnlyCompletedSteps) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask());
    bench.start_move(100, regs::StepMode::kFull, 2000);
    sc_core::wait(ns(23'000'000));  // alignment, then ten steps and a half into the move
    bench.write(regs::reg::kCtrl,
                regs::field::kCtrlEnable.make(1) | regs::field::kCtrlStop.make(1));
    ASSERT_TRUE(bench.asic.irq.read());
    const uint32_t total = bench.total_steps();
    const uint16_t remaining = bench.read(regs::reg::kStepsRemaining);
    EXPECT_EQ(total, (100u - remaining) * 8u);
    EXPECT_EQ(remaining, 90);
    EXPECT_EQ(bench.read(regs::reg::kFault), 0);
  });
}

TEST(AsicStepping, UndervoltageStopsTheMotorAndBlocksNewMoves) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusFaults.mask());
    bench.start_move(100, regs::StepMode::kFull, 2000);
    sc_core::wait(ns(10'000'000));
    bench.asic.set_undervoltage(true);
    ASSERT_TRUE(bench.wait_for_irq(ns(100'000)));
    EXPECT_EQ(bench.read(regs::reg::kFault), regs::field::kFaultUndervoltage.mask());
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
    const uint32_t total = bench.total_steps();
    bench.asic.set_undervoltage(false);
    bench.write(regs::reg::kMoveSteps, 10);  // refused while the fault is latched
    sc_core::wait(ns(30'000'000));
    EXPECT_EQ(bench.total_steps(), total);
    bench.write(regs::reg::kFault, regs::field::kFaultUndervoltage.mask());
    bench.write(regs::reg::kMoveSteps, 10);
    sc_core::wait(ns(30'000'000));
    // The rotor, stopped mid-stride, is pulled back in line by the alignment period.
    EXPECT_EQ(bench.read(regs::reg::kFault), 0);
    EXPECT_EQ(bench.total_steps(), total + 80);
  });
}

TEST(AsicStepping, PowerLossResetsTheChipAndStopsTheMotor) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, 0x1FF);
    bench.write(regs::reg::kWdtTimeout, 0x0100);
    bench.start_move(100, regs::StepMode::kFull, 2000);
    sc_core::wait(ns(20'000'000));
    const uint64_t cycles = bench.asic.core_cycles_evaluated();
    const uint64_t aon_edges = bench.asic.always_on_edges_evaluated();
    bench.asic.set_powered(false);
    EXPECT_EQ(bench.asic.phase_a(), 0);
    EXPECT_EQ(bench.asic.phase_b(), 0);
    const int64_t rotor = bench.drive_train.rotor_full_steps();
    sc_core::wait(ns(100'000'000));
    // Nothing runs in the dark, and a frame to an unpowered chip reads zeros.
    EXPECT_EQ(bench.asic.core_cycles_evaluated(), cycles);
    EXPECT_EQ(bench.asic.always_on_edges_evaluated(), aon_edges);
    EXPECT_EQ(bench.transfer(regs::make_frame(false, regs::reg::kChipId.address, 0)), 0u);
    EXPECT_EQ(bench.drive_train.rotor_full_steps(), rotor);
    EXPECT_FALSE(bench.asic.irq.read());

    bench.asic.set_powered(true);
    const uint64_t powered_at = now_ns();
    EXPECT_EQ(bench.read(regs::reg::kChipId), regs::reg::kChipId.reset_value);
    EXPECT_EQ(bench.total_steps(), 0u) << "the step counter starts again from zero";
    EXPECT_EQ(bench.read(regs::reg::kWdtTimeout), regs::reg::kWdtTimeout.reset_value);
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
    // The watchdog counts its reset timeout (512 slow ticks) from the prescaler's restart.
    constexpr uint64_t kTickNs = asic::MotorDriverAsic::kSlowTickNs;
    sc_core::wait(bench.asic.reset_request.posedge_event());
    EXPECT_EQ(now_ns(), (powered_at / kTickNs + 512) * kTickNs);
  });
}

TEST(AsicStepping, StoppedCoreClockFreezesTheCoreButNotTheWatchdog) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, 0x1FF);
    bench.write(regs::reg::kWdtTimeout, 16);  // 250 ms
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    bench.start_move(200, regs::StepMode::kFull, 2000);
    sc_core::wait(ns(20'000'000));
    bench.asic.set_core_clock_stopped(true);
    const uint64_t cycles = bench.asic.core_cycles_evaluated();
    const int64_t rotor = bench.drive_train.rotor_full_steps();
    // Frames go unanswered; the always-on watchdog still expires and asks for a reset.
    EXPECT_EQ(bench.transfer(regs::make_frame(false, regs::reg::kChipId.address, 0)), 0u);
    sc_core::wait(bench.asic.reset_request.posedge_event());
    EXPECT_LT(now_ns(), 300'000'000u);
    EXPECT_EQ(bench.asic.core_cycles_evaluated(), cycles);
    EXPECT_EQ(bench.drive_train.rotor_full_steps(), rotor) << "the frozen move turns nothing";

    // When the clock runs again the core takes the expiry: motor stopped, fault latched.
    bench.asic.set_core_clock_stopped(false);
    EXPECT_EQ(bench.read(regs::reg::kChipId), regs::reg::kChipId.reset_value);
    EXPECT_TRUE(bench.read(regs::reg::kFault) & regs::field::kFaultWatchdog.mask());
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
    EXPECT_GT(bench.asic.core_cycles_evaluated(), cycles);
  });
}

TEST(AsicStepping, OpenCoilLatchesOpenLoad) {
  use_twin_time_resolution();
  mech::StepperMotorParams open_coil;
  open_coil.phase_resistance_ohm = 1e6;  // a broken winding
  AsicBench bench({}, open_coil);
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusFaults.mask());
    bench.start_move(10, regs::StepMode::kFull, 2000);
    const uint64_t started = now_ns();
    ASSERT_TRUE(bench.wait_for_irq(ns(10'000'000)));
    // Eight whole PWM periods (50 µs each) without current after the move began.
    EXPECT_LT(now_ns() - started, 10 * 50'000u);
    EXPECT_EQ(bench.read(regs::reg::kFault), regs::field::kFaultOpenLoad.mask());
    EXPECT_EQ(bench.total_steps(), 0u);
  });
}

TEST(AsicStepping, ShortedCoilLatchesOvercurrent) {
  use_twin_time_resolution();
  mech::StepperMotorParams shorted;
  shorted.phase_resistance_ohm = 1.0;
  shorted.phase_inductance_h = 10e-6;  // turns shorted together: hardly any inductance left
  AsicBench bench({}, shorted);
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusFaults.mask());
    bench.start_move(10, regs::StepMode::kFull, 2000);
    ASSERT_TRUE(bench.wait_for_irq(ns(10'000'000)));
    EXPECT_TRUE(bench.read(regs::reg::kFault) & regs::field::kFaultOvercurrent.mask());
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
  });
}

}  // namespace
}  // namespace pumptwin::testing
