// Step commands through SPI: step counts, phase sequences, step period, chopping, stall.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "asic_bench.h"

namespace pumptwin::testing {
namespace {

struct PhaseChange {
  uint64_t time_ns;
  uint8_t a;
  uint8_t b;
};

constexpr uint8_t kPositive = 1;
constexpr uint8_t kNegative = 2;

TEST(AsicStepping, ProbeRiseTimes) {
  use_twin_time_resolution();
  asic::MotorDriverAsicConfig cfg; cfg.trace = {"/tmp/asic.vcd", ns(0), ns(5000000)};
  AsicBench bench(cfg);
  std::vector<PhaseChange> changes;
  bench.asic.set_phase_observer([&](uint64_t t, uint8_t a, uint8_t b) { changes.push_back({t, a, b}); });
  bench.run([&] {
    std::printf("chip id %x rev %x\n", bench.read(regs::reg::kChipId), bench.read(regs::reg::kRevision));
    bench.write(regs::reg::kIntMask, regs::field::kIntStatusMoveDone.mask() | regs::field::kIntStatusFaults.mask());
    bench.write(regs::reg::kStallConfig, 0);
    const uint64_t t0 = now_ns();
    bench.start_move(40, regs::StepMode::kFull, 2000);
    std::printf("ctrl %x period %u status %x fault %x remaining %u cycles %llu t=%llu\n", bench.read(regs::reg::kCtrl), bench.read(regs::reg::kStepPeriod), bench.read(regs::reg::kStatus), bench.read(regs::reg::kFault), bench.read(regs::reg::kStepsRemaining), (unsigned long long)bench.asic.core_cycles_evaluated(), (unsigned long long)now_ns());
    ASSERT_TRUE(bench.wait_for_irq(ns(200'000'000)));
    const uint64_t t1 = now_ns();
    std::printf("move took %.3f ms, total steps %u, rotor steps %lld, volume %.3f uL cycles %llu syncs %llu\n",
                (t1 - t0) / 1e6, bench.total_steps(), (long long)bench.drive_train.rotor_full_steps(),
                bench.drive_train.displaced_volume_ul(), (unsigned long long)bench.asic.core_cycles_evaluated(),
                (unsigned long long)bench.asic.sync_points());
  });
}

}  // namespace
}  // namespace pumptwin::testing
