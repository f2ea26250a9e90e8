// The MCU's non-volatile memory: byte-writable FRAM, no erase (docs/mcu-memory-map.md,
// NVMCTRL). Writes go a byte at a time, so power lost in the middle of a write leaves the bytes
// before the cut new and the rest old; the MCU model decides where the cut falls.
#pragma once

#include <cstdint>
#include <vector>

namespace pumptwin::mcu {

class Fram {
 public:
  // A new part reads 0xFF everywhere (the factory fill).
  explicit Fram(uint32_t size_bytes) : bytes_(size_bytes, 0xFF) {}

  uint32_t size_bytes() const { return static_cast<uint32_t>(bytes_.size()); }
  // Reads past the end return 0xFF (an open bus), as writes past the end are lost: the firmware
  // checks the size before it lays out its records.
  void read(uint32_t offset, uint8_t* destination, uint32_t length) const;
  // Stores the first `landed` of `length` bytes (power was cut after them).
  void write(uint32_t offset, const uint8_t* source, uint32_t length, uint32_t landed);

  uint8_t byte(uint32_t offset) const { return bytes_.at(offset); }
  // The cells themselves, for the image's ISS to read through its FRAM window in place.
  uint8_t* storage() { return bytes_.data(); }
  // Fault injection: inverts one bit in place (a bit flip in the memory cell).
  void flip_bit(uint32_t offset, unsigned bit) {
    bytes_.at(offset) = static_cast<uint8_t>(bytes_.at(offset) ^ (1u << (bit & 7u)));
  }
  uint64_t bytes_written() const { return bytes_written_; }
  uint32_t torn_writes() const { return torn_writes_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t bytes_written_ = 0;
  uint32_t torn_writes_ = 0;
};

}  // namespace pumptwin::mcu
