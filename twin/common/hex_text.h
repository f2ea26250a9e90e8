// Bytes as lower-case hex digits, two per byte in order: digests in outputs, memory in the GDB
// remote protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pumptwin {

inline std::string hex_text(const uint8_t* bytes, size_t length) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * length);
  for (size_t i = 0; i < length; ++i) {
    text += kDigits[bytes[i] >> 4];
    text += kDigits[bytes[i] & 0x0F];
  }
  return text;
}

}  // namespace pumptwin
