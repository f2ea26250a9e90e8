// A pump on the fake board, with helpers to run it in simulated time and to talk to it over
// the telemetry link as a clinician programmer would.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "app/pump.h"
#include "app/telemetry_link.h"
#include "fake_hal.h"

namespace pumpfw::test {

inline constexpr hal::Ticks kSecond = hal::kTicksPerSecond;
inline constexpr hal::Ticks kMinute = 60 * kSecond;
inline constexpr hal::Ticks kHour = 60 * kMinute;
inline constexpr hal::Ticks kDay = 24 * kHour;

struct Response {
  uint8_t opcode = 0;
  app::Refusal refusal = app::Refusal::kBadFrame;
  std::vector<uint8_t> data;
  uint8_t sequence = 0;
  bool authenticated = false;  // the answer carried a valid session tag (stripped from data)
};

// Little-endian payload builder.
class Payload {
 public:
  explicit Payload(app::Command command) { bytes.push_back(static_cast<uint8_t>(command)); }
  Payload& u8(uint32_t v) { return put(v, 1); }
  Payload& u16(uint32_t v) { return put(v, 2); }
  Payload& u32(uint32_t v) { return put(v, 4); }
  std::vector<uint8_t> bytes;

 private:
  Payload& put(uint32_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
};

uint32_t le32(const std::vector<uint8_t>& data, size_t at);
uint16_t le16(const std::vector<uint8_t>& data, size_t at);

struct Status {
  uint32_t wall_clock_s;
  uint8_t reset_cause;
  uint16_t alarms;
  uint8_t flags;
  uint8_t drug_id;
  uint32_t concentration_ug_per_ml;
  uint32_t reservoir_nl;
  uint16_t battery_mv;
  uint32_t driven_microsteps;
  uint32_t undriven_microsteps;
  uint32_t basal_daily_dose_ng;
  uint32_t bolus_remaining_ng;
  uint8_t ptm_last_day;
  uint32_t events;
};

class PumpFixture : public ::testing::Test {
 protected:
  PumpFixture();

  void boot();
  // Simulates a reset: the firmware instance is gone, the board (NVM, ASIC, RTC) remains.
  void reboot(hal::ResetCause cause);
  // Runs the main loop until `until`; returns the number of wake-ups.
  uint64_t run_until(hal::Ticks until);
  uint64_t run_for(hal::Ticks duration) { return run_until(hal.now() + duration); }

  // Sends a command as a clinician programmer does: commands that need a session get one
  // (opened with `key`), are sent authenticated, and dose changes are confirmed, so the
  // answer is the command's own (docs/security.md).
  Response send(const std::vector<uint8_t>& payload);
  Response send_raw(const std::vector<uint8_t>& frame_bytes);
  // The steps send() takes, for the security tests.
  Response open_session();
  Response send_plain(const std::vector<uint8_t>& payload);
  // An authenticated frame of the current session (the next counter) and its answer, checked.
  std::vector<uint8_t> secure_frame(const std::vector<uint8_t>& payload);
  Response send_secure(const std::vector<uint8_t>& payload);
  Response check_answer(Response response, uint32_t counter);
  Response confirm(uint32_t counter, uint8_t opcode);
  uint32_t last_counter() const { return counter_; }
  static bool needs_session(uint8_t opcode);
  static bool needs_confirmation(uint8_t opcode);
  std::vector<Response> drain_responses();
  Status interrogate();

  Response refill(app::DrugId drug, uint32_t concentration_ug_per_ml, uint32_t volume_ul,
                  uint32_t low_reservoir_ul = 2000, uint16_t bridge_ul = 0);
  Response program_continuous(uint32_t rate_ng_per_day, uint32_t periodic_dose_ng = 0,
                              uint16_t first_minute = 0, uint16_t interval_minutes = 0,
                              uint16_t duration_minutes = 0);
  Response program_flexible(const std::vector<std::pair<uint16_t, uint32_t>>& steps);
  Response set_clock(uint32_t wall_s);

  uint32_t driven_microsteps() const { return hal.asic.total_microsteps(); }
  // Full steps of the smallest basal or bolus stroke: what may still be owed at any moment, so
  // the tolerance of a delivered amount measured at an arbitrary time.
  double stroke_full_steps() const { return config.min_full_steps_per_stroke; }

  FakeHal hal;
  app::PumpConfig config;
  std::unique_ptr<app::Pump> pump;
  uint8_t sequence_ = 0;
  // The device key provisioned at manufacture, and the one the programmer holds.
  std::array<uint8_t, app::kDeviceKeyBytes> device_key{};
  std::array<uint8_t, app::kDeviceKeyBytes> key{};
  // The programmer's session (with which firmware instance, since a reset ends it).
  uint64_t boots_ = 0;
  uint64_t session_boot_ = 0;  // 0: no session
  hal::Ticks session_used_ = 0;
  uint32_t counter_ = 0;
  std::array<uint8_t, 32> session_key_{};
  uint8_t nonce_counter_ = 0;
};

// HMAC-SHA256 with mbedTLS (the programmer's side).
std::array<uint8_t, 32> hmac_sha256(const uint8_t* key, size_t key_length,
                                    const std::vector<uint8_t>& message);

}  // namespace pumpfw::test
