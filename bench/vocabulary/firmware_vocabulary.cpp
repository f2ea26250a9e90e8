#include "firmware_vocabulary.h"

#include <cstdio>

namespace pumptwin::firmware_vocabulary {

const std::vector<Event>& events() {
  static const std::vector<Event> list = {
#define PUMPFW_EVENT(enumerator, code, name, kind, argument, argument_text) \
  {code, #name, EventKind::kind, EventArgument::argument, argument_text},
#include "app/events.def"
#undef PUMPFW_EVENT
  };
  return list;
}

const std::vector<Alarm>& alarms() {
  static const std::vector<Alarm> list = {
#define PUMPFW_ALARM(enumerator, bit, name, critical, acknowledgeable, description, clears) \
  {bit, #name, critical, acknowledgeable, description, clears},
#include "app/alarms.def"
#undef PUMPFW_ALARM
  };
  return list;
}

const std::vector<Refusal>& refusals() {
  static const std::vector<Refusal> list = {
#define PUMPFW_REFUSAL(enumerator, code, name, when) {code, name, when},
#include "app/refusals.def"
#undef PUMPFW_REFUSAL
  };
  return list;
}

const std::vector<ResetCause>& reset_causes() {
  static const std::vector<ResetCause> list = {
#define PUMPFW_RESET_CAUSE(enumerator, value, name, what) {value, name, what},
#include "hal/reset_causes.def"
#undef PUMPFW_RESET_CAUSE
  };
  return list;
}

const Event* find_event(uint8_t code) {
  for (const Event& event : events()) {
    if (event.code == code) return &event;
  }
  return nullptr;
}

const Event* find_event(std::string_view name) {
  for (const Event& event : events()) {
    if (event.name == name) return &event;
  }
  return nullptr;
}

const Alarm* find_alarm(std::string_view name) {
  for (const Alarm& alarm : alarms()) {
    if (alarm.name == name) return &alarm;
  }
  return nullptr;
}

std::string event_name(uint8_t code) {
  const Event* event = find_event(code);
  return event ? std::string(event->name) : "event_" + std::to_string(code);
}

std::string alarm_name(unsigned bit_number) {
  for (const Alarm& alarm : alarms()) {
    if (alarm.bit == bit_number) return std::string(alarm.name);
  }
  return "alarm_bit_" + std::to_string(bit_number);
}

std::string refusal_name(uint8_t code) {
  for (const Refusal& refusal : refusals()) {
    if (refusal.code == code) return std::string(refusal.name);
  }
  return "refusal " + std::to_string(code);
}

std::string reset_cause_name(uint8_t value) {
  for (const ResetCause& cause : reset_causes()) {
    if (cause.value == value) return std::string(cause.name);
  }
  return "cause " + std::to_string(value);
}

std::string alarm_list(uint16_t bits) {
  std::string text;
  for (unsigned bit = 0; bit < 16; ++bit) {
    if ((bits & (1u << bit)) != 0) text += (text.empty() ? "" : ", ") + alarm_name(bit);
  }
  return text.empty() ? "none" : text;
}

std::string event_detail(uint8_t code, uint32_t argument) {
  auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return std::string(text);
  };
  const Event* event = find_event(code);
  switch (event ? event->argument : EventArgument::kNumber) {
    case EventArgument::kNumber:
      return argument == 0 ? "" : std::to_string(argument);
    case EventArgument::kResetCause:
      return argument <= UINT8_MAX ? reset_cause_name(static_cast<uint8_t>(argument))
                                   : "cause " + std::to_string(argument);
    case EventArgument::kAlarm:
      return alarm_name(argument);
    case EventArgument::kAlarmBits:
      return alarm_list(static_cast<uint16_t>(argument));
    case EventArgument::kVolumeUl:
      return std::to_string(argument) + " uL";
    case EventArgument::kVolumeNl:
      return number(argument / 1e3) + " uL";
    case EventArgument::kDoseNg:
      return number(argument / 1e3) + " ug";
    case EventArgument::kDoseRateNgPerDay:
      return number(argument / 1e6) + " mg/day";
    case EventArgument::kMicrosteps:
      return std::to_string(argument) + " microsteps";
    case EventArgument::kRefusal:
      return refusal_name(static_cast<uint8_t>(argument));
    case EventArgument::kOpcodeRefusal: {
      char opcode[8];
      std::snprintf(opcode, sizeof opcode, "0x%02X", (argument >> 8) & 0xFF);
      return std::string("opcode ") + opcode + ": " +
             refusal_name(static_cast<uint8_t>(argument & 0xFF));
    }
    case EventArgument::kCountRefusal:
      return std::to_string(argument >> 8) + " x " +
             refusal_name(static_cast<uint8_t>(argument & 0xFF));
    case EventArgument::kSeconds:
      return std::to_string(argument) + " s";
  }
  return std::to_string(argument);
}

std::string describe_event(uint32_t sequence, uint8_t code, uint32_t argument) {
  std::string text = "seq=" + std::to_string(sequence) + " " + event_name(code);
  const Event* event = find_event(code);
  // An alarm and a refusal are named as fields, which readers look up (python/pumptwin: alarm=).
  if (event && event->argument == EventArgument::kAlarm)
    return text + " alarm=" + alarm_name(argument);
  if (event && event->argument == EventArgument::kRefusal) {
    return text + " reason=" + refusal_name(static_cast<uint8_t>(argument));
  }
  const std::string detail = event_detail(code, argument);
  return detail.empty() ? text : text + " " + detail;
}

const Event* event_in_line(std::string_view text) {
  if (text.substr(0, 4) != "seq=") return nullptr;
  const std::size_t name_at = text.find(' ');
  if (name_at == std::string_view::npos) return nullptr;
  const std::size_t name_end = text.find(' ', name_at + 1);
  return find_event(text.substr(name_at + 1, name_end == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : name_end - name_at - 1));
}

namespace {
std::string cell(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}
}  // namespace

std::string alarms_markdown() {
  std::string text = "| bit | alarm | class | clears |\n| --- | --- | --- | --- |\n";
  for (const Alarm& alarm : alarms()) {
    text += "| " + std::to_string(alarm.bit) + " | `" + std::string(alarm.name) +
            "`: " + cell(alarm.description) + " | " +
            (alarm.critical ? "critical (two-tone), delivery stops" : "non-critical (one-tone)") +
            " | " + cell(alarm.clears) + " |\n";
  }
  return text;
}

std::string events_markdown() {
  std::string text = "| code | event | argument |\n| --- | --- | --- |\n";
  for (const Event& event : events()) {
    std::string argument(event.argument_text);
    if (event.argument == EventArgument::kResetCause) {
      // The causes as reset_causes.def numbers and names them: "(0 power-on, 1 watchdog, ...)".
      std::string causes;
      for (const ResetCause& cause : reset_causes()) {
        causes += (causes.empty() ? "" : ", ") + std::to_string(cause.value) + " " +
                  std::string(cause.name);
      }
      argument += " (" + causes + ")";
    }
    text += "| " + std::to_string(event.code) + " | `" + std::string(event.name) + "` | " +
            cell(argument) + " |\n";
  }
  return text;
}

std::string refusals_markdown() {
  std::string text = "| code | name | when |\n| --- | --- | --- |\n";
  for (const Refusal& refusal : refusals()) {
    text += "| " + std::to_string(refusal.code) + " | " + std::string(refusal.name) + " | " +
            cell(refusal.when) + " |\n";
  }
  return text;
}

}  // namespace pumptwin::firmware_vocabulary
