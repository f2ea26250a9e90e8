// The firmware's own event log as the bench reads it from the pump's NVM, entry by entry, the
// way the firmware reads it (firmware/app/event_log.cpp): what happened, with the firmware's
// clock turned into simulated time. Every entry is written to events.log as it is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pumptwin::mcu {
class Fram;
}

namespace pumpbench {

class RunRecorder;

struct FirmwareEvent {
  uint32_t sequence;
  double time_s;  // simulated time, from the firmware's wall-clock stamp
  uint8_t code;
  uint32_t argument;
};

class FirmwareLog {
 public:
  // Reads the entries written since the last call. `firmware_clock_s` is the firmware's clock
  // now (absent while it is not running): it maps the entries' stamps to simulated time.
  void read_new(const pumptwin::mcu::Fram& nvm, double now_s,
                std::optional<uint32_t> firmware_clock_s, RunRecorder& recorder);
  const std::vector<FirmwareEvent>& events() const { return events_; }

 private:
  std::vector<FirmwareEvent> events_;
  uint32_t next_sequence_ = 1;
  double clock_offset_s_ = 0.0;
};

// "seq=3 alarm_raised alarm=motor_stall", as events.log shows a firmware event.
std::string describe_event(const FirmwareEvent& event);

}  // namespace pumpbench
