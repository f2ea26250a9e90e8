// The clinician programmer at the other end of the telemetry link: it frames requests and
// reads answers as docs/telemetry.md specifies, with its own implementation of the framing
// (an independent device, so a framing bug in the firmware is not hidden by shared code), and
// authenticates as docs/security.md specifies, with the device key it holds.
//
// ProgrammerLink is the protocol without a transport: the in-twin ClinicianProgrammer runs it
// over the byte-timed UART (its calls block the calling SystemC thread until the answer has
// arrived, or until the timeout), and the external programmer (bench/programmer) over TCP.
//
// transact() does what a clinician's one button press does: it opens a session when the
// command needs one (or the last has timed out), sends the command authenticated and, for a
// dose change, confirms it, so the answer it returns is the command's own.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "mcu.h"
#include "telemetry_uart.h"

namespace pumptwin::platform {

struct TelemetryReply {
  bool received = false;  // false: no valid answer within the timeout (or a forged one)
  uint8_t sequence = 0;
  uint8_t opcode = 0;          // the request's opcode | 0x80
  uint8_t refusal = 0xFF;      // 0 accepted
  std::vector<uint8_t> data;   // without the answer's authentication tag
  bool authenticated = false;  // the answer carried a valid session tag
  bool accepted() const { return received && refusal == 0; }
};

// The interrogate answer (docs/telemetry.md, "Interrogate status").
struct PumpStatus {
  uint32_t wall_clock_s = 0;
  uint8_t reset_cause = 0;
  uint16_t alarms = 0;
  uint8_t flags = 0;
  uint8_t drug_id = 0;
  uint32_t concentration_ug_per_ml = 0;
  uint32_t reservoir_nl = 0;
  uint16_t battery_mv = 0;
  uint32_t driven_microsteps = 0;
  uint32_t undriven_microsteps = 0;
  uint32_t basal_daily_dose_ng = 0;
  uint32_t bolus_remaining_ng = 0;
  uint8_t ptm_last_day = 0;
  uint32_t events = 0;
};

struct LoggedEvent {
  uint32_t sequence = 0;
  uint32_t time_s = 0;
  uint8_t code = 0;
  uint32_t argument = 0;
};

// Refusal codes and opcodes of docs/telemetry.md and docs/security.md the programmer uses.
namespace wire {
inline constexpr uint8_t kOpInterrogate = 0x01;
inline constexpr uint8_t kOpReadEventLog = 0x02;
inline constexpr uint8_t kOpProgramTherapy = 0x03;
inline constexpr uint8_t kOpRefill = 0x04;
inline constexpr uint8_t kOpClinicianBolus = 0x05;
inline constexpr uint8_t kOpPrimingBolus = 0x0A;
inline constexpr uint8_t kOpAcknowledgeAlarms = 0x0B;
inline constexpr uint8_t kOpHello = 0x10;
inline constexpr uint8_t kOpAuth = 0x11;
inline constexpr uint8_t kOpConfirm = 0x12;
inline constexpr uint8_t kOpEndSession = 0x13;
inline constexpr uint8_t kAwaitingConfirmation = 19;
inline constexpr uint8_t kAuthenticationRequired = 20;
inline constexpr uint8_t kSessionExpired = 23;
inline constexpr uint8_t kLockedOut = 24;
}  // namespace wire

// Little-endian payload builder.
class PayloadWriter {
 public:
  explicit PayloadWriter(uint8_t opcode) { bytes.push_back(opcode); }
  PayloadWriter& u8(uint32_t value) { return put(value, 1); }
  PayloadWriter& u16(uint32_t value) { return put(value, 2); }
  PayloadWriter& u32(uint32_t value) { return put(value, 4); }
  std::vector<uint8_t> bytes;

 private:
  PayloadWriter& put(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
};

class ProgrammerLink {
 public:
  // Sends one complete frame and returns the answer carrying `sequence` (received false if
  // none came in time). Parse with find_reply.
  using Exchange =
      std::function<TelemetryReply(const std::vector<uint8_t>& frame, uint8_t sequence)>;
  // Seconds on the clock the pump's session timeouts run on (simulated time in the twin).
  using Clock = std::function<double()>;

  ProgrammerLink(Exchange exchange, Clock clock, const mcu::DeviceKey& key,
                 uint64_t nonce_seed = 1);
  ~ProgrammerLink();
  ProgrammerLink(const ProgrammerLink&) = delete;
  ProgrammerLink& operator=(const ProgrammerLink&) = delete;

  // One command, with a session and the confirmation as needed (see the file comment).
  TelemetryReply transact(const std::vector<uint8_t>& payload);
  // The steps, for tests and for a programmer that shows the dose before confirming.
  TelemetryReply open_session();
  TelemetryReply send_plain(const std::vector<uint8_t>& payload);
  TelemetryReply send_authenticated(const std::vector<uint8_t>& payload);
  TelemetryReply confirm(uint32_t counter, uint8_t opcode);
  TelemetryReply end_session();

  void set_key(const mcu::DeviceKey& key);
  // The next frame carries `sequence` + 1. An external programmer starts from a random number:
  // the pump takes a frame with its previous frame's sequence for a retransmission.
  void set_last_sequence(uint8_t sequence) { sequence_ = sequence; }
  bool session_open() const { return session_open_; }
  void forget_session() { session_open_ = false; }
  // The last frame sent, byte for byte, and the counter of the last authenticated request.
  const std::vector<uint8_t>& last_frame() const { return last_frame_; }
  uint32_t last_counter() const { return counter_; }
  // The programmer's own view of the pump's session limits (kept below the pump's).
  double session_idle_limit_s = 240.0;
  double session_age_limit_s = 1500.0;

  static uint16_t crc16(const uint8_t* data, size_t length);
  static bool needs_session(uint8_t opcode);
  // Finds a complete, CRC-checked answer to `sequence` in `received`.
  static bool find_reply(const std::vector<uint8_t>& received, uint8_t sequence,
                         TelemetryReply& reply);

 private:
  TelemetryReply send_frame(const std::vector<uint8_t>& payload);
  void hmac(const uint8_t* key, size_t key_length, const std::vector<uint8_t>& message,
            uint8_t digest[32]) const;

  Exchange exchange_;
  Clock clock_;
  mcu::DeviceKey key_;
  uint8_t sequence_ = 0;
  bool session_open_ = false;
  double session_opened_s_ = 0.0;
  double session_used_s_ = 0.0;
  uint32_t counter_ = 0;
  std::array<uint8_t, 32> session_key_{};
  std::vector<uint8_t> last_frame_;
  struct Random;
  Random* random_;
};

class ClinicianProgrammer {
 public:
  explicit ClinicianProgrammer(mcu::TelemetryUart& uart,
                               const mcu::DeviceKey& key = mcu::kBenchDeviceKey);

  // Sends one request (opcode and arguments) and waits for its answer, opening a session and
  // confirming a dose change as needed (ProgrammerLink::transact).
  TelemetryReply transact(const std::vector<uint8_t>& payload,
                          const sc_core::sc_time& timeout = sc_core::sc_time(2, sc_core::SC_SEC));

  TelemetryReply refill(uint8_t drug_id, uint32_t concentration_ug_per_ml, uint32_t volume_ul,
                        uint32_t low_reservoir_ul, uint16_t bridge_volume_ul = 0);
  TelemetryReply program_continuous(uint32_t rate_ng_per_day);
  TelemetryReply priming_bolus(uint16_t volume_ul);
  TelemetryReply acknowledge_alarms(uint16_t alarm_bits);
  // Fills `status` when the pump accepted the request.
  TelemetryReply interrogate(PumpStatus& status);
  // The whole event log, newest first, as far as it goes back (at most `max_events`).
  TelemetryReply read_event_log(std::vector<LoggedEvent>& events, size_t max_events = 256);

  ProgrammerLink& link() { return link_; }

  static uint16_t crc16(const uint8_t* data, size_t length) {
    return ProgrammerLink::crc16(data, length);
  }

 private:
  TelemetryReply exchange(const std::vector<uint8_t>& frame, uint8_t sequence);

  mcu::TelemetryUart& uart_;
  sc_core::sc_time timeout_ = sc_core::sc_time(2, sc_core::SC_SEC);
  ProgrammerLink link_;
};

// Decoders shared by the programmers.
bool decode_status(const std::vector<uint8_t>& data, PumpStatus& status);
bool decode_events(const std::vector<uint8_t>& data, std::vector<LoggedEvent>& events);

}  // namespace pumptwin::platform
