// Event log: a ring buffer of fixed-size entries in NVM, each with its own sequence number and
// CRC. A torn write spoils only the entry being written (which held the oldest event), and the
// head is found again at boot as the valid entry with the highest sequence number.
#pragma once

#include <cstdint>

#include "hal/hal.h"

namespace pumpfw::app {

// The codes, their names and their arguments are defined once, in events.def.
enum class EventCode : uint8_t {
#define PUMPFW_EVENT(enumerator, code, ...) enumerator = code,
#include "app/events.def"
#undef PUMPFW_EVENT
};

struct Event {
  uint32_t sequence;  // 1, 2, 3... never 0
  uint32_t time_s;    // wall clock, seconds (RTC + clock offset)
  uint32_t argument;
  EventCode code;
};

class EventLog {
 public:
  static constexpr uint32_t kEntryBytes = 16;

  EventLog(hal::Hal& hal, uint32_t offset, uint32_t capacity_entries)
      : hal_(hal), offset_(offset), capacity_(capacity_entries) {}

  // Finds the newest valid entry; call once at boot.
  void recover();
  void append(uint32_t time_s, EventCode code, uint32_t argument);
  // The entry `age` places before the newest (0 = newest). False if there is none that old or
  // it was spoilt.
  bool read_newest(uint32_t age, Event& event);
  uint32_t count() const { return next_sequence_ - 1 < capacity_ ? next_sequence_ - 1 : capacity_; }
  uint32_t next_sequence() const { return next_sequence_; }

 private:
  bool read_slot(uint32_t slot, Event& event);

  hal::Hal& hal_;
  uint32_t offset_;
  uint32_t capacity_;
  uint32_t next_sequence_ = 1;
};

}  // namespace pumpfw::app
