#include "mbed_crypto.h"

namespace pumpfw::port {

MbedCrypto::MbedCrypto(const uint8_t* seed, size_t seed_length) {
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  mbedtls_md_init(&hmac_);
  mbedtls_md_setup(&hmac_, sha256, 1);
  mbedtls_hmac_drbg_init(&random_);
  mbedtls_hmac_drbg_seed_buf(&random_, sha256, seed, seed_length);
}

MbedCrypto::~MbedCrypto() {
  mbedtls_md_free(&hmac_);
  mbedtls_hmac_drbg_free(&random_);
}

void MbedCrypto::hmac_begin(const uint8_t* key, uint32_t key_length) {
  mbedtls_md_hmac_starts(&hmac_, key, key_length);
}

void MbedCrypto::hmac_update(const uint8_t* data, uint32_t length) {
  mbedtls_md_hmac_update(&hmac_, data, length);
}

void MbedCrypto::hmac_finish(uint8_t digest[32]) {
  mbedtls_md_hmac_finish(&hmac_, digest);
}

void MbedCrypto::random_bytes(uint8_t* destination, uint32_t length) {
  mbedtls_hmac_drbg_random(&random_, destination, length);
}

}  // namespace pumpfw::port
