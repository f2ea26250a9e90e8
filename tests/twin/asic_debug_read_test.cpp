// MotorDriverAsic::debug_read_register: the registers as an SPI read returns them, read
// from the RTL's flops without a frame, and without disturbing anything (no read-to-clear, no
// TOTAL_STEPS latch, no clocking).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>

#include "asic_bench.h"

namespace pumptwin::testing {
namespace {

using namespace regs::reg;

const std::array<regs::RegisterInfo, 25> kReadable = {
    kChipId,         kRevision,         kCtrl,           kMoveSteps,
    kStepPeriod,     kCurrentLimit,     kStatus,         kStepsRemaining,
    kFault,          kIntMask,          kIntStatus,      kTotalStepsLo,
    kTotalStepsHi,   kStallConfig,      kAdcCtrl,        kAdcMotorCurrent,
    kAdcBattery,     kAdcTemperature,   kAdcPressureReservoir, kAdcPressureOutlet,
    kWdtKick,        kWdtTimeout,       kWdtRemaining,   kAlarmTone,
    regs::RegisterInfo{0x0F, 0}};  // a hole in the map

// Every register, debug read just before its SPI read: equal (WDT_REMAINING may tick once
// inside the frame).
void expect_debug_reads_equal_spi_reads(AsicBench& bench, const char* when) {
  for (const regs::RegisterInfo& reg : kReadable) {
    const uint16_t debug = bench.asic.debug_read_register(reg.address);
    const uint16_t spi = bench.read(reg);
    if (reg.address == kWdtRemaining.address) {
      EXPECT_LE(std::abs(int(debug) - int(spi)), 1) << when;
    } else {
      EXPECT_EQ(debug, spi) << when << ": register 0x" << std::hex << int(reg.address);
    }
  }
}

std::array<uint16_t, 25> debug_read_all(AsicBench& bench) {
  std::array<uint16_t, 25> values{};
  for (std::size_t i = 0; i < kReadable.size(); ++i) {
    values[i] = bench.asic.debug_read_register(kReadable[i].address);
  }
  return values;
}

TEST(AsicDebugRead, EqualsSpiReadsAfterAMoveAndAFaultAndDisturbsNothing) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    expect_debug_reads_equal_spi_reads(bench, "after reset");
    // A move long enough for TOTAL_STEPS to pass 16 bits (8 200 full steps = 65 600 eighths),
    // stall detection off (the rotor is not meant to follow 500 us steps), then a conversion.
    bench.write(kStallConfig, 0x0000);
    bench.write(kIntMask, regs::field::kIntStatusMoveDone.mask() |
                              regs::field::kIntStatusFaults.mask() |
                              regs::field::kIntStatusAdcDone.mask());
    bench.write(kAlarmTone, 1);
    bench.asic.set_analog_input_v(asic::AnalogInput::kBattery, 1.8);
    bench.start_move(8200, regs::StepMode::kFull, 500);
    sc_core::wait(ns(100'000'000));
    // Mid-move: busy, steps remaining, the motor current in the ADC.
    bench.write(kAdcCtrl, static_cast<uint16_t>(regs::field::kAdcCtrlStart.mask() | 0x03));
    sc_core::wait(ns(200'000));
    EXPECT_EQ(bench.asic.debug_read_register(kStatus.address) & 1u, 1u) << "busy mid-move";
    EXPECT_GT(bench.asic.debug_read_register(kStepsRemaining.address), 7000);
    EXPECT_GT(bench.asic.debug_read_register(kAdcMotorCurrent.address), 16 * 10)
        << "over 10 mA of phase current mid-move";
    EXPECT_NEAR(bench.asic.debug_read_register(kAdcBattery.address), 1.8 / 2.5 * 4095, 2);
    expect_debug_reads_equal_spi_reads(bench, "mid-move");
    ASSERT_TRUE(bench.wait_for_irq(ns(5'000'000'000)));
    while ((bench.asic.debug_read_register(kStatus.address) & 1u) != 0) {
      sc_core::wait(ns(1'000'000));
    }
    EXPECT_EQ(bench.asic.debug_total_steps(), 8200u * 8u);
    expect_debug_reads_equal_spi_reads(bench, "after the move");

    // A fault: a frame with a bad CRC latches SPI_ERROR and its interrupt.
    bench.transfer(regs::make_frame(true, kStepPeriod.address, 777) ^ 0x1);
    bench.read(kChipId);  // lets the error latch
    EXPECT_EQ(bench.asic.debug_read_register(kFault.address),
              regs::field::kFaultSpiError.mask());
    EXPECT_TRUE(bench.asic.irq.read());

    // Debug reads change nothing: the same values twice, the IRQ still up, INT_STATUS still
    // latched, TOTAL_STEPS_HI not latched by a debug read of TOTAL_STEPS_LO, no core cycle run.
    bench.write(kTotalStepsHi, 0);  // read-only: a frame that changes nothing
    const uint16_t hi_before = bench.asic.debug_read_register(kTotalStepsHi.address);
    const uint64_t cycles_before = bench.asic.core_cycles_evaluated();
    const auto first = debug_read_all(bench);
    const auto second = debug_read_all(bench);
    EXPECT_EQ(first, second);
    EXPECT_EQ(bench.asic.core_cycles_evaluated(), cycles_before);
    EXPECT_TRUE(bench.asic.irq.read());
    EXPECT_NE(bench.asic.debug_read_register(kIntStatus.address) &
                  regs::field::kIntStatusMoveDone.mask(),
              0u);
    EXPECT_EQ(bench.asic.debug_read_register(kTotalStepsHi.address), hi_before);
    expect_debug_reads_equal_spi_reads(bench, "after the fault");
    // The SPI read of TOTAL_STEPS_LO above latched HI: 65 600 eighths is 0x1_0040.
    EXPECT_EQ(bench.asic.debug_read_register(kTotalStepsHi.address), 1u);
    EXPECT_EQ(bench.asic.debug_read_register(kTotalStepsLo.address), 0x0040u);
  });
}

}  // namespace
}  // namespace pumptwin::testing
