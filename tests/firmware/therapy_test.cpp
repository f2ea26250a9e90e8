// Therapy modes on a whole pump: the firmware's main loop on the fake board, programmed over
// telemetry as a clinician would.
#include "pump_fixture.h"

namespace pumpfw::test {
namespace {

using app::Command;
using app::DrugId;
using app::Refusal;

// 2026-01-01 00:00:00 UTC: schedules start at midnight of the wall clock.
constexpr uint32_t kMidnight = 1767225600;

class Therapy : public PumpFixture {
 protected:
  void SetUp() override {
    boot();
    ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
  }
  uint32_t full_steps() const { return driven_microsteps() / 8; }
};

TEST_F(Therapy, ContinuousDeliveryMatchesTheProgramOverThirtyDays) {
  // Hydromorphone 3 mg/mL, 1.1 mg/day: 366.67 µL/day, 1466.67 full steps a day.
  ASSERT_EQ(refill(DrugId::kHydromorphone, 3000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(1100000).refusal, Refusal::kNone);
  const hal::Ticks start = hal.now();
  const uint64_t wakes = run_until(start + 30 * kDay);
  // 30 days × 1.1e6 ng × 8000 / (3000 × 250) = 352000 microsteps = 44000 full steps; the last
  // stroke may still be accruing.
  EXPECT_GE(full_steps(), 44000 - stroke_full_steps());
  EXPECT_LE(full_steps(), 44000u);
  const Status status = interrogate();
  EXPECT_EQ(status.driven_microsteps, driven_microsteps());
  EXPECT_EQ(status.reservoir_nl, 20000000u - full_steps() * 250u);
  EXPECT_EQ(status.alarms, 0);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u);
  // The loop sleeps between real tasks: two wakes per stroke (start, move done), a watchdog
  // kick every 30 s when nothing else woke it, hourly battery readings, 6-hourly checkpoints.
  const uint64_t strokes = hal.asic.moves_started();
  EXPECT_LE(wakes, 2 * strokes + 30 * (2880 + 24 + 4));
  std::printf("30 days: %u full steps in %llu moves, %llu wakes\n", full_steps(),
              static_cast<unsigned long long>(strokes), static_cast<unsigned long long>(wakes));
}

// Strokes counted in the ASIC's steps of each mode (8, 4 or 1 microsteps a step): the same drug.
class StepModes : public PumpFixture, public ::testing::WithParamInterface<asic::StepMode> {};

TEST_P(StepModes, EveryStepModeDeliversTheSameDoseAndReservoirAccount) {
  config.asic.step_mode = GetParam();
  boot();
  ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
  // Hydromorphone 3 mg/mL, 1.1 mg/day: 11733.33 microsteps a day.
  ASSERT_EQ(refill(DrugId::kHydromorphone, 3000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(1100000).refusal, Refusal::kNone);
  run_until(hal.now() + kDay);
  EXPECT_LE(driven_microsteps(), 11733u);
  EXPECT_GE(driven_microsteps(), 11733u - 8 * config.min_full_steps_per_stroke);
  // Whole full steps each stroke, whatever the mode: a minimum stroke of full steps.
  EXPECT_EQ(driven_microsteps() % (8 * config.min_full_steps_per_stroke), 0u);
  EXPECT_EQ(pump->reservoir_volume_nl(), 20000000u - uint64_t{driven_microsteps()} * 250 / 8);
}

INSTANTIATE_TEST_SUITE_P(Therapy, StepModes,
                         ::testing::Values(asic::StepMode::kFull, asic::StepMode::kHalf,
                                           asic::StepMode::kEighth));

TEST_F(Therapy, AYearOnOneFillDeliversTheExactRationalAmount) {
  // The 40 mL model with hydromorphone 15 mg/mL at 1.1 mg/day: 73.3 µL/day, 293.33 full
  // steps a day, never a whole number per stroke interval.
  config.reservoir_capacity_ul = 40000;
  boot();
  ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
  ASSERT_EQ(refill(DrugId::kHydromorphone, 15000, 40000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(1100000).refusal, Refusal::kNone);
  run_until(hal.now() + 365 * kDay);
  // Exact: 365 × 1.1e6 ng × 8000 / (15000 × 250) = 856533.33 microsteps = 107066.67 steps,
  // less what is still owed towards the next stroke.
  EXPECT_GE(full_steps(), 107066.67 - stroke_full_steps());
  EXPECT_LE(full_steps(), 107066u);
  // Nothing was rounded away: what was driven plus what is owed is exactly what accrued.
  const app::DoseEngine& engine = pump->engine();
  EXPECT_EQ(uint64_t{driven_microsteps()} * engine.microstep_mass_q() + engine.owed_q(),
            engine.accrued_total_q());
  EXPECT_EQ(pump->reservoir_volume_nl(), 40000000u - uint64_t{full_steps()} * 250);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u);
}

TEST_F(Therapy, FlexibleScheduleGivesEachStepItsOwnRate) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  // 400 µg/day until 08:00, 800 µg/day until 20:00, 400 µg/day to midnight: 600 µg/day.
  ASSERT_EQ(program_flexible({{0, 400000}, {480, 800000}, {1200, 400000}}).refusal, Refusal::kNone);
  EXPECT_EQ(interrogate().basal_daily_dose_ng, 600000u);
  const hal::Ticks midnight = hal.now();
  run_until(midnight + 8 * kHour);
  const uint32_t night = full_steps();
  run_until(midnight + 20 * kHour);
  const uint32_t day = full_steps() - night;
  run_until(midnight + kDay);
  // 133.3 µg (266.7 steps), 400 µg (800 steps), 66.7 µg (133.3 steps): 1200 steps a day.
  EXPECT_NEAR(night, 266.7, stroke_full_steps());
  EXPECT_NEAR(day, 800.0, stroke_full_steps());
  EXPECT_NEAR(full_steps(), 1200.0, stroke_full_steps());
}

TEST_F(Therapy, PeriodicBolusesComeOnTopOfTheBasalRate) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  // 100 µg/day basal, 50 µg every 6 h from 01:00 over 15 min: 300 µg/day = 600 full steps.
  ASSERT_EQ(program_continuous(100000, 50000, 60, 360, 15).refusal, Refusal::kNone);
  const hal::Ticks midnight = hal.now();
  run_until(midnight + kHour);
  const uint32_t before = full_steps();
  run_until(midnight + kHour + 15 * kMinute);
  // 50 µg = 25 µL = 100 full steps in the bolus's 15 minutes, plus 2 steps of basal.
  EXPECT_NEAR(full_steps() - before, 102.0, stroke_full_steps());
  run_until(midnight + kDay);
  EXPECT_NEAR(full_steps(), 600.0, stroke_full_steps());
  int periodic = 0;
  app::Event event{};
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kPeriodicBolus) ++periodic;
  }
  EXPECT_EQ(periodic, 4);
}

TEST_F(Therapy, ClinicianBolusIsDeliveredOverItsDuration) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(200000).refusal, Refusal::kNone);
  const hal::Ticks start = hal.now();
  const Response r = send(Payload(Command::kClinicianBolus).u32(100000).u16(10).bytes);
  ASSERT_EQ(r.refusal, Refusal::kNone);
  run_until(start + 10 * kMinute + 2 * kSecond);
  // 100 µg = 50 µL = 200 full steps, plus 10 min of 200 µg/day basal (400 steps/day: 2.8).
  EXPECT_NEAR(full_steps(), 202.8, stroke_full_steps());
  EXPECT_EQ(interrogate().flags & 0x08, 0) << "bolus finished";
}

TEST_F(Therapy, BridgingBolusKeepsTheOldDrugFlowingUntilTheCatheterHoldsTheNewOne) {
  ASSERT_EQ(refill(DrugId::kMorphine, 10000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(2000000).refusal, Refusal::kNone);  // 2 mg/day: 200 µL/day
  run_until(hal.now() + kHour);
  // Refill at double strength with a 200 µL bridge (pump tubing and catheter).
  ASSERT_EQ(refill(DrugId::kMorphine, 20000, 20000, 2000, 200).refusal, Refusal::kNone);
  EXPECT_TRUE(pump->bridging());
  const uint32_t at_refill = full_steps();
  const hal::Ticks refill_time = hal.now();
  // The bridge's 200 µL leave at the old drug's volume rate (200 µL/day): one day.
  run_until(refill_time + kDay - 10 * kMinute);
  EXPECT_TRUE(pump->bridging());
  run_until(refill_time + kDay + 10 * kMinute);
  EXPECT_FALSE(pump->bridging());
  const uint32_t after_bridge = full_steps();
  EXPECT_NEAR(after_bridge - at_refill, 800.0 + 1.4, 2.0);
  // Then 2 mg/day of 20 mg/mL: 100 µL/day = 400 full steps a day.
  run_until(refill_time + 2 * kDay + 10 * kMinute);
  EXPECT_NEAR(full_steps() - after_bridge, 400.0, 1.0);
}

TEST_F(Therapy, PrimingBolusFillsTheCatheterBeforeBasalStarts) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  const Response r = send(Payload(Command::kPrimingBolus).u16(250).bytes);
  ASSERT_EQ(r.refusal, Refusal::kNone);
  EXPECT_TRUE(pump->priming());
  EXPECT_FALSE(pump->delivering());
  const hal::Ticks start = hal.now();
  // 250 µL = 1000 full steps at the 60 steps/min bolus limit: 16.7 minutes.
  run_until(start + 16 * kMinute);
  EXPECT_TRUE(pump->priming());
  run_until(start + 18 * kMinute);
  EXPECT_FALSE(pump->priming());
  EXPECT_TRUE(pump->delivering());
  EXPECT_NEAR(full_steps(), 1000.0 + 1.0, 1.0);
}

TEST_F(Therapy, PtmBolusHonoursLockoutAndDailyMaximum) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(400000).refusal, Refusal::kNone);
  // 25 µg over 5 min, 60 min lockout, 4 a day: 400 + 100 = 500 µg/day <= 1000.
  ASSERT_EQ(send(Payload(Command::kPtmConfig).u32(25000).u16(60).u16(5).u8(4).bytes).refusal,
            Refusal::kNone);
  const hal::Ticks first = hal.now();
  const auto press = [&] { return send(Payload(Command::kPtmBolus).bytes).refusal; };
  EXPECT_EQ(press(), Refusal::kNone);
  run_until(first + 30 * kMinute);
  EXPECT_EQ(press(), Refusal::kPtmLockout);
  run_until(first + 61 * kMinute);
  EXPECT_EQ(press(), Refusal::kNone);
  run_until(first + 122 * kMinute);
  EXPECT_EQ(press(), Refusal::kNone);
  run_until(first + 183 * kMinute);
  EXPECT_EQ(press(), Refusal::kNone);
  run_until(first + 244 * kMinute);
  EXPECT_EQ(press(), Refusal::kPtmDailyLimit);
  // A reset must not give a fresh allowance.
  reboot(hal::ResetCause::kWatchdog);
  EXPECT_EQ(press(), Refusal::kPtmDailyLimit);
  run_until(first + kDay + kMinute);
  EXPECT_EQ(press(), Refusal::kNone);
  // Refused presses are logged.
  int refused = 0;
  app::Event event{};
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kPtmRefused) ++refused;
  }
  EXPECT_EQ(refused, 3);
}

TEST_F(Therapy, DeliveryNeverExceedsTheProgramPlusAllowedBoluses) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(400000).refusal, Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kPtmConfig).u32(25000).u16(30).u16(5).u8(6).bytes).refusal,
            Refusal::kNone);
  const hal::Ticks start = hal.now();
  // The patient presses every 10 minutes all day: only 6 are granted.
  for (int press = 0; press < 144; ++press) {
    send(Payload(Command::kPtmBolus).bytes);
    run_until(start + (press + 1) * 10 * kMinute);
  }
  // 400 µg + 6 × 25 µg = 550 µg = 275 µL = 1100 full steps at most.
  EXPECT_LE(full_steps(), 1100u);
  EXPECT_GE(full_steps(), 1100 - stroke_full_steps());
}

TEST_F(Therapy, DrugLibraryRefusesAProgramOverTheDailyMaximum) {
  ASSERT_EQ(refill(DrugId::kZiconotide, 100, 20000).refusal, Refusal::kNone);
  EXPECT_EQ(program_continuous(19201).refusal, Refusal::kDailyDoseOverLimit);
  EXPECT_FALSE(pump->delivering());
  EXPECT_EQ(program_continuous(19200).refusal, Refusal::kNone);  // 19.2 µg/day: the maximum
  // Any PTM allowance on top would exceed it.
  EXPECT_EQ(send(Payload(Command::kPtmConfig).u32(1000).u16(60).u16(5).u8(1).bytes).refusal,
            Refusal::kDailyDoseOverLimit);
  EXPECT_EQ(send(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes).refusal,
            Refusal::kDailyDoseOverLimit);
  // A refill with a drug whose limit the current program exceeds is refused too.
  ASSERT_EQ(program_continuous(2400).refusal, Refusal::kNone);
  EXPECT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(900000).refusal, Refusal::kNone);
  EXPECT_EQ(refill(DrugId::kZiconotide, 100, 20000).refusal, Refusal::kDailyDoseOverLimit);
  EXPECT_EQ(pump->therapy().drug_id, static_cast<uint8_t>(DrugId::kBaclofen));
}

TEST_F(Therapy, ResetRestoresTherapyAndKeepsReservoirAccountingHonest) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_until(hal.now() + 7 * kHour);
  reboot(hal::ResetCause::kWatchdog);
  EXPECT_TRUE(pump->delivering());
  run_until(hal.now() + 5 * kHour);
  const Status status = interrogate();
  EXPECT_EQ(status.reset_cause, static_cast<uint8_t>(hal::ResetCause::kWatchdog));
  EXPECT_EQ(status.driven_microsteps, driven_microsteps());
  EXPECT_EQ(status.reservoir_nl, 20000000u - driven_microsteps() / 8 * 250);
  // 12 h at 1000 full steps/day, less the few seconds of accrual lost to the reset and what is
  // owed towards the next stroke.
  EXPECT_LE(full_steps(), 500u);
  EXPECT_GE(full_steps(), 500 - 2 - stroke_full_steps());
  app::Event event{};
  ASSERT_TRUE(pump->event_log().read_newest(0, event));
  bool boot_logged = false;
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kBoot &&
        event.argument == static_cast<uint32_t>(hal::ResetCause::kWatchdog)) {
      boot_logged = true;
    }
  }
  EXPECT_TRUE(boot_logged);
}

}  // namespace
}  // namespace pumpfw::test
