// The twin's C++ SPI slave (twin/asic/spi_slave_cycles.h) against the design's netlist: the
// same flops and MISO after every core cycle of a run of frames, the chip met exactly at the
// cycles the wrapper keeps for the netlist, and frames whose quiet cycles the C++ slave steps
// (as decoupled mode does) reading and writing exactly as frames clocked cycle by cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "asic_netlist.h"
#include "drivers/motor_driver_regs.h"
#include "spi_slave_cycles.h"

namespace pumptwin::asic {
namespace {

namespace regs = pumpfw::asic;

// A frame on a 1 µs grid starting at 0: chip select low at 0, bit b's MOSI at 4 + 8b, SCLK up
// at 8 + 8b and down at 12 + 8b, chip select high at 264 (the model's timing,
// MotorDriverAsic::kSpiBitNs). Core edge k is at k µs and samples the pins as the changes
// before it left them.
constexpr int kCsRiseUs = 264;
constexpr int kFrameCycles = 271;  // up to three cycles after chip select rises, and one more

SpiPinLevels pins_for_edge(uint32_t mosi_frame, int edge) {
  const int latest_change = edge - 1;
  if (latest_change < 0 || latest_change >= kCsRiseUs) return {true, false, false};
  SpiPinLevels pins{false, false, false};
  if (latest_change >= 4) {
    const int bit = std::min((latest_change - 4) / 8, 31);
    pins.mosi = (mosi_frame >> (31 - bit)) & 1u;
  }
  if (latest_change >= 8) pins.sclk = (latest_change - 8) % 8 < 4 && (latest_change - 8) / 8 < 32;
  return pins;
}

// The controller samples MISO at SCLK's rise: as the edge at that time left it.
int sample_edge(int bit) {
  return 8 + 8 * bit;
}

std::string describe(const SpiSlaveState& s) {
  std::ostringstream out;
  out << std::hex << "cs_n_seen " << +s.cs_n_seen << " sclk_seen " << +s.sclk_seen << " mosi_sync "
      << +s.mosi_sync << " bits_received " << +s.bits_received << " miso_bit " << +s.miso_bit
      << " load_read_data " << +s.load_read_data << " rx_crc " << +s.rx_crc << " tx_crc "
      << +s.tx_crc << " shift_in " << s.shift_in << " miso_word " << s.miso_word;
  return out.str();
}

class Netlist {
 public:
  Netlist() : rtl_(make_asic_netlist(context_)) {
    rtl_->rst_n = 0;
    rtl_->spi_cs_n = 1;
    for (int i = 0; i < 4; ++i) {
      core_cycle();
      rtl_->clk_aon = 1;
      rtl_->eval();
      rtl_->clk_aon = 0;
      rtl_->eval();
    }
    rtl_->rst_n = 1;
    rtl_->eval();
  }
  ~Netlist() { rtl_->final(); }

  AsicNetlist& rtl() { return *rtl_; }

  void set_pins(SpiPinLevels pins) {
    rtl_->spi_cs_n = pins.cs_n;
    rtl_->spi_sclk = pins.sclk;
    rtl_->spi_mosi = pins.mosi;
  }

  void core_cycle() {
    rtl_->clk_core = 1;
    rtl_->eval();
    rtl_->clk_core = 0;
    rtl_->eval();
  }

 private:
  VerilatedContext context_;
  std::unique_ptr<AsicNetlist> rtl_;
};

uint32_t miso_frame(const std::vector<bool>& miso_after) {
  uint32_t frame = 0;
  for (int bit = 0; bit < 32; ++bit) frame = (frame << 1) | miso_after[sample_edge(bit)];
  return frame;
}

const std::vector<uint32_t>& frames() {
  static const std::vector<uint32_t> all{
      regs::make_frame(true, regs::reg::kStepPeriod.address, 0xA5C3),
      regs::make_frame(false, regs::reg::kStepPeriod.address, 0),
      regs::make_frame(false, regs::reg::kChipId.address, 0),
      regs::make_frame(true, regs::reg::kIntMask.address, 0x0155) ^ 0x10u,  // a bad CRC
      regs::make_frame(false, regs::reg::kFault.address, 0),
  };
  return all;
}

TEST(AsicSpiSlaveCycles, MatchesTheNetlistEveryCycle) {
  Netlist netlist;
  AsicNetlist& rtl = netlist.rtl();
  int cycles_compared = 0;
  for (size_t frame = 0; frame < frames().size(); ++frame) {
    std::vector<int> meeting_edges;
    for (int edge = 1; edge <= kFrameCycles; ++edge) {
      const SpiPinLevels pins = pins_for_edge(frames()[frame], edge);
      SpiSlaveState expected = rtl.spi_slave_state();
      if (spi_slave_meets_chip(expected)) meeting_edges.push_back(edge);
      step_spi_slave(expected, pins, rtl.status_byte, rtl.read_data);
      netlist.set_pins(pins);
      netlist.core_cycle();
      const SpiSlaveState seen = rtl.spi_slave_state();
      ASSERT_TRUE(seen == expected) << "frame " << frame << ", edge " << edge << ":\n netlist "
                                    << describe(seen) << "\n C++     " << describe(expected);
      ASSERT_EQ(rtl.spi_miso != 0, spi_slave_miso(expected))
          << "frame " << frame << ", edge " << edge;
      ++cycles_compared;
    }
    // The register read and the frame's end: the edges MotorDriverAsic::schedulable_cycles
    // leaves to the netlist (the third after the eighth SCLK rise at 64 µs and after chip
    // select's rise at 264 µs).
    EXPECT_EQ(meeting_edges, (std::vector<int>{67, 267})) << "frame " << frame;
  }
  EXPECT_EQ(cycles_compared, 5 * kFrameCycles);
  EXPECT_EQ(rtl.step_period, 0xA5C3);
  EXPECT_EQ(rtl.int_mask, 0) << "the frame with a bad CRC writes nothing";
  EXPECT_NE(rtl.fault & regs::field::kFaultSpiError.mask(), 0) << "and raises the SPI error";
}

// Core edges of the given sizes (in core cycles, adding up to kFrameCycles): the C++ slave
// steps each edge's first size - 1 cycles, the netlist clocks the last. MISO after each cycle
// that saw SCLK low, by edge number (index 0 unused).
std::vector<bool> clock_frame(Netlist& netlist, uint32_t mosi_frame,
                              const std::vector<int>& edge_sizes) {
  AsicNetlist& rtl = netlist.rtl();
  std::vector<bool> miso_after(kFrameCycles + 1, false);
  int edge = 1;
  for (const int size : edge_sizes) {
    if (size > 1) {
      // The rest of the chip is idle: quiet for far longer than any frame.
      EXPECT_GE(rtl.core_quiet_cycles(), size - 1) << "edge at cycle " << edge;
      SpiSlaveState slave = rtl.spi_slave_state();
      for (int i = 0; i + 1 < size; ++i) {
        EXPECT_FALSE(spi_slave_meets_chip(slave)) << "skipped cycle " << edge + i;
        const SpiPinLevels pins = pins_for_edge(mosi_frame, edge + i);
        step_spi_slave(slave, pins, rtl.status_byte, rtl.read_data);
        if (!pins.sclk) miso_after[edge + i] = spi_slave_miso(slave);
      }
      EXPECT_FALSE(spi_slave_meets_chip(slave)) << "edge at cycle " << edge + size - 1;
      rtl.set_spi_slave_state(slave);
    }
    const SpiPinLevels last = pins_for_edge(mosi_frame, edge + size - 1);
    netlist.set_pins(last);
    netlist.core_cycle();
    edge += size;
    if (!last.sclk) miso_after[edge - 1] = rtl.spi_miso & 1u;
  }
  EXPECT_EQ(edge, kFrameCycles + 1);
  return miso_after;
}

// What a run of frames leaves: MISO after every cycle of each frame, and the registers.
struct FramesSeen {
  std::vector<std::vector<bool>> miso_after;
  uint16_t step_period = 0;
  uint8_t fault = 0;
};

// One netlist at a time: Verilator's runtime deadlocks destroying two live models of the same
// top in one thread.
FramesSeen clock_frames(const std::vector<uint32_t>& mosi_frames, const std::vector<int>& edges) {
  Netlist netlist;
  FramesSeen seen;
  for (const uint32_t mosi : mosi_frames)
    seen.miso_after.push_back(clock_frame(netlist, mosi, edges));
  seen.step_period = netlist.rtl().step_period;
  seen.fault = netlist.rtl().fault;
  return seen;
}

TEST(AsicSpiSlaveCycles, SkippedCyclesReadAndWriteExactlyAsSingleCycles) {
  // The longest edges the wrapper may take: all but the cycles that meet the chip.
  const std::vector<int> skipping{1, 66 - 1, 1, 266 - 67, 1, 1, 1, 1, 1};
  int total = 0;
  for (const int size : skipping) total += size;
  ASSERT_EQ(total, kFrameCycles);

  const std::vector<uint32_t> read_write(frames().begin(), frames().begin() + 3);
  const FramesSeen single = clock_frames(read_write, std::vector<int>(kFrameCycles, 1));
  const FramesSeen skipped = clock_frames(read_write, skipping);
  for (size_t frame = 0; frame < read_write.size(); ++frame) {
    EXPECT_EQ(skipped.miso_after[frame], single.miso_after[frame])
        << "MISO after some cycle of frame " << frame << " differs";
    EXPECT_GE(std::count(single.miso_after[frame].begin(), single.miso_after[frame].end(), true), 8)
        << "frame " << frame << " has few ones to compare";
    const auto decoded = regs::decode_miso(miso_frame(skipped.miso_after[frame]));
    EXPECT_TRUE(decoded.crc_ok) << "frame " << frame;
    EXPECT_TRUE(decoded.pattern_ok) << "frame " << frame;
  }
  EXPECT_EQ(regs::decode_miso(miso_frame(skipped.miso_after[1])).data, 0xA5C3);
  EXPECT_EQ(regs::decode_miso(miso_frame(skipped.miso_after[2])).data,
            regs::reg::kChipId.reset_value);
  EXPECT_EQ(skipped.step_period, 0xA5C3);
  EXPECT_EQ(single.step_period, 0xA5C3);
  EXPECT_EQ(skipped.fault, 0) << "no SPI error";
  EXPECT_EQ(single.fault, 0);
}

}  // namespace
}  // namespace pumptwin::asic
