#include "fram.h"

namespace pumptwin::mcu {

void Fram::read(uint32_t offset, uint8_t* destination, uint32_t length) const {
  for (uint32_t i = 0; i < length; ++i) {
    const uint64_t at = uint64_t{offset} + i;
    destination[i] = at < bytes_.size() ? bytes_[at] : 0xFF;
  }
}

void Fram::write(uint32_t offset, const uint8_t* source, uint32_t length, uint32_t landed) {
  if (landed < length) ++torn_writes_;
  for (uint32_t i = 0; i < landed && i < length; ++i) {
    const uint64_t at = uint64_t{offset} + i;
    if (at < bytes_.size()) bytes_[at] = source[i];
    ++bytes_written_;
  }
}

}  // namespace pumptwin::mcu
