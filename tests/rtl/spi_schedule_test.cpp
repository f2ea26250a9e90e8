// The bulk-clocking netlist's frame schedule, driven directly (no wrapper): a frame clocked in
// scheduled bulk edges leaves MISO and the registers exactly as the same frame clocked cycle by
// cycle, and a scheduled edge that takes in a cycle where the slave meets the chip is flagged.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "asic_netlist.h"
#include "drivers/motor_driver_regs.h"

namespace pumptwin::asic {
namespace {

namespace regs = pumpfw::asic;

// A frame on a 1 µs grid starting at 0: chip select low at 0, bit b's MOSI at 4 + 8b, SCLK up
// at 8 + 8b and down at 12 + 8b, chip select high at 264 (the model's timing,
// MotorDriverAsic::kSpiBitNs). Core edge k is at k µs and samples the pins as the changes
// before it left them.
constexpr int kCsRiseUs = 264;
constexpr int kFrameCycles = 271;  // up to three cycles after chip select rises, and one more

struct Pins {
  bool cs_n;
  bool sclk;
  bool mosi;
};

Pins pins_for_edge(uint32_t mosi_frame, int edge) {
  const int latest_change = edge - 1;
  if (latest_change < 0 || latest_change >= kCsRiseUs) return {true, false, false};
  Pins pins{false, false, false};
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

class ScheduledNetlist {
 public:
  ScheduledNetlist() : rtl_(make_asic_netlist(context_, true)) {
    rtl_->rst_n = 0;
    rtl_->core_cycles = 1;
    rtl_->spi_cs_n = 1;
    for (int i = 0; i < 4; ++i) {
      rtl_->clk_core = !rtl_->clk_core;
      rtl_->clk_aon = 1;
      rtl_->eval();
      rtl_->clk_aon = 0;
      rtl_->eval();
    }
    rtl_->rst_n = 1;
    rtl_->eval();
  }
  ~ScheduledNetlist() { rtl_->final(); }

  AsicNetlist& rtl() { return *rtl_; }

  // Clocks one frame in edges of the given sizes (in core cycles; they must add up to
  // kFrameCycles); returns MISO after each cycle that saw SCLK low, by edge number (false
  // elsewhere; index 0 unused).
  std::vector<bool> clock_frame(uint32_t mosi_frame, const std::vector<int>& edge_sizes) {
    std::vector<bool> miso_after(kFrameCycles + 1, false);
    int edge = 1;
    for (const int size : edge_sizes) {
      for (int word = 0; word < 8; ++word) {
        rtl_->spi_cs_n_scheduled[word] = 0;
        rtl_->spi_sclk_scheduled[word] = 0;
        rtl_->spi_mosi_scheduled[word] = 0;
      }
      for (int i = 0; i + 1 < size; ++i) {
        const Pins pins = pins_for_edge(mosi_frame, edge + i);
        const uint32_t bit = 1u << (i % 32);
        if (pins.cs_n) rtl_->spi_cs_n_scheduled[i / 32] |= bit;
        if (pins.sclk) rtl_->spi_sclk_scheduled[i / 32] |= bit;
        if (pins.mosi) rtl_->spi_mosi_scheduled[i / 32] |= bit;
      }
      const Pins last = pins_for_edge(mosi_frame, edge + size - 1);
      rtl_->spi_cs_n = last.cs_n;
      rtl_->spi_sclk = last.sclk;
      rtl_->spi_mosi = last.mosi;
      if (size > 1) {
        // The rest of the chip is idle: quiet for far longer than any frame.
        EXPECT_GE(rtl_->core_quiet_cycles, size - 1) << "edge at cycle " << edge;
        rtl_->spi_pins_scheduled = 1;
        rtl_->core_cycles = static_cast<uint16_t>(size);
      }
      rtl_->clk_core = !rtl_->clk_core;
      rtl_->eval();
      rtl_->spi_pins_scheduled = 0;
      rtl_->core_cycles = 1;
      // MISO is kept after the cycles that saw SCLK low, the ones the controller samples it
      // after (at SCLK's rise).
      for (int i = 0; i + 1 < size; ++i) {
        if (!pins_for_edge(mosi_frame, edge + i).sclk)
          miso_after[edge + i] = (rtl_->spi_miso_scheduled[i / 32] >> (i % 32)) & 1u;
      }
      edge += size;
      if (!last.sclk) miso_after[edge - 1] = rtl_->spi_miso & 1u;
    }
    EXPECT_EQ(edge, kFrameCycles + 1);
    return miso_after;
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

std::vector<int> single_cycles() {
  return std::vector<int>(kFrameCycles, 1);
}

// The longest scheduled edges the model may take: the slave meets the chip at the third edge
// after the eighth SCLK rise (64 µs: edge 67) and after chip select rises (edge 267).
std::vector<int> scheduled_edges() {
  return {1, 66 - 1, 1, 266 - 67, 1, 1, 1, 1, 1};
}

// What a run of frames leaves: MISO after every cycle of each frame, and the registers.
struct FramesSeen {
  std::vector<std::vector<bool>> miso_after;
  uint16_t step_period = 0;
  uint8_t fault = 0;
  uint8_t schedule_broken = 0;
};

// One netlist at a time: Verilator's runtime deadlocks destroying two live models of the same
// top in one thread.
FramesSeen clock_frames(const std::vector<uint32_t>& mosi_frames, const std::vector<int>& edges) {
  ScheduledNetlist netlist;
  FramesSeen seen;
  for (const uint32_t mosi : mosi_frames)
    seen.miso_after.push_back(netlist.clock_frame(mosi, edges));
  seen.step_period = netlist.rtl().step_period;
  seen.fault = netlist.rtl().fault;
  seen.schedule_broken = netlist.rtl().spi_schedule_broken;
  return seen;
}

TEST(SpiSchedule, ScheduledEdgesReadAndWriteExactlyAsSingleCycles) {
  int total = 0;
  for (const int size : scheduled_edges()) total += size;
  ASSERT_EQ(total, kFrameCycles);

  const std::vector<uint32_t> frames{
      regs::make_frame(true, regs::reg::kStepPeriod.address, 0xA5C3),
      regs::make_frame(false, regs::reg::kStepPeriod.address, 0),
      regs::make_frame(false, regs::reg::kChipId.address, 0),
  };
  const FramesSeen single = clock_frames(frames, single_cycles());
  const FramesSeen scheduled = clock_frames(frames, scheduled_edges());
  for (size_t frame = 0; frame < frames.size(); ++frame) {
    EXPECT_EQ(scheduled.miso_after[frame], single.miso_after[frame])
        << "MISO after some cycle of frame " << frame << " differs";
    EXPECT_GE(std::count(single.miso_after[frame].begin(), single.miso_after[frame].end(), true), 8)
        << "frame " << frame << " has few ones to compare";
    const auto decoded = regs::decode_miso(miso_frame(scheduled.miso_after[frame]));
    EXPECT_TRUE(decoded.crc_ok) << "frame " << frame;
    EXPECT_TRUE(decoded.pattern_ok) << "frame " << frame;
  }
  EXPECT_EQ(regs::decode_miso(miso_frame(scheduled.miso_after[1])).data, 0xA5C3);
  EXPECT_EQ(regs::decode_miso(miso_frame(scheduled.miso_after[2])).data,
            regs::reg::kChipId.reset_value);
  EXPECT_EQ(scheduled.step_period, 0xA5C3);
  EXPECT_EQ(single.step_period, 0xA5C3);
  EXPECT_EQ(scheduled.fault, 0) << "no SPI error";
  EXPECT_EQ(single.fault, 0);
  EXPECT_EQ(scheduled.schedule_broken, 0);
}

TEST(SpiSchedule, AnEdgeTakingInTheRegisterReadIsFlagged) {
  // Edge 67 reads the register: one edge for cycles 2..67 takes it in.
  const FramesSeen seen = clock_frames({regs::make_frame(false, regs::reg::kChipId.address, 0)},
                                       {1, 66, 1, 266 - 68, 1, 1, 1, 1, 1});
  EXPECT_EQ(seen.schedule_broken, 1);
}

TEST(SpiSchedule, AnEdgeTakingInTheFrameEndIsFlagged) {
  // Edge 267 ends the frame (the write strobe): one edge for cycles 68..267 takes it in.
  const FramesSeen seen =
      clock_frames({regs::make_frame(true, regs::reg::kStepPeriod.address, 0x0100)},
                   {1, 65, 1, 267 - 67, 1, 1, 1, 1});
  EXPECT_EQ(seen.schedule_broken, 1);
}

}  // namespace
}  // namespace pumptwin::asic
