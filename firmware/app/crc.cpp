#include "app/crc.h"

namespace pumpfw::app {

uint16_t crc16_ccitt(const uint8_t* data, uint32_t length, uint16_t crc) {
  for (uint32_t i = 0; i < length; ++i) {
    crc = static_cast<uint16_t>(crc ^ (static_cast<uint16_t>(data[i]) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000u) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021u)
                                 : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

uint32_t crc32(const uint8_t* data, uint32_t length, uint32_t crc) {
  crc = ~crc;
  for (uint32_t i = 0; i < length; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

}  // namespace pumpfw::app
