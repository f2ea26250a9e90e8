// The Cortex-M0+ core on Unicorn (twin/mcu/m0plus_core.h): the cycle table, and each Unicorn
// 2.0.1 pitfall the core works around, on the small programs of images/core_test.S
// (m0plus_core_fixture.h: no SystemC, a bus that records the accesses stands in for the
// peripherals).
#include <gtest/gtest.h>

#include <unicorn/unicorn.h>

#include <set>
#include <vector>

#include "m0plus_core_fixture.h"
#include "m0plus_memory_map.h"

namespace pumptwin::mcu {
namespace {

class M0PlusCoreTest : public M0PlusCoreFixture {};

TEST_F(M0PlusCoreTest, ResetLoadsStackPointerAndEntryFromTheVectorTable) {
  EXPECT_EQ(reg(UC_ARM_REG_SP), 0x20004000u);
  EXPECT_EQ(reg(UC_ARM_REG_PC), address_of("reset"));
  EXPECT_EQ(core_->ipsr(), 0u);
}

// ADDS 1 + CMP 1 + BNE taken 2 = 4 cycles an iteration; the last BNE falls through (1) and
// WFI takes 1: 4 N + 1 for N iterations, with the MOVS before the loop.
TEST_F(M0PlusCoreTest, CountsCyclesByTheCortexM0PlusTable) {
  constexpr uint32_t kIterations = 1000;
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, kIterations);
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(reg(UC_ARM_REG_R0), kIterations);
  EXPECT_EQ(core_->cycles(), 4u * kIterations + 1);
  EXPECT_EQ(core_->instructions(), 1u + 3u * kIterations + 1);
  EXPECT_EQ(core_->take_pending_cycles(), 4u * kIterations + 1);
  EXPECT_EQ(core_->pending_cycles(), 0u);
}

TEST(M0PlusCycleTable, LoadsStoresPushPopAndBranches) {
  const auto cycles = [](std::vector<uint16_t> code) {
    bool conditional = false;
    return M0PlusCore::cycles_of_block(reinterpret_cast<const uint8_t*>(code.data()),
                                       static_cast<uint32_t>(2 * code.size()), conditional);
  };
  EXPECT_EQ(cycles({0x6808}), 2u);          // ldr r0, [r1]
  EXPECT_EQ(cycles({0x9001}), 2u);          // str r0, [sp, #4]
  EXPECT_EQ(cycles({0xb5f0}), 6u);          // push {r4-r7, lr}: 1 + 5
  EXPECT_EQ(cycles({0xbdf0}), 7u);          // pop {r4-r7, pc}: 3 + 4
  EXPECT_EQ(cycles({0xc90c}), 3u);          // ldmia r1!, {r2, r3}: 1 + 2
  EXPECT_EQ(cycles({0xf000, 0xf800}), 3u);  // bl
  EXPECT_EQ(cycles({0x4770}), 2u);          // bx lr
  EXPECT_EQ(cycles({0xe7fe}), 2u);          // b .
  EXPECT_EQ(cycles({0x4348}), 1u);          // muls r0, r1 (single-cycle multiplier)
  EXPECT_EQ(cycles({0xf3bf, 0x8f4f}), 3u);  // dsb
  bool conditional = false;
  const uint16_t bne[] = {0x3001, 0xd1fd};  // adds r0, #1; bne
  EXPECT_EQ(M0PlusCore::cycles_of_block(reinterpret_cast<const uint8_t*>(bne), 4, conditional), 2u);
  EXPECT_TRUE(conditional);
}

// Pitfall: stopping from the block hook. A stop at each quantum's end must resume at the
// stopped block, without running it twice or skipping it: the count and the cycles come out
// as in one run, whatever the quantum.
TEST_F(M0PlusCoreTest, QuantumStopsResumeAtTheStoppedBlock) {
  constexpr uint32_t kIterations = 100'000;
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, kIterations);
  ASSERT_EQ(run_to_sleep(997), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(reg(UC_ARM_REG_R0), kIterations);
  EXPECT_EQ(core_->cycles(), 4u * kIterations + 1);
  EXPECT_EQ(reg(UC_ARM_REG_PC), address_of("count_loop_wfi") + 2);
}

// Pitfall: `count` in uc_emu_start. Switching it between zero and non-zero flushes the
// translation cache: every quantum would translate (and chain) the loop again. The core never
// does, so the loop's blocks are chained once however many quanta it runs in.
TEST_F(M0PlusCoreTest, QuantaDoNotRetranslateTheCode) {
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, 10);
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  const uint64_t after_first_run = core_->translations();
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, 200'000);
  ASSERT_EQ(run_to_sleep(100), M0PlusCore::Stop::kWfi);
  EXPECT_LE(core_->translations(), after_first_run + 2);
}

// Pitfall: never stop inside an MMIO callback, or the store is replayed on resume. Stores to a
// peripheral across thousands of quantum stops each arrive once, in order.
TEST_F(M0PlusCoreTest, PeripheralStoresArriveOnceAcrossQuantumStops) {
  constexpr uint32_t kStores = 5000;
  start_at("store_loop");
  core_->write_register(UC_ARM_REG_R0, memory_map::kPeripheralBase + 8);
  core_->write_register(UC_ARM_REG_R1, kStores);
  ASSERT_EQ(run_to_sleep(7), M0PlusCore::Stop::kWfi);
  ASSERT_EQ(bus_.writes.size(), kStores);
  for (uint32_t i = 0; i < kStores; ++i) {
    ASSERT_EQ(bus_.writes[i].address, memory_map::kPeripheralBase + 8);
    ASSERT_EQ(bus_.writes[i].value, i);
  }
}

// Pitfall: the core model. Opened as MCLASS alone, Unicorn gives an M33 that runs UDIV; the
// Cortex-M0 model refuses it: HardFault, with the frame stacked by the core (Unicorn has no
// exception entry), and the handler's `bx lr` to EXC_RETURN unstacks it (Unicorn has no
// exception return either).
TEST_F(M0PlusCoreTest, UdivIsUndefinedAndTakesHardFaultWhichReturns) {
  start_at("undefined_udiv");
  const uint32_t sp_before = reg(UC_ARM_REG_SP);
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(core_->faults(), 1u);
  EXPECT_STREQ(core_->last_fault().what, "undefined instruction");
  EXPECT_EQ(core_->last_fault().pc, address_of("udiv_instruction"));
  EXPECT_EQ(reg(UC_ARM_REG_R5), memory_map::kExceptionHardFault);  // IPSR in the handler
  EXPECT_EQ(reg(UC_ARM_REG_R6), address_of("udiv_instruction"));   // the stacked PC
  EXPECT_EQ(reg(UC_ARM_REG_R2), 42u);                              // resumed after the UDIV
  EXPECT_EQ(reg(UC_ARM_REG_R0), 7u);                               // r0 restored from the frame
  EXPECT_EQ(reg(UC_ARM_REG_SP), sp_before);
  EXPECT_EQ(core_->ipsr(), 0u);
  EXPECT_FALSE(core_->locked_up());
}

// An interrupt taken from thread mode runs its handler and returns to where it was.
TEST_F(M0PlusCoreTest, InterruptEntryAndReturn) {
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, 1000);
  ASSERT_EQ(core_->run(400), M0PlusCore::Stop::kQuantum);
  ASSERT_TRUE(core_->enter_exception(memory_map::kExceptionIrq0));
  EXPECT_EQ(core_->ipsr(), memory_map::kExceptionIrq0);
  EXPECT_EQ(reg(UC_ARM_REG_LR), 0xFFFFFFF9u);
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(reg(UC_ARM_REG_R7), 1u);
  EXPECT_EQ(reg(UC_ARM_REG_R0), 1000u);
  EXPECT_EQ(core_->ipsr(), 0u);
  EXPECT_EQ(reg(UC_ARM_REG_SP), 0x20004000u);
}

TEST_F(M0PlusCoreTest, BadAddressTakesHardFault) {
  start_at("bad_load");
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(core_->faults(), 1u);
  EXPECT_STREQ(core_->last_fault().what, "bad read address");
  EXPECT_EQ(core_->last_fault().address, 0x30000000u);
}

// A stack that overflows out of SRAM: the push faults, and so does stacking the HardFault
// frame below SRAM, so the core locks up (ARMv6-M B1.5.15) and runs nothing more.
TEST_F(M0PlusCoreTest, StackOverflowLocksUp) {
  start_at("stack_overflow");
  EXPECT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kLockup);
  EXPECT_TRUE(core_->locked_up());
  EXPECT_STREQ(core_->last_fault().what, "bad write address");
  EXPECT_EQ(core_->run(1000), M0PlusCore::Stop::kLockup);
  core_->reset();
  EXPECT_FALSE(core_->locked_up());
}

// Redirects the core once, from inside its instruction hook, as GDB's P or G packet does: PC
// written as GDB writes it, without the Thumb bit.
struct Redirector final : M0PlusDebugger {
  M0PlusCore* core = nullptr;
  uint32_t from = 0;
  uint32_t to = 0;
  int redirects = 0;
  void before_instruction(uint32_t address) override {
    if (address == from && redirects++ == 0) core->write_register(UC_ARM_REG_PC, to);
  }
  void after_store(uint32_t, uint32_t) override {}
};

// Pitfall: Unicorn takes bit 0 of a PC write as the Thumb state, and a Cortex-M out of Thumb
// state faults at its next instruction. PC written from a hook without it: the core stays in
// Thumb state and goes on at the new PC (here the store loop instead of the count loop).
TEST_F(M0PlusCoreTest, PcWrittenFromAHookGoesOnThereInThumbState) {
  Redirector redirector;
  redirector.core = core_.get();
  redirector.from = address_of("count_loop");
  redirector.to = address_of("store_loop");
  core_->attach_debugger(redirector);
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R0, memory_map::kPeripheralBase + 8);
  core_->write_register(UC_ARM_REG_R1, 3);
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  EXPECT_EQ(redirector.redirects, 1);
  EXPECT_EQ(core_->faults(), 0u) << core_->last_fault().what;
  ASSERT_EQ(bus_.writes.size(), 3u);
  EXPECT_EQ(bus_.writes[2].value, 2u);
}

// Every instruction's address as a debugger sees it, the reference for executed_ranges().
struct InstructionRecorder final : M0PlusDebugger {
  std::set<uint32_t> executed;
  void before_instruction(uint32_t address) override { executed.insert(address); }
  void after_store(uint32_t, uint32_t) override {}
};

// Image coverage (pumpbench --image-coverage): the recorded ranges hold exactly the
// instructions that ran, here a loop, an interrupt handler and its return, and a HardFault
// handler; nothing else of the image (the reset loop, the other routines) appears in them.
TEST_F(M0PlusCoreTest, ExecutedRangesHoldExactlyTheInstructionsThatRan) {
  InstructionRecorder recorder;
  core_->attach_debugger(recorder);
  start_at("count_loop");
  core_->write_register(UC_ARM_REG_R1, 1000);
  ASSERT_EQ(core_->run(400), M0PlusCore::Stop::kQuantum);
  ASSERT_TRUE(core_->enter_exception(memory_map::kExceptionIrq0));
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  start_at("undefined_udiv");
  ASSERT_EQ(run_to_sleep(1'000'000), M0PlusCore::Stop::kWfi);
  ASSERT_EQ(core_->faults(), 1u);

  std::set<uint32_t> in_ranges;
  uint32_t previous_end = 0;
  for (const auto& [begin, end] : core_->executed_ranges()) {
    EXPECT_LT(previous_end, begin) << "ranges sorted, disjoint and not adjacent";
    previous_end = end;
    for (uint32_t at = begin; at < end;) {
      in_ranges.insert(at);
      uint8_t code[2] = {};
      ASSERT_TRUE(core_->read_memory(at, code, 2));
      at += (code[1] >> 3) >= 0x1D ? 4 : 2;  // a 32-bit Thumb instruction's first halfword
    }
  }
  EXPECT_EQ(in_ranges, recorder.executed);
  EXPECT_EQ(in_ranges.count(address_of("count_loop")), 1u);
  EXPECT_EQ(in_ranges.count(address_of("irq0")), 1u);
  EXPECT_EQ(in_ranges.count(address_of("hard_fault")), 1u);
  EXPECT_EQ(in_ranges.count(address_of("udiv_instruction")), 1u);
  EXPECT_EQ(in_ranges.count(address_of("reset")), 0u);
  EXPECT_EQ(in_ranges.count(address_of("store_loop")), 0u);
}

}  // namespace
}  // namespace pumptwin::mcu
