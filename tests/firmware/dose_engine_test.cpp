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

// ---------------------------------------------------------------------------------------
// The hot path's arithmetic (dose_engine.h) against the plain arithmetic it replaces.

// (rtc + offset) mod day, floored, in 128 bits (a GCC extension): defined for every argument.
__extension__ typedef __int128 Int128;
uint32_t reference_second_of_day(uint64_t rtc_s, int64_t offset_s) {
  const Int128 wall = static_cast<Int128>(rtc_s) + offset_s;
  const Int128 day = kSecondsPerDay;
  return static_cast<uint32_t>(((wall % day) + day) % day);
}

constexpr uint64_t k2To32 = uint64_t{1} << 32;

TEST(DoseEngine, SecondOfDayIsTheFlooredRemainderAtEveryBoundary) {
  const uint64_t rtcs[] = {0,
                           1,
                           86399,
                           86400,
                           86401,
                           k2To32 - 1,
                           k2To32,
                           k2To32 + 1,
                           k2To32 * 3 - 7,
                           uint64_t{1} << 53,
                           2 * 86400 - 1};
  const int64_t offsets[] = {0,
                             1,
                             -1,
                             86399,
                             -86399,
                             86400,
                             -86400,
                             86401,
                             -86401,
                             1767225600,  // 2026-01-01 on an RTC that started at 0
                             -1767225600,
                             INT32_MAX,
                             INT32_MIN,
                             static_cast<int64_t>(k2To32) - 1,
                             -static_cast<int64_t>(k2To32) + 1,
                             static_cast<int64_t>(k2To32),
                             -static_cast<int64_t>(k2To32),
                             static_cast<int64_t>(k2To32) + 1,
                             -static_cast<int64_t>(k2To32) - 1,
                             int64_t{1} << 40,
                             -(int64_t{1} << 40),
                             INT64_MIN / 2};
  for (const uint64_t rtc : rtcs) {
    for (const int64_t offset : offsets) {
      EXPECT_EQ(second_of_day(rtc, offset), reference_second_of_day(rtc, offset))
          << "rtc " << rtc << " offset " << offset;
    }
  }
  // Second by second across the RTC's 2^32 boundary, on a wall clock behind and ahead of it.
  for (const int64_t offset : {int64_t{-5000}, int64_t{12345}}) {
    uint32_t previous = second_of_day(k2To32 - 3000, offset);
    for (uint64_t rtc = k2To32 - 2999; rtc < k2To32 + 3000; ++rtc) {
      const uint32_t now = second_of_day(rtc, offset);
      EXPECT_EQ(now, previous + 1 == kSecondsPerDay ? 0 : previous + 1) << rtc;
      previous = now;
    }
  }
}

TEST(DoseEngine, BasalStepAtItsStartAndEndSeconds) {
  TherapyProgram program{};
  program.mode = TherapyMode::kFlexible;
  program.step_count = 3;
  program.steps[0] = {0, 100};
  program.steps[1] = {420, 200};   // 07:00
  program.steps[2] = {1439, 300};  // 23:59
  const struct {
    uint32_t second;
    uint32_t rate, start_s, end_s;
  } cases[] = {{0, 100, 0, 25200},         {25199, 100, 0, 25200},     {25200, 200, 25200, 86340},
               {25259, 200, 25200, 86340}, {86339, 200, 25200, 86340}, {86340, 300, 86340, 86400},
               {86399, 300, 86340, 86400}};
  for (const auto& c : cases) {
    const BasalStep step = basal_step_at(program, c.second);
    EXPECT_EQ(step.rate_ng_per_day, c.rate) << c.second;
    EXPECT_EQ(step.start_s, c.start_s) << c.second;
    EXPECT_EQ(step.end_s, c.end_s) << c.second;
  }
}

// The first second from from_s on at which the engine, accrued one second at a time, owes
// `microsteps`: what next_due_s finds without stepping. kNever past limit_s.
uint64_t first_second_owing(DoseEngine engine, uint32_t microsteps, int64_t offset_s,
                            uint64_t from_s, uint64_t limit_s) {
  for (uint64_t t = from_s; t <= limit_s; ++t) {
    engine.accrue_to(t, offset_s);
    if (engine.due_microsteps() >= microsteps) return t;
  }
  return kNever;
}

// A day of strokes from start_s: every due second (and the one asked again half-way to it,
// when the engine keeps its answer) is the one second-by-second accrual reaches.
void expect_due_seconds_as_accrued(DoseEngine& engine, uint64_t start_s, int64_t offset_s,
                                   uint32_t microsteps) {
  uint64_t now_s = start_s;
  while (now_s < start_s + kSecondsPerDay) {
    const uint64_t due_s = engine.next_due_s(microsteps, offset_s);
    ASSERT_EQ(due_s, first_second_owing(engine, microsteps, offset_s, now_s, now_s + 3 * 3600))
        << "from " << now_s << " offset " << offset_s;
    const uint64_t half_way_s = now_s + (due_s - now_s) / 2;
    engine.accrue_to(half_way_s, offset_s);
    ASSERT_EQ(engine.next_due_s(microsteps, offset_s), due_s) << "half-way at " << half_way_s;
    ASSERT_EQ(due_s,
              first_second_owing(engine, microsteps, offset_s, half_way_s, half_way_s + 3 * 3600));
    engine.accrue_to(due_s, offset_s);
    ASSERT_TRUE(engine.owes_microsteps(microsteps));
    engine.consume(engine.due_microsteps() / microsteps * microsteps);
    now_s = due_s;
  }
}

TherapyProgram month_schedule() {
  // The month's flexible day (scenarios/perf/month.yaml): steps at 07:00 and 22:00.
  TherapyProgram program{};
  program.mode = TherapyMode::kFlexible;
  program.step_count = 3;
  program.steps[0] = {0, 2000000};
  program.steps[1] = {420, 3500000};
  program.steps[2] = {1320, 2000000};
  return program;
}

TEST(DoseEngine, DueSecondsAcrossDayWrapTheTwoTo32BoundaryAndClockOffsets) {
  // Morphine 10 mg/mL: a stroke of 2 full steps every ~3.5 min, across the schedule's steps,
  // the wall clock's midnight and the RTC's 2^32 s boundary.
  const uint64_t starts[] = {0, k2To32 - 12 * 3600, k2To32 - 1};
  const int64_t offsets[] = {0,        -1, 1767225600, -7 * 3600, static_cast<int64_t>(k2To32) + 17,
                             INT32_MIN};
  for (const uint64_t start_s : starts) {
    for (const int64_t offset_s : offsets) {
      DoseEngine engine(250);
      engine.set_tip_concentration(10000);
      engine.set_program(month_schedule());
      engine.start(start_s);
      expect_due_seconds_as_accrued(engine, start_s, offset_s, 16);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(DoseEngine, DueSecondsWithABolusAndAfterTheClockIsSet) {
  DoseEngine engine(250);
  engine.set_tip_concentration(10000);
  engine.set_program(month_schedule());
  const uint64_t start_s = k2To32 - 600;
  engine.start(start_s);
  // A PTM bolus of 0.3 mg over 10 min on top of the basal rate, asked from its first second.
  engine.start_bolus(300000, 600);
  expect_due_seconds_as_accrued(engine, start_s, -3600, 16);
  if (::testing::Test::HasFatalFailure()) return;
  // The clock set 5 h back: the next answer is about the new offset's schedule.
  const uint64_t now_s = start_s + kSecondsPerDay;
  const uint64_t due_s = engine.next_due_s(16, -3600 - 5 * 3600);
  EXPECT_EQ(due_s, first_second_owing(engine, 16, -3600 - 5 * 3600, now_s, now_s + 3600));
}

TEST(DoseEngine, ADueSecondKeptForOneClockOffsetIsNotReusedAfterAccruingOnAnother) {
  // 06:00 on the wall clock: the night rate; with the clock 12 h ahead, the day rate.
  DoseEngine engine(250);
  engine.set_tip_concentration(10000);
  engine.set_program(month_schedule());
  const uint64_t start_s = 6 * 3600;
  engine.start(start_s);
  const int64_t ahead_s = 12 * 3600;
  const uint64_t due_s = engine.next_due_s(16, 0);
  const uint64_t half_way_s = start_s + (due_s - start_s) / 2;
  engine.accrue_to(half_way_s, ahead_s);
  const uint64_t due_again_s = engine.next_due_s(16, 0);
  EXPECT_EQ(due_again_s, first_second_owing(engine, 16, 0, half_way_s, half_way_s + 3600));
  EXPECT_LT(due_again_s, due_s) << "half the wait accrued at the faster day rate";
}

TEST(DoseEngine, DueSecondsAtTheLibrarysHighestRateAndConcentration) {
  // Bupivacaine 30 mg/mL (the library's highest concentration) and a one-minute step at
  // UINT32_MAX ng/day: the mass quanta at their largest, a stroke of 8 full steps due about
  // every second inside the step, none for days outside it.
  TherapyProgram program{};
  program.mode = TherapyMode::kFlexible;
  program.step_count = 3;
  program.steps[0] = {0, 1000};
  program.steps[1] = {600, UINT32_MAX};
  program.steps[2] = {601, 1000};
  DoseEngine engine(250);
  engine.set_tip_concentration(30000);
  engine.set_program(program);
  uint64_t now_s = 600 * 60 - 30;
  engine.start(now_s);
  int strokes = 0;
  for (;;) {
    const uint64_t due_s = engine.next_due_s(64, 0);
    ASSERT_EQ(due_s, first_second_owing(engine, 64, 0, now_s, now_s + 2 * kSecondsPerDay));
    // The next after the step: the same step of the next day.
    if (due_s > 601 * 60) {
      EXPECT_GT(due_s, kSecondsPerDay + 600 * 60);
      break;
    }
    engine.accrue_to(due_s, 0);
    engine.consume(engine.due_microsteps() / 64 * 64);
    now_s = due_s;
    ++strokes;
  }
  // 60 s x UINT32_MAX ng/day x 8000 q/ng = 49.7 strokes of 64 x 30000 x 250 x 86400 q.
  EXPECT_EQ(strokes, 49);
}

TEST(DoseEngine, OwesMicrostepsIsDueMicrostepsWithoutTheDivision) {
  // 2.7 g/day at 1 mg/mL through 250 nL steps: each second accrues exactly one microstep.
  DoseEngine engine(250);
  EXPECT_FALSE(engine.owes_microsteps(1)) << "no concentration: nothing is ever owed";
  EXPECT_TRUE(engine.owes_microsteps(0));
  engine.set_tip_concentration(1000);
  engine.set_program(continuous(2700000));
  engine.start(k2To32 - 40);
  for (uint64_t t = k2To32 - 40; t < k2To32 + 40; ++t) {
    engine.accrue_to(t, 0);
    const uint32_t due = engine.due_microsteps();
    EXPECT_EQ(due, t - (k2To32 - 40));
    for (const uint32_t asked : {due - (due != 0 ? 1u : 0u), due, due + 1, 2 * due + 1}) {
      EXPECT_EQ(engine.owes_microsteps(asked), due >= asked) << t << " asked " << asked;
    }
  }
}

}  // namespace
}  // namespace pumpfw::app
