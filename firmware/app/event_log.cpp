#include "app/event_log.h"

#include "app/crc.h"

namespace pumpfw::app {

namespace {
void put_u32(uint8_t* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}
uint32_t get_u32(const uint8_t* in) {
  return static_cast<uint32_t>(in[0]) | (static_cast<uint32_t>(in[1]) << 8) |
         (static_cast<uint32_t>(in[2]) << 16) | (static_cast<uint32_t>(in[3]) << 24);
}
// Entry layout: sequence(4) time(4) argument(4) code(1) reserved(1) crc16(2), little-endian.
constexpr uint32_t kCrcOffset = 14;
}  // namespace

bool EventLog::read_slot(uint32_t slot, Event& event) {
  uint8_t raw[kEntryBytes];
  hal_.nvm_read(offset_ + slot * kEntryBytes, raw, kEntryBytes);
  const uint16_t crc = static_cast<uint16_t>(raw[kCrcOffset] | (raw[kCrcOffset + 1] << 8));
  if (crc16_ccitt(raw, kCrcOffset) != crc) return false;
  event.sequence = get_u32(raw);
  event.time_s = get_u32(raw + 4);
  event.argument = get_u32(raw + 8);
  event.code = static_cast<EventCode>(raw[12]);
  // Erased memory can carry a matching CRC only by chance; sequence 0 or the wrong slot never.
  return event.sequence != 0 && (event.sequence - 1) % capacity_ == slot;
}

void EventLog::recover() {
  uint32_t newest = 0;
  for (uint32_t slot = 0; slot < capacity_; ++slot) {
    Event event{};
    if (read_slot(slot, event) && event.sequence > newest) newest = event.sequence;
  }
  next_sequence_ = newest + 1;
}

void EventLog::append(uint32_t time_s, EventCode code, uint32_t argument) {
  uint8_t raw[kEntryBytes] = {};
  put_u32(raw, next_sequence_);
  put_u32(raw + 4, time_s);
  put_u32(raw + 8, argument);
  raw[12] = static_cast<uint8_t>(code);
  const uint16_t crc = crc16_ccitt(raw, kCrcOffset);
  raw[kCrcOffset] = static_cast<uint8_t>(crc);
  raw[kCrcOffset + 1] = static_cast<uint8_t>(crc >> 8);
  hal_.nvm_write(offset_ + ((next_sequence_ - 1) % capacity_) * kEntryBytes, raw, kEntryBytes);
  ++next_sequence_;
}

bool EventLog::read_newest(uint32_t age, Event& event) {
  if (age >= count()) return false;
  const uint32_t sequence = next_sequence_ - 1 - age;
  return read_slot((sequence - 1) % capacity_, event) && event.sequence == sequence;
}

}  // namespace pumpfw::app
