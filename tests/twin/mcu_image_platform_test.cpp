// The shipped firmware image (firmware/ports/cortex-m0plus, built by the normal build) on the
// Cortex-M0+ ISS in the whole platform: it boots, sleeps in WFI and wakes on interrupts, talks
// to the clinician programmer (UART, HASH0, TRNG0), survives a torn NVM write; a HardFault and a
// lock-up end in the ASIC's watchdog reset, which the firmware then reads from RSTC.CAUSE, and
// its software reset through AIRCR reboots it. Each test runs in its own process.
#include <gtest/gtest.h>

#include <unicorn/unicorn.h>

#include <cstdio>
#include <functional>
#include <optional>

#include "../support/sc_wait.h"
#include "app/drug_library.h"
#include "m0plus_memory_map.h"
#include "m0plus_soc.h"
#include "platform.h"

namespace pumptwin::platform {
namespace {

using pumpfw::hal::ResetCause;
using pumptwin::testing::wait_until;
using sc_core::SC_SEC;
using sc_core::sc_time;

constexpr auto kMorphine = static_cast<uint8_t>(pumpfw::app::DrugId::kMorphine);
constexpr uint32_t kTwoMgPerDayNg = 2'000'000;
constexpr uint32_t kThreeMgPerDayNg = 3'000'000;

double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

PlatformConfig image_config() {
  PlatformConfig config;
  std::string error;
  config.mcu.image = mcu::FirmwareImage::load(PUMPFW_M0PLUS_ELF, error);
  if (!config.mcu.image) ADD_FAILURE() << error;
  return config;
}

// Refilled with morphine and programmed to 2 mg/day through the programmer a second after
// power-on, then 10 min of therapy (from a SystemC thread).
bool start_therapy(Platform& platform) {
  sc_core::wait(sc_time(1, SC_SEC));
  if (!platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted()) return false;
  if (!platform.programmer.program_continuous(kTwoMgPerDayNg).accepted()) return false;
  sc_core::wait(sc_time(600, SC_SEC));
  return true;
}

// Boot: the reset handler, .data/.bss, the event-log recovery over blank FRAM, the first SPI
// frames; then the core sleeps in WFI and costs nothing while it sleeps.
TEST(ImagePlatform, BootsTalksToTheAsicAndSleepsInWfi) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  double first_status_s = -1.0;
  mcu::M0PlusStats at_10s{};
  mcu::M0PlusStats at_1h{};
  platform.run([&] {
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware_status().has_value(); },
                           sc_time(1, SC_SEC), sc_time(0.001, SC_SEC)));
    first_status_s = now_s();
    sc_core::wait(sc_time(10, SC_SEC) - sc_core::sc_time_stamp());
    at_10s = platform.mcu.image()->stats();
    sc_core::wait(sc_time(3600, SC_SEC) - sc_core::sc_time_stamp());
    at_1h = platform.mcu.image()->stats();
  });
  std::printf(
      "first pass done at %.1f ms; in the first hour %llu instructions, %.1f ms active, "
      "%llu WFI sleeps\n",
      first_status_s * 1e3, static_cast<unsigned long long>(at_1h.instructions),
      at_1h.active_ns / 1e6, static_cast<unsigned long long>(at_1h.wfi_sleeps));
  // The boot's ~30 ms of table-driven CRC over blank FRAM at 8 MHz, plus the 0.5 ms start-up.
  EXPECT_GT(first_status_s, 0.02);
  EXPECT_LT(first_status_s, 0.5);
  EXPECT_GT(platform.mcu.spi_frames(), 5u);
  EXPECT_EQ(platform.mcu.boots(), 1u);
  EXPECT_EQ(at_1h.faults, 0u);
  // The core sleeps: after the boot's ~30 ms, an idle hour's housekeeping (watchdog kicks every
  // 30 s, the hourly battery reading) keeps it awake for ~15 ms more.
  EXPECT_GT(at_1h.wfi_sleeps, at_10s.wfi_sleeps + 100);
  EXPECT_GT(at_1h.active_ns, at_10s.active_ns + 5'000'000u);
  EXPECT_GT(at_1h.active_ns, 35'000'000u);
  EXPECT_LT(at_1h.active_ns, 500'000'000u);
  EXPECT_EQ(at_1h.cycles * mcu::M0PlusSoc::kNsPerCycle, at_1h.active_ns);
}

// A command over the telemetry link: UART0's receive interrupt wakes the core from WFI at once
// (not at its next RTC wake-up), and the answer is authenticated through HASH0.
TEST(ImagePlatform, UartByteWakesTheCoreAndTheProgrammerIsAnswered) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  PumpStatus status;
  TelemetryReply reply;
  double answer_s = 0.0;
  platform.run([&] {
    sc_core::wait(sc_time(5, SC_SEC));
    const double asked_s = now_s();
    reply = platform.programmer.interrogate(status);
    answer_s = now_s() - asked_s;
  });
  std::printf("interrogation answered in %.3f s\n", answer_s);
  ASSERT_TRUE(reply.accepted());
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kPowerOn));
  // The exchange is a few dozen bytes each way at 19200 Bd (~0.5 ms a byte): well under the
  // firmware's idle wake-up interval, so the answer cannot have waited for a timer.
  EXPECT_LT(answer_s, 1.0);
}

// The core faults (a fetch from where nothing is mapped): HardFault runs the firmware's trap,
// which stops kicking the ASIC's watchdog; the watchdog resets the MCU within its 60 s, and the
// new instance reads the cause from RSTC.CAUSE (one-hot) and reports a watchdog reset.
TEST(ImagePlatform, HardFaultEndsInWatchdogResetReadFromRstc) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  double reset_after_s = -1.0;
  mcu::M0PlusFault fault{};
  PumpStatus status;
  platform.run([&] {
    ASSERT_TRUE(start_therapy(platform));
    ASSERT_EQ(platform.mcu.state(), mcu::McuState::kAsleep);
    // The core resumes at an address in no memory when it next wakes.
    platform.mcu.image()->core().write_register(UC_ARM_REG_PC, 0x30000000);
    const double fault_s = now_s();
    sc_core::wait(sc_time(120, SC_SEC), platform.asic.reset_request.posedge_event());
    ASSERT_TRUE(platform.asic.reset_request.read()) << "no watchdog reset within 120 s";
    reset_after_s = now_s() - fault_s;
    fault = platform.mcu.image()->stats().last_fault;
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware_status().has_value(); },
                           sc_time(2, SC_SEC), sc_time(0.001, SC_SEC)));
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  std::printf("watchdog reset %.1f s after the fault at pc 0x%08x (%s)\n", reset_after_s, fault.pc,
              fault.what);
  EXPECT_EQ(fault.pc, 0x30000000u);
  EXPECT_STREQ(fault.what, "bad instruction address");
  EXPECT_GT(reset_after_s, 0.0);
  EXPECT_LE(reset_after_s, 61.0);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kWatchdog), 1u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kWatchdog));
  EXPECT_EQ(status.basal_daily_dose_ng, kTwoMgPerDayNg);  // restored from FRAM
}

// Where the image's code for `name` starts (Thumb bit cleared), as its symbol table gives it.
uint32_t code_address(Platform& platform, const char* name) {
  const std::optional<uint32_t> address = platform.mcu.image()->image().symbol(name);
  EXPECT_TRUE(address.has_value()) << name;
  return address.value_or(0) & ~1u;
}

// The firmware's software reset (M0PlusHal::request_reset: SYSRESETREQ under VECTKEY in AIRCR),
// entered while therapy runs: the MCU resets at once, the new instance reads SOFTWARE from
// RSTC.CAUSE, and therapy goes on from FRAM. The firmware asks for it when the ASIC reports an
// expired watchdog yet the MCU still runs; the board's reset line always works, so the test
// sends the core there when it next wakes.
TEST(ImagePlatform, SoftwareResetThroughAircrRebootsAndTherapyGoesOn) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  double reset_after_s = -1.0;
  uint64_t reservoir_at_boot_nl = 0;
  uint64_t reservoir_later_nl = 0;
  PumpStatus status;
  platform.run([&] {
    ASSERT_TRUE(start_therapy(platform));
    ASSERT_EQ(platform.mcu.state(), mcu::McuState::kAsleep);
    platform.mcu.image()->core().write_register(
        UC_ARM_REG_PC, code_address(platform, "_ZN6pumpfw4port9M0PlusHal13request_resetEv"));
    const double sent_s = now_s();
    ASSERT_TRUE(wait_until([&] { return platform.mcu.boots() == 2; }, sc_time(60, SC_SEC),
                           sc_time(0.001, SC_SEC)));
    reset_after_s = now_s() - sent_s;
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware_status().has_value(); },
                           sc_time(2, SC_SEC), sc_time(0.001, SC_SEC)));
    reservoir_at_boot_nl = platform.mcu.firmware_status()->reservoir_volume_nl;
    sc_core::wait(sc_time(600, SC_SEC));
    reservoir_later_nl = platform.mcu.firmware_status()->reservoir_volume_nl;
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  std::printf(
      "software reset %.3f s after the core was sent to request_reset; reservoir %llu nL "
      "at the reboot, %llu nL 10 min later\n",
      reset_after_s, static_cast<unsigned long long>(reservoir_at_boot_nl),
      static_cast<unsigned long long>(reservoir_later_nl));
  // The core goes there at its next wake-up (at most the 30 s kick interval).
  EXPECT_LE(reset_after_s, 31.0);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kSoftware), 1u);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kWatchdog), 0u);
  EXPECT_EQ(platform.mcu.last_reset_cause(), ResetCause::kSoftware);
  EXPECT_EQ(platform.mcu.image()->stats().faults, 0u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kSoftware));
  EXPECT_EQ(status.alarms, 0);
  EXPECT_EQ(status.basal_daily_dose_ng, kTwoMgPerDayNg);  // restored from FRAM
  // 2 mg/day of 10 mg/mL is 0.2 mL/day: ~1390 nL in 10 min, in whole strokes.
  EXPECT_LT(reservoir_later_nl, reservoir_at_boot_nl);
  EXPECT_GT(reservoir_later_nl, reservoir_at_boot_nl - 3000);
}

// A stack overflow: the firmware's main-loop pass entered with the stack pointer 16 bytes above
// SRAM's start pushes below SRAM, and stacking the HardFault frame there faults too, so the core
// locks up (ARMv6-M B1.5.15): it runs nothing, kicks nothing and draws its active current. The
// ASIC's watchdog resets the MCU within its 60 s; the new instance reads WATCHDOG from
// RSTC.CAUSE and therapy goes on from FRAM.
TEST(ImagePlatform, StackOverflowLocksUpUntilTheWatchdogResetsIt) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  double reset_after_s = -1.0;
  mcu::McuState locked_state = mcu::McuState::kOff;
  mcu::M0PlusStats locked{};
  PumpStatus status;
  platform.run([&] {
    ASSERT_TRUE(start_therapy(platform));
    ASSERT_EQ(platform.mcu.state(), mcu::McuState::kAsleep);
    mcu::M0PlusCore& core = platform.mcu.image()->core();
    core.write_register(UC_ARM_REG_SP, mcu::memory_map::kSramBase + 16);
    core.write_register(UC_ARM_REG_PC, code_address(platform, "_ZN6pumpfw3app4Pump8run_onceEv"));
    const double sent_s = now_s();
    ASSERT_TRUE(wait_until([&] { return platform.mcu.image()->stats().lockups == 1; },
                           sc_time(31, SC_SEC), sc_time(0.001, SC_SEC)));
    locked_state = platform.mcu.state();
    locked = platform.mcu.image()->stats();
    sc_core::wait(sc_time(120, SC_SEC), platform.asic.reset_request.posedge_event());
    ASSERT_TRUE(platform.asic.reset_request.read()) << "no watchdog reset within 120 s";
    reset_after_s = now_s() - sent_s;
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware_status().has_value(); },
                           sc_time(2, SC_SEC), sc_time(0.001, SC_SEC)));
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  std::printf("locked up (%s at pc 0x%08x); watchdog reset %.1f s after the overflow\n",
              locked.last_fault.what, locked.last_fault.pc, reset_after_s);
  EXPECT_EQ(locked_state, mcu::McuState::kRunning);
  EXPECT_STREQ(locked.last_fault.what, "bad write address");
  EXPECT_LT(locked.last_fault.address, mcu::memory_map::kSramBase);
  EXPECT_GT(reset_after_s, 0.0);
  EXPECT_LE(reset_after_s, 61.0);
  EXPECT_EQ(platform.mcu.image()->stats().lockups, 1u);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kWatchdog), 1u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kWatchdog));
  EXPECT_EQ(status.basal_daily_dose_ng, kTwoMgPerDayNg);  // restored from FRAM
}

// The RTC's count jumps 30 min back while the core sleeps in WFI on the compare (a time-base
// glitch). On the compare alone the core would sleep 30 min and the ASIC's 60 s watchdog would
// reset it; the HAL's wake-up timer (RTC.WAKEUP, on the prescaler) ends the sleep on time, the
// firmware sees the jump, corrects its time base and kicks on: no reset, its clock goes on.
TEST(ImagePlatform, RtcJumpBackDuringWfiEndsOnTheWakeupTimer) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  uint32_t clock_before_s = 0;
  uint32_t clock_after_s = 0;
  uint64_t sleeps_before = 0;
  uint64_t sleeps_after = 0;
  platform.run([&] {
    ASSERT_TRUE(start_therapy(platform));
    ASSERT_EQ(platform.mcu.state(), mcu::McuState::kAsleep);
    clock_before_s = platform.mcu.firmware_status()->wall_clock_s;
    sleeps_before = platform.mcu.image()->stats().wfi_sleeps;
    platform.mcu.shift_rtc_s(-1800.0);
    sc_core::wait(sc_time(180, SC_SEC));
    ASSERT_TRUE(platform.mcu.firmware_status().has_value());
    clock_after_s = platform.mcu.firmware_status()->wall_clock_s;
    sleeps_after = platform.mcu.image()->stats().wfi_sleeps;
  });
  EXPECT_EQ(platform.mcu.boots(), 1u) << "the watchdog reset the MCU";
  // Passes went on at least every 30 s (the kick interval) through the three minutes.
  EXPECT_GE(sleeps_after, sleeps_before + 6);
  // The firmware's clock follows real time (its last pass is at most 30 s old), not the RTC.
  EXPECT_GE(clock_after_s, clock_before_s + 150);
  EXPECT_LE(clock_after_s, clock_before_s + 181);
}

// Power lost 20 bytes into NVMCTRL's write of the new program (the same fault as the host
// build's test in tests/twin/power_test.cpp): the record is torn, the other copy holds the
// old program, and the pump runs on it after power returns.
TEST(ImagePlatform, TornNvmWriteLeavesTheOldProgram) {
  Platform::use_time_resolution();
  Platform platform("platform", image_config());
  TelemetryReply torn_reply;
  PumpStatus status;
  platform.run([&] {
    ASSERT_TRUE(start_therapy(platform));
    platform.mcu.cut_power_during_next_nvm_write(20);
    torn_reply = platform.programmer.program_continuous(kThreeMgPerDayNg);
    EXPECT_EQ(platform.mcu.state(), mcu::McuState::kOff);
    sc_core::wait(sc_time(120, SC_SEC));
    platform.mcu.power_on();
    ASSERT_TRUE(wait_until([&] { return platform.mcu.firmware_status().has_value(); },
                           sc_time(2, SC_SEC), sc_time(0.001, SC_SEC)));
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
  });
  EXPECT_FALSE(torn_reply.received);
  EXPECT_EQ(platform.mcu.nvm().torn_writes(), 1u);
  EXPECT_EQ(platform.mcu.boots(ResetCause::kPowerOn), 2u);
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(ResetCause::kPowerOn));
  EXPECT_EQ(status.alarms, 0);
  EXPECT_EQ(status.basal_daily_dose_ng, kTwoMgPerDayNg);
}

}  // namespace
}  // namespace pumptwin::platform
