#include "app/link_security.h"

#include "app/nvm_record.h"
#include "app/pump.h"

namespace pumpfw::app {

namespace {
constexpr uint8_t kLabelPump[4] = {'P', 'U', 'M', 'P'};
constexpr uint8_t kLabelProgrammer[4] = {'P', 'R', 'O', 'G'};
constexpr uint8_t kLabelSession[4] = {'S', 'E', 'S', 'S'};
constexpr uint8_t kLabelRequest[1] = {'Q'};
constexpr uint8_t kLabelResponse[1] = {'R'};

constexpr hal::Ticks ticks(uint32_t seconds) {
  return static_cast<hal::Ticks>(seconds) * hal::kTicksPerSecond;
}
}  // namespace

void hmac_sha256(hal::Hal& hal, const uint8_t* key, uint32_t key_length, const uint8_t* part1,
                 uint32_t length1, const uint8_t* part2, uint32_t length2, const uint8_t* part3,
                 uint32_t length3, uint8_t digest[kDigestBytes]) {
  hal.hmac_begin(key, key_length);
  if (length1 != 0) hal.hmac_update(part1, length1);
  if (length2 != 0) hal.hmac_update(part2, length2);
  if (length3 != 0) hal.hmac_update(part3, length3);
  hal.hmac_finish(digest);
}

bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, uint32_t length) {
  uint8_t difference = 0;
  for (uint32_t i = 0; i < length; ++i)
    difference = static_cast<uint8_t>(difference | (a[i] ^ b[i]));
  return difference == 0;
}

void SecureLink::set_device_key(const uint8_t key[kDeviceKeyBytes]) {
  for (uint32_t i = 0; i < kDeviceKeyBytes; ++i) device_key_[i] = key[i];
  has_key_ = true;
}

Refusal SecureLink::hello(const uint8_t nonce[kNonceBytes], uint8_t out[kNonceBytes + kProofBytes],
                          hal::Ticks now) {
  if (!has_key_) return Refusal::kNoDeviceKey;
  if (locked_out(now)) return Refusal::kLockedOut;
  for (uint32_t i = 0; i < kNonceBytes; ++i) programmer_nonce_[i] = nonce[i];
  hal_.random_bytes(pump_nonce_, kNonceBytes);
  uint8_t digest[kDigestBytes];
  hmac_sha256(hal_, device_key_, kDeviceKeyBytes, kLabelPump, sizeof kLabelPump, programmer_nonce_,
              kNonceBytes, pump_nonce_, kNonceBytes, digest);
  for (uint32_t i = 0; i < kNonceBytes; ++i) out[i] = pump_nonce_[i];
  for (uint32_t i = 0; i < kProofBytes; ++i) out[kNonceBytes + i] = digest[i];
  challenge_open_ = true;
  challenge_time_ = now;
  return Refusal::kNone;
}

Refusal SecureLink::authenticate(const uint8_t proof[kProofBytes], hal::Ticks now,
                                 uint32_t& lockout_started_s) {
  lockout_started_s = 0;
  if (!has_key_) return Refusal::kNoDeviceKey;
  if (locked_out(now)) return Refusal::kLockedOut;
  // One proof per challenge: a failed guess needs a new HELLO, and so a new pump nonce.
  const bool challenge_current =
      challenge_open_ && now - challenge_time_ <= ticks(config_.challenge_timeout_s);
  challenge_open_ = false;
  if (!challenge_current) return Refusal::kAuthenticationRequired;
  uint8_t expected[kDigestBytes];
  hmac_sha256(hal_, device_key_, kDeviceKeyBytes, kLabelProgrammer, sizeof kLabelProgrammer,
              pump_nonce_, kNonceBytes, programmer_nonce_, kNonceBytes, expected);
  if (!equal_in_constant_time(expected, proof, kProofBytes)) {
    lockout_started_s = note_failure(now);
    return Refusal::kAuthenticationFailed;
  }
  hmac_sha256(hal_, device_key_, kDeviceKeyBytes, kLabelSession, sizeof kLabelSession,
              programmer_nonce_, kNonceBytes, pump_nonce_, kNonceBytes, session_key_);
  session_open_ = true;
  session_start_ = now;
  last_request_ = now;
  last_counter_ = 0;
  failures_ = 0;
  return Refusal::kNone;
}

Refusal SecureLink::open_request(const uint8_t* payload, uint32_t length, hal::Ticks now,
                                 uint32_t& counter, uint32_t& lockout_started_s) {
  lockout_started_s = 0;
  counter = 0;
  if (!session_open_)
    return locked_out(now) ? Refusal::kLockedOut : Refusal::kAuthenticationRequired;
  if (length < 1 + kRequestTrailerBytes) return Refusal::kBadLength;
  if (now - last_request_ > ticks(config_.session_idle_timeout_s) ||
      now - session_start_ > ticks(config_.session_max_s)) {
    session_open_ = false;
    return Refusal::kSessionExpired;
  }
  const uint32_t tagged = length - kTagBytes;
  uint8_t expected[kDigestBytes];
  hmac_sha256(hal_, session_key_, kDigestBytes, kLabelRequest, sizeof kLabelRequest, payload,
              tagged, nullptr, 0, expected);
  if (!equal_in_constant_time(expected, payload + tagged, kTagBytes)) {
    lockout_started_s = note_failure(now);
    return Refusal::kAuthenticationFailed;
  }
  const uint8_t* c = payload + tagged - kCounterBytes;
  counter = static_cast<uint32_t>(c[0]) | (static_cast<uint32_t>(c[1]) << 8) |
            (static_cast<uint32_t>(c[2]) << 16) | (static_cast<uint32_t>(c[3]) << 24);
  if (counter <= last_counter_) return Refusal::kReplayed;
  last_counter_ = counter;
  last_request_ = now;
  return Refusal::kNone;
}

void SecureLink::seal_response(uint32_t counter, uint8_t* response, uint32_t& length) {
  const uint8_t c[kCounterBytes] = {
      static_cast<uint8_t>(counter), static_cast<uint8_t>(counter >> 8),
      static_cast<uint8_t>(counter >> 16), static_cast<uint8_t>(counter >> 24)};
  uint8_t digest[kDigestBytes];
  hmac_sha256(hal_, session_key_, kDigestBytes, kLabelResponse, sizeof kLabelResponse, c,
              kCounterBytes, response, length, digest);
  for (uint32_t i = 0; i < kTagBytes; ++i) response[length + i] = digest[i];
  length += kTagBytes;
}

uint32_t SecureLink::note_failure(hal::Ticks now) {
  if (failures_ < 255) ++failures_;
  if (failures_ < config_.failures_before_lockout) return 0;
  // 10 s at the third failure in a row, then doubling: 20 s, 40 s ... up to an hour.
  uint32_t lockout_s = config_.first_lockout_s;
  for (uint8_t i = config_.failures_before_lockout;
       i < failures_ && lockout_s < config_.max_lockout_s; ++i) {
    lockout_s *= 2;
  }
  if (lockout_s > config_.max_lockout_s) lockout_s = config_.max_lockout_s;
  locked_until_ = now + ticks(lockout_s);
  session_open_ = false;
  challenge_open_ = false;
  return lockout_s;
}

void provision_device_key(hal::Hal& hal, const uint8_t key[kDeviceKeyBytes]) {
  NvmRecord record(hal, nvm_layout::kDeviceKeyA, nvm_layout::kDeviceKeyB,
                   nvm_layout::kDeviceKeyKind);
  record.store(key, kDeviceKeyBytes);
}

}  // namespace pumpfw::app
