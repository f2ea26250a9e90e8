#include "clinician_programmer.h"

#include <mbedtls/hmac_drbg.h>
#include <mbedtls/md.h>

#include <cstring>

namespace pumptwin::platform {

namespace {

constexpr uint8_t kSync = 0xA5;
constexpr uint8_t kMaxPayloadBytes = 200;
constexpr size_t kStatusBytes = 40;
constexpr size_t kNonceBytes = 16;
constexpr size_t kProofBytes = 16;
constexpr size_t kTagBytes = 16;
constexpr uint8_t kMaxLogEntriesPerRead = 12;
constexpr size_t kLogEntryBytes = 13;

uint32_t le(const std::vector<uint8_t>& data, size_t at, int count) {
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) value |= static_cast<uint32_t>(data.at(at + i)) << (8 * i);
  return value;
}

std::vector<uint8_t> bytes_of(const char* label) {
  return std::vector<uint8_t>(label, label + std::strlen(label));
}

void append(std::vector<uint8_t>& to, const uint8_t* data, size_t length) {
  to.insert(to.end(), data, data + length);
}

bool equal(const uint8_t* a, const uint8_t* b, size_t length) {
  uint8_t difference = 0;
  for (size_t i = 0; i < length; ++i) difference = static_cast<uint8_t>(difference | (a[i] ^ b[i]));
  return difference == 0;
}

}  // namespace

struct ProgrammerLink::Random {
  mbedtls_hmac_drbg_context drbg;
};

// ------------------------------------------------------------------------- ProgrammerLink

ProgrammerLink::ProgrammerLink(Exchange exchange, Clock clock, const mcu::DeviceKey& key,
                               uint64_t nonce_seed)
    : exchange_(std::move(exchange)), clock_(std::move(clock)), key_(key), random_(new Random) {
  mbedtls_hmac_drbg_init(&random_->drbg);
  uint8_t seed[24] = {'p', 'r', 'o', 'g', 'r', 'a', 'm', 'm',
                      'e', 'r', ' ', 'n', 'o', 'n', 'c', 'e'};
  for (int i = 0; i < 8; ++i) seed[16 + i] = static_cast<uint8_t>(nonce_seed >> (8 * i));
  mbedtls_hmac_drbg_seed_buf(&random_->drbg, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), seed,
                             sizeof seed);
}

ProgrammerLink::~ProgrammerLink() {
  mbedtls_hmac_drbg_free(&random_->drbg);
  delete random_;
}

void ProgrammerLink::set_key(const mcu::DeviceKey& key) {
  key_ = key;
  session_open_ = false;
}

uint16_t ProgrammerLink::crc16(const uint8_t* data, size_t length) {
  uint16_t crc = 0xFFFF;  // CRC-16/CCITT-FALSE
  for (size_t i = 0; i < length; ++i) {
    crc = static_cast<uint16_t>(crc ^ (data[i] << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

bool ProgrammerLink::needs_session(uint8_t opcode) {
  return opcode != wire::kOpInterrogate && opcode != wire::kOpHello && opcode != wire::kOpAuth;
}

bool ProgrammerLink::find_reply(const std::vector<uint8_t>& received, uint8_t sequence,
                                TelemetryReply& reply) {
  for (size_t start = 0; start < received.size(); ++start) {
    if (received[start] != kSync || start + 3 > received.size()) continue;
    const uint8_t length = received[start + 1];
    if (length == 0 || length > kMaxPayloadBytes) continue;
    const size_t end = start + 3 + length + 2;
    if (end > received.size()) continue;
    const uint16_t frame_crc = static_cast<uint16_t>(received[end - 2] | (received[end - 1] << 8));
    if (crc16(received.data() + start + 1, length + 2) != frame_crc) continue;
    if (received[start + 2] != sequence || length < 2) continue;
    reply = TelemetryReply{};
    reply.received = true;
    reply.sequence = sequence;
    reply.opcode = received[start + 3];
    reply.refusal = received[start + 4];
    reply.data.assign(received.begin() + static_cast<std::ptrdiff_t>(start + 5),
                      received.begin() + static_cast<std::ptrdiff_t>(end - 2));
    return true;
  }
  return false;
}

void ProgrammerLink::hmac(const uint8_t* key, size_t key_length,
                          const std::vector<uint8_t>& message, uint8_t digest[32]) const {
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_length, message.data(),
                  message.size(), digest);
}

TelemetryReply ProgrammerLink::send_frame(const std::vector<uint8_t>& payload) {
  // Sequence 0 is the pump's answer to a damaged frame: never a request's.
  if (++sequence_ == 0) ++sequence_;
  const uint8_t sequence = sequence_;
  std::vector<uint8_t> frame = {kSync, static_cast<uint8_t>(payload.size()), sequence};
  frame.insert(frame.end(), payload.begin(), payload.end());
  const uint16_t crc = crc16(frame.data() + 1, frame.size() - 1);
  frame.push_back(static_cast<uint8_t>(crc));
  frame.push_back(static_cast<uint8_t>(crc >> 8));
  last_frame_ = frame;
  return exchange_(frame, sequence);
}

TelemetryReply ProgrammerLink::send_plain(const std::vector<uint8_t>& payload) {
  return send_frame(payload);
}

TelemetryReply ProgrammerLink::open_session() {
  session_open_ = false;
  uint8_t nonce[kNonceBytes];
  mbedtls_hmac_drbg_random(&random_->drbg, nonce, sizeof nonce);
  PayloadWriter hello(wire::kOpHello);
  append(hello.bytes, nonce, sizeof nonce);
  TelemetryReply reply = send_frame(hello.bytes);
  if (!reply.accepted()) return reply;
  if (reply.data.size() != kNonceBytes + kProofBytes) {
    reply.received = false;
    return reply;
  }
  const uint8_t* pump_nonce = reply.data.data();
  // The pump proves it holds the key before the programmer proves it does.
  std::vector<uint8_t> message = bytes_of("PUMP");
  append(message, nonce, kNonceBytes);
  append(message, pump_nonce, kNonceBytes);
  uint8_t digest[32];
  hmac(key_.data(), key_.size(), message, digest);
  if (!equal(digest, reply.data.data() + kNonceBytes, kProofBytes)) {
    reply.received = false;  // an impostor pump: no session with it
    return reply;
  }
  message = bytes_of("PROG");
  append(message, pump_nonce, kNonceBytes);
  append(message, nonce, kNonceBytes);
  hmac(key_.data(), key_.size(), message, digest);
  PayloadWriter auth(wire::kOpAuth);
  append(auth.bytes, digest, kProofBytes);
  message = bytes_of("SESS");
  append(message, nonce, kNonceBytes);
  append(message, pump_nonce, kNonceBytes);
  std::vector<uint8_t> saved_pump_nonce(pump_nonce, pump_nonce + kNonceBytes);
  TelemetryReply answer = send_frame(auth.bytes);
  if (!answer.accepted()) return answer;
  hmac(key_.data(), key_.size(), message, session_key_.data());
  session_open_ = true;
  counter_ = 0;
  session_opened_s_ = clock_();
  session_used_s_ = session_opened_s_;
  return answer;
}

TelemetryReply ProgrammerLink::send_authenticated(const std::vector<uint8_t>& payload) {
  const uint32_t counter = ++counter_;
  std::vector<uint8_t> request = payload;
  for (int i = 0; i < 4; ++i) request.push_back(static_cast<uint8_t>(counter >> (8 * i)));
  std::vector<uint8_t> message = {'Q'};
  message.insert(message.end(), request.begin(), request.end());
  uint8_t digest[32];
  hmac(session_key_.data(), session_key_.size(), message, digest);
  append(request, digest, kTagBytes);
  TelemetryReply reply = send_frame(request);
  if (!reply.received) return reply;
  session_used_s_ = clock_();
  if (reply.data.empty()) {
    // Refused before the session accepted it: no tag, no data.
    if (reply.refusal == 0 || reply.refusal == wire::kAwaitingConfirmation) reply.received = false;
    if (reply.refusal == wire::kAuthenticationRequired || reply.refusal == wire::kSessionExpired ||
        reply.refusal == wire::kLockedOut) {
      session_open_ = false;
    }
    return reply;
  }
  if (reply.data.size() < kTagBytes) {
    reply.received = false;
    return reply;
  }
  message = {'R'};
  for (int i = 0; i < 4; ++i) message.push_back(static_cast<uint8_t>(counter >> (8 * i)));
  message.push_back(reply.opcode);
  message.push_back(reply.refusal);
  message.insert(message.end(), reply.data.begin(), reply.data.end() - kTagBytes);
  hmac(session_key_.data(), session_key_.size(), message, digest);
  if (!equal(digest, reply.data.data() + reply.data.size() - kTagBytes, kTagBytes)) {
    reply.received = false;  // forged or damaged answer
    return reply;
  }
  reply.data.resize(reply.data.size() - kTagBytes);
  reply.authenticated = true;
  if (payload.at(0) == wire::kOpEndSession) session_open_ = false;
  return reply;
}

TelemetryReply ProgrammerLink::confirm(uint32_t counter, uint8_t opcode) {
  return send_authenticated(PayloadWriter(wire::kOpConfirm).u32(counter).u8(opcode).bytes);
}

TelemetryReply ProgrammerLink::end_session() {
  if (!session_open_) return TelemetryReply{};
  return send_authenticated(PayloadWriter(wire::kOpEndSession).bytes);
}

TelemetryReply ProgrammerLink::transact(const std::vector<uint8_t>& payload) {
  if (payload.empty() || !needs_session(payload[0])) return send_plain(payload);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const double now = clock_();
    if (!session_open_ || now - session_used_s_ > session_idle_limit_s ||
        now - session_opened_s_ > session_age_limit_s) {
      const TelemetryReply opened = open_session();
      if (!opened.accepted()) {
        TelemetryReply refused = opened;
        refused.opcode = static_cast<uint8_t>(payload[0] | 0x80);
        return refused;
      }
    }
    TelemetryReply reply = send_authenticated(payload);
    if (reply.received && reply.refusal == wire::kAwaitingConfirmation) {
      TelemetryReply confirmed = confirm(counter_, payload[0]);
      // The answer is the command's: report it under the command's opcode.
      if (confirmed.received) confirmed.opcode = static_cast<uint8_t>(payload[0] | 0x80);
      return confirmed;
    }
    // The pump forgot the session (a reset, a timeout): open a new one once.
    if (reply.received && !session_open_ && attempt == 0 &&
        (reply.refusal == wire::kAuthenticationRequired ||
         reply.refusal == wire::kSessionExpired)) {
      continue;
    }
    return reply;
  }
  return TelemetryReply{};
}

// -------------------------------------------------------------------- ClinicianProgrammer

ClinicianProgrammer::ClinicianProgrammer(mcu::TelemetryUart& uart, const mcu::DeviceKey& key)
    : uart_(uart),
      link_([this](const std::vector<uint8_t>& frame,
                   uint8_t sequence) { return exchange(frame, sequence); },
            [] { return sc_core::sc_time_stamp().to_seconds(); }, key) {}

TelemetryReply ClinicianProgrammer::exchange(const std::vector<uint8_t>& frame, uint8_t sequence) {
  std::vector<uint8_t> received;
  uart_.host_take_received();  // an answer to an older request is of no interest any more
  uart_.host_send(frame);
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout_;
  for (;;) {
    const std::vector<uint8_t> bytes = uart_.host_take_received();
    received.insert(received.end(), bytes.begin(), bytes.end());
    TelemetryReply reply;
    if (ProgrammerLink::find_reply(received, sequence, reply)) return reply;
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now >= deadline) return TelemetryReply{};
    sc_core::wait(deadline - now, uart_.host_byte_arrived);
  }
}

TelemetryReply ClinicianProgrammer::transact(const std::vector<uint8_t>& payload,
                                             const sc_core::sc_time& timeout) {
  timeout_ = timeout;
  return link_.transact(payload);
}

TelemetryReply ClinicianProgrammer::refill(uint8_t drug_id, uint32_t concentration_ug_per_ml,
                                           uint32_t volume_ul, uint32_t low_reservoir_ul,
                                           uint16_t bridge_volume_ul) {
  return transact(PayloadWriter(wire::kOpRefill)
                      .u8(drug_id)
                      .u32(concentration_ug_per_ml)
                      .u32(volume_ul)
                      .u32(low_reservoir_ul)
                      .u16(bridge_volume_ul)
                      .bytes);
}

TelemetryReply ClinicianProgrammer::program_continuous(uint32_t rate_ng_per_day) {
  // Continuous mode, one step from minute 0, no periodic bolus.
  return transact(PayloadWriter(wire::kOpProgramTherapy)
                      .u8(0)
                      .u8(1)
                      .u16(0)
                      .u32(rate_ng_per_day)
                      .u32(0)
                      .u16(0)
                      .u16(0)
                      .u16(0)
                      .bytes);
}

TelemetryReply ClinicianProgrammer::priming_bolus(uint16_t volume_ul) {
  return transact(PayloadWriter(wire::kOpPrimingBolus).u16(volume_ul).bytes);
}

TelemetryReply ClinicianProgrammer::acknowledge_alarms(uint16_t alarm_bits) {
  return transact(PayloadWriter(wire::kOpAcknowledgeAlarms).u16(alarm_bits).bytes);
}

TelemetryReply ClinicianProgrammer::interrogate(PumpStatus& status) {
  TelemetryReply reply = transact(PayloadWriter(wire::kOpInterrogate).bytes);
  if (reply.accepted()) decode_status(reply.data, status);
  return reply;
}

TelemetryReply ClinicianProgrammer::read_event_log(std::vector<LoggedEvent>& events,
                                                   size_t max_events) {
  events.clear();
  TelemetryReply reply;
  while (events.size() < max_events) {
    reply = transact(PayloadWriter(wire::kOpReadEventLog)
                         .u16(static_cast<uint32_t>(events.size()))
                         .u8(kMaxLogEntriesPerRead)
                         .bytes);
    if (!reply.accepted()) return reply;
    const size_t before = events.size();
    if (!decode_events(reply.data, events) || events.size() == before) break;
  }
  if (events.size() > max_events) events.resize(max_events);
  return reply;
}

bool decode_status(const std::vector<uint8_t>& d, PumpStatus& status) {
  if (d.size() < kStatusBytes) return false;
  status.wall_clock_s = le(d, 0, 4);
  status.reset_cause = d[4];
  status.alarms = static_cast<uint16_t>(le(d, 5, 2));
  status.flags = d[7];
  status.drug_id = d[8];
  status.concentration_ug_per_ml = le(d, 9, 4);
  status.reservoir_nl = le(d, 13, 4);
  status.battery_mv = static_cast<uint16_t>(le(d, 17, 2));
  status.driven_microsteps = le(d, 19, 4);
  status.undriven_microsteps = le(d, 23, 4);
  status.basal_daily_dose_ng = le(d, 27, 4);
  status.bolus_remaining_ng = le(d, 31, 4);
  status.ptm_last_day = d[35];
  status.events = le(d, 36, 4);
  return true;
}

bool decode_events(const std::vector<uint8_t>& d, std::vector<LoggedEvent>& events) {
  if (d.empty() || d.size() != 1 + d[0] * kLogEntryBytes) return false;
  for (size_t i = 0; i < d[0]; ++i) {
    const size_t at = 1 + i * kLogEntryBytes;
    LoggedEvent event;
    event.sequence = le(d, at, 4);
    event.time_s = le(d, at + 4, 4);
    event.code = d[at + 8];
    event.argument = le(d, at + 9, 4);
    events.push_back(event);
  }
  return true;
}

}  // namespace pumptwin::platform
