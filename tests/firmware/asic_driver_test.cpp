#include <gtest/gtest.h>

#include "drivers/asic_driver.h"
#include "fake_hal.h"

namespace pumpfw::test {
namespace {

namespace reg = asic::reg;

TEST(AsicDriver, FrameCarriesCrcOverTheTop24Bits) {
  // Read of CHIP_ID: head 0x000000, CRC-8/AUTOSAR-poly 0x2F with init 0xFF.
  const uint32_t frame = asic::make_frame(false, reg::kChipId.address, 0);
  EXPECT_EQ(frame >> 8, 0u);
  EXPECT_EQ(frame & 0xFF, asic::frame_crc8(0));
  const asic::MisoFrame miso = asic::decode_miso(frame);
  EXPECT_TRUE(miso.crc_ok);
}

TEST(AsicDriver, InitProgramsWatchdogAndInterruptMask) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  ASSERT_TRUE(driver.init(drivers::AsicSettings{}));
  EXPECT_EQ(hal.asic.reg(reg::kWdtTimeout.address), 60 * 64);
  EXPECT_EQ(hal.asic.reg(reg::kStepPeriod.address), reg::kStepPeriod.reset_value);
  // Faults except SPI_ERROR (bit 5), and MOVE_DONE.
  EXPECT_EQ(hal.asic.reg(reg::kIntMask.address), 0x005F | 0x0080);
  EXPECT_EQ(hal.asic.reg(reg::kCtrl.address) & 1, 1);
  // Stall detection as calibrated: two stalled reversals below 300 µs.
  EXPECT_EQ(hal.asic.reg(reg::kStallConfig.address), reg::kStallConfig.reset_value);
}

TEST(AsicDriver, StallThresholdScalesInverselyWithTheSupplyWithinTheCellsSafeRange) {
  const drivers::AsicSettings settings{};
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 3200), 338);  // 337.5
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 2930), 369);
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 2850), 379);
  // Outside 2.85-3.2 V, right or wrong, the reading moves the threshold no further: never
  // below a seized rotor's rise at end of service (353 us), never up to a turning rotor's at a
  // new cell (416 us), never 0 or 4095 (PUMP-SAF-009).
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 3600), 338);
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 5000), 338);
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 2700), 379);
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 2200), 379);
  EXPECT_EQ(drivers::stall_rise_time_us_for_supply(settings, 0), 379);
}

TEST(AsicDriver, SetStallRiseTimeKeepsTheCount) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  ASSERT_TRUE(driver.init(drivers::AsicSettings{}));
  ASSERT_TRUE(driver.set_stall_rise_time(400));
  EXPECT_EQ(hal.asic.reg(reg::kStallConfig.address), 0x2000 | 400);
}

TEST(AsicDriver, ReadRetriesACorruptMisoFrame) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  hal.asic.corrupt_next_miso(2);
  uint16_t chip_id = 0;
  ASSERT_TRUE(driver.read(reg::kChipId.address, chip_id));
  EXPECT_EQ(chip_id, 0x1D50);
  EXPECT_EQ(driver.spi_retries(), 2u);
}

TEST(AsicDriver, ReadGivesUpWhenEveryMisoFrameIsCorrupt) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  hal.asic.corrupt_next_miso(drivers::AsicDriver::kFrameAttempts);
  uint16_t value = 0;
  EXPECT_FALSE(driver.read(reg::kChipId.address, value));
  EXPECT_EQ(driver.spi_failures(), 1u);
}

TEST(AsicDriver, AReadWhoseAddressWasHitOnMosiIsNeverReturned) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  // Address bit 0 inverted: the ASIC answers REVISION (0x0100) under a valid MISO CRC, and
  // latches SPI_ERROR only when the frame ends.
  hal.asic.flip_next_mosi_bits(1, 1u << 24);
  uint16_t chip_id = 0;
  ASSERT_TRUE(driver.read(reg::kChipId.address, chip_id));
  EXPECT_EQ(chip_id, 0x1D50);
  EXPECT_EQ(driver.spi_retries(), 1u);
  EXPECT_EQ(hal.asic.reg(reg::kFault.address), 0) << "SPI_ERROR cleared";
  // A clean read costs the read and its confirmation frame.
  const uint32_t frames = hal.asic.frames();
  ASSERT_TRUE(driver.read(reg::kChipId.address, chip_id));
  EXPECT_EQ(hal.asic.frames() - frames, 2u);
}

TEST(AsicDriver, TheStepCountIsRereadWholeWhenEitherHalfWasHit) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  ASSERT_TRUE(driver.init(drivers::AsicSettings{}));
  ASSERT_TRUE(driver.start_move(4));
  hal.sleep_until(hal::kTicksPerSecond);
  // TOTAL_STEPS_HI (0x0C) with address bit 3 hit reads STEP_PERIOD (0x04, 2000): believed,
  // that would be 2000 x 2^16 microsteps more.
  hal.asic.flip_next_mosi_bits(1, 1u << 27, 1);
  uint32_t total = 0;
  ASSERT_TRUE(driver.read_total_microsteps(total));
  EXPECT_EQ(total, 32u);
  EXPECT_EQ(driver.spi_retries(), 1u);
  // TOTAL_STEPS_LO with any one address bit hit: another register, and HI left unlatched.
  for (uint32_t bit = 24; bit < 31; ++bit) {
    hal.asic.flip_next_mosi_bits(1, 1u << bit);
    ASSERT_TRUE(driver.read_total_microsteps(total));
    EXPECT_EQ(total, 32u) << "address bit " << bit - 24;
  }
}

TEST(AsicDriver, AReadIsRefusedWhenTheAsicNeverReceivesAFrameIntact) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  hal.asic.corrupt_next_mosi(10000);
  uint16_t value = 0;
  EXPECT_FALSE(driver.read(reg::kChipId.address, value));
  EXPECT_EQ(driver.spi_failures(), 1u);
  EXPECT_EQ(driver.spi_retries(), static_cast<uint32_t>(drivers::AsicDriver::kTransactionAttempts));
}

TEST(AsicDriver, WriteIgnoredByTheAsicIsDetectedClearedAndRetried) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  hal.asic.corrupt_next_mosi(1);
  ASSERT_TRUE(driver.write(reg::kCurrentLimit.address, 42));
  EXPECT_EQ(hal.asic.reg(reg::kCurrentLimit.address), 42);
  EXPECT_EQ(hal.asic.reg(reg::kFault.address), 0) << "SPI_ERROR must be cleared";
  EXPECT_EQ(driver.spi_retries(), 1u);
}

TEST(AsicDriver, MoveStartIsNeverIssuedTwice) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  ASSERT_TRUE(driver.init(drivers::AsicSettings{}));
  // The MISO of the move write is lost, but the ASIC took it: the status byte shows BUSY.
  hal.asic.corrupt_next_miso(1);
  ASSERT_TRUE(driver.start_move(4));
  EXPECT_EQ(hal.asic.moves_started(), 1u);
  hal.sleep_until(hal::kTicksPerSecond);
  uint32_t total = 0;
  ASSERT_TRUE(driver.read_total_microsteps(total));
  EXPECT_EQ(total, 32u);
}

TEST(AsicDriver, InterruptServiceReadsAndClearsFaults) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  ASSERT_TRUE(driver.init(drivers::AsicSettings{}));
  hal.asic.stall_next_moves(1, 1);
  ASSERT_TRUE(driver.start_move(3));
  hal.sleep_until(hal::kTicksPerSecond);
  EXPECT_TRUE(hal.take_asic_irq_pending());
  drivers::AsicEvents events;
  ASSERT_TRUE(driver.service_interrupt(events));
  EXPECT_TRUE(events.move_done());
  EXPECT_EQ(events.faults, asic::field::kFaultStall.mask());
  EXPECT_FALSE(hal.asic_irq_level());
  uint32_t total = 0;
  ASSERT_TRUE(driver.read_total_microsteps(total));
  EXPECT_EQ(total, 8u) << "one full step driven before the stall";
}

TEST(AsicDriver, BatteryConversion) {
  FakeHal hal;
  drivers::AsicDriver driver(hal);
  hal.asic.set_battery_code(2294);
  uint16_t code = 0;
  ASSERT_TRUE(driver.convert_adc(asic::AdcChannel::kBattery, code));
  EXPECT_EQ(code, 2294);
}

}  // namespace
}  // namespace pumpfw::test
