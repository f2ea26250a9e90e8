// The firmware's events, alarms, refusals and reset causes as the bench reads them, each expanded
// from its one definition in the firmware (firmware/app/events.def, alarms.def, refusals.def,
// firmware/hal/reset_causes.def), the lists the firmware's own EventCode, AlarmId, Refusal and
// hal::ResetCause are made from: a code the firmware has, the
// bench has a name for, and a reader learns what an event is (its kind) from here, never from
// its name's spelling.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pumptwin::firmware_vocabulary {

// What a reader marks an event as (the plots' markers, the live server's event kinds).
enum class EventKind : uint8_t {
  kAlarmRaised,
  kAlarmCleared,
  kAlarmsAcknowledged,
  kPtmGranted,
  kPtmRefused,
  kRefill,
  kProgramChanged,
  kBolus,           // a bolus a clinician or a refill started (clinician, priming, bridging)
  kScheduledBolus,  // the programme's periodic bolus
  kOther,
};

// How an event's argument reads (event_detail).
enum class EventArgument : uint8_t {
  kNumber,  // the number as logged, nothing when 0
  kResetCause,
  kAlarm,             // an alarm's bit number
  kAlarmBits,         // an alarm word
  kVolumeUl,          // uL
  kVolumeNl,          // nL, shown in uL
  kDoseNg,            // ng, shown in ug
  kDoseRateNgPerDay,  // ng/day, shown in mg/day
  kMicrosteps,
  kRefusal,        // a refusal code
  kOpcodeRefusal,  // opcode << 8 | refusal code
  kCountRefusal,   // count << 8 | refusal code
  kSeconds,
};

struct Event {
  uint8_t code;
  std::string_view name;  // as the bench shows it and a scenario writes it
  EventKind kind;
  EventArgument argument;
  std::string_view argument_text;  // for docs/telemetry.md
};
struct Alarm {
  uint8_t bit;  // in the alarm word
  std::string_view name;
  bool critical;
  bool acknowledgeable;
  std::string_view description;
  std::string_view clears;
};
struct Refusal {
  uint8_t code;
  std::string_view name;
  std::string_view when;
};
struct ResetCause {
  uint8_t value;
  std::string_view name;
  std::string_view what;
};

// In code order, as the firmware defines them.
const std::vector<Event>& events();
const std::vector<Alarm>& alarms();
const std::vector<Refusal>& refusals();
const std::vector<ResetCause>& reset_causes();

// nullptr when the firmware has no such event or alarm.
const Event* find_event(uint8_t code);
const Event* find_event(std::string_view name);
const Alarm* find_alarm(std::string_view name);

// Names for any code: the firmware's, or "event_N", "alarm_bit_N", "refusal N", "cause N" for a
// code it does not have (a damaged log, a newer pump).
std::string event_name(uint8_t code);
std::string alarm_name(unsigned bit_number);
std::string refusal_name(uint8_t code);
std::string reset_cause_name(uint8_t value);
// The alarms of an alarm word by name, "none" when no bit is set.
std::string alarm_list(uint16_t bits);

// A firmware event's argument in its unit (docs/telemetry.md, "Event codes"): "3 mg/day",
// "20000 uL", "motor_stall"; empty when the event has none.
std::string event_detail(uint8_t code, uint32_t argument);
// A firmware event as events.log and the live server show it: "seq=3 alarm_raised
// alarm=motor_stall", "seq=5 refill 20000 uL".
std::string describe_event(uint32_t sequence, uint8_t code, uint32_t argument);
// The event such a line names, nullptr for a line that names none ("seq=4 unreadable").
const Event* event_in_line(std::string_view text);

// docs/telemetry.md's tables (Markdown): "Alarm bits", "Event codes", "Refusal codes".
std::string alarms_markdown();
std::string events_markdown();
std::string refusals_markdown();

}  // namespace pumptwin::firmware_vocabulary
