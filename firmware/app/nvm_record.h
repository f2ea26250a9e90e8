// A record kept twice in NVM, each copy with a generation number and a CRC-32.
//
// store() writes copy A completely, then copy B. Power lost at any byte therefore leaves one
// copy intact: a torn A still has the previous B, a torn B has the new A. load() takes the
// valid copy of the higher generation and repairs the other from it; with both copies bad the
// caller raises the memory-error alarm and falls back to its safe state.
#pragma once

#include <cstdint>

#include "hal/hal.h"

namespace pumpfw::app {

enum class RecordLoad : uint8_t {
  kBothValid,      // both copies agree
  kRepairedCopyA,  // A was bad or stale and has been rewritten from B
  kRepairedCopyB,  // B was bad or stale and has been rewritten from A
  kBothInvalid,    // both copies damaged: payload untouched
  kBlank,          // neither copy was ever written (a new pump): payload untouched
};

class NvmRecord {
 public:
  static constexpr uint32_t kHeaderBytes = 12;  // magic, kind, length, generation
  static constexpr uint32_t kCrcBytes = 4;

  NvmRecord(hal::Hal& hal, uint32_t offset_a, uint32_t offset_b, uint16_t kind)
      : hal_(hal), offset_a_(offset_a), offset_b_(offset_b), kind_(kind) {}

  static constexpr uint32_t footprint_bytes(uint32_t payload_bytes) {
    return kHeaderBytes + payload_bytes + kCrcBytes;
  }

  RecordLoad load(uint8_t* payload, uint16_t length);
  void store(const uint8_t* payload, uint16_t length);

 private:
  bool has_magic(uint32_t offset);
  bool copy_valid(uint32_t offset, uint16_t length, uint32_t& generation);
  // One copy: the header and CRC bytes are the same for both copies of a store.
  void write_copy(uint32_t offset, const uint8_t* header, const uint8_t* payload, uint16_t length,
                  const uint8_t* crc_bytes);
  void copy_record(uint32_t from, uint32_t to, uint16_t length);

  hal::Hal& hal_;
  uint32_t offset_a_;
  uint32_t offset_b_;
  uint16_t kind_;
  uint32_t generation_ = 0;
};

}  // namespace pumpfw::app
