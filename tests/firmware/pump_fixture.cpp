#include "pump_fixture.h"

#include <mbedtls/md.h>

#include <algorithm>

namespace pumpfw::test {

uint32_t le32(const std::vector<uint8_t>& data, size_t at) {
  return static_cast<uint32_t>(data.at(at)) | (static_cast<uint32_t>(data.at(at + 1)) << 8) |
         (static_cast<uint32_t>(data.at(at + 2)) << 16) |
         (static_cast<uint32_t>(data.at(at + 3)) << 24);
}

uint16_t le16(const std::vector<uint8_t>& data, size_t at) {
  return static_cast<uint16_t>(data.at(at) | (data.at(at + 1) << 8));
}

std::array<uint8_t, 32> hmac_sha256(const uint8_t* key, size_t key_length,
                                    const std::vector<uint8_t>& message) {
  std::array<uint8_t, 32> digest{};
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_length, message.data(),
                  message.size(), digest.data());
  return digest;
}

PumpFixture::PumpFixture() {
  for (size_t i = 0; i < device_key.size(); ++i) device_key[i] = static_cast<uint8_t>(0x30 + 7 * i);
  key = device_key;
  app::provision_device_key(hal, device_key.data());
}

bool PumpFixture::needs_session(uint8_t opcode) {
  return opcode != static_cast<uint8_t>(app::Command::kInterrogate) &&
         opcode != static_cast<uint8_t>(app::Command::kSessionHello) &&
         opcode != static_cast<uint8_t>(app::Command::kSessionAuth);
}

bool PumpFixture::needs_confirmation(uint8_t opcode) {
  switch (static_cast<app::Command>(opcode)) {
    case app::Command::kProgramTherapy:
    case app::Command::kRefill:
    case app::Command::kClinicianBolus:
    case app::Command::kPtmConfig:
    case app::Command::kPrimingBolus:
      return true;
    default:
      return false;
  }
}

Response PumpFixture::send_plain(const std::vector<uint8_t>& payload) {
  uint8_t frame[app::kMaxFrameBytes];
  const uint32_t size =
      app::encode_frame(++sequence_, payload.data(), static_cast<uint8_t>(payload.size()), frame);
  return send_raw(std::vector<uint8_t>(frame, frame + size));
}

Response PumpFixture::open_session() {
  session_boot_ = 0;
  std::vector<uint8_t> hello = {static_cast<uint8_t>(app::Command::kSessionHello)};
  std::vector<uint8_t> nonce;
  for (uint32_t i = 0; i < app::kNonceBytes; ++i)
    nonce.push_back(static_cast<uint8_t>(++nonce_counter_ * 31 + i));
  hello.insert(hello.end(), nonce.begin(), nonce.end());
  const Response challenge = send_plain(hello);
  if (challenge.refusal != app::Refusal::kNone) return challenge;
  EXPECT_EQ(challenge.data.size(), app::kNonceBytes + app::kProofBytes);
  if (challenge.data.size() != app::kNonceBytes + app::kProofBytes) return challenge;
  const std::vector<uint8_t> pump_nonce(challenge.data.begin(),
                                        challenge.data.begin() + app::kNonceBytes);
  auto message = [](const char* label, const std::vector<uint8_t>& a,
                    const std::vector<uint8_t>& b) {
    std::vector<uint8_t> m(label, label + 4);
    m.insert(m.end(), a.begin(), a.end());
    m.insert(m.end(), b.begin(), b.end());
    return m;
  };
  // The pump proves it knows the key (the programmer's check of the pump).
  const auto pump_proof =
      hmac_sha256(device_key.data(), device_key.size(), message("PUMP", nonce, pump_nonce));
  EXPECT_TRUE(std::equal(pump_proof.begin(), pump_proof.begin() + app::kProofBytes,
                         challenge.data.begin() + app::kNonceBytes))
      << "the pump's proof";
  const auto proof = hmac_sha256(key.data(), key.size(), message("PROG", pump_nonce, nonce));
  std::vector<uint8_t> auth = {static_cast<uint8_t>(app::Command::kSessionAuth)};
  auth.insert(auth.end(), proof.begin(), proof.begin() + app::kProofBytes);
  const Response answer = send_plain(auth);
  if (answer.refusal != app::Refusal::kNone) return answer;
  session_key_ = hmac_sha256(key.data(), key.size(), message("SESS", nonce, pump_nonce));
  session_boot_ = boots_;
  session_used_ = hal.now();
  counter_ = 0;
  return answer;
}

std::vector<uint8_t> PumpFixture::secure_frame(const std::vector<uint8_t>& payload) {
  const uint32_t counter = ++counter_;
  std::vector<uint8_t> request = payload;
  for (int i = 0; i < 4; ++i) request.push_back(static_cast<uint8_t>(counter >> (8 * i)));
  std::vector<uint8_t> message = {'Q'};
  message.insert(message.end(), request.begin(), request.end());
  const auto tag = hmac_sha256(session_key_.data(), session_key_.size(), message);
  request.insert(request.end(), tag.begin(), tag.begin() + app::kTagBytes);
  uint8_t frame[app::kMaxFrameBytes];
  const uint32_t size =
      app::encode_frame(++sequence_, request.data(), static_cast<uint8_t>(request.size()), frame);
  return std::vector<uint8_t>(frame, frame + size);
}

Response PumpFixture::check_answer(Response response, uint32_t counter) {
  if (response.data.empty()) return response;  // refused before the session took it
  if (response.data.size() < app::kTagBytes) {
    ADD_FAILURE() << "an answer too short for its tag";
    return response;
  }
  std::vector<uint8_t> message = {'R'};
  for (int i = 0; i < 4; ++i) message.push_back(static_cast<uint8_t>(counter >> (8 * i)));
  message.push_back(response.opcode);
  message.push_back(static_cast<uint8_t>(response.refusal));
  message.insert(message.end(), response.data.begin(), response.data.end() - app::kTagBytes);
  const auto tag = hmac_sha256(session_key_.data(), session_key_.size(), message);
  response.authenticated =
      std::equal(tag.begin(), tag.begin() + app::kTagBytes, response.data.end() - app::kTagBytes);
  EXPECT_TRUE(response.authenticated) << "the answer's tag";
  response.data.resize(response.data.size() - app::kTagBytes);
  session_used_ = hal.now();
  return response;
}

Response PumpFixture::send_secure(const std::vector<uint8_t>& payload) {
  const std::vector<uint8_t> frame = secure_frame(payload);
  return check_answer(send_raw(frame), counter_);
}

Response PumpFixture::confirm(uint32_t counter, uint8_t opcode) {
  return send_secure(Payload(app::Command::kConfirm).u32(counter).u8(opcode).bytes);
}

void PumpFixture::boot() {
  pump = std::make_unique<app::Pump>(hal, config);
  ++boots_;
  pump->boot();
}

void PumpFixture::reboot(hal::ResetCause cause) {
  pump.reset();
  hal.reset_cause_value = cause;
  hal.restore_power();
  boot();
}

uint64_t PumpFixture::run_until(hal::Ticks until) {
  uint64_t wakes = 0;
  while (hal.now() < until) {
    const hal::Ticks wake = pump->run_once();
    EXPECT_GT(wake, hal.now()) << "the firmware asked to wake in the past";
    if (wake <= hal.now()) return wakes;
    hal.sleep_until(wake < until ? wake : until);
    ++wakes;
  }
  pump->run_once();
  return wakes;
}

std::vector<Response> PumpFixture::drain_responses() {
  std::vector<Response> responses;
  app::FrameParser parser;
  for (uint8_t byte : hal.tx) {
    if (parser.feed(byte) != app::ParseResult::kFrame) continue;
    const app::Frame& frame = parser.frame();
    Response response;
    response.sequence = frame.sequence;
    response.opcode = frame.payload[0];
    response.refusal = static_cast<app::Refusal>(frame.payload[1]);
    response.data.assign(frame.payload + 2, frame.payload + frame.length);
    responses.push_back(response);
  }
  hal.tx.clear();
  return responses;
}

Response PumpFixture::send_raw(const std::vector<uint8_t>& frame_bytes) {
  hal.rx.insert(hal.rx.end(), frame_bytes.begin(), frame_bytes.end());
  pump->run_once();
  const std::vector<Response> responses = drain_responses();
  EXPECT_EQ(responses.size(), 1u);
  return responses.empty() ? Response{} : responses.back();
}

Response PumpFixture::send(const std::vector<uint8_t>& payload) {
  if (payload.empty() || !needs_session(payload[0])) return send_plain(payload);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (session_boot_ != boots_ || hal.now() - session_used_ > 240 * kSecond) {
      Response opened = open_session();
      if (opened.refusal != app::Refusal::kNone) {
        opened.opcode = static_cast<uint8_t>(payload[0] | app::kResponseFlag);
        return opened;
      }
    }
    Response r = send_secure(payload);
    if (r.refusal == app::Refusal::kAwaitingConfirmation) {
      EXPECT_TRUE(needs_confirmation(payload[0]));
      r = confirm(counter_, payload[0]);
      r.opcode = static_cast<uint8_t>(payload[0] | app::kResponseFlag);
      return r;
    }
    if (attempt == 0 && (r.refusal == app::Refusal::kAuthenticationRequired ||
                         r.refusal == app::Refusal::kSessionExpired)) {
      session_boot_ = 0;
      continue;
    }
    return r;
  }
  return Response{};
}

Status PumpFixture::interrogate() {
  const Response r = send(Payload(app::Command::kInterrogate).bytes);
  EXPECT_EQ(r.refusal, app::Refusal::kNone);
  const std::vector<uint8_t>& d = r.data;
  Status s{};
  s.wall_clock_s = le32(d, 0);
  s.reset_cause = d.at(4);
  s.alarms = le16(d, 5);
  s.flags = d.at(7);
  s.drug_id = d.at(8);
  s.concentration_ug_per_ml = le32(d, 9);
  s.reservoir_nl = le32(d, 13);
  s.battery_mv = le16(d, 17);
  s.driven_microsteps = le32(d, 19);
  s.undriven_microsteps = le32(d, 23);
  s.basal_daily_dose_ng = le32(d, 27);
  s.bolus_remaining_ng = le32(d, 31);
  s.ptm_last_day = d.at(35);
  s.events = le32(d, 36);
  return s;
}

Response PumpFixture::refill(app::DrugId drug, uint32_t concentration_ug_per_ml, uint32_t volume_ul,
                             uint32_t low_reservoir_ul, uint16_t bridge_ul) {
  return send(Payload(app::Command::kRefill)
                  .u8(static_cast<uint8_t>(drug))
                  .u32(concentration_ug_per_ml)
                  .u32(volume_ul)
                  .u32(low_reservoir_ul)
                  .u16(bridge_ul)
                  .bytes);
}

Response PumpFixture::program_continuous(uint32_t rate_ng_per_day, uint32_t periodic_dose_ng,
                                         uint16_t first_minute, uint16_t interval_minutes,
                                         uint16_t duration_minutes) {
  return send(Payload(app::Command::kProgramTherapy)
                  .u8(0)
                  .u8(1)
                  .u16(0)
                  .u32(rate_ng_per_day)
                  .u32(periodic_dose_ng)
                  .u16(first_minute)
                  .u16(interval_minutes)
                  .u16(duration_minutes)
                  .bytes);
}

Response PumpFixture::program_flexible(const std::vector<std::pair<uint16_t, uint32_t>>& steps) {
  Payload p(app::Command::kProgramTherapy);
  p.u8(1).u8(static_cast<uint32_t>(steps.size()));
  for (const auto& [start_minute, rate] : steps) p.u16(start_minute).u32(rate);
  p.u32(0).u16(0).u16(0).u16(0);
  return send(p.bytes);
}

Response PumpFixture::set_clock(uint32_t wall_s) {
  return send(Payload(app::Command::kClockSet).u32(wall_s).bytes);
}

}  // namespace pumpfw::test
