// The twin port's crypto peripheral (docs/security.md): HMAC-SHA256 and a deterministic random
// stream (HMAC-DRBG from a seed), both by mbedTLS. The twin's MCU and the firmware tests' fake
// board each hold one behind their HAL's hmac_* and random_bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include <mbedtls/hmac_drbg.h>
#include <mbedtls/md.h>

namespace pumpfw::port {

class MbedCrypto {
 public:
  // The random stream is a function of `seed` alone: same seed, same bytes.
  MbedCrypto(const uint8_t* seed, size_t seed_length);
  ~MbedCrypto();
  MbedCrypto(const MbedCrypto&) = delete;
  MbedCrypto& operator=(const MbedCrypto&) = delete;

  void hmac_begin(const uint8_t* key, uint32_t key_length);
  void hmac_update(const uint8_t* data, uint32_t length);
  void hmac_finish(uint8_t digest[32]);
  void random_bytes(uint8_t* destination, uint32_t length);

 private:
  mbedtls_md_context_t hmac_;
  mbedtls_hmac_drbg_context random_;
};

}  // namespace pumpfw::port
