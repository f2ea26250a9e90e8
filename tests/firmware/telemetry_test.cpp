// The telemetry link: framing, retransmission, and every refusal path. A refused command must
// leave the therapy and the pump state exactly as they were.
#include <cstring>

#include "app/crc.h"
#include "pump_fixture.h"

namespace pumpfw::test {
namespace {

using app::Command;
using app::DrugId;
using app::Refusal;

constexpr uint32_t kMidnight = 1767225600;

std::vector<uint8_t> frame_of(uint8_t sequence, const std::vector<uint8_t>& payload) {
  uint8_t bytes[app::kMaxFrameBytes];
  const uint32_t size =
      app::encode_frame(sequence, payload.data(), static_cast<uint8_t>(payload.size()), bytes);
  return std::vector<uint8_t>(bytes, bytes + size);
}

class Telemetry : public PumpFixture {
 protected:
  void SetUp() override { boot(); }

  // Sends a command that must be refused for `reason` and checks that nothing changed.
  void expect_refused(const std::vector<uint8_t>& payload, Refusal reason) {
    const app::TherapyRecord therapy_before = pump->therapy();
    const app::StateRecord state_before = pump->state();
    const bool delivering_before = pump->delivering();
    const uint64_t bolus_before = pump->engine().bolus_remaining_ng();
    const Response r = send(payload);
    EXPECT_EQ(r.opcode, payload[0] | app::kResponseFlag);
    EXPECT_EQ(r.refusal, reason) << "command 0x" << std::hex << int{payload[0]};
    EXPECT_TRUE(r.data.empty()) << "a refusal carries only its reason";
    EXPECT_EQ(std::memcmp(&therapy_before, &pump->therapy(), sizeof therapy_before), 0);
    EXPECT_EQ(std::memcmp(&state_before, &pump->state(), sizeof state_before), 0);
    EXPECT_EQ(delivering_before, pump->delivering());
    EXPECT_EQ(bolus_before, pump->engine().bolus_remaining_ng());
  }

  void ready_baclofen() {
    ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
    ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
    ASSERT_EQ(program_continuous(400000).refusal, Refusal::kNone);
  }
};

TEST_F(Telemetry, DamagedFramesAreAnsweredWithAFrameErrorAndChangeNothing) {
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  std::vector<uint8_t> frame = secure_frame(Payload(Command::kClockSet).u32(kMidnight).bytes);
  frame[4] ^= 0x10;  // a bit error in the payload
  Response r = send_raw(frame);
  EXPECT_EQ(r.opcode, static_cast<uint8_t>(Command::kFrameError) | app::kResponseFlag);
  EXPECT_EQ(r.refusal, Refusal::kBadFrame);
  EXPECT_EQ(pump->therapy().clock_offset_s, 0);
  // A zero length is a damaged frame too; the parser resynchronises on the next sync byte.
  r = send_raw({app::kFrameSync, 0x00});
  EXPECT_EQ(r.refusal, Refusal::kBadFrame);
  // Noise before a good frame is skipped.
  std::vector<uint8_t> noisy = {0x00, 0x13, 0x37};
  const std::vector<uint8_t> good = secure_frame(Payload(Command::kClockSet).u32(kMidnight).bytes);
  noisy.insert(noisy.end(), good.begin(), good.end());
  r = send_raw(noisy);
  EXPECT_EQ(r.refusal, Refusal::kNone);
  EXPECT_EQ(r.sequence, good[2]);
  EXPECT_EQ(pump->wall_clock_s(), kMidnight);
}

// A programmer that vanished mid-frame: a refill frame (32-byte payload announced) cut after
// its opcode.
const std::vector<uint8_t> kHalfFrame = {app::kFrameSync, 0x20, 0x01, 0x04};

TEST(FrameParser, APartialFrameIsDroppedAfterTheInterByteSilence) {
  const std::vector<uint8_t> interrogate = frame_of(9, {0x01});
  const hal::Ticks t0 = 5000;
  app::FrameParser parser;
  for (uint8_t byte : kHalfFrame) EXPECT_EQ(parser.feed(byte, t0), app::ParseResult::kNeedMore);
  ASSERT_TRUE(parser.mid_frame());
  // One second later the next programmer's frame: its sync byte drops the stale half and
  // starts a new frame.
  EXPECT_EQ(parser.feed(interrogate[0], t0 + kSecond), app::ParseResult::kPartialDropped);
  for (size_t i = 1; i + 1 < interrogate.size(); ++i) {
    EXPECT_EQ(parser.feed(interrogate[i], t0 + kSecond), app::ParseResult::kNeedMore);
  }
  ASSERT_EQ(parser.feed(interrogate.back(), t0 + kSecond), app::ParseResult::kFrame);
  EXPECT_EQ(parser.frame().sequence, 9);
  EXPECT_EQ(parser.frame().length, 1);
  EXPECT_EQ(parser.frame().payload[0], 0x01);
}

TEST(FrameParser, GapsUpToTheLimitKeepTheFrameAndSilenceBetweenFramesDropsNothing) {
  // 250 ms = 256 RTC ticks, more than twice the longest frame on the line (205 bytes, 107 ms).
  EXPECT_EQ(app::kInterByteTimeoutTicks, 256u);
  const std::vector<uint8_t> frame = frame_of(3, {0x01, 0x02, 0x03});
  app::FrameParser parser;
  hal::Ticks t = 0;
  for (const hal::Ticks gap : {app::kInterByteTimeoutTicks - 1, app::kInterByteTimeoutTicks}) {
    for (size_t i = 0; i + 1 < frame.size(); ++i) {
      EXPECT_EQ(parser.feed(frame[i], t), app::ParseResult::kNeedMore) << "gap " << gap;
      t += gap;
    }
    ASSERT_EQ(parser.feed(frame.back(), t), app::ParseResult::kFrame) << "gap " << gap;
    EXPECT_EQ(parser.frame().length, 3);
    t += kHour;  // an idle line between frames is not a partial frame
  }
  // One tick more than the limit inside a frame drops it.
  EXPECT_EQ(parser.feed(frame[0], t), app::ParseResult::kNeedMore);
  EXPECT_EQ(parser.feed(frame[1], t + app::kInterByteTimeoutTicks + 1),
            app::ParseResult::kPartialDropped);
  EXPECT_FALSE(parser.mid_frame()) << "a length byte (3) is not a sync byte";
}

TEST_F(Telemetry, AFrameAfterAVanishedProgrammersHalfFrameIsAnsweredAtOnce) {
  hal.rx.insert(hal.rx.end(), kHalfFrame.begin(), kHalfFrame.end());
  run_for(kSecond);
  EXPECT_TRUE(hal.tx.empty()) << "half a frame is not answered";
  // The next programmer's first frame, with no preamble and no retransmission.
  const std::vector<uint8_t> interrogate = frame_of(0x42, {0x01});
  const Response r = send_raw(interrogate);
  EXPECT_EQ(r.opcode, static_cast<uint8_t>(Command::kInterrogate) | app::kResponseFlag);
  EXPECT_EQ(r.refusal, Refusal::kNone);
  EXPECT_EQ(r.sequence, 0x42);
  EXPECT_EQ(r.data.size(), 40u) << "the status";
}

TEST_F(Telemetry, AFrameWhoseBytesComeJustInsideTheLimitIsAccepted) {
  const std::vector<uint8_t> interrogate = frame_of(0x43, {0x01});
  for (uint8_t byte : interrogate) {
    hal.rx.push_back(byte);
    run_for(app::kInterByteTimeoutTicks - 1);  // the pump reads the byte, then waits
  }
  const std::vector<Response> responses = drain_responses();
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].sequence, 0x43);
  EXPECT_EQ(responses[0].refusal, Refusal::kNone);
  EXPECT_EQ(responses[0].data.size(), 40u);
}

TEST_F(Telemetry, ADroppedHalfFrameIsLoggedAsABadFrameButNotAnswered) {
  const uint32_t logged_before = pump->event_log().next_sequence();
  hal.rx.insert(hal.rx.end(), kHalfFrame.begin(), kHalfFrame.end());
  run_for(kSecond);
  hal.rx.push_back(0x00);  // line noise after the silence
  run_for(kSecond);
  EXPECT_TRUE(hal.tx.empty()) << "no answer: its sender is gone";
  ASSERT_EQ(pump->event_log().next_sequence(), logged_before + 1);
  app::Event newest{};
  ASSERT_TRUE(pump->event_log().read_newest(0, newest));
  EXPECT_EQ(newest.code, app::EventCode::kLinkRefused);
  EXPECT_EQ(newest.argument, (1u << 8) | static_cast<uint32_t>(Refusal::kBadFrame))
      << "one bad frame, the first of its window: logged at once";
}

TEST_F(Telemetry, FrameLayoutIsSyncLengthSequencePayloadCrc) {
  const std::vector<uint8_t> frame = frame_of(7, {0x01});
  ASSERT_EQ(frame.size(), 6u);
  EXPECT_EQ(frame[0], 0xA5);
  EXPECT_EQ(frame[1], 1);
  EXPECT_EQ(frame[2], 7);
  EXPECT_EQ(frame[3], 0x01);
  const uint8_t covered[] = {1, 7, 0x01};
  const uint16_t crc = app::crc16_ccitt(covered, 3);
  EXPECT_EQ(frame[4], crc & 0xFF);
  EXPECT_EQ(frame[5], crc >> 8);
  // CRC-16/CCITT-FALSE check value.
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(app::crc16_ccitt(check, 9), 0x29B1);
}

TEST_F(Telemetry, ARetransmissionIsAnsweredAgainButNotExecutedTwice) {
  ready_baclofen();
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  const std::vector<uint8_t> bolus =
      secure_frame(Payload(Command::kClinicianBolus).u32(50000).u16(10).bytes);
  const uint32_t bolus_counter = last_counter();
  EXPECT_EQ(check_answer(send_raw(bolus), bolus_counter).refusal, Refusal::kAwaitingConfirmation);
  EXPECT_EQ(check_answer(send_raw(bolus), bolus_counter).refusal, Refusal::kAwaitingConfirmation);
  const std::vector<uint8_t> go =
      secure_frame(Payload(Command::kConfirm).u32(bolus_counter).u8(uint8_t{0x05}).bytes);
  const uint32_t go_counter = last_counter();
  const Response first = check_answer(send_raw(go), go_counter);
  ASSERT_EQ(first.refusal, Refusal::kNone);
  const Response again = check_answer(send_raw(go), go_counter);
  EXPECT_EQ(again.refusal, Refusal::kNone);
  EXPECT_EQ(again.sequence, go[2]);
  EXPECT_EQ(pump->engine().bolus_remaining_ng(), 50000u) << "one bolus, not two";
}

TEST_F(Telemetry, AnAnswerLongerThanTheUartFifoGoesOutAsItDrains) {
  ready_baclofen();
  run_for(kDay);
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  hal.uart_tx_fifo_bytes = 16;
  const std::vector<uint8_t> request =
      secure_frame(Payload(Command::kReadEventLog).u16(0).u8(12).bytes);
  hal.rx.insert(hal.rx.end(), request.begin(), request.end());
  const hal::Ticks wake = pump->run_once();
  EXPECT_EQ(hal.tx.size(), 16u);
  // A stroke starts in this pass too: its battery reading under load, 4 ticks into the move,
  // comes first, and the FIFO's turn after it.
  EXPECT_EQ(wake, hal.now() + 4);
  hal.sleep_until(wake);
  EXPECT_EQ(pump->run_once(), hal.now() + 32) << "back when the FIFO has drained";
  run_for(kSecond);
  const std::vector<Response> responses = drain_responses();
  ASSERT_EQ(responses.size(), 1u);
  const Response answer = check_answer(responses[0], last_counter());
  EXPECT_EQ(answer.refusal, Refusal::kNone);
  // Boot, session opened, clock set, refill, program, session opened: 6 events of 13 bytes,
  // then the answer's 16-byte tag, a 100-byte frame.
  EXPECT_EQ(answer.data.at(0), 6);
  EXPECT_EQ(answer.data.size(), 1u + 6 * 13);
}

TEST_F(Telemetry, InterrogateReportsStatus) {
  ready_baclofen();
  run_for(kDay);
  const Status s = interrogate();
  EXPECT_EQ(s.wall_clock_s, kMidnight + 86400);
  EXPECT_EQ(s.drug_id, static_cast<uint8_t>(DrugId::kBaclofen));
  EXPECT_EQ(s.concentration_ug_per_ml, 2000u);
  EXPECT_EQ(s.basal_daily_dose_ng, 400000u);
  EXPECT_EQ(s.alarms, 0);
  EXPECT_EQ(s.flags & 0x01, 0x01);
  // 400 µg/day at 2 mg/mL: 200 µL = 800 full steps a day.
  EXPECT_NEAR(s.driven_microsteps / 8.0, 800.0, stroke_full_steps());
  EXPECT_EQ(s.reservoir_nl, 20000000u - s.driven_microsteps / 8 * 250);
  EXPECT_NEAR(s.battery_mv, 3000, 2);
}

TEST_F(Telemetry, EventLogIsReadNewestFirst) {
  ready_baclofen();
  const Response r = send(Payload(Command::kReadEventLog).u16(0).u8(3).bytes);
  ASSERT_EQ(r.refusal, Refusal::kNone);
  ASSERT_EQ(r.data.at(0), 3);
  // Newest: the program change (400 µg/day), then the refill (20000 µL), then the clock set.
  EXPECT_EQ(r.data.at(1 + 8), static_cast<uint8_t>(app::EventCode::kProgramChanged));
  EXPECT_EQ(le32(r.data, 1 + 9), 400000u);
  EXPECT_EQ(r.data.at(14 + 8), static_cast<uint8_t>(app::EventCode::kRefill));
  EXPECT_EQ(le32(r.data, 14 + 9), 20000u);
  EXPECT_EQ(r.data.at(27 + 8), static_cast<uint8_t>(app::EventCode::kClockSet));
  EXPECT_EQ(le32(r.data, 1 + 4), kMidnight);
}

TEST_F(Telemetry, EveryRefusalPathChangesNothing) {
  // Before any drug is in the reservoir.
  expect_refused({0x42}, Refusal::kUnknownCommand);
  expect_refused(Payload(Command::kInterrogate).u8(0).bytes, Refusal::kBadLength);
  expect_refused(Payload(Command::kClockSet).u16(1).bytes, Refusal::kBadLength);
  expect_refused(Payload(Command::kClockSet).u32(12345).bytes, Refusal::kBadArgument);
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(0)
                     .u8(1)
                     .u16(0)
                     .u32(1000)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kNoDrug);
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes, Refusal::kNoDrug);
  expect_refused(Payload(Command::kPrimingBolus).u16(100).bytes, Refusal::kNoDrug);
  expect_refused(Payload(Command::kPtmConfig).u32(1000).u16(60).u16(5).u8(2).bytes,
                 Refusal::kNoDrug);
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kNoProgram);
  // Refill validation.
  expect_refused(Payload(Command::kRefill).u8(99).u32(2000).u32(20000).u32(2000).u16(0).bytes,
                 Refusal::kUnknownDrug);
  expect_refused(Payload(Command::kRefill).u8(3).u32(4000).u32(20000).u32(2000).u16(0).bytes,
                 Refusal::kConcentrationOutOfRange);
  expect_refused(Payload(Command::kRefill).u8(3).u32(2000).u32(20001).u32(2000).u16(0).bytes,
                 Refusal::kVolumeOutOfRange);
  expect_refused(Payload(Command::kRefill).u8(3).u32(2000).u32(400).u32(2000).u16(0).bytes,
                 Refusal::kVolumeOutOfRange);
  expect_refused(Payload(Command::kRefill).u8(3).u32(2000).u32(20000).u32(30000).u16(0).bytes,
                 Refusal::kBadArgument);
  expect_refused(Payload(Command::kRefill).u8(3).u32(2000).u32(20000).u32(2000).u16(100).bytes,
                 Refusal::kBadArgument);  // a bridge with no old drug
  expect_refused(Payload(Command::kRefill).u8(3).u32(2000).u32(20000).u32(2000).bytes,
                 Refusal::kBadLength);

  ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes, Refusal::kNoProgram);
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kNoProgram);

  // Program validation.
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(0)
                     .u8(2)
                     .u16(0)
                     .u32(1000)
                     .u16(60)
                     .u32(1000)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kScheduleInvalid);  // continuous with two steps
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(1)
                     .u8(2)
                     .u16(0)
                     .u32(1000)
                     .u16(0)
                     .u32(1000)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kScheduleInvalid);  // steps not ascending
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(1)
                     .u8(1)
                     .u16(30)
                     .u32(1000)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kScheduleInvalid);  // first step not at midnight
  expect_refused(Payload(Command::kProgramTherapy).u8(1).u8(25).bytes,
                 Refusal::kScheduleInvalid);  // more than 24 steps
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(7)
                     .u8(1)
                     .u16(0)
                     .u32(1000)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kScheduleInvalid);  // unknown mode
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(0)
                     .u8(1)
                     .u16(0)
                     .u32(1000)
                     .u32(5000)
                     .u16(0)
                     .u16(60)
                     .u16(90)
                     .bytes,
                 Refusal::kScheduleInvalid);  // periodic bolus longer than its interval
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(0)
                     .u8(1)
                     .u16(0)
                     .u32(1000001)
                     .u32(0)
                     .u16(0)
                     .u16(0)
                     .u16(0)
                     .bytes,
                 Refusal::kDailyDoseOverLimit);  // baclofen: 1000 µg/day at most
  expect_refused(Payload(Command::kProgramTherapy)
                     .u8(0)
                     .u8(1)
                     .u16(0)
                     .u32(800000)
                     .u32(100000)
                     .u16(0)
                     .u16(360)
                     .u16(10)
                     .bytes,
                 Refusal::kDailyDoseOverLimit);  // 800 + 4 × 100 µg periodic
  expect_refused(Payload(Command::kProgramTherapy).u8(0).u8(1).u16(0).u32(1000).bytes,
                 Refusal::kBadLength);

  ASSERT_EQ(program_continuous(400000).refusal, Refusal::kNone);
  // PTM configuration.
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kPtmDisabled);
  expect_refused(Payload(Command::kPtmConfig).u32(1000).u16(60).u16(5).u8(0).bytes,
                 Refusal::kBadArgument);
  expect_refused(Payload(Command::kPtmConfig).u32(1000).u16(60).u16(5).u8(25).bytes,
                 Refusal::kBadArgument);
  expect_refused(Payload(Command::kPtmConfig).u32(1000).u16(2).u16(5).u8(2).bytes,
                 Refusal::kBadArgument);  // lockout shorter than the bolus
  expect_refused(Payload(Command::kPtmConfig).u32(200000).u16(60).u16(5).u8(4).bytes,
                 Refusal::kDailyDoseOverLimit);  // 400 + 4 × 200 µg
  expect_refused(Payload(Command::kPtmConfig).u32(150000).u16(60).u16(1).u8(1).bytes,
                 Refusal::kRateTooHigh);  // 75 µL in a minute: over 15 µL/min
  // Boluses.
  expect_refused(Payload(Command::kClinicianBolus).u32(0).u16(10).bytes, Refusal::kBadArgument);
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(0).bytes, Refusal::kBadArgument);
  expect_refused(Payload(Command::kClinicianBolus).u32(700000).u16(60).bytes,
                 Refusal::kDailyDoseOverLimit);
  expect_refused(Payload(Command::kClinicianBolus).u32(100000).u16(1).bytes,
                 Refusal::kRateTooHigh);  // 50 µL in one minute
  expect_refused(Payload(Command::kPrimingBolus).u16(0).bytes, Refusal::kBadArgument);
  expect_refused(Payload(Command::kPrimingBolus).u16(1001).bytes, Refusal::kBadArgument);
  ASSERT_EQ(send(Payload(Command::kClinicianBolus).u32(100000).u16(30).bytes).refusal,
            Refusal::kNone);
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes,
                 Refusal::kBolusInProgress);
  expect_refused(Payload(Command::kPrimingBolus).u16(100).bytes, Refusal::kBolusInProgress);
  run_for(kHour);
  ASSERT_EQ(send(Payload(Command::kPrimingBolus).u16(100).bytes).refusal, Refusal::kNone);
  expect_refused(Payload(Command::kPrimingBolus).u16(100).bytes, Refusal::kBusy);
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes, Refusal::kBusy);
  run_for(kHour);
  // Alarms.
  expect_refused(Payload(Command::kAcknowledgeAlarms).u16(0).bytes, Refusal::kBadArgument);
  expect_refused(
      Payload(Command::kAcknowledgeAlarms).u16(app::alarm_bit(app::AlarmId::kReservoirLow)).bytes,
      Refusal::kBadArgument);  // conditions clear themselves
  expect_refused(
      Payload(Command::kAcknowledgeAlarms).u16(app::alarm_bit(app::AlarmId::kMotorStall)).bytes,
      Refusal::kBadArgument);  // not raised
  expect_refused(Payload(Command::kReadEventLog).u16(0).u8(0).bytes, Refusal::kBadArgument);
  expect_refused(Payload(Command::kReadEventLog).u16(0).u8(13).bytes, Refusal::kBadArgument);
  // Therapy stopped by a critical alarm.
  hal.asic.stall_next_moves(3, 0);
  run_for(10 * kMinute);
  ASSERT_TRUE(pump->active_alarms() & app::alarm_bit(app::AlarmId::kMotorStall));
  expect_refused(Payload(Command::kClinicianBolus).u32(1000).u16(10).bytes,
                 Refusal::kTherapyStopped);
  expect_refused(Payload(Command::kPrimingBolus).u16(10).bytes, Refusal::kTherapyStopped);
}

TEST_F(Telemetry, PtmRefusalsChangeNothingButTheLog) {
  ready_baclofen();
  ASSERT_EQ(send(Payload(Command::kPtmConfig).u32(25000).u16(60).u16(5).u8(1).bytes).refusal,
            Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kPtmBolus).bytes).refusal, Refusal::kNone);
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kBolusInProgress);
  run_for(10 * kMinute);
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kPtmLockout);
  run_for(kHour);
  expect_refused(Payload(Command::kPtmBolus).bytes, Refusal::kPtmDailyLimit);
}

TEST_F(Telemetry, ClockSetMovesTheScheduleWithTheWallClock) {
  ready_baclofen();
  EXPECT_EQ(pump->wall_clock_s(), kMidnight);
  run_for(kHour);
  ASSERT_EQ(set_clock(kMidnight + 12 * 3600).refusal, Refusal::kNone);
  EXPECT_EQ(pump->wall_clock_s(), kMidnight + 12 * 3600);
}

}  // namespace
}  // namespace pumpfw::test
