#include "firmware_log.h"

#include <algorithm>

#include "app/crc.h"
#include "app/pump.h"
#include "catalogue.h"
#include "firmware_vocabulary.h"
#include "fram.h"
#include "recorder.h"

namespace pumpbench {

namespace {

// One entry of the firmware's event log, decoded from the NVM the way the firmware reads it
// (firmware/app/event_log.cpp): sequence, time, argument, code, reserved, CRC-16.
bool read_log_entry(const pumptwin::mcu::Fram& nvm, uint32_t sequence, FirmwareEvent& event,
                    uint32_t& wall_clock_s) {
  using pumpfw::app::EventLog;
  namespace layout = pumpfw::app::nvm_layout;
  uint8_t raw[EventLog::kEntryBytes];
  const uint32_t slot = (sequence - 1) % layout::kEventLogEntries;
  nvm.read(layout::kEventLog + slot * EventLog::kEntryBytes, raw, EventLog::kEntryBytes);
  auto le32 = [&](int at) {
    return static_cast<uint32_t>(raw[at]) | (static_cast<uint32_t>(raw[at + 1]) << 8) |
           (static_cast<uint32_t>(raw[at + 2]) << 16) | (static_cast<uint32_t>(raw[at + 3]) << 24);
  };
  const uint16_t crc = static_cast<uint16_t>(raw[14] | (raw[15] << 8));
  if (pumpfw::app::crc16_ccitt(raw, 14) != crc || le32(0) != sequence) return false;
  event.sequence = sequence;
  wall_clock_s = le32(4);
  event.argument = le32(8);
  event.code = raw[12];
  return true;
}

}  // namespace

void FirmwareLog::read_new(const pumptwin::mcu::Fram& nvm, double now_s,
                           std::optional<uint32_t> firmware_clock_s, RunRecorder& recorder) {
  if (firmware_clock_s) clock_offset_s_ = now_s - *firmware_clock_s;
  // A torn write spoils one entry; the ones after it are still read.
  for (;;) {
    FirmwareEvent event{};
    uint32_t stamp_s = 0;
    uint32_t skipped = 0;
    while (skipped < 4 && !read_log_entry(nvm, next_sequence_ + skipped, event, stamp_s)) {
      ++skipped;
    }
    if (skipped == 4) break;
    for (uint32_t lost = 0; lost < skipped; ++lost) {
      recorder.event(now_s, "firmware",
                     "seq=" + std::to_string(next_sequence_ + lost) + " unreadable");
    }
    event.time_s = std::min(now_s, stamp_s + clock_offset_s_);
    next_sequence_ = event.sequence + 1;
    events_.push_back(event);
    recorder.event(event.time_s, "firmware", describe_event(event));
  }
}

std::string describe_event(const FirmwareEvent& event) {
  return pumptwin::firmware_vocabulary::describe_event(event.sequence, event.code, event.argument);
}

}  // namespace pumpbench
