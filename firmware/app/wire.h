// Little-endian readers and writers over fixed buffers for telemetry payloads. A reader that
// runs past its end stays failed, so a command checks ok() once after parsing all fields.
#pragma once

#include <cstdint>

namespace pumpfw::app {

class WireReader {
 public:
  WireReader(const uint8_t* data, uint32_t length) : data_(data), length_(length) {}
  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t u16() { return static_cast<uint16_t>(take(2)); }
  uint32_t u32() { return static_cast<uint32_t>(take(4)); }
  // True if every field was present and nothing is left over.
  bool ok_and_complete() const { return ok_ && position_ == length_; }

 private:
  uint64_t take(uint32_t bytes) {
    if (!ok_ || length_ - position_ < bytes) {
      ok_ = false;
      return 0;
    }
    uint64_t value = 0;
    for (uint32_t i = 0; i < bytes; ++i)
      value |= static_cast<uint64_t>(data_[position_ + i]) << (8 * i);
    position_ += bytes;
    return value;
  }
  const uint8_t* data_;
  uint32_t length_;
  uint32_t position_ = 0;
  bool ok_ = true;
};

class WireWriter {
 public:
  WireWriter(uint8_t* data, uint32_t capacity) : data_(data), capacity_(capacity) {}
  void u8(uint8_t value) { put(value, 1); }
  void u16(uint16_t value) { put(value, 2); }
  void u32(uint32_t value) { put(value, 4); }
  uint32_t size() const { return size_; }

 private:
  void put(uint32_t value, uint32_t bytes) {
    if (capacity_ - size_ < bytes) return;  // callers size their answers to fit
    for (uint32_t i = 0; i < bytes; ++i) data_[size_++] = static_cast<uint8_t>(value >> (8 * i));
  }
  uint8_t* data_;
  uint32_t capacity_;
  uint32_t size_ = 0;
};

}  // namespace pumpfw::app
