// The supply side of the platform: the lithium cell model on its own, a supply sag that
// browns the MCU out, and a power loss that tears an NVM write.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include "../support/sc_wait.h"
#include "app/alarms.h"
#include "app/drug_library.h"
#include "lithium_cell.h"
#include "platform.h"

namespace pumptwin::platform {
namespace {

using pumpfw::hal::ResetCause;
using pumptwin::testing::wait_until;
using sc_core::SC_SEC;
using sc_core::sc_time;

constexpr auto kMorphine = static_cast<uint8_t>(pumpfw::app::DrugId::kMorphine);
constexpr uint32_t kTwoMgPerDayNg = 2'000'000;
constexpr uint32_t kThreeMgPerDayNg = 3'000'000;

TEST(LithiumCell, OpenCircuitVoltageFollowsTheDischargeCurve) {
  power::CellParams params;
  params.initial_depth_of_discharge = 0.0;
  power::LithiumCell cell(params);
  EXPECT_DOUBLE_EQ(cell.open_circuit_v(37.0), 3.20);
  // 1400 mAh of 2000: depth 0.7, the end of the plateau.
  cell.draw(1400.0 * 3.6);
  EXPECT_NEAR(cell.depth_of_discharge(), 0.70, 1e-12);
  EXPECT_NEAR(cell.open_circuit_v(37.0), 2.89, 1e-12);
  // Half-way between 0.90 (2.76 V) and 0.95 (2.62 V).
  cell.draw(450.0 * 3.6);
  EXPECT_NEAR(cell.open_circuit_v(37.0), 2.69, 1e-12);
  EXPECT_NEAR(cell.remaining_mah(), 150.0, 1e-9);
  // Colder: -0.5 mV/K.
  EXPECT_NEAR(cell.open_circuit_v(20.0), 2.69 + 17 * 0.0005, 1e-12);
}

TEST(LithiumCell, InternalResistanceGrowsWithDepthAndCold) {
  power::CellParams params;
  power::LithiumCell fresh(params);
  EXPECT_DOUBLE_EQ(fresh.internal_resistance_ohm(37.0), 0.6);
  // Arrhenius, b = 3000 K: 37 -> 20 degC multiplies by exp(3000 (1/293.15 - 1/310.15)) = 1.752.
  EXPECT_NEAR(fresh.internal_resistance_ohm(20.0), 0.6 * 1.7524, 1e-3);
  params.initial_depth_of_discharge = 0.9;
  power::LithiumCell worn(params);
  // 0.6 * (1 + 3 * 0.9^4) = 1.7810 ohm
  EXPECT_NEAR(worn.internal_resistance_ohm(37.0), 1.7810, 1e-4);
  // 60 mA of motor current sags the worn cell by 107 mV.
  EXPECT_NEAR(worn.open_circuit_v(37.0) - worn.terminal_v(0.060, 37.0), 0.1069, 1e-4);
}

TEST(PlatformPower, SupplySagBelowBrownOutHoldsTheMcuInResetUntilTheCellRecovers) {
  Platform::use_time_resolution();
  Platform platform("platform");
  double sag_v = 0.0;
  double displaced_hour_after_ul = 0.0;
  PumpStatus status;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    ASSERT_TRUE(platform.programmer.program_continuous(kTwoMgPerDayNg).accepted());
    sc_core::wait(sc_time(3600, SC_SEC));
    // An internal short: 2 A through 0.6 ohm takes the fresh cell from 3.2 V to about 2 V.
    platform.power.set_parasitic_load_a(2.0);
    ASSERT_TRUE(wait_until([&] { return platform.mcu.state() == mcu::McuState::kInReset; },
                           sc_time(120, SC_SEC), sc_time(1, SC_SEC)));
    sag_v = platform.power.terminal_v();
    sc_core::wait(sc_time(120, SC_SEC));
    EXPECT_EQ(platform.mcu.firmware(), nullptr);
    platform.power.set_parasitic_load_a(0.0);
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware() != nullptr; }, sc_time(120, SC_SEC),
                           sc_time(1, SC_SEC)));
    const double displaced_ul = platform.drive_train.displaced_volume_ul();
    sc_core::wait(sc_time(3600, SC_SEC));
    displaced_hour_after_ul = platform.drive_train.displaced_volume_ul() - displaced_ul;
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  std::printf("supply sagged to %.3f V; %.3f uL in the hour after recovery\n", sag_v,
              displaced_hour_after_ul);
  EXPECT_LT(sag_v, 2.2);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kBrownOut), 1u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kBrownOut));
  EXPECT_EQ(status.alarms, 0);
  // 200 µL/day is 8.33 µL an hour, delivered in strokes of 1 µL.
  EXPECT_NEAR(displaced_hour_after_ul, 200.0 / 24.0, 1.0);
}

// What a sample reads of the battery does not depend on whether the updates of its instant ran
// before it: the bench's signals are then the same whichever process the kernel runs first.
TEST(PlatformPower, ReadingNowIsTheSameBeforeAndAfterTheUpdatesOfItsInstant) {
  Platform::use_time_resolution();
  Platform platform("platform");
  power::PowerSupply::Reading before{}, after_update{}, after_second_update{};
  double depth_before = 0.0;
  double committed_v = 0.0;
  double second_committed_v = 0.0;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    ASSERT_TRUE(platform.programmer.program_continuous(kThreeMgPerDayNg).accepted());
    sc_core::wait(sc_time(1800, SC_SEC));
    const double temperature_c = platform.body_temperature_c();
    depth_before = platform.power.cell().depth_of_discharge();
    before = platform.power.reading_now(temperature_c);
    platform.power.update(temperature_c);
    committed_v = platform.power.terminal_v();
    after_update = platform.power.reading_now(temperature_c);
    platform.power.update(temperature_c);  // a second updater at the same instant
    second_committed_v = platform.power.terminal_v();
    after_second_update = platform.power.reading_now(temperature_c);
  });
  // The reading drains the cell by what was drawn since the last update, without drawing it.
  EXPECT_GT(before.depth_of_discharge, depth_before);
  EXPECT_DOUBLE_EQ(before.terminal_v, committed_v);
  for (const auto* reading : {&after_update, &after_second_update}) {
    EXPECT_DOUBLE_EQ(reading->terminal_v, before.terminal_v);
    EXPECT_DOUBLE_EQ(reading->depth_of_discharge, before.depth_of_discharge);
    EXPECT_DOUBLE_EQ(reading->drawn_mah, before.drawn_mah);
  }
  // The second, zero-length update sets the supply to the quiescent load (what the loads are
  // told), yet the reading stays that of the interval.
  EXPECT_GT(second_committed_v, committed_v);
}

TEST(PlatformPower, PowerLostMidNvmWriteLeavesAValidRecordAndTherapyResumes) {
  Platform::use_time_resolution();
  Platform platform("platform");
  TelemetryReply torn_reply;
  double displaced_hour_after_ul = 0.0;
  PumpStatus before_status;
  PumpStatus status;
  uint32_t asic_steps_before = 0;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    ASSERT_TRUE(platform.programmer.program_continuous(kTwoMgPerDayNg).accepted());
    sc_core::wait(sc_time(3600, SC_SEC));
    ASSERT_TRUE(platform.programmer.interrogate(before_status).accepted());
    asic_steps_before = platform.asic.debug_total_steps();
    // The new program's record is cut 20 bytes in: the pump never answers.
    platform.mcu.cut_power_during_next_nvm_write(20);
    torn_reply = platform.programmer.program_continuous(kThreeMgPerDayNg);
    EXPECT_EQ(platform.mcu.state(), mcu::McuState::kOff);
    // The ASIC is on the same supply: it is down too, its counter back at zero.
    EXPECT_FALSE(platform.asic.powered());
    EXPECT_EQ(platform.asic.debug_total_steps(), 0u);
    sc_core::wait(sc_time(120, SC_SEC));
    platform.mcu.power_on();
    EXPECT_TRUE(platform.asic.powered());
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware() != nullptr; }, sc_time(1, SC_SEC),
                           sc_time(0.001, SC_SEC)));
    const double displaced_ul = platform.drive_train.displaced_volume_ul();
    sc_core::wait(sc_time(3600, SC_SEC));
    displaced_hour_after_ul = platform.drive_train.displaced_volume_ul() - displaced_ul;
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  std::printf("after the torn write: %u ng/day programmed, %.3f uL in the next hour\n",
              status.basal_daily_dose_ng, displaced_hour_after_ul);
  EXPECT_FALSE(torn_reply.received);
  EXPECT_EQ(platform.mcu.nvm().torn_writes(), 1u);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kPowerOn), 2u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kPowerOn));
  // The RTC restarted at power-on; the wall clock (no clock set) with it.
  EXPECT_LT(status.wall_clock_s, 3700u);
  // Not a memory error: the other copy holds the old program, which the pump runs on.
  EXPECT_EQ(status.alarms, 0);
  EXPECT_EQ(status.basal_daily_dose_ng, kTwoMgPerDayNg);
  // 200 µL/day is 8.33 µL an hour, delivered in strokes of 1 µL.
  EXPECT_NEAR(displaced_hour_after_ul, 200.0 / 24.0, 1.0);
  // The firmware's account of driven steps goes on across the ASIC's restart (a smaller
  // count is a restarted ASIC, not steps going back): an hour more at 2 mg/day.
  EXPECT_GT(asic_steps_before, 0u);
  EXPECT_GT(status.driven_microsteps, before_status.driven_microsteps);
  EXPECT_NEAR(static_cast<double>(status.driven_microsteps - before_status.driven_microsteps),
              static_cast<double>(before_status.driven_microsteps),
              0.1 * before_status.driven_microsteps);
}

}  // namespace
}  // namespace pumptwin::platform
