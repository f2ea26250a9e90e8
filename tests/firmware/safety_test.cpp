// Alarms and fault handling: reservoir, battery, motor stall, watchdog.
#include "pump_fixture.h"

namespace pumpfw::test {
namespace {

using app::alarm_bit;
using app::AlarmId;
using app::Command;
using app::DrugId;
using app::Refusal;

uint16_t battery_code_for_mv(uint32_t mv) {
  return static_cast<uint16_t>(mv * 4096 / 5000);
}

class Safety : public PumpFixture {
 protected:
  void SetUp() override { boot(); }
  bool tone_was(uint16_t pattern) const {
    for (const auto& [when, value] : hal.asic.tone_history) {
      if (value == pattern) return true;
    }
    return false;
  }
};

TEST_F(Safety, LowThenEmptyReservoirStopsDeliveryAtTheMinimumVolume) {
  // 3 mL of baclofen 2 mg/mL, low alarm at 2.5 mL; 1 mg/day is 500 µL/day.
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 3000, 2500).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(1000000).refusal, Refusal::kNone);
  const hal::Ticks start = hal.now();
  run_until(start + 23 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0);
  run_until(start + 25 * kHour);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kReservoirLow));
  EXPECT_TRUE(tone_was(1)) << "one-tone for a non-critical alarm";
  // 2.5 mL above the 0.5 mL minimum last 5 days.
  run_until(start + 5 * kDay + kHour);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kReservoirEmpty));
  EXPECT_FALSE(pump->delivering());
  EXPECT_TRUE(tone_was(2)) << "two-tone for a critical alarm";
  // Exactly the volume above the minimum was driven: 2500 µL = 10000 full steps.
  EXPECT_EQ(driven_microsteps(), 80000u);
  EXPECT_EQ(pump->reservoir_volume_nl(), 500000u);
  run_until(start + 7 * kDay);
  EXPECT_EQ(driven_microsteps(), 80000u) << "no delivery after empty";
  // The critical alarm repeats every 10 minutes.
  size_t two_tone_bursts = 0;
  for (const auto& [when, value] : hal.asic.tone_history) two_tone_bursts += value == 2 ? 1 : 0;
  EXPECT_GE(two_tone_bursts, 2 * 24 * 6u - 2);
  // A refill clears both alarms and therapy resumes.
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000, 2500).refusal, Refusal::kNone);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_TRUE(pump->delivering());
}

TEST_F(Safety, BatteryEriAndEosWithFilteringAndHysteresis) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  hal.asic.set_battery_code(battery_code_for_mv(3000));
  run_for(3 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_NEAR(pump->battery().filtered_mv(), 3000, 2);
  // A single low reading (a load transient) does not raise ERI.
  hal.asic.set_battery_code(battery_code_for_mv(2700));
  run_for(kHour);
  hal.asic.set_battery_code(battery_code_for_mv(3000));
  run_for(4 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0);
  // Settled at 2.80 V (below the 2.85 V ERI level): ERI after the filter and 3 confirmations.
  hal.asic.set_battery_code(battery_code_for_mv(2800));
  run_for(4 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0) << "filter still above 2.85 V or not yet confirmed";
  run_for(6 * kHour);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  EXPECT_TRUE(pump->delivering()) << "ERI is a warning: therapy goes on";
  // 2.88 V is above ERI but inside the 50 mV hysteresis: ERI stays.
  hal.asic.set_battery_code(battery_code_for_mv(2880));
  run_for(12 * kHour);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  // Below 2.60 V: end of service, a critical alarm that stops therapy.
  hal.asic.set_battery_code(battery_code_for_mv(2500));
  run_for(12 * kHour);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kEndOfService));
  EXPECT_FALSE(pump->delivering());
}

TEST_F(Safety, ABatteryMonitorThatCannotReadTheCellRaisesEri) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(2 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0);
  // ADC_CTRL.START reads stuck at 1: no conversion is ever seen to complete.
  hal.asic.stall_adc(true);
  run_for(2 * kHour + kMinute);
  EXPECT_EQ(pump->active_alarms(), 0) << "two failed readings: not yet";
  run_for(kHour);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  EXPECT_TRUE(pump->delivering()) << "ERI is a warning: therapy goes on";
  int logged = 0;
  app::Event event{};
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    logged += event.code == app::EventCode::kAsicCommFailure ? 1 : 0;
  }
  EXPECT_EQ(logged, 1) << "logged once, not hourly";
  run_for(5 * kHour);
  // The converter recovers: the next readings clear the indicator.
  hal.asic.stall_adc(false);
  run_for(2 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0);
}

TEST_F(Safety, ABatteryReadingAboveAnyCellCountsAsNoReading) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(2 * kHour);
  // ADC_BATTERY bit 10 stuck at 1: the 3.0 V cell reads 4.25 V, and would never reach ERI.
  hal.asic.stick_register_bit(asic::reg::kAdcBattery.address, 10, true);
  run_for(3 * kHour + kMinute);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  EXPECT_NEAR(pump->battery().filtered_mv(), 3000, 2) << "the implausible readings are not used";
}

TEST_F(Safety, ABatteryReadingBelowAnyRunningSupplyIsNotEndOfService) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(2 * kHour);
  const uint16_t threshold = pump->stall_rise_time_us();
  // The divider fails: the channel reads 0 V, where no MCU runs.
  hal.asic.set_battery_code(0);
  run_for(3 * kHour + kMinute);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  EXPECT_TRUE(pump->delivering()) << "not end of service: therapy goes on";
  EXPECT_EQ(pump->stall_rise_time_us(), threshold) << "the stall threshold keeps the last cell";
}

// A channel stuck at a plausible value reads the same at rest and under the motor's load; the
// cell's internal resistance sags a channel that follows it (docs/firmware.md, PUMP-SEN-001).
TEST_F(Safety, ABatteryChannelThatShowsNoSagUnderTheMotorsLoadRaisesEri) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  // A full step every 86.4 s: a stroke of 4 every 345.6 s, several between hourly readings.
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(6 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0) << "a channel that sags is a channel that reads the cell";
  EXPECT_EQ(pump->battery().last_sag_mv(), 10);  // 8 codes of 1.22 mV, as rounded down
  const uint32_t events = pump->event_log().next_sequence();
  hal.asic.set_battery_sag_codes(0);
  run_for(2 * kHour);
  EXPECT_EQ(pump->active_alarms(), 0) << "two strokes without sag are not yet three";
  run_for(kHour + 10 * kMinute);
  EXPECT_TRUE(pump->battery().stuck());
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  EXPECT_TRUE(pump->delivering()) << "a warning, not a stop: therapy goes on";
  EXPECT_EQ(pump->event_log().next_sequence() - events, 2u) << "logged once, and the alarm";
  // The channel follows the cell again: one stroke with its sag clears the blindness.
  hal.asic.set_battery_sag_codes(8);
  run_for(kHour + 10 * kMinute);
  EXPECT_FALSE(pump->battery().stuck());
}

// The monitor's counts alone: a loaded reading needs one at rest to compare with, and the runs
// of failed readings and of strokes without sag saturate instead of wrapping back to "seen".
TEST(BatteryMonitor, LoadedReadingsNeedARestReadingAndLongRunsStayBlind) {
  app::BatteryMonitor monitor(app::BatteryThresholds{});
  const uint16_t code_3000_mv = 2458;
  for (int i = 0; i < 3; ++i) monitor.add_loaded_reading(code_3000_mv);
  EXPECT_FALSE(monitor.stuck()) << "no reading at rest yet: nothing to compare with";
  monitor.add_reading(code_3000_mv);
  for (int i = 0; i < 300; ++i) monitor.add_loaded_reading(code_3000_mv);
  EXPECT_TRUE(monitor.stuck());
  EXPECT_TRUE(monitor.elective_replacement());
  monitor.add_loaded_reading(code_3000_mv - 8);  // 10 mV of sag
  EXPECT_FALSE(monitor.blind());
  for (int i = 0; i < 300; ++i) monitor.add_failed_reading();
  EXPECT_TRUE(monitor.blind());
  monitor.add_reading(code_3000_mv);
  EXPECT_FALSE(monitor.blind());
}

TEST_F(Safety, AStepCountThatMovedBetweenStrokesStopsDeliveryInsteadOfEmptyingTheAccount) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(kHour);
  const uint64_t reservoir = pump->reservoir_volume_nl();
  // TOTAL_STEPS_HI bit 0 stuck at 1: every count reads 65536 microsteps (2 mL) too high.
  hal.asic.stick_register_bit(asic::reg::kTotalStepsHi.address, 0, true);
  run_for(kHour);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kAsicFault));
  EXPECT_FALSE(pump->delivering());
  EXPECT_EQ(pump->reservoir_volume_nl(), reservoir) << "nothing driven, nothing drawn";
}

TEST_F(Safety, StallThresholdFollowsTheBatteryBeforeTheFirstStrokeAndAsItDischarges) {
  namespace reg = asic::reg;
  const auto threshold = [&] {
    return asic::field::kStallConfigRiseTimeUs.get(hal.asic.reg(reg::kStallConfig.address));
  };
  // A half-used cell at boot: the first reading, before any stroke, scales the threshold.
  hal.asic.set_battery_code(battery_code_for_mv(2930));
  reboot(hal::ResetCause::kPowerOn);
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  EXPECT_EQ(hal.asic.moves_started(), 0u);
  EXPECT_NEAR(threshold(), 300.0 * 3600 / 2930, 1.0);
  EXPECT_EQ(pump->stall_rise_time_us(), threshold());
  EXPECT_EQ(asic::field::kStallConfigCount.get(hal.asic.reg(reg::kStallConfig.address)), 2);
  // A change under 2 % is left alone.
  const uint16_t at_boot = threshold();
  hal.asic.set_battery_code(battery_code_for_mv(2900));
  run_for(12 * kHour);
  EXPECT_EQ(threshold(), at_boot);
  // The cell sags to 2.70 V: the hourly readings' average follows and the threshold with it,
  // as far as the ERI level's 379 us (PUMP-SAF-009).
  hal.asic.set_battery_code(battery_code_for_mv(2700));
  run_for(24 * kHour);
  EXPECT_NEAR(threshold(), 379.0, 1.0);
  EXPECT_EQ(pump->active_alarms(), alarm_bit(AlarmId::kElectiveReplacement));
  // A reset programs the calibrated threshold, then the boot reading scales it again.
  reboot(hal::ResetCause::kWatchdog);
  run_for(kSecond);
  EXPECT_NEAR(threshold(), 379.0, 1.0);
}

TEST_F(Safety, StallIsRetriedThenRaisesTheCriticalAlarmWithUndrivenStepsAccounted) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  // A full step every 86.4 s: a stroke of 4 every 345.6 s.
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(10 * kMinute);
  const uint32_t before = driven_microsteps();
  const uint64_t reservoir_before = pump->reservoir_volume_nl();
  hal.asic.stall_next_moves(3, 0);
  run_for(10 * kMinute);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMotorStall));
  EXPECT_FALSE(pump->delivering());
  EXPECT_EQ(driven_microsteps(), before);
  EXPECT_EQ(pump->reservoir_volume_nl(), reservoir_before) << "nothing driven, nothing drawn";
  // Three four-step attempts commanded and none driven.
  EXPECT_EQ(pump->state().undriven_microsteps, 3u * 4 * 8);
  EXPECT_EQ(interrogate().undriven_microsteps, 3u * 4 * 8);
  // The rotor stays seized: a probe stroke every 10 min fails, unlogged, and the alarm stays.
  hal.asic.stall_next_moves(1000, 0);
  const uint32_t moves = hal.asic.moves_started();
  const uint32_t events = pump->event_log().next_sequence();
  run_for(kHour);
  EXPECT_EQ(driven_microsteps(), before);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMotorStall));
  EXPECT_EQ(hal.asic.moves_started() - moves, 12u) << "a probe stroke and its retry every 10 min";
  EXPECT_EQ(pump->event_log().next_sequence(), events) << "failed probes fill no log";
  // After an hour of failed probes, one an hour.
  const uint32_t moves_after_hour = hal.asic.moves_started();
  run_for(3 * kHour);
  EXPECT_EQ(hal.asic.moves_started() - moves_after_hour, 6u);
  // The clinician clears the obstruction and acknowledges: therapy resumes.
  hal.asic.stall_next_moves(0, 0);
  ASSERT_EQ(
      send(Payload(Command::kAcknowledgeAlarms).u16(alarm_bit(AlarmId::kMotorStall)).bytes).refusal,
      Refusal::kNone);
  run_for(kHour);
  EXPECT_TRUE(pump->delivering());
  EXPECT_GT(driven_microsteps(), before);
}

TEST_F(Safety, ATransientStallClearsByItselfWhenTheMotorTurnsAgainWithoutCatchUp) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);  // 1000 full steps a day
  run_for(10 * kMinute);
  // An MRI scan holds the rotor for 30 min.
  hal.asic.stall_next_moves(1000, 0);
  run_for(10 * kMinute);
  ASSERT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMotorStall));
  run_for(20 * kMinute);
  hal.asic.stall_next_moves(0, 0);
  const uint32_t after_scan = driven_microsteps();
  // The next probe (at most 10 min later) turns: the alarm clears and therapy resumes.
  run_for(11 * kMinute);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_TRUE(pump->delivering());
  EXPECT_EQ(pump->state().latched_alarms, 0);
  app::Event event{};
  ASSERT_TRUE(pump->event_log().read_newest(0, event));
  bool recovered_logged = false;
  for (uint32_t age = 0; age < 4 && pump->event_log().read_newest(age, event); ++age) {
    recovered_logged |= event.code == app::EventCode::kStallRecovered;
  }
  EXPECT_TRUE(recovered_logged);
  // Nothing owed from the stopped time: a day later the basal rate, not the missed hours too.
  const uint32_t resumed = driven_microsteps();
  EXPECT_LE((resumed - after_scan) / 8, 4u + 8u) << "the probe and at most one stroke";
  run_for(kDay);
  EXPECT_NEAR((driven_microsteps() - resumed) / 8.0, 1000.0, stroke_full_steps());
}

TEST_F(Safety, ABrownOutLoopLatchesEndOfServiceAndStopsTrying) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(10 * kMinute);
  // One brown-out followed by a completed stroke is forgotten.
  reboot(hal::ResetCause::kBrownOut);
  EXPECT_EQ(pump->state().brown_out_boots, 1);
  run_for(10 * kMinute);
  EXPECT_EQ(pump->state().brown_out_boots, 0);
  EXPECT_EQ(pump->active_alarms(), 0);
  // A film in the cell: every stroke browns the MCU out before it completes.
  const uint32_t moves = hal.asic.moves_started();
  for (int boot = 0; boot < 3; ++boot) {
    reboot(hal::ResetCause::kBrownOut);
    run_for(kSecond);
  }
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kEndOfService));
  EXPECT_FALSE(pump->delivering());
  run_for(kHour);
  EXPECT_EQ(hal.asic.moves_started(), moves) << "no stroke tried: no further brown-out";
  EXPECT_TRUE(tone_was(2));
  // The latched end of service survives a reset and can be acknowledged to try again.
  reboot(hal::ResetCause::kWatchdog);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kEndOfService));
  ASSERT_EQ(send(Payload(Command::kAcknowledgeAlarms).u16(alarm_bit(AlarmId::kEndOfService)).bytes)
                .refusal,
            Refusal::kNone);
  run_for(10 * kMinute);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_EQ(pump->state().brown_out_boots, 0);
}

TEST_F(Safety, AForwardJumpOfTheRtcIsNotDeliveredAsACatchUp) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);  // 1000 full steps a day
  run_for(kHour);
  const uint32_t before = driven_microsteps();
  const uint32_t wall_before = pump->wall_clock_s();
  hal.jump_rtc(6 * static_cast<int64_t>(kHour));
  const hal::Ticks board_start = hal.board_now();
  while (hal.board_now() < board_start + kDay) run_for(kMinute);
  EXPECT_NEAR((driven_microsteps() - before) / 8.0, 1000.0, stroke_full_steps() + 1);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_NEAR(static_cast<double>(pump->wall_clock_s() - wall_before), 86400.0, 120.0)
      << "the wall clock follows real time, not the jump";
  app::Event event{};
  bool logged = false;
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kTimeBaseJump) {
      logged = true;
      EXPECT_NEAR(static_cast<int32_t>(event.argument), 6 * 3600, 60);
    }
  }
  EXPECT_TRUE(logged);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u);
}

TEST_F(Safety, ABackwardJumpOfTheRtcDoesNotPauseTherapy) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(kHour);
  const uint32_t before = driven_microsteps();
  hal.jump_rtc(-30 * static_cast<int64_t>(kMinute));
  const hal::Ticks board_start = hal.board_now();
  while (hal.board_now() < board_start + kDay) run_for(kMinute);
  EXPECT_NEAR((driven_microsteps() - before) / 8.0, 1000.0, stroke_full_steps() + 1);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u) << "the kicks went on through the jump";
  app::Event event{};
  bool logged = false;
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kTimeBaseJump) {
      logged = true;
      EXPECT_NEAR(static_cast<int32_t>(event.argument), -30 * 60, 60);
    }
  }
  EXPECT_TRUE(logged);
}

TEST_F(Safety, ASeizedShaftIsRetriedWithWhatIsStillOwedAndAlarmsWithinTheRetries) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(10 * kMinute);
  const uint32_t moves_before = hal.asic.moves_started();
  // As the ASIC reports a seized rotor: the first step is counted, the second reversal latches.
  hal.asic.stall_next_moves(3, 1);
  const hal::Ticks injected = hal.now();
  while (!(pump->active_alarms() & alarm_bit(AlarmId::kMotorStall)) &&
         hal.now() < injected + 10 * kMinute) {
    run_for(kSecond);
  }
  ASSERT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMotorStall));
  // Strokes of 4, 3 and 2 steps, 10 s apart: each still long enough to latch a stall.
  EXPECT_EQ(hal.asic.moves_started() - moves_before, 3u);
  EXPECT_EQ(pump->state().undriven_microsteps, (3u + 2 + 1) * 8);
  EXPECT_LE(hal.now() - injected, 345 * kSecond + 20 * kSecond + 2 * kSecond);
}

TEST_F(Safety, PartialStallCountsOnlyDrivenSteps) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kPrimingBolus).u16(100).bytes).refusal, Refusal::kNone);
  // The first priming move of 16 steps stalls after 5; the retry succeeds.
  hal.asic.stall_next_moves(1, 5);
  run_for(30 * kMinute);
  EXPECT_FALSE(pump->priming());
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_EQ(pump->state().undriven_microsteps, 11u * 8);
  // 100 µL = 400 full steps were primed in the end; the reservoir lost exactly what moved.
  EXPECT_EQ(pump->state().driven_microsteps_since_refill, driven_microsteps());
  EXPECT_GE(driven_microsteps(), 400u * 8);
  EXPECT_EQ(pump->reservoir_volume_nl(), 20000000u - driven_microsteps() / 8 * 250);
}

TEST_F(Safety, StepsOfAMoveEndingAcrossAResetAreStillDrawnFromTheReservoir) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kPrimingBolus).u16(100).bytes).refusal, Refusal::kNone);
  run_for(kSecond / 64);  // a 16-step priming move (34 ms) is under way
  ASSERT_EQ(driven_microsteps(), 0u);
  reboot(hal::ResetCause::kWatchdog);
  run_for(30 * kMinute);
  EXPECT_FALSE(pump->priming());
  EXPECT_EQ(driven_microsteps(), 400u * 8) << "100 µL primed, not a step more";
  EXPECT_EQ(pump->state().driven_microsteps_since_refill, driven_microsteps());
  EXPECT_EQ(pump->reservoir_volume_nl(), 20000000u - driven_microsteps() / 8 * 250);
}

TEST_F(Safety, WatchdogNeverFiresInNormalRunningButResetsAStuckFirmware) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(2 * kDay);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u);
  // The firmware hangs: nothing runs the main loop for 61 s.
  hal.sleep_until(hal.now() + 61 * kSecond);
  while (hal.asic.watchdog_expiries() == 0) hal.sleep_until(hal.now() + kSecond);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 1u);
  reboot(hal::ResetCause::kWatchdog);
  EXPECT_TRUE(pump->delivering()) << "therapy restored from NVM";
  app::Event event{};
  bool watchdog_fault_logged = false;
  for (uint32_t age = 0; age < 4 && pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kMotorFault &&
        (event.argument & asic::field::kFaultWatchdog.mask()) != 0) {
      watchdog_fault_logged = true;
    }
  }
  EXPECT_TRUE(watchdog_fault_logged);
  const uint32_t before = driven_microsteps();
  run_for(kDay);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 1u);
  EXPECT_EQ(hal.reset_requests, 0u);
  EXPECT_NEAR((driven_microsteps() - before) / 8.0, 1000.0, stroke_full_steps());
}

TEST_F(Safety, AWatchdogExpiryThatDidNotResetTheMcuIsFollowedByASoftwareReset) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  run_for(kHour);
  // The loop stalls for 70 s, then runs again: the reset line has not reset the MCU.
  hal.sleep_until(hal.now() + 70 * kSecond);
  ASSERT_EQ(hal.asic.watchdog_expiries(), 1u);
  pump->run_once();
  EXPECT_EQ(hal.reset_requests, 1u);
  EXPECT_TRUE(pump->reset_requested());
  EXPECT_EQ(pump->run_once(), app::kNever) << "nothing runs after a reset request";
  reboot(hal::ResetCause::kSoftware);
  EXPECT_TRUE(pump->delivering());
}

TEST_F(Safety, AnNvmTooSmallForTheLayoutIsAMemoryError) {
  hal.nvm_size_override = 1024;
  const uint64_t written = hal.nvm_bytes_written;
  reboot(hal::ResetCause::kPowerOn);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMemoryError));
  // Nor can it read its link key: no session, so nothing can be programmed.
  EXPECT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNoDeviceKey);
  EXPECT_EQ(program_continuous(500000).refusal, Refusal::kNoDeviceKey);
  EXPECT_EQ(send(Payload(Command::kAcknowledgeAlarms).u16(alarm_bit(AlarmId::kMemoryError)).bytes)
                .refusal,
            Refusal::kNoDeviceKey);
  EXPECT_FALSE(pump->delivering());
  EXPECT_EQ(hal.nvm_bytes_written, written);
}

TEST_F(Safety, SpiBitErrorsAreRetriedWithoutDisturbingTherapy) {
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(500000).refusal, Refusal::kNone);
  const uint32_t frames_before = hal.asic.frames();
  const uint32_t driven_before = driven_microsteps();
  // A corrupted frame in each direction every 10 minutes for a day.
  for (int i = 0; i < 144; ++i) {
    hal.asic.corrupt_next_miso(1);
    hal.asic.corrupt_next_mosi(1);
    run_for(10 * kMinute);
  }
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_NEAR((driven_microsteps() - driven_before) / 8.0, 1000.0, stroke_full_steps());
  // One move per four-step stroke, never a move started twice (the last may still be running).
  EXPECT_LE(hal.asic.moves_started(), (driven_microsteps() - driven_before) / 8 / 4 + 1);
  EXPECT_GT(hal.asic.frames(), frames_before);
  app::Event event{};
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    EXPECT_NE(event.code, app::EventCode::kMotorFault);
    EXPECT_NE(event.code, app::EventCode::kAsicCommFailure);
  }
}

TEST_F(Safety, AlarmTestPlaysOneToneThenTwoToneThenStops) {
  const hal::Ticks start = hal.now();
  ASSERT_EQ(send(Payload(Command::kAlarmTest).bytes).refusal, Refusal::kNone);
  EXPECT_EQ(send(Payload(Command::kAlarmTest).bytes).refusal, Refusal::kBusy);
  run_until(start + 20 * kSecond);
  ASSERT_EQ(hal.asic.tone_history.size(), 3u);
  EXPECT_EQ(hal.asic.tone_history[0].second, 1);
  EXPECT_EQ(hal.asic.tone_history[1].second, 2);
  EXPECT_EQ(hal.asic.tone_history[1].first - hal.asic.tone_history[0].first, 4 * kSecond);
  EXPECT_EQ(hal.asic.tone_history[2].second, 0);
}

TEST_F(Safety, IdlePumpSleepsUntilTheWatchdogKick) {
  // No drug, no program: only the kick (30 s), battery (1 h) and checkpoint (6 h) wake it.
  const uint64_t wakes = run_for(kDay);
  EXPECT_LE(wakes, 2880u + 24 + 4);
  EXPECT_EQ(hal.asic.watchdog_expiries(), 0u);
}

}  // namespace
}  // namespace pumpfw::test
