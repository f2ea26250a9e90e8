// The telemetry link's security (docs/security.md): mutual authentication with the device key,
// session tags and counters, timeouts, lockout, the two-step confirmation of dose changes, and
// the log of every refusal. A refused attempt answers with its reason, changes nothing in NVM
// but the event log, and is in the event log.
#include <cstring>

#include "app/crc.h"
#include "pump_fixture.h"

namespace pumpfw::test {
namespace {

using app::Command;
using app::DrugId;
using app::EventCode;
using app::Refusal;

constexpr uint32_t kMidnight = 1767225600;

std::vector<uint8_t> program_payload(uint32_t rate_ng_per_day) {
  return Payload(Command::kProgramTherapy)
      .u8(0)
      .u8(1)
      .u16(0)
      .u32(rate_ng_per_day)
      .u32(0)
      .u16(0)
      .u16(0)
      .u16(0)
      .bytes;
}

class Security : public PumpFixture {
 protected:
  void SetUp() override {
    boot();
    ASSERT_EQ(set_clock(kMidnight).refusal, Refusal::kNone);
    ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
    ASSERT_EQ(program_continuous(400000).refusal, Refusal::kNone);
  }

  // NVM except the event log: the therapy and state records and the key.
  std::vector<uint8_t> records() const {
    std::vector<uint8_t> bytes(hal.nvm.begin(), hal.nvm.begin() + app::nvm_layout::kEventLog);
    bytes.insert(bytes.end(), hal.nvm.begin() + app::nvm_layout::kDeviceKeyA,
                 hal.nvm.begin() + app::nvm_layout::kBytesNeeded);
    return bytes;
  }

  // The same without the state records: each driven stroke saves the delivery account there
  // (pump.cpp, finish_move), so after a wait long enough for strokes only the therapy records
  // and the device key must be as they were.
  std::vector<uint8_t> records_but_the_delivery_account() const {
    std::vector<uint8_t> bytes(hal.nvm.begin(), hal.nvm.begin() + app::nvm_layout::kStateA);
    bytes.insert(bytes.end(), hal.nvm.begin() + app::nvm_layout::kDeviceKeyA,
                 hal.nvm.begin() + app::nvm_layout::kBytesNeeded);
    return bytes;
  }

  std::vector<app::Event> events_since(uint32_t sequence) {
    std::vector<app::Event> events;
    app::Event event{};
    for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
      if (event.sequence <= sequence) break;
      events.insert(events.begin(), event);
    }
    return events;
  }
  uint32_t newest_sequence() const { return pump->event_log().next_sequence() - 1; }

  // Refusals outside a session in the log since `sequence`, summed for `reason`.
  uint32_t link_refusals_logged(uint32_t sequence, Refusal reason) {
    uint32_t count = 0;
    for (const app::Event& e : events_since(sequence)) {
      if (e.code == EventCode::kLinkRefused &&
          (e.argument & 0xFF) == static_cast<uint32_t>(reason)) {
        count += e.argument >> 8;
      }
    }
    return count;
  }

  // Runs long enough for summed refusals to reach the log (the longest window).
  void let_the_log_catch_up() { run_for(config.max_refusal_log_window_s * kSecond + kSecond); }
};

TEST_F(Security, TheRightKeyOpensASessionThatProgramsThePump) {
  const uint32_t before = newest_sequence();
  const Response opened = open_session();
  ASSERT_EQ(opened.refusal, Refusal::kNone);
  const Response r = send(program_payload(500000));
  EXPECT_EQ(r.refusal, Refusal::kNone);
  EXPECT_TRUE(r.authenticated) << "the pump's answer carries the session's tag";
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 500000u);
  const std::vector<app::Event> events = events_since(before);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].code, EventCode::kSessionOpened);
  EXPECT_EQ(events[1].code, EventCode::kProgramChanged);
}

TEST_F(Security, InterrogationStaysOpenButTherapyCommandsNeedASession) {
  ASSERT_EQ(send(Payload(Command::kSessionEnd).bytes).refusal, Refusal::kNone);
  const std::vector<uint8_t> before = records();
  const std::vector<uint8_t> before_but_delivery = records_but_the_delivery_account();
  const uint32_t logged = newest_sequence();
  EXPECT_EQ(send_plain(Payload(Command::kInterrogate).bytes).refusal, Refusal::kNone);
  // A programmer of the old, unauthenticated protocol.
  const Response r = send_plain(program_payload(900000));
  EXPECT_EQ(r.refusal, Refusal::kAuthenticationRequired);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(send_plain(Payload(Command::kReadEventLog).u16(0).u8(1).bytes).refusal,
            Refusal::kAuthenticationRequired);
  EXPECT_EQ(records(), before);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationRequired), 1u)
      << "the first at once; the second is summed into the window";
  let_the_log_catch_up();
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationRequired), 2u);
  EXPECT_EQ(records_but_the_delivery_account(), before_but_delivery);
}

TEST_F(Security, AWrongKeyIsRefusedAndChangesNothing) {
  const std::vector<uint8_t> before = records();
  const std::vector<uint8_t> before_but_delivery = records_but_the_delivery_account();
  const uint32_t logged = newest_sequence();
  key[0] ^= 0x01;  // a programmer with another pump's key
  EXPECT_EQ(open_session().refusal, Refusal::kAuthenticationFailed);
  const Response r = send(program_payload(900000));
  EXPECT_EQ(r.refusal, Refusal::kAuthenticationFailed);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 400000u);
  EXPECT_EQ(records(), before);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationFailed), 1u);
  let_the_log_catch_up();
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationFailed), 2u);
  EXPECT_EQ(records_but_the_delivery_account(), before_but_delivery);
}

TEST_F(Security, ThePumpProvesItselfFirst) {
  // The programmer checks the pump's proof (open_session expects it); a pump provisioned with
  // another key fails that check, so a programmer never talks to an impostor.
  Payload hello(Command::kSessionHello);
  for (uint32_t i = 1; i <= 16; ++i) hello.u8(i);
  const Response challenge = send_plain(hello.bytes);
  ASSERT_EQ(challenge.refusal, Refusal::kNone);
  ASSERT_EQ(challenge.data.size(), 32u);
  std::vector<uint8_t> message = {'P', 'U', 'M', 'P'};
  for (int i = 1; i <= 16; ++i) message.push_back(static_cast<uint8_t>(i));
  message.insert(message.end(), challenge.data.begin(), challenge.data.begin() + 16);
  const auto right = hmac_sha256(device_key.data(), device_key.size(), message);
  EXPECT_TRUE(std::equal(right.begin(), right.begin() + 16, challenge.data.begin() + 16));
  std::array<uint8_t, 32> other = device_key;
  other[5] ^= 0x80;
  const auto wrong = hmac_sha256(other.data(), other.size(), message);
  EXPECT_FALSE(std::equal(wrong.begin(), wrong.begin() + 16, challenge.data.begin() + 16));
}

TEST_F(Security, AReplayedFrameIsRefusedAndChangesNothing) {
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  const std::vector<uint8_t> bolus =
      secure_frame(Payload(Command::kClinicianBolus).u32(20000).u16(10).bytes);
  const uint32_t counter = last_counter();
  ASSERT_EQ(check_answer(send_raw(bolus), counter).refusal, Refusal::kAwaitingConfirmation);
  std::vector<uint8_t> go =
      secure_frame(Payload(Command::kConfirm).u32(counter).u8(uint8_t{0x05}).bytes);
  ASSERT_EQ(check_answer(send_raw(go), last_counter()).refusal, Refusal::kNone);
  run_for(20 * kMinute);  // the bolus is given
  ASSERT_EQ(pump->engine().bolus_remaining_ng(), 0u);
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kAlarmTest).bytes).refusal, Refusal::kNone);

  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  const uint8_t confirm_opcode = static_cast<uint8_t>(Command::kConfirm) | app::kResponseFlag;
  // The captured confirmation, sent again under a new frame sequence number: its tag is from
  // the old session, and in this session its counter is not fresh either.
  go[2] = static_cast<uint8_t>(go[2] + 100);
  go[go.size() - 2] = 0;  // its CRC recomputed, as an attacker would
  const uint16_t crc = app::crc16_ccitt(go.data() + 1, static_cast<uint32_t>(go.size() - 3));
  go[go.size() - 2] = static_cast<uint8_t>(crc);
  go[go.size() - 1] = static_cast<uint8_t>(crc >> 8);
  Response r = send_raw(go);
  EXPECT_EQ(r.opcode, confirm_opcode);
  EXPECT_EQ(r.refusal, Refusal::kAuthenticationFailed) << "an old session's tag";
  // A frame of this session replayed.
  const std::vector<uint8_t> test = secure_frame(Payload(Command::kAlarmTest).bytes);
  run_for(10 * kSecond);
  ASSERT_EQ(check_answer(send_raw(test), last_counter()).refusal, Refusal::kNone);
  ASSERT_EQ(send(Payload(Command::kInterrogate).bytes).refusal, Refusal::kNone);
  std::vector<uint8_t> replay = test;
  replay[2] = static_cast<uint8_t>(replay[2] + 50);
  const uint16_t crc2 =
      app::crc16_ccitt(replay.data() + 1, static_cast<uint32_t>(replay.size() - 3));
  replay[replay.size() - 2] = static_cast<uint8_t>(crc2);
  replay[replay.size() - 1] = static_cast<uint8_t>(crc2 >> 8);
  r = send_raw(replay);
  EXPECT_EQ(r.refusal, Refusal::kReplayed);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(pump->engine().bolus_remaining_ng(), 0u) << "no second bolus";
  EXPECT_EQ(records(), before);
  let_the_log_catch_up();
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kReplayed), 1u);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationFailed), 1u);
}

TEST_F(Security, AFrameFromAnExpiredSessionIsRefused) {
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  run_for(config.security.session_idle_timeout_s * kSecond + kSecond);
  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  Response r = send_secure(program_payload(900000));
  EXPECT_EQ(r.refusal, Refusal::kSessionExpired);
  EXPECT_EQ(records(), before);
  // And the session is over: the next frame needs a new one.
  r = send_secure(program_payload(900000));
  EXPECT_EQ(r.refusal, Refusal::kAuthenticationRequired);
  EXPECT_EQ(records(), before);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kSessionExpired), 1u);
  // A session in use still ends after its maximum length.
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  for (uint32_t s = 0; s <= config.security.session_max_s; s += 200) {
    run_for(200 * kSecond);
    r = send_secure(Payload(Command::kReadEventLog).u16(0).u8(1).bytes);
  }
  EXPECT_EQ(r.refusal, Refusal::kSessionExpired);
}

TEST_F(Security, AnOutOfRangeDoseIsRefusedAtTheFirstStepAndLogged) {
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  // Baclofen's maximum is 1 mg/day.
  const Response r = send_secure(program_payload(5'000'000));
  EXPECT_EQ(r.refusal, Refusal::kDailyDoseOverLimit);
  EXPECT_TRUE(r.authenticated);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(records(), before);
  const std::vector<app::Event> events = events_since(logged);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, EventCode::kCommandRefused);
  EXPECT_EQ(events[0].argument, (0x03u << 8) | static_cast<uint32_t>(Refusal::kDailyDoseOverLimit));
}

TEST_F(Security, ADoseChangeWaitsForItsConfirmation) {
  ASSERT_EQ(open_session().refusal, Refusal::kNone);
  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  // Validated, not executed.
  Response r = send_secure(program_payload(600000));
  EXPECT_EQ(r.refusal, Refusal::kAwaitingConfirmation);
  const uint32_t pending = last_counter();
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 400000u);
  EXPECT_EQ(records(), before);
  // Not confirmed in time.
  run_for((config.security.confirm_timeout_s + 1) * kSecond);
  r = confirm(pending, 0x03);
  EXPECT_EQ(r.refusal, Refusal::kNotConfirmed);
  EXPECT_EQ(records(), before);
  // Another command in between cancels it.
  r = send_secure(program_payload(600000));
  ASSERT_EQ(r.refusal, Refusal::kAwaitingConfirmation);
  const uint32_t second = last_counter();
  ASSERT_EQ(send_secure(Payload(Command::kReadEventLog).u16(0).u8(1).bytes).refusal,
            Refusal::kNone);
  EXPECT_EQ(confirm(second, 0x03).refusal, Refusal::kNotConfirmed);
  // A confirmation of something else.
  r = send_secure(program_payload(600000));
  ASSERT_EQ(r.refusal, Refusal::kAwaitingConfirmation);
  EXPECT_EQ(confirm(last_counter(), 0x05).refusal, Refusal::kNotConfirmed);
  EXPECT_EQ(records(), before);
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 400000u);
  uint32_t refused = 0;
  for (const app::Event& e : events_since(logged)) {
    if (e.code == EventCode::kCommandRefused &&
        e.argument == ((0x12u << 8) | static_cast<uint32_t>(Refusal::kNotConfirmed))) {
      ++refused;
    }
  }
  EXPECT_EQ(refused, 3u);
  // Confirmed at once: done.
  r = send_secure(program_payload(600000));
  ASSERT_EQ(r.refusal, Refusal::kAwaitingConfirmation);
  EXPECT_EQ(confirm(last_counter(), 0x03).refusal, Refusal::kNone);
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 600000u);
}

TEST_F(Security, RepeatedFailuresLockTheLinkOutWithBackOff) {
  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  key[3] ^= 0x10;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(open_session().refusal, Refusal::kAuthenticationFailed);
  // Locked out for 10 s, even with the right key.
  key = device_key;
  EXPECT_EQ(open_session().refusal, Refusal::kLockedOut);
  run_for(11 * kSecond);
  key[3] ^= 0x10;
  EXPECT_EQ(open_session().refusal, Refusal::kAuthenticationFailed);
  key = device_key;
  run_for(11 * kSecond);
  EXPECT_EQ(open_session().refusal, Refusal::kLockedOut) << "twice as long: 20 s";
  run_for(10 * kSecond);
  EXPECT_EQ(open_session().refusal, Refusal::kNone);
  EXPECT_EQ(records(), before);
  uint32_t lockouts = 0;
  uint32_t lockout_s[2] = {};
  for (const app::Event& e : events_since(logged)) {
    if (e.code == EventCode::kLockout && lockouts < 2) lockout_s[lockouts++] = e.argument;
  }
  EXPECT_EQ(lockouts, 2u);
  EXPECT_EQ(lockout_s[0], 10u);
  EXPECT_EQ(lockout_s[1], 20u);
  let_the_log_catch_up();
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationFailed), 4u);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kLockedOut), 2u);
}

TEST_F(Security, AFloodIsCountedInTheLogWithoutPushingTherapyEventsOut) {
  ASSERT_EQ(send(Payload(Command::kSessionEnd).bytes).refusal, Refusal::kNone);
  const std::vector<uint8_t> before = records();
  const uint32_t logged = newest_sequence();
  uint32_t answered = 0;
  for (int i = 0; i < 2000; ++i) {
    // A damaged frame, and a good frame of the old protocol.
    std::vector<uint8_t> frame = {app::kFrameSync, 3, static_cast<uint8_t>(i), 0x05, 1, 2, 0, 0};
    answered += send_raw(frame).refusal == Refusal::kBadFrame;
    answered += send_plain(program_payload(900000)).refusal == Refusal::kAuthenticationRequired;
    run_for(5 * kSecond);
  }
  EXPECT_EQ(answered, 4000u);
  let_the_log_catch_up();
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kBadFrame), 2000u);
  EXPECT_EQ(link_refusals_logged(logged, Refusal::kAuthenticationRequired), 2000u);
  // 2.8 hours of refusals in a handful of entries: windows of 1, 2, 4 ... 60 min.
  EXPECT_LE(newest_sequence() - logged, 40u);
  EXPECT_EQ(records().size(), before.size());
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 400000u);
}

TEST_F(Security, APumpWithoutAKeyRefusesEverySession) {
  // A part whose key record was never written (or is damaged in both copies).
  std::fill(hal.nvm.begin() + app::nvm_layout::kDeviceKeyA,
            hal.nvm.begin() + app::nvm_layout::kBytesNeeded, 0xFF);
  reboot(hal::ResetCause::kPowerOn);
  EXPECT_EQ(open_session().refusal, Refusal::kNoDeviceKey);
  EXPECT_EQ(send(program_payload(500000)).refusal, Refusal::kNoDeviceKey);
  // Therapy continues as programmed; interrogation works.
  EXPECT_TRUE(pump->delivering());
  EXPECT_EQ(send_plain(Payload(Command::kInterrogate).bytes).refusal, Refusal::kNone);
}

}  // namespace
}  // namespace pumpfw::test
