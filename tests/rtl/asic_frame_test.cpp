// The SPI frame helpers of the generated register map (drivers/motor_driver_regs.h, from
// rtl/motor_driver_regs.yaml) against the frame's documented definition.
#include <gtest/gtest.h>

#include "drivers/motor_driver_regs.h"

namespace {

namespace regs = pumpfw::asic;

TEST(AsicFrame, CrcMatchesDocumentedPolynomial) {
  // The documented definition (poly 0x2F, init 0xFF, no reflection, no final XOR) computed
  // byte-wise must agree with the frame helper's bit-serial form.
  uint8_t crc = 0xFF;
  for (uint8_t byte : {0x31, 0x32, 0x33}) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i)
      crc = (crc & 0x80) ? static_cast<uint8_t>((crc << 1) ^ 0x2F) : static_cast<uint8_t>(crc << 1);
  }
  EXPECT_EQ(regs::frame_crc8(0x313233), crc);
  // A frame differing in one bit has a different CRC.
  EXPECT_NE(regs::frame_crc8(0x020000), regs::frame_crc8(0x020001));
}

TEST(AsicFrame, MisoStatusByteDecodesAsDocumented) {
  // Status byte 0b1101'0101: IRQ, fault, no busy, SPI error, the 0101 pattern; data 0x1D50.
  const uint32_t head = 0xD51D50u;
  const regs::MisoFrame frame = regs::decode_miso((head << 8) | regs::frame_crc8(head));
  EXPECT_TRUE(frame.irq);
  EXPECT_TRUE(frame.fault);
  EXPECT_FALSE(frame.busy);
  EXPECT_TRUE(frame.spi_error);
  EXPECT_EQ(frame.data, 0x1D50);
  EXPECT_TRUE(frame.crc_ok);
  EXPECT_TRUE(frame.pattern_ok);
  EXPECT_FALSE(regs::decode_miso((head << 8) | (regs::frame_crc8(head) ^ 1u)).crc_ok);
  EXPECT_FALSE(regs::decode_miso(((head & ~0x0F0000u) << 8) | 0u).pattern_ok);
}

TEST(AsicFrame, WriteFrameCarriesAddressAndData) {
  const uint32_t frame = regs::make_frame(true, regs::reg::kStepPeriod.address, 0x03E8);
  EXPECT_EQ(frame >> 31, 1u);
  EXPECT_EQ((frame >> 24) & 0x7F, 0x04u);
  EXPECT_EQ((frame >> 8) & 0xFFFF, 0x03E8u);
  EXPECT_EQ(frame & 0xFF, regs::frame_crc8(frame >> 8));
}

}  // namespace
