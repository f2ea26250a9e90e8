// Checksums of the firmware's own data: CRC-16/CCITT-FALSE for telemetry frames (the
// polynomial most programmer links use) and CRC-32 (IEEE 802.3) for NVM records, whose longer
// payloads want the stronger code. Byte-wise tables in flash (1.5 KiB of the 128): on the image
// the bitwise loops were a quarter of all instructions the pump executes.
#pragma once

#include <cstdint>

namespace pumpfw::app {

uint16_t crc16_ccitt(const uint8_t* data, uint32_t length, uint16_t crc = 0xFFFF);
// Continues from a previous result when `crc` is given (zlib convention: start with 0).
uint32_t crc32(const uint8_t* data, uint32_t length, uint32_t crc = 0);

}  // namespace pumpfw::app
