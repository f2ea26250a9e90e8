#include "app/nvm_record.h"

#include "app/crc.h"

namespace pumpfw::app {

namespace {
constexpr uint32_t kMagic = 0x50554D50;  // "PUMP"
constexpr uint32_t kChunkBytes = 32;

void put_u32(uint8_t* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}
uint32_t get_u32(const uint8_t* in) {
  return static_cast<uint32_t>(in[0]) | (static_cast<uint32_t>(in[1]) << 8) |
         (static_cast<uint32_t>(in[2]) << 16) | (static_cast<uint32_t>(in[3]) << 24);
}
}  // namespace

bool NvmRecord::has_magic(uint32_t offset) {
  uint8_t magic[4];
  hal_.nvm_read(offset, magic, 4);
  return get_u32(magic) == kMagic;
}

bool NvmRecord::copy_valid(uint32_t offset, uint16_t length, uint32_t& generation) {
  uint8_t header[kHeaderBytes];
  hal_.nvm_read(offset, header, kHeaderBytes);
  const uint32_t expected_shape =
      static_cast<uint32_t>(kind_) | (static_cast<uint32_t>(length) << 16);
  if (get_u32(header) != kMagic || get_u32(header + 4) != expected_shape) return false;
  generation = get_u32(header + 8);
  // Streamed in chunks: records are larger than the stack should hold twice.
  uint32_t crc = crc32(header, kHeaderBytes);
  uint8_t chunk[kChunkBytes];
  for (uint32_t done = 0; done < length;) {
    const uint32_t n = (length - done) < kChunkBytes ? (length - done) : kChunkBytes;
    hal_.nvm_read(offset + kHeaderBytes + done, chunk, n);
    crc = crc32(chunk, n, crc);
    done += n;
  }
  uint8_t stored_crc[kCrcBytes];
  hal_.nvm_read(offset + kHeaderBytes + length, stored_crc, kCrcBytes);
  return get_u32(stored_crc) == crc;
}

void NvmRecord::write_copy(uint32_t offset, const uint8_t* header, const uint8_t* payload,
                           uint16_t length, const uint8_t* crc_bytes) {
  hal_.nvm_write(offset, header, kHeaderBytes);
  hal_.nvm_write(offset + kHeaderBytes, payload, length);
  hal_.nvm_write(offset + kHeaderBytes + length, crc_bytes, kCrcBytes);
}

void NvmRecord::copy_record(uint32_t from, uint32_t to, uint16_t length) {
  uint8_t chunk[kChunkBytes];
  const uint32_t total = footprint_bytes(length);
  for (uint32_t done = 0; done < total;) {
    const uint32_t n = (total - done) < kChunkBytes ? (total - done) : kChunkBytes;
    hal_.nvm_read(from + done, chunk, n);
    hal_.nvm_write(to + done, chunk, n);
    done += n;
  }
}

RecordLoad NvmRecord::load(uint8_t* payload, uint16_t length) {
  uint32_t generation_a = 0;
  uint32_t generation_b = 0;
  const bool a_ok = copy_valid(offset_a_, length, generation_a);
  const bool b_ok = copy_valid(offset_b_, length, generation_b);
  if (!a_ok && !b_ok)
    return has_magic(offset_a_) || has_magic(offset_b_) ? RecordLoad::kBothInvalid
                                                        : RecordLoad::kBlank;
  // Serial-number comparison so that the generation may wrap after 4 billion writes.
  const bool a_newer_or_same =
      a_ok && (!b_ok || static_cast<int32_t>(generation_a - generation_b) >= 0);
  const uint32_t source = a_newer_or_same ? offset_a_ : offset_b_;
  generation_ = a_newer_or_same ? generation_a : generation_b;
  hal_.nvm_read(source + kHeaderBytes, payload, length);
  if (a_ok && b_ok && generation_a == generation_b) return RecordLoad::kBothValid;
  if (a_newer_or_same) {
    copy_record(offset_a_, offset_b_, length);
    return RecordLoad::kRepairedCopyB;
  }
  copy_record(offset_b_, offset_a_, length);
  return RecordLoad::kRepairedCopyA;
}

void NvmRecord::store(const uint8_t* payload, uint16_t length) {
  ++generation_;
  uint8_t header[kHeaderBytes];
  put_u32(header, kMagic);
  put_u32(header + 4, static_cast<uint32_t>(kind_) | (static_cast<uint32_t>(length) << 16));
  put_u32(header + 8, generation_);
  // Both copies hold the same bytes: one CRC for the two (the state record is stored after
  // every stroke, and a CRC-32 costs the Cortex-M0+ about 6 instructions a byte).
  uint8_t crc_bytes[kCrcBytes];
  put_u32(crc_bytes, crc32(payload, length, crc32(header, kHeaderBytes)));
  write_copy(offset_a_, header, payload, length, crc_bytes);
  write_copy(offset_b_, header, payload, length, crc_bytes);
}

}  // namespace pumpfw::app
