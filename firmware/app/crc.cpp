#include "app/crc.h"

namespace pumpfw::app {

namespace {
// Byte-wise tables, built at compile time into flash: the bitwise loops cost ~26 % of the
// image's instructions over a month (docs/performance.md), a table lookup per byte an eighth.
struct Crc16Table {
  uint16_t entry[256];
};
struct Crc32Table {
  uint32_t entry[256];
};

constexpr Crc16Table make_crc16_ccitt_table() {
  Crc16Table table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000u) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021u)
                                 : static_cast<uint16_t>(crc << 1);
    }
    table.entry[byte] = crc;
  }
  return table;
}

constexpr Crc32Table make_crc32_table() {
  Crc32Table table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    table.entry[byte] = crc;
  }
  return table;
}

constexpr Crc16Table kCrc16CcittTable = make_crc16_ccitt_table();
constexpr Crc32Table kCrc32Table = make_crc32_table();
}  // namespace

uint16_t crc16_ccitt(const uint8_t* data, uint32_t length, uint16_t crc) {
  for (uint32_t i = 0; i < length; ++i) {
    crc =
        static_cast<uint16_t>((crc << 8) ^ kCrc16CcittTable.entry[((crc >> 8) ^ data[i]) & 0xFFu]);
  }
  return crc;
}

uint32_t crc32(const uint8_t* data, uint32_t length, uint32_t crc) {
  crc = ~crc;
  for (uint32_t i = 0; i < length; ++i)
    crc = (crc >> 8) ^ kCrc32Table.entry[(crc ^ data[i]) & 0xFFu];
  return ~crc;
}

}  // namespace pumpfw::app
