// The telemetry link under attack for hours (docs/security.md): line noise, damaged frames,
// well-formed frames of random content and replays of a real programmer's frames, every few
// seconds for 12 simulated hours, while the pump delivers its program. Delivery stays within
// ±0.5 % of programmed, the therapy record in NVM does not change, and every refused attempt
// (as the attacker saw it answered) is counted in the pump's event log.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>

#include "app/drug_library.h"
#include "app/event_log.h"
#include "app/pump.h"
#include "platform.h"

namespace pumptwin::platform {
namespace {

using sc_core::SC_SEC;
using sc_core::sc_time;

constexpr auto kMorphine = static_cast<uint8_t>(pumpfw::app::DrugId::kMorphine);
constexpr uint8_t kLinkRefused = static_cast<uint8_t>(pumpfw::app::EventCode::kLinkRefused);

class Attacker {
 public:
  Attacker(mcu::TelemetryUart& uart, uint64_t seed) : uart_(uart), random_(seed) {}

  // Sends bytes and waits up to 1 s for the answer carrying `sequence`.
  bool exchange(const std::vector<uint8_t>& bytes, uint8_t sequence, TelemetryReply& reply) {
    std::vector<uint8_t> received;
    uart_.host_take_received();
    uart_.host_send(bytes);
    const sc_time deadline = sc_core::sc_time_stamp() + sc_time(1, SC_SEC);
    for (;;) {
      const std::vector<uint8_t> more = uart_.host_take_received();
      received.insert(received.end(), more.begin(), more.end());
      if (ProgrammerLink::find_reply(received, sequence, reply)) return true;
      if (sc_core::sc_time_stamp() >= deadline) return false;
      sc_core::wait(deadline - sc_core::sc_time_stamp(), uart_.host_byte_arrived);
    }
  }

  void count(const TelemetryReply& reply) {
    if (reply.refusal != 0 && reply.refusal != 19) ++refused[reply.refusal];
  }

  uint8_t next_sequence(uint8_t avoid) {
    do ++sequence_;
    while (sequence_ == 0 || sequence_ == avoid);
    return sequence_;
  }

  static std::vector<uint8_t> frame(uint8_t sequence, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> f = {0xA5, static_cast<uint8_t>(payload.size()), sequence};
    f.insert(f.end(), payload.begin(), payload.end());
    const uint16_t crc = ProgrammerLink::crc16(f.data() + 1, f.size() - 1);
    f.push_back(static_cast<uint8_t>(crc));
    f.push_back(static_cast<uint8_t>(crc >> 8));
    return f;
  }

  // One burst; `avoid` is the sequence number of the last frame on the line (a frame with the
  // same one is a retransmission, answered from the pump's cache rather than refused).
  void burst(const std::vector<std::vector<uint8_t>>& captured, uint8_t avoid) {
    std::uniform_int_distribution<int> byte(0, 255);
    // Line noise (no sync byte: it would start a frame).
    std::vector<uint8_t> noise;
    for (int i = 0; i < 16; ++i) {
      uint8_t b = static_cast<uint8_t>(byte(random_));
      noise.push_back(b == 0xA5 ? 0x5A : b);
    }
    uart_.host_send(noise);
    TelemetryReply reply;
    // A damaged frame.
    std::vector<uint8_t> damaged = frame(next_sequence(avoid), {0x05, 0x01, 0x02});
    damaged[damaged.size() - 1] ^= 0x40;
    ++sent;
    if (exchange(damaged, 0, reply)) count(reply);
    // A well-formed frame of random content.
    std::vector<uint8_t> payload(1 + static_cast<size_t>(byte(random_) % 40));
    for (uint8_t& b : payload) b = static_cast<uint8_t>(byte(random_));
    payload[0] = static_cast<uint8_t>(byte(random_) % 0x20);
    uint8_t sequence = next_sequence(avoid);
    ++sent;
    if (exchange(frame(sequence, payload), sequence, reply)) count(reply);
    // A replay of a real programmer's frame, under a new sequence number.
    if (!captured.empty()) {
      const std::vector<uint8_t>& old =
          captured[static_cast<size_t>(byte(random_)) % captured.size()];
      sequence = next_sequence(avoid);
      ++sent;
      if (exchange(frame(sequence, std::vector<uint8_t>(old.begin() + 3, old.end() - 2)), sequence,
                   reply)) {
        count(reply);
      }
    }
  }

  std::map<uint8_t, uint32_t> refused;
  uint32_t sent = 0;

 private:
  mcu::TelemetryUart& uart_;
  std::mt19937_64 random_;
  uint8_t sequence_ = 0;
};

TEST(PlatformLinkFlood, TwelveHoursOfGarbageAndReplaysChangeNothingAndAreAllLogged) {
  Platform::use_time_resolution();
  Platform platform("platform");
  // Morphine 10 mg/mL at 6 mg/day: 600 µL/day, 300 µL in the 12 h.
  constexpr uint32_t kRateNgPerDay = 6'000'000;
  constexpr double kFloodHours = 12.0;
  constexpr double kProgrammedUl = 600.0 * kFloodHours / 24.0;
  Attacker attacker(platform.mcu.uart, 7);
  std::vector<std::vector<uint8_t>> captured;
  double displaced_ul = 0.0;
  std::vector<uint8_t> therapy_before;
  std::vector<uint8_t> therapy_after;
  std::vector<LoggedEvent> events;
  uint32_t first_flood_event = 0;
  bool log_read = false;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    ASSERT_TRUE(platform.programmer.refill(kMorphine, 10000, 20000, 2000).accepted());
    captured.push_back(platform.programmer.link().last_frame());
    ASSERT_TRUE(platform.programmer.program_continuous(kRateNgPerDay).accepted());
    captured.push_back(platform.programmer.link().last_frame());
    PumpStatus status;
    ASSERT_TRUE(platform.programmer.interrogate(status).accepted());
    first_flood_event = status.events;
    sc_core::wait(sc_time(60, SC_SEC));  // the first strokes have run
    const auto record = [&] {
      std::vector<uint8_t> bytes(pumpfw::app::nvm_layout::kStateA);
      platform.mcu.nvm().read(0, bytes.data(), static_cast<uint32_t>(bytes.size()));
      return bytes;
    };
    therapy_before = record();
    const double displaced_start = platform.drive_train.displaced_volume_ul();
    const sc_time end = sc_core::sc_time_stamp() + sc_time(kFloodHours * 3600, SC_SEC);
    std::mt19937 pause(3);
    double next_legit_s = sc_core::sc_time_stamp().to_seconds() + 1800;
    while (sc_core::sc_time_stamp() < end) {
      // Now and then the real programmer works in a session; its frames are captured.
      if (sc_core::sc_time_stamp().to_seconds() >= next_legit_s) {
        std::vector<LoggedEvent> newest;
        platform.programmer.read_event_log(newest, 1);
        captured.push_back(platform.programmer.link().last_frame());
        next_legit_s += 3600;
      }
      attacker.burst(captured, platform.programmer.link().last_frame().at(2));
      sc_core::wait(sc_time(2 + pause() % 9, SC_SEC));
    }
    displaced_ul = platform.drive_train.displaced_volume_ul() - displaced_start;
    therapy_after = record();
    // The last window of summed refusals (an hour at most) reaches the log.
    sc_core::wait(sc_time(3700, SC_SEC));
    log_read = platform.programmer.read_event_log(events).accepted();
  });
  ASSERT_TRUE(log_read);
  uint32_t observed = 0;
  for (const auto& [reason, n] : attacker.refused) observed += n;
  std::map<uint8_t, uint32_t> logged;
  uint32_t flood_entries = 0;
  for (const LoggedEvent& e : events) {
    if (e.sequence <= first_flood_event) continue;
    ++flood_entries;
    if (e.code == kLinkRefused) logged[static_cast<uint8_t>(e.argument & 0xFF)] += e.argument >> 8;
  }
  std::printf(
      "%u attack frames, %u answered refusals; %u log entries since; displaced %.3f uL of "
      "%.1f uL programmed (%+.3f %%)\n",
      attacker.sent, observed, flood_entries, displaced_ul, kProgrammedUl,
      100.0 * (displaced_ul / kProgrammedUl - 1.0));
  for (const auto& [reason, n] : attacker.refused) {
    std::printf("  reason %u: %u refused, %u in the log\n", reason, n, logged[reason]);
  }
  EXPECT_GT(observed, 10000u);
  EXPECT_EQ(attacker.refused, logged) << "every refused attempt is in the event log";
  EXPECT_NEAR(displaced_ul, kProgrammedUl, 0.005 * kProgrammedUl);
  EXPECT_EQ(therapy_before, therapy_after) << "the therapy records did not change";
  EXPECT_LT(flood_entries, 200u) << "the clinical events are not pushed out of the log";
}

}  // namespace
}  // namespace pumptwin::platform
