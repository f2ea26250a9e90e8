// A day of continuous delivery through the whole pump: the firmware programmed over telemetry,
// the ASIC RTL stepping the motor, the mechanism displacing drug into the patient.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "app/alarms.h"
#include "app/drug_library.h"
#include "platform.h"

namespace pumptwin::platform {
namespace {

using sc_core::SC_SEC;
using sc_core::sc_time;

constexpr auto kMorphine = static_cast<uint8_t>(pumpfw::app::DrugId::kMorphine);

TEST(PlatformDelivery, ContinuousDayDisplacesProgrammedVolumeWithinHalfPercent) {
  Platform::use_time_resolution();
  Platform platform("platform");
  // Morphine 10 mg/mL at 2 mg/day: 200 µL/day, 800 full steps of 0.25 µL.
  constexpr uint32_t kRateNgPerDay = 2'000'000;
  constexpr double kProgrammedUlPerDay = 200.0;
  double displaced_at_program_ul = 0.0;
  double displaced_after_day_ul = 0.0;
  PumpStatus status;
  bool interrogated = false;
  const auto wall_start = std::chrono::steady_clock::now();
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    ASSERT_TRUE(platform.programmer.program_continuous(kRateNgPerDay).accepted());
    displaced_at_program_ul = platform.drive_train.displaced_volume_ul();
    sc_core::wait(sc_time(86400, SC_SEC));
    displaced_after_day_ul = platform.drive_train.displaced_volume_ul();
    interrogated = platform.programmer.interrogate(status).accepted();
  });
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("24 h simulated in %.2f s wall; %llu MCU wake-ups, %llu SPI frames\n", wall_s,
              static_cast<unsigned long long>(platform.mcu.wake_ups()),
              static_cast<unsigned long long>(platform.mcu.spi_frames()));
  std::printf(
      "ASIC: %llu core cycles, %llu always-on edges evaluated; cell drew %.3f mAh "
      "(bridges %.3f mAh, MCU %.3f mAh)\n",
      static_cast<unsigned long long>(platform.asic.core_cycles_evaluated()),
      static_cast<unsigned long long>(platform.asic.always_on_edges_evaluated()),
      platform.power.cell().drawn_mah(), platform.asic.bridge_charge_as() / 3.6,
      platform.mcu.charge_drawn_as() / 3.6);

  const double displaced_ul = displaced_after_day_ul - displaced_at_program_ul;
  std::printf("displaced %.3f uL of %.1f uL programmed (%.3f %%)\n", displaced_ul,
              kProgrammedUlPerDay, 100.0 * (displaced_ul / kProgrammedUlPerDay - 1.0));
  EXPECT_NEAR(displaced_ul, kProgrammedUlPerDay, 0.005 * kProgrammedUlPerDay);
  ASSERT_TRUE(interrogated);
  EXPECT_EQ(status.alarms, 0);
  EXPECT_EQ(status.undriven_microsteps, 0u);
  // The watchdog never fired: one boot, at power-on.
  EXPECT_EQ(platform.mcu.boots(), 1u);
  EXPECT_EQ(platform.mcu.boots(pumpfw::hal::ResetCause::kWatchdog), 0u);
}

// The stall threshold scales with the battery (docs/firmware.md): with a cell at 85 % depth
// (2.81 V, below the ERI level) a healthy pump must still deliver a day of basal therapy with
// no stall, the raised threshold staying below a turning rotor's current rise.
TEST(PlatformDelivery, HalfUsedCellDeliversADayWithNoStallWithinHalfPercent) {
  Platform::use_time_resolution();
  PlatformConfig config;
  config.power.cell.initial_depth_of_discharge = 0.85;
  Platform platform("platform", config);
  constexpr uint32_t kRateNgPerDay = 2'000'000;
  constexpr double kProgrammedUlPerDay = 200.0;
  double displaced_at_program_ul = 0.0;
  double displaced_after_day_ul = 0.0;
  double cell_v = 0.0;
  uint16_t threshold_us = 0;
  PumpStatus status;
  bool interrogated = false;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    ASSERT_TRUE(platform.programmer.program_continuous(kRateNgPerDay).accepted());
    displaced_at_program_ul = platform.drive_train.displaced_volume_ul();
    cell_v = platform.power.terminal_v();
    sc_core::wait(sc_time(86400, SC_SEC));
    displaced_after_day_ul = platform.drive_train.displaced_volume_ul();
    threshold_us = platform.mcu.firmware()->stall_rise_time_us();
    interrogated = platform.programmer.interrogate(status).accepted();
  });
  const double displaced_ul = displaced_after_day_ul - displaced_at_program_ul;
  std::printf(
      "cell %.3f V, firmware reads %u mV, stall threshold %u us; displaced %.3f uL of %.1f "
      "uL (%.3f %%)\n",
      cell_v, status.battery_mv, threshold_us, displaced_ul, kProgrammedUlPerDay,
      100.0 * (displaced_ul / kProgrammedUlPerDay - 1.0));
  EXPECT_LT(cell_v, 2.85);
  EXPECT_GT(threshold_us, 300);
  EXPECT_NEAR(displaced_ul, kProgrammedUlPerDay, 0.005 * kProgrammedUlPerDay);
  ASSERT_TRUE(interrogated);
  EXPECT_EQ(status.alarms & pumpfw::app::alarm_bit(pumpfw::app::AlarmId::kMotorStall), 0);
  EXPECT_EQ(status.alarms & pumpfw::app::kCriticalAlarmMask, 0);
  EXPECT_EQ(status.undriven_microsteps, 0u);
}

}  // namespace
}  // namespace pumptwin::platform
