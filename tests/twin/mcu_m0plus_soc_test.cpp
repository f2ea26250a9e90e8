// The image's MCU as a whole (twin/mcu/m0plus_soc.h: the core, its system control block and the
// supply current of the Mcu module) on the platform's board, running the small program
// mcu_images/soc_test.S from reset: VTOR relocates the vector table, ICSR's pend bits set and
// clear, AIRCR's SYSRESETREQ resets the MCU only under its VECTKEY, and a busy core draws the
// MCU's active current where a sleeping one draws its sleep current. The program writes what it
// reads to SRAM; its symbols give the addresses. Each test runs in its own process.
#include <gtest/gtest.h>

#include <string>

#include "m0plus_memory_map.h"
#include "m0plus_soc.h"
#include "platform.h"

namespace pumptwin::platform {
namespace {

using pumpfw::hal::ResetCause;
using sc_core::SC_SEC;
using sc_core::sc_time;

PlatformConfig soc_test_config() {
  PlatformConfig config;
  std::string error;
  config.mcu.image = mcu::FirmwareImage::load(PUMPTWIN_MCU_SOC_TEST_IMAGE, error);
  if (!config.mcu.image) ADD_FAILURE() << error;
  return config;
}

class M0PlusSocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Platform::use_time_resolution();
    platform_ = std::make_unique<Platform>("platform", soc_test_config());
  }
  // Runs the platform for `seconds` of simulated time.
  void run_for(double seconds) {
    platform_->run([seconds] { sc_core::wait(sc_time(seconds, SC_SEC)); });
  }
  uint32_t symbol(const char* name) const {
    const auto value = platform_->mcu.image()->image().symbol(name);
    EXPECT_TRUE(value.has_value()) << name;
    return value.value_or(0);
  }
  // The word the program wrote at `results` + the offset named `what` in soc_test.S.
  uint32_t result(const char* what) const {
    uint32_t word = 0;
    EXPECT_TRUE(platform_->mcu.image()->core().read_memory(
        symbol("results") + symbol(what), reinterpret_cast<uint8_t*>(&word), sizeof word));
    return word;
  }
  std::unique_ptr<Platform> platform_;
};

// Out of reset VTOR is 0 and PendSV is taken through the table there; pointed at another table,
// PendSV and SysTick are taken through that one (whose handler reads VECTACTIVE = 14 in ICSR).
// The software reset puts VTOR back to 0.
TEST_F(M0PlusSocTest, VtorRelocatesTheVectorTable) {
  run_for(0.05);
  EXPECT_EQ(result("VTOR_OUT_OF_RESET"), 0u);
  EXPECT_EQ(result("PENDSV_AT_ZERO"), 1u);
  EXPECT_EQ(result("VTOR_RELOCATED"), symbol("relocated_vectors"));
  EXPECT_NE(symbol("relocated_vectors"), 0u);
  EXPECT_EQ(result("PENDSV_RELOCATED"), 1u);
  EXPECT_EQ(result("SYSTICK_RELOCATED"), 1u);
  EXPECT_EQ(result("SYSTICK_AT_ZERO"), 0u);
  EXPECT_EQ(result("ICSR_IN_HANDLER"), mcu::memory_map::kExceptionPendSv);
  EXPECT_EQ(result("VTOR_AFTER_RESET"), 0u);
  EXPECT_EQ(result("FAULTS"), 0u);
}

// With PRIMASK set, PENDSVSET and PENDSTSET read back as set in ICSR and their CLR bits clear
// them, and nothing is taken.
TEST_F(M0PlusSocTest, IcsrPendBitsSetAndClear) {
  namespace scs = mcu::memory_map::scs;
  run_for(0.05);
  EXPECT_EQ(result("ICSR_PENDSV_SET"), scs::kIcsrPendSvSet);
  EXPECT_EQ(result("ICSR_PENDSV_CLEARED"), 0u);
  EXPECT_EQ(result("ICSR_SYSTICK_SET"), scs::kIcsrPendStSet);
  EXPECT_EQ(result("ICSR_SYSTICK_CLEARED"), 0u);
}

// AIRCR reads VECTKEYSTAT; SYSRESETREQ under a wrong key is ignored, under VECTKEY it resets
// the MCU at once (the store after it never runs), and the new instance reads SOFTWARE in
// RSTC.CAUSE.
TEST_F(M0PlusSocTest, AircrResetsOnlyUnderItsVectKey) {
  run_for(0.05);
  EXPECT_EQ(result("AIRCR_READ"), mcu::memory_map::scs::kAircrVectKeyStat);
  EXPECT_EQ(result("AFTER_WRONG_KEY"), 0xC0DEu);
  EXPECT_EQ(result("AFTER_VECTKEY"), 0u);
  EXPECT_EQ(platform_->mcu.boots(), 2u);
  EXPECT_EQ(platform_->mcu.boots(ResetCause::kPowerOn), 1u);
  EXPECT_EQ(platform_->mcu.boots(ResetCause::kSoftware), 1u);
  EXPECT_EQ(platform_->mcu.last_reset_cause(), ResetCause::kSoftware);
  EXPECT_EQ(result("CAUSE_AFTER_RESET"), pumpfw::port::mcu::rstc::kSoftware);
}

// The CPU's active time draws the MCU's active current, its sleep the sleep current
// (McuConfig: 1.2 mA and 2 uA, docs/platform.md "MCU model"): after the reset the program keeps
// the core busy for a second, then sleeps in WFI. Over 0.8 s busy the MCU draws 0.8 s at the
// active current, over 0.8 s asleep 0.8 s at the sleep current; and over the whole run its charge
// is the core's active time at the active current and the rest (reset, start-up, sleep) at the
// sleep current.
TEST_F(M0PlusSocTest, ABusyCoreDrawsTheActiveCurrentAndASleepingOneTheSleepCurrent) {
  const mcu::McuConfig& config = platform_->config().mcu;
  double busy_as = 0.0;
  double asleep_as = 0.0;
  mcu::McuState busy_state = mcu::McuState::kOff;
  mcu::McuState asleep_state = mcu::McuState::kOff;
  mcu::M0PlusStats stats{};
  double total_as = 0.0;
  double end_s = 0.0;
  platform_->run([&] {
    sc_core::wait(sc_time(0.1, SC_SEC));
    const double busy_from_as = platform_->mcu.charge_drawn_as();
    sc_core::wait(sc_time(0.8, SC_SEC));
    busy_as = platform_->mcu.charge_drawn_as() - busy_from_as;
    busy_state = platform_->mcu.state();
    sc_core::wait(sc_time(1.1, SC_SEC) - sc_core::sc_time_stamp());
    const double asleep_from_as = platform_->mcu.charge_drawn_as();
    sc_core::wait(sc_time(0.8, SC_SEC));
    asleep_as = platform_->mcu.charge_drawn_as() - asleep_from_as;
    asleep_state = platform_->mcu.state();
    stats = platform_->mcu.image()->stats();
    total_as = platform_->mcu.charge_drawn_as();
    end_s = sc_core::sc_time_stamp().to_seconds();
  });
  EXPECT_EQ(busy_state, mcu::McuState::kRunning);
  EXPECT_EQ(asleep_state, mcu::McuState::kAsleep);
  EXPECT_NEAR(busy_as, 0.8 * config.active_current_a, 1e-12);
  EXPECT_NEAR(asleep_as, 0.8 * config.sleep_current_a, 1e-12);
  // 8 000 000 cycles of the loop at 8 MHz, and the few hundred before and after it.
  const double active_s = static_cast<double>(stats.active_ns) / 1e9;
  EXPECT_GT(active_s, 1.0);
  EXPECT_LT(active_s, 1.005);
  EXPECT_NEAR(total_as,
              active_s * config.active_current_a + (end_s - active_s) * config.sleep_current_a,
              1e-12);
}

}  // namespace
}  // namespace pumptwin::platform
