// Security of the telemetry link (docs/security.md): mutual challenge-response authentication
// with the per-device key provisioned in NVM, a session key per session, a counter per
// request against replay, session timeouts, and lockout with back-off after repeated
// failures. All cryptography runs on the crypto peripheral behind the HAL (HMAC-SHA256 and the
// random-number generator); nothing here hashes by itself.
//
//   programmer                                    pump
//   HELLO  Nc (16 random bytes)          ──>
//                                        <──      Np (16 random bytes),
//                                                 HMAC(K, "PUMP" Nc Np)[0..16)   (pump proves K)
//   AUTH   HMAC(K, "PROG" Np Nc)[0..16)  ──>      (programmer proves K)
//                                        <──      accepted; session key Ks = HMAC(K, "SESS" Nc Np)
//   request: opcode args counter(u32) HMAC(Ks, "Q" opcode args counter)[0..16)
//   answer:  opcode|0x80 reason data   HMAC(Ks, "R" counter opcode|0x80 reason data)[0..16)
#pragma once

#include <cstdint>

#include "app/therapy.h"
#include "hal/hal.h"

namespace pumpfw::app {

inline constexpr uint32_t kDeviceKeyBytes = 32;
inline constexpr uint32_t kNonceBytes = 16;
inline constexpr uint32_t kProofBytes = 16;
inline constexpr uint32_t kTagBytes = 16;
inline constexpr uint32_t kCounterBytes = 4;
// What an authenticated request carries after its arguments, and its answer after its data.
inline constexpr uint32_t kRequestTrailerBytes = kCounterBytes + kTagBytes;
inline constexpr uint32_t kDigestBytes = 32;

struct SecurityConfig {
  uint32_t session_idle_timeout_s = 300;  // no authenticated request for 5 min: session over
  uint32_t session_max_s = 1800;          // and never longer than 30 min in all
  uint32_t challenge_timeout_s = 30;      // AUTH must follow HELLO within this
  uint32_t confirm_timeout_s = 60;        // a dose change must be confirmed within this
  uint8_t failures_before_lockout = 3;    // failed proofs or tags in a row
  uint32_t first_lockout_s = 10;          // then 10 s, doubling with each further failure
  uint32_t max_lockout_s = 3600;
};

// HMAC-SHA256 over the concatenation of up to three parts, on the crypto peripheral.
void hmac_sha256(hal::Hal& hal, const uint8_t* key, uint32_t key_length, const uint8_t* part1,
                 uint32_t length1, const uint8_t* part2, uint32_t length2, const uint8_t* part3,
                 uint32_t length3, uint8_t digest[kDigestBytes]);
// Compares without an early exit, so the time taken tells nothing about where they differ.
bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, uint32_t length);

class SecureLink {
 public:
  SecureLink(hal::Hal& hal, const SecurityConfig& config) : hal_(hal), config_(config) {}

  void set_device_key(const uint8_t key[kDeviceKeyBytes]);
  bool has_device_key() const { return has_key_; }

  // HELLO: answers the programmer's nonce with the pump's nonce and proof (32 bytes to out).
  Refusal hello(const uint8_t nonce[kNonceBytes], uint8_t out[kNonceBytes + kProofBytes],
                hal::Ticks now);
  // AUTH: checks the programmer's proof; opens the session. lockout_started_s is set (non-zero)
  // when this failure started a lockout.
  Refusal authenticate(const uint8_t proof[kProofBytes], hal::Ticks now,
                       uint32_t& lockout_started_s);
  // An authenticated request (payload with its trailer): session open and current, tag right,
  // counter fresh. On kNone the session accepts it and counter is its counter.
  Refusal open_request(const uint8_t* payload, uint32_t length, hal::Ticks now, uint32_t& counter,
                       uint32_t& lockout_started_s);
  // Appends the answer's tag; length grows by kTagBytes.
  void seal_response(uint32_t counter, uint8_t* response, uint32_t& length);
  void close_session() { session_open_ = false; }
  bool session_open() const { return session_open_; }
  bool locked_out(hal::Ticks now) const { return now < locked_until_; }

 private:
  // A failed proof or tag: counts towards the lockout; returns its length in s if one starts.
  uint32_t note_failure(hal::Ticks now);

  hal::Hal& hal_;
  SecurityConfig config_;
  bool has_key_ = false;
  uint8_t device_key_[kDeviceKeyBytes] = {};
  // The challenge between HELLO and AUTH.
  bool challenge_open_ = false;
  hal::Ticks challenge_time_ = 0;
  uint8_t programmer_nonce_[kNonceBytes] = {};
  uint8_t pump_nonce_[kNonceBytes] = {};
  // The session.
  bool session_open_ = false;
  hal::Ticks session_start_ = 0;
  hal::Ticks last_request_ = 0;
  uint32_t last_counter_ = 0;
  uint8_t session_key_[kDigestBytes] = {};
  // Lockout (RAM only: a reset forgets it, see docs/security.md).
  uint8_t failures_ = 0;
  hal::Ticks locked_until_ = 0;
};

// Factory provisioning: writes the device key record (both copies) into NVM.
void provision_device_key(hal::Hal& hal, const uint8_t key[kDeviceKeyBytes]);

}  // namespace pumpfw::app
