// Pitfall: stores to SRAM are slow in Unicorn 2.0.1 (docs/performance.md, "Host time"). It keeps
// no dirty-memory bitmap, so every guest store to RAM takes QEMU's `notdirty_write` path, which
// builds and frees a page collection: heap allocations on every store, none on a load. The ISS
// cannot take stores off that path, but it must not make it worse: SRAM is RAM to Unicorn (no
// MMIO callback, so the bus never sees a store), and without a debugger no hook of the ISS's runs
// on a store. Counted, not timed: this executable counts the heap allocations made while the
// core runs a loop of SRAM stores and one of SRAM loads (tests/twin/mcu_images/core_test.S).
// Not built with the sanitizers, whose allocator the counting malloc below would bypass.
#include <gtest/gtest.h>

#include <unicorn/unicorn.h>

#include <cstdio>
#include <cstdlib>

#include "m0plus_core_fixture.h"
#include "m0plus_memory_map.h"

namespace {
bool counting = false;
uint64_t allocations = 0;
}  // namespace

// glibc's allocator under every malloc of the process (Unicorn's included), counting its calls
// while `counting` is set. free, calloc and realloc stay glibc's; they accept its blocks.
extern "C" void* __libc_malloc(size_t size);
extern "C" void* malloc(size_t size) noexcept {
  if (counting) ++allocations;
  return __libc_malloc(size);
}

namespace pumptwin::mcu {
namespace {

class M0PlusStorePath : public M0PlusCoreFixture {
 protected:
  // Runs `routine` with r0 = `address`, r1 = `count` in 1 ms quanta until WFI; returns the heap
  // allocations made meanwhile.
  uint64_t allocations_running(const char* routine, uint32_t address, uint32_t count) {
    start_at(routine);
    core_->write_register(UC_ARM_REG_R0, address);
    core_->write_register(UC_ARM_REG_R1, count);
    allocations = 0;
    counting = true;
    const M0PlusCore::Stop stop = run_to_sleep(8000, 10'000);
    counting = false;
    EXPECT_EQ(stop, M0PlusCore::Stop::kWfi);
    return allocations;
  }
};

TEST_F(M0PlusStorePath, SramStoresTakeUnicornsPathAndNothingOfTheIss) {
  constexpr uint32_t kCount = 100'000;
  constexpr uint32_t kWord = memory_map::kSramBase + 0x100;
  // Once first, so that translating the loops is not counted.
  allocations_running("store_loop", kWord, 10);
  allocations_running("load_loop", kWord, 10);
  const uint64_t stores = allocations_running("store_loop", kWord, kCount);
  const uint64_t loads = allocations_running("load_loop", kWord, kCount);
  const unsigned version = uc_version(nullptr, nullptr);
  std::printf("Unicorn %u.%u.%u: %.2f heap allocations per SRAM store, %.2f per SRAM load\n",
              version >> 24, (version >> 16) & 0xFF, (version >> 8) & 0xFF,
              static_cast<double>(stores) / kCount, static_cast<double>(loads) / kCount);
  uint32_t last = 0;
  ASSERT_TRUE(core_->read_memory(kWord, reinterpret_cast<uint8_t*>(&last), sizeof last));
  EXPECT_EQ(last, kCount - 1);
  // SRAM is RAM to Unicorn: no store or load of either loop reached the bus.
  EXPECT_EQ(bus_.writes.size(), 0u);
  EXPECT_EQ(bus_.reads, 0u);
  // Loads take the fast path: no allocation per load (a few for the quanta at most).
  EXPECT_LT(loads, kCount / 100);
  // Stores: Unicorn 2.0.1's slow path (4 allocations a store, the same in a stand-alone
  // Unicorn program) and nothing more from the ISS. A later Unicorn may take fewer.
  EXPECT_LE(stores, 4u * kCount + kCount / 100);
}

}  // namespace
}  // namespace pumptwin::mcu
