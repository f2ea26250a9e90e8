// The ASIC's SPI register interface, through the SystemC wrapper: reset values, read/write,
// the CRC that guards every frame, and the status byte.
#include <gtest/gtest.h>

#include "asic_bench.h"

namespace pumptwin::testing {
namespace {

TEST(AsicSpi, EveryRegisterReadsItsDocumentedResetValue) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    using namespace regs::reg;
    for (const regs::RegisterInfo& reg : {kChipId,
                                          kRevision,
                                          kCtrl,
                                          kMoveSteps,
                                          kStepPeriod,
                                          kCurrentLimit,
                                          kStatus,
                                          kStepsRemaining,
                                          kFault,
                                          kIntMask,
                                          kIntStatus,
                                          kTotalStepsLo,
                                          kTotalStepsHi,
                                          kStallConfig,
                                          kAdcCtrl,
                                          kAdcMotorCurrent,
                                          kAdcBattery,
                                          kAdcTemperature,
                                          kAdcPressureReservoir,
                                          kAdcPressureOutlet,
                                          kWdtTimeout,
                                          kWdtRemaining,
                                          kAlarmTone}) {
      EXPECT_EQ(bench.read(reg), reg.reset_value) << "register 0x" << std::hex << int(reg.address);
    }
  });
}

TEST(AsicSpi, WrittenRegistersReadBackAndWriteOnlyBitsReadZero) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    using namespace regs::reg;
    bench.write(kStepPeriod, 1234);
    bench.write(kCurrentLimit, 0x00A5);
    bench.write(kIntMask, 0x01FF);
    bench.write(kStallConfig, 0x3456);
    bench.write(kWdtTimeout, 0x0400);
    bench.write(kAlarmTone, 2);
    // STOP is a command bit: it reads 0; the other CTRL fields hold.
    bench.write(kCtrl, 0x003E);
    EXPECT_EQ(bench.read(kStepPeriod), 1234);
    EXPECT_EQ(bench.read(kCurrentLimit), 0x00A5);
    EXPECT_EQ(bench.read(kIntMask), 0x01FF);
    EXPECT_EQ(bench.read(kStallConfig), 0x3456);
    EXPECT_EQ(bench.read(kWdtTimeout), 0x0400);
    EXPECT_EQ(bench.read(kAlarmTone), 2);
    EXPECT_EQ(bench.read(kCtrl), 0x001E);
    // Read-only registers ignore writes.
    bench.write(kChipId, 0xFFFF);
    EXPECT_EQ(bench.read(kChipId), kChipId.reset_value);
  });
}

TEST(AsicSpi, FrameWithBadCrcIsIgnoredAndLatchesSpiError) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    using namespace regs::reg;
    bench.write(kIntMask, regs::field::kIntStatusFaults.mask());
    const uint32_t good = regs::make_frame(true, kStepPeriod.address, 777);
    bench.transfer(good ^ 0x1);  // one CRC bit flipped
    EXPECT_EQ(bench.read(kStepPeriod), kStepPeriod.reset_value) << "the corrupted write landed";
    EXPECT_EQ(bench.read(kFault), regs::field::kFaultSpiError.mask());
    EXPECT_TRUE(bench.asic.irq.read());
    const auto status =
        regs::decode_miso(bench.transfer(regs::make_frame(false, kChipId.address, 0)));
    EXPECT_TRUE(status.spi_error);
    EXPECT_TRUE(status.fault);
    EXPECT_TRUE(status.irq);

    // A data bit flipped in transit is caught the same way.
    bench.write(kFault, regs::field::kFaultSpiError.mask());
    bench.write(kIntStatus, 0x01FF);
    EXPECT_EQ(bench.read(kFault), 0);
    EXPECT_FALSE(bench.asic.irq.read());
    bench.transfer(good ^ (1u << 12));
    EXPECT_EQ(bench.read(kStepPeriod), kStepPeriod.reset_value);
    EXPECT_EQ(bench.read(kFault), regs::field::kFaultSpiError.mask());

    // The intact frame lands.
    bench.transfer(good);
    EXPECT_EQ(bench.read(kStepPeriod), 777);
  });
}

TEST(AsicSpi, EveryMisoFrameCarriesAValidCrcAndThePattern) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    for (uint8_t address = 0; address < 0x20; ++address) {
      const auto miso = regs::decode_miso(bench.transfer(regs::make_frame(false, address, 0)));
      EXPECT_TRUE(miso.crc_ok) << "address " << int(address);
      EXPECT_TRUE(miso.pattern_ok) << "address " << int(address);
    }
  });
}

TEST(AsicSpi, FrameTakesItsBitTimeInSimulatedTime) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    const uint64_t before = now_ns();
    bench.read(regs::reg::kChipId);
    // 4 µs select setup + 32 bits at 125 kHz + 4 µs hold + 4 µs deselected.
    EXPECT_EQ(now_ns() - before, 268'000u);
  });
}

}  // namespace
}  // namespace pumptwin::testing
