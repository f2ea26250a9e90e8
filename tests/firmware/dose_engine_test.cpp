#include <gtest/gtest.h>

#include "app/dose_engine.h"

namespace pumpfw::app {
namespace {

TherapyProgram continuous(uint32_t rate_ng_per_day) {
  TherapyProgram program{};
  program.mode = TherapyMode::kContinuous;
  program.step_count = 1;
  program.steps[0] = {0, rate_ng_per_day};
  return program;
}

// Delivers like the pump does: wakes when a full step is due, drives whole full steps.
uint64_t deliver_until(DoseEngine& engine, uint64_t end_s, int64_t offset_s) {
  uint64_t driven_microsteps = 0;
  for (;;) {
    const uint64_t due_s = engine.next_due_s(8, offset_s);
    if (due_s > end_s) break;
    engine.accrue_to(due_s, offset_s);
    const uint32_t microsteps = engine.due_microsteps() / 8 * 8;
    EXPECT_GE(microsteps, 8u);
    engine.consume(microsteps);
    driven_microsteps += microsteps;
  }
  engine.accrue_to(end_s, offset_s);
  return driven_microsteps;
}

TEST(DoseEngine, MassQuantumMakesRatesAndStepsExactIntegers) {
  DoseEngine engine(250);
  engine.set_tip_concentration(3000);  // hydromorphone 3 mg/mL
  // 3000 ng/µL × 250 nL / 8 per microstep = 93.75 ng = 93.75 × 691.2e6 q.
  EXPECT_EQ(engine.microstep_mass_q(), 3000ull * 250 * 86400);
  EXPECT_EQ(kMassQuantaPerNg, 691200000ull);
}

TEST(DoseEngine, AYearOfContinuousDeliveryDoesNotDrift) {
  // Hydromorphone 3 mg/mL at 1.1 mg/day: 366.67 µL/day, 1466.67 full steps a day: a rate
  // that is not a whole number of steps, so every stroke leaves a remainder.
  DoseEngine engine(250);
  engine.set_tip_concentration(3000);
  engine.set_program(continuous(1100000));
  engine.start(0);
  const uint64_t year_s = 365ull * kSecondsPerDay;
  const uint64_t driven = deliver_until(engine, year_s, 0);
  // Exact amount: 1.1e6 ng/day × 365 days × 8000 / (3000 × 250) microsteps.
  const uint64_t exact_numerator = 1100000ull * 365 * 8000;
  const uint64_t exact_denominator = 3000ull * 250;
  const uint64_t exact_floor = exact_numerator / exact_denominator;  // 4282666 microsteps
  EXPECT_EQ(exact_floor, 4282666u);
  EXPECT_LE(driven, exact_floor);
  EXPECT_LT(exact_floor - driven, 8u) << "more than one full step behind after a year";
  // Nothing lost or invented: driven mass + what is still owed == accrued == programmed.
  EXPECT_EQ(engine.accrued_total_q(), 1100000ull * 8000 * year_s);
  EXPECT_EQ(driven * engine.microstep_mass_q() + engine.owed_q(), engine.accrued_total_q());
}

TEST(DoseEngine, StrokesAreSpreadEvenly) {
  DoseEngine engine(250);
  engine.set_tip_concentration(2000);      // baclofen 2 mg/mL
  engine.set_program(continuous(500000));  // 250 µL/day = 1000 full steps/day: one per 86.4 s
  engine.start(0);
  uint64_t last = 0;
  for (int stroke = 0; stroke < 100; ++stroke) {
    const uint64_t due = engine.next_due_s(8, 0);
    if (stroke > 0) {
      EXPECT_GE(due - last, 86u);
      EXPECT_LE(due - last, 87u);
    }
    engine.accrue_to(due, 0);
    engine.consume(8);
    last = due;
  }
}

TEST(DoseEngine, FlexibleScheduleFollowsEachStepRate) {
  TherapyProgram program{};
  program.mode = TherapyMode::kFlexible;
  program.step_count = 3;
  program.steps[0] = {0, 400000};
  program.steps[1] = {480, 800000};   // 08:00
  program.steps[2] = {1200, 400000};  // 20:00
  EXPECT_EQ(basal_daily_dose_ng(program), 600000u);
  DoseEngine engine(250);
  engine.set_tip_concentration(2000);
  engine.set_program(program);
  engine.start(0);
  const uint64_t night = deliver_until(engine, 8 * 3600, 0);
  const uint64_t day = deliver_until(engine, 20 * 3600, 0);
  // 00:00-08:00 at 400 µg/day: 133.3 µg = 66.67 µL = 266.67 full steps.
  EXPECT_EQ(night / 8, 266u);
  // 08:00-20:00 at 800 µg/day: 400 µg = 200 µL = 800 full steps (plus the carried 2/3).
  EXPECT_GE(day / 8, 800u);
  EXPECT_LE(day / 8, 801u);
}

TEST(DoseEngine, BolusAccruesExactlyItsDoseOverItsDuration) {
  DoseEngine engine(250);
  engine.set_tip_concentration(2000);
  engine.set_program(continuous(0));
  engine.start(1000);
  engine.start_bolus(100000, 600);  // 100 µg over 10 min
  EXPECT_EQ(engine.bolus_end_s(), 1600u);
  const uint64_t driven = deliver_until(engine, 1600, 0);
  // 100 µg at 2 mg/mL = 50 µL = 200 full steps, all by the end of the duration.
  EXPECT_EQ(driven, 1600u);
  EXPECT_FALSE(engine.bolus_active());
  EXPECT_EQ(engine.owed_q(), 0u);
}

TEST(DoseEngine, ConcentrationChangeKeepsTheOwedDrugMass) {
  DoseEngine engine(250);
  engine.set_tip_concentration(1000);
  engine.set_program(continuous(1000000));
  engine.start(0);
  engine.accrue_to(100, 0);
  const uint64_t owed = engine.owed_q();
  engine.set_tip_concentration(2000);
  EXPECT_EQ(engine.owed_q(), owed);
  EXPECT_EQ(engine.due_microsteps(), owed / (2000ull * 250 * 86400));
}

TEST(DoseEngine, SuspensionIsNeverCaughtUp) {
  DoseEngine engine(250);
  engine.set_tip_concentration(2000);
  engine.set_program(continuous(500000));
  engine.start(0);
  engine.accrue_to(50, 0);
  engine.suspend();
  engine.accrue_to(100000, 0);
  EXPECT_EQ(engine.owed_q(), 0u);
  engine.start(100000);
  EXPECT_EQ(engine.next_due_s(8, 0), 100000u + 87);
}

TEST(DoseEngine, ZeroRateNeverWakes) {
  DoseEngine engine(250);
  engine.set_tip_concentration(2000);
  engine.set_program(continuous(0));
  engine.start(0);
  EXPECT_EQ(engine.next_due_s(8, 0), kNever);
}

}  // namespace
}  // namespace pumpfw::app
