// The always-on domain (watchdog, alarm tone) and the ADC sequencer.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "asic_bench.h"

namespace pumptwin::testing {
namespace {

constexpr uint64_t kTickNs = asic::MotorDriverAsic::kSlowTickNs;

uint64_t next_tick_after(uint64_t t_ns) {
  return (t_ns / kTickNs + 1) * kTickNs;
}

TEST(AsicWatchdog, ExpiryStopsTheMotorLatchesTheFaultAndRequestsAReset) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kFaultWatchdog.mask());
    bench.write(regs::reg::kWdtTimeout, 8);  // 125 ms, from the next kick
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    // The kick lands when the frame has ended and the core has seen chip select rise; the
    // always-on domain takes it at the next slow tick.
    const uint64_t kicked_at = now_ns();
    const uint64_t expected_expiry = next_tick_after(kicked_at - 4000) + 8 * kTickNs;
    bench.start_move(1000, regs::StepMode::kFull, 2000);
    const uint64_t move_started = now_ns();

    sc_core::wait(bench.asic.reset_request.posedge_event());
    EXPECT_EQ(now_ns(), expected_expiry);
    // The core domain takes the expiry through its synchroniser within a few µs.
    EXPECT_TRUE(bench.wait_for_irq(ns(5000)));
    sc_core::wait(bench.asic.reset_request.negedge_event());
    EXPECT_EQ(now_ns(), expected_expiry + kTickNs) << "the reset request lasts one slow tick";

    EXPECT_TRUE(bench.read(regs::reg::kFault) & regs::field::kFaultWatchdog.mask());
    EXPECT_EQ(bench.read(regs::reg::kStatus) & regs::field::kStatusBusy.mask(), 0);
    EXPECT_EQ(bench.read(regs::reg::kCtrl) & regs::field::kCtrlEnable.mask(), 0);
    const uint32_t total = bench.total_steps();
    // Only the steps that fitted between the move's start and the expiry, and the motor then
    // stays stopped.
    const uint32_t steps_in_time =
        static_cast<uint32_t>((expected_expiry - move_started) / 2'000'000);
    EXPECT_LE(total, steps_in_time * 8u);
    EXPECT_GE(total, (steps_in_time - 1) * 8u);
    sc_core::wait(ns(50'000'000));
    EXPECT_EQ(bench.total_steps(), total);
  });
}

TEST(AsicWatchdog, KickingInTimeKeepsItQuiet) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, 0x1FF);
    bench.write(regs::reg::kWdtTimeout, 8);
    for (int i = 0; i < 40; ++i) {
      bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
      sc_core::wait(ns(100'000'000));
    }
    EXPECT_FALSE(bench.asic.reset_request.read());
    EXPECT_FALSE(bench.asic.irq.read());
    EXPECT_EQ(bench.read(regs::reg::kFault), 0);
    EXPECT_LE(bench.read(regs::reg::kWdtRemaining), 8);
    // A wrong key is not a kick.
    bench.write(regs::reg::kWdtKick, 0x1234);
    sc_core::wait(ns(200'000'000));
    EXPECT_TRUE(bench.read(regs::reg::kFault) & regs::field::kFaultWatchdog.mask());
  });
}

TEST(AsicWatchdog, KicksWithinOneSlowTickAreNotLost) {
  // Two kicks 268 µs apart land in the same 15.625 ms tick: a toggle crossing would cancel
  // them out and let the watchdog expire on the old timeout.
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kWdtTimeout, 64);  // 1 s
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    const uint64_t expected_expiry = next_tick_after(now_ns() - 4000) + 64 * kTickNs;
    ASSERT_LT(expected_expiry, 8'000'000'000u) << "expiry must come from the new timeout";
    sc_core::wait(bench.asic.reset_request.posedge_event());
    EXPECT_EQ(now_ns(), expected_expiry);
  });
}

TEST(AsicAlarmTone, TwoTonePatternKeepsItsTiming) {
  use_twin_time_resolution();
  AsicBench bench;
  std::vector<std::pair<uint64_t, uint8_t>> changes;
  bench.run([&] {
    bench.write(regs::reg::kWdtTimeout, 0xFFFF);
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    bench.write(regs::reg::kAlarmTone, static_cast<uint16_t>(regs::TonePattern::kTwoTone));
    const uint64_t start = next_tick_after(now_ns() - 4000);
    while (changes.size() < 7) {
      sc_core::wait(bench.asic.tone.value_changed_event());
      changes.emplace_back(now_ns() - start, bench.asic.tone.read());
    }
    EXPECT_TRUE(bench.read(regs::reg::kStatus) & regs::field::kStatusToneActive.mask());
  });
  const std::vector<std::pair<uint64_t, uint8_t>> expected{{0, 1},
                                                           {250'000'000, 2},
                                                           {500'000'000, 0},
                                                           {1'000'000'000, 1},
                                                           {1'250'000'000, 2},
                                                           {1'500'000'000, 0},
                                                           {2'000'000'000, 1}};
  EXPECT_EQ(changes, expected);
}

TEST(AsicAdc, ConvertsEverySelectedChannel) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.asic.set_analog_input_v(asic::AnalogInput::kBattery, 1.8);
    bench.asic.set_analog_input_v(asic::AnalogInput::kTemperature, 0.75);
    bench.asic.set_analog_input_v(asic::AnalogInput::kPressureReservoir, 1.0);
    bench.asic.set_analog_input_v(asic::AnalogInput::kPressureOutlet, 2.6);  // clips at full scale
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusAdcDone.mask());
    bench.write(regs::reg::kAdcCtrl,
                regs::field::kAdcCtrlChannels.make(0x1E) | regs::field::kAdcCtrlStart.make(1));
    ASSERT_TRUE(bench.wait_for_irq(ns(1'000'000)));
    EXPECT_EQ(bench.read(regs::reg::kAdcBattery), 2949);  // 1.8 / 2.5 * 4096
    EXPECT_EQ(bench.read(regs::reg::kAdcTemperature), 1229);
    EXPECT_EQ(bench.read(regs::reg::kAdcPressureReservoir), 1638);
    EXPECT_EQ(bench.read(regs::reg::kAdcPressureOutlet), 4095);
    EXPECT_EQ(bench.read(regs::reg::kAdcMotorCurrent), 0) << "channel not selected";
  });
}

TEST(AsicAdc, MotorCurrentChannelReadsTheCoilCurrentWhileStepping) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.start_move(50, regs::StepMode::kFull, 2000);
    sc_core::wait(ns(20'000'000));
    bench.write(regs::reg::kAdcCtrl,
                regs::field::kAdcCtrlChannels.make(0x01) | regs::field::kAdcCtrlStart.make(1));
    sc_core::wait(ns(100'000));
    const double current_ma = bench.read(regs::reg::kAdcMotorCurrent) / 16.0;
    // Full step chops each phase at 71 % of the 50 mA limit (35.5 mA); the back-EMF of the
    // turning rotor pulls it down between trips.
    EXPECT_GE(current_ma, 25.0);
    EXPECT_LE(current_ma, 36.0);
  });
}

}  // namespace
}  // namespace pumptwin::testing
