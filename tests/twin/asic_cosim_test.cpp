// The co-simulation itself: idle costs nothing, decoupled batches are long, lockstep and
// decoupled agree edge for edge, and the waveform window lands in a VCD file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "asic_bench.h"
#include "child_process.h"

namespace pumptwin::testing {
namespace {

std::string run_probe(const std::string& mode) {
  return capture_stdout(std::string(ASIC_STIMULUS_PROBE) + " " + mode);
}

size_t count_lines_with(const std::string& text, const std::string& needle) {
  size_t count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    count += line.find(needle) != std::string::npos;
  return count;
}

TEST(AsicCosim, LockstepAndDecoupledGiveIdenticalEdgesAndRegisters) {
  const std::string lockstep = run_probe("lockstep");
  const std::string decoupled = run_probe("decoupled");
  // The stimulus exercised what it should: thousands of phase edges, interrupts, a reset
  // request, tones, and the final register dump.
  EXPECT_GT(count_lines_with(lockstep, " phases "), 2000u);
  EXPECT_GT(count_lines_with(lockstep, "irq=1"), 5u);
  EXPECT_GE(count_lines_with(lockstep, "reset=1"), 1u);
  EXPECT_GE(count_lines_with(lockstep, "tone=2"), 2u);
  EXPECT_EQ(count_lines_with(lockstep, "register 0x"), 32u);
  // Stall (0x02), overcurrent (0x01) and open load (0x04) each stopped a move.
  EXPECT_GE(count_lines_with(lockstep, "fault 0x02"), 1u);
  EXPECT_EQ(count_lines_with(lockstep, "fault 0x01"), 1u);
  EXPECT_EQ(count_lines_with(lockstep, "fault 0x04"), 1u);
  EXPECT_TRUE(lockstep == decoupled)
      << "first difference at byte "
      << std::mismatch(lockstep.begin(), lockstep.end(), decoupled.begin(), decoupled.end()).first -
             lockstep.begin();
}

TEST(AsicCosim, IdleEvaluatesNoRtlCycles) {
  use_twin_time_resolution();
  AsicBench bench;
  bench.run([&] {
    bench.write(regs::reg::kWdtTimeout, 0xFFFF);  // 17 min, the longest
    bench.write(regs::reg::kWdtKick, regs::kWdtKickKey);
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask());
    bench.start_move(20, regs::StepMode::kFull, 2000);
    ASSERT_TRUE(bench.wait_for_irq(ns(100'000'000)));
    bench.write(regs::reg::kIntStatus, 0x1FF);
    const uint64_t cycles = bench.asic.core_cycles_evaluated();
    const uint64_t aon_edges = bench.asic.always_on_edges_evaluated();
    sc_core::wait(ns(600'000'000'000));  // ten minutes of a sleeping pump
    EXPECT_EQ(bench.asic.core_cycles_evaluated(), cycles);
    EXPECT_EQ(bench.asic.always_on_edges_evaluated(), aon_edges);
    // The always-on domain is still exact when it is next looked at: 600 s = 38400 ticks.
    EXPECT_EQ(bench.read(regs::reg::kWdtRemaining), 0xFFFF - 38400 - 1);
  });
}

// What some work costs the model: core cycles, the core edges that stood for them, and the
// SystemC synchronisations.
struct WorkCost {
  uint64_t cycles = 0;
  uint64_t edges = 0;
  uint64_t syncs = 0;
};

WorkCost cost_of(asic::SimulationMode mode, const std::function<void(AsicBench&)>& work) {
  asic::MotorDriverAsicConfig config;
  config.mode = mode;
  AsicBench bench(config);
  WorkCost cost;
  bench.run([&] {
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask());
    const WorkCost before{bench.asic.core_cycles_evaluated(), bench.asic.core_posedges_evaluated(),
                          bench.asic.sync_points()};
    work(bench);
    cost.cycles = bench.asic.core_cycles_evaluated() - before.cycles;
    cost.edges = bench.asic.core_posedges_evaluated() - before.edges;
    cost.syncs = bench.asic.sync_points() - before.syncs;
  });
  return cost;
}

// A full-step move at 2 ms.
WorkCost cost_of_move(asic::SimulationMode mode, uint16_t steps) {
  return cost_of(mode, [steps](AsicBench& bench) {
    bench.start_move(steps, regs::StepMode::kFull, 2000);
    ASSERT_TRUE(bench.wait_for_irq(ns(2'000'000'000)));
  });
}

// Register reads back to back, the motor idle.
WorkCost cost_of_reads(asic::SimulationMode mode, int frames) {
  return cost_of(mode, [frames](AsicBench& bench) {
    for (int frame = 0; frame < frames; ++frame) bench.read(regs::reg::kFault);
  });
}

TEST(AsicCosim, DecoupledModeSynchronisesOncePerBatchNotPerCycle) {
  use_twin_time_resolution();
  const WorkCost cost = cost_of_move(asic::SimulationMode::kDecoupled, 500);
  EXPECT_GE(cost.cycles, 1'000'000u);
  // Batches of up to 1 ms (1000 cycles) while nothing else is scheduled.
  EXPECT_LT(cost.syncs, cost.cycles / 500);
}

// Quiet cycles (the chopper holding its bridges, counters counting) are clocked as one edge in
// decoupled mode and one edge per cycle in lockstep; the cycle count is the same.
TEST(AsicCosim, DecoupledModeClocksQuietCyclesInBulk) {
  use_twin_time_resolution();
  const WorkCost cost = cost_of_move(asic::SimulationMode::kDecoupled, 100);
  // 101 periods of 2 ms (the first holds the position) and the frames that set the move up.
  EXPECT_GE(cost.cycles, 202'000u);
  EXPECT_LE(cost.cycles, 203'000u);
  // A 20 kHz PWM period (50 cycles) holds a few edges that compare: period start and the trip
  // of each phase.
  EXPECT_LT(cost.edges, cost.cycles / 8);
  EXPECT_GT(cost.edges, cost.cycles / 50);
}

// A frame keeps the core clock running for 267 cycles (chip select low and three cycles after
// it). Lockstep evaluates each; decoupled mode takes the frame's pin changes into bulk edges:
// the first cycle, a bulk edge up to the register read, the read's own cycle, a bulk edge up to
// the frame's end, and its end (the two cycles where the slave meets the chip stay single).
TEST(AsicCosim, DecoupledModeTakesAFrameInAFewEdges) {
  use_twin_time_resolution();
  const WorkCost cost = cost_of_reads(asic::SimulationMode::kDecoupled, 100);
  EXPECT_EQ(cost.cycles, 100u * 267);
  EXPECT_EQ(cost.edges, 100u * 5);
}

TEST(AsicCosim, LockstepClocksEveryCycleOfAFrame) {
  use_twin_time_resolution();
  const WorkCost cost = cost_of_reads(asic::SimulationMode::kLockstep, 100);
  EXPECT_EQ(cost.cycles, 100u * 267);
  EXPECT_EQ(cost.edges, cost.cycles);
}

TEST(AsicCosim, LockstepClocksEveryCycle) {
  use_twin_time_resolution();
  const WorkCost cost = cost_of_move(asic::SimulationMode::kLockstep, 100);
  EXPECT_EQ(cost.edges, cost.cycles);
  EXPECT_GE(cost.cycles, 202'000u);
}

TEST(AsicCosim, TraceWindowIsWrittenAsVcd) {
  use_twin_time_resolution();
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("asic_trace_" + std::to_string(getpid()) + ".vcd");
  {
    asic::MotorDriverAsicConfig config;
    config.trace = {path.string(), ns(5'000'000), ns(9'000'000)};
    AsicBench bench(config);
    bench.run([&] {
      bench.start_move(10, regs::StepMode::kFull, 2000);
      sc_core::wait(ns(30'000'000));
    });
  }
  std::ifstream vcd(path);
  ASSERT_TRUE(vcd.good());
  std::string line;
  bool definitions_done = false;
  uint64_t first = 0, last = 0;
  size_t stamps = 0;
  while (std::getline(vcd, line)) {
    if (line.find("$enddefinitions") != std::string::npos) definitions_done = true;
    if (!line.empty() && line[0] == '#') {
      const uint64_t t = std::stoull(line.substr(1));
      if (stamps++ == 0) first = t;
      last = t;
    }
  }
  std::filesystem::remove(path);
  EXPECT_TRUE(definitions_done);
  EXPECT_GT(stamps, 7000u);  // two edges per µs over most of the 4 ms window
  EXPECT_GE(first, 5'000'000u);
  EXPECT_LE(last, 9'000'000u);
}

}  // namespace
}  // namespace pumptwin::testing
