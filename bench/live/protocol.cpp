#include "protocol.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "bench_lines.h"
#include "firmware_vocabulary.h"

namespace pumptwin::live {

std::string encode(const Json& message) {
  std::string text = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  text.push_back('\n');
  return text;
}

void LineDecoder::feed(std::string_view bytes) {
  if (failed_) return;
  // Compact once the consumed part dominates, so a long session does not grow the buffer.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

bool LineDecoder::next(Json& message, std::string& error) {
  error.clear();
  if (failed_) return false;
  for (;;) {
    const std::size_t newline = buffer_.find('\n', start_);
    if (newline == std::string::npos) {
      if (buffer_.size() - start_ > max_bytes_) {
        failed_ = true;
        error = "message longer than " + std::to_string(max_bytes_) + " bytes";
        return true;
      }
      return false;
    }
    std::string_view line(buffer_.data() + start_, newline - start_);
    start_ = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_bytes_) {
      error = "message longer than " + std::to_string(max_bytes_) + " bytes";
      return true;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    Json parsed = Json::parse(line.begin(), line.end(), nullptr, false);
    if (parsed.is_discarded()) {
      error = "not a JSON text";
      return true;
    }
    if (!parsed.is_object()) {
      error = "a message must be a JSON object";
      return true;
    }
    const auto type = parsed.find("type");
    if (type == parsed.end() || !type->is_string()) {
      error = "a message needs a string \"type\"";
      return true;
    }
    message = std::move(parsed);
    return true;
  }
}

namespace {

bool is_number(const Json& message, const char* key) {
  const auto found = message.find(key);
  return found != message.end() && found->is_number();
}
bool has(const Json& message, const char* key) {
  return message.find(key) != message.end();
}
std::string need_string(const Json& message, const char* key, bool required) {
  const auto found = message.find(key);
  if (found == message.end()) return required ? std::string("missing \"") + key + "\"" : "";
  if (!found->is_string()) return std::string("\"") + key + "\" must be a string";
  return "";
}
// A quantity: a string with its unit ("20 mL").
std::string need_quantity(const Json& message, const char* key, bool required) {
  return need_string(message, key, required);
}

std::string no_fields(const Json&) {
  return "";
}

std::string check_hello(const Json& message) {
  const auto version = message.find("version");
  if (version == message.end() || !version->is_number_integer()) {
    return "hello needs an integer \"version\"";
  }
  if (*version != kProtocolVersion) {
    return "unsupported protocol version " + version->dump() + " (this server speaks " +
           std::to_string(kProtocolVersion) + ")";
  }
  if (std::string problem = need_string(message, "token", false); !problem.empty()) {
    return problem;
  }
  if (has(message, "history") && !message["history"].is_boolean()) {
    return "\"history\" must be true or false";
  }
  if (has(message, "history_points") && !message["history_points"].is_number_unsigned()) {
    return "\"history_points\" must be a positive integer";
  }
  return need_string(message, "client", false);
}

std::string check_subscribe(const Json& message) {
  for (const char* key : {"sample_period_s", "snapshot_period_s"}) {
    if (has(message, key) && (!is_number(message, key) || message[key].get<double>() < 0.0)) {
      return std::string("\"") + key + "\" must be a number >= 0 (simulated seconds)";
    }
  }
  if (has(message, "queue_bytes") && !message["queue_bytes"].is_number_unsigned()) {
    return "\"queue_bytes\" must be a positive integer";
  }
  for (const char* key : {"samples", "events", "snapshots"}) {
    if (has(message, key) && !message[key].is_boolean()) {
      return std::string("\"") + key + "\" must be true or false";
    }
  }
  return "";
}

std::string check_step(const Json& message) {
  if (is_number(message, "duration_s")) {
    return message["duration_s"].get<double>() > 0.0 ? "" : "\"duration_s\" must be > 0";
  }
  return need_quantity(message, "duration", true);
}

std::string check_speed(const Json& message) {
  const auto speed = message.find("speed");
  if (speed == message.end()) return "missing \"speed\"";
  if (speed->is_string() && (*speed == "max" || *speed == "realtime")) return "";
  if (speed->is_number() && speed->get<double>() >= kMinSpeed &&
      speed->get<double>() <= kMaxSpeed) {
    return "";
  }
  return "\"speed\" must be \"max\", \"realtime\" or a factor of real time from 0.001 to 1e9";
}

// Every message a client may send that is not one of the run's actions (docs/protocol.md,
// "Client messages"), with the check of its fields. The actions (refill, program, inject...)
// are the scenario's timeline actions by the same names: their fields are read by the
// scenario loader's own reader when the run performs them (live_commands.h), not here.
struct ClientMessage {
  const char* type;
  std::string (*check)(const Json&);
};
constexpr std::array<ClientMessage, 8> kClientMessages = {{
    {"hello", check_hello},
    {"subscribe", check_subscribe},
    {"ping", no_fields},
    {"snapshot", no_fields},
    {"pause", no_fields},
    {"resume", no_fields},
    {"step", check_step},
    {"speed", check_speed},
}};

const ClientMessage* find_client_message(const std::string& type) {
  for (const ClientMessage& message : kClientMessages) {
    if (type == message.type) return &message;
  }
  return nullptr;
}

}  // namespace

std::string check_client_message(const Json& message, const std::vector<std::string>& actions) {
  if (!message.is_object()) return "a message must be a JSON object";
  const auto type_field = message.find("type");
  if (type_field == message.end() || !type_field->is_string()) {
    return "a message needs a string \"type\"";
  }
  if (has(message, "id") && !message["id"].is_number_integer() && !message["id"].is_string()) {
    return "\"id\" must be an integer or a string";
  }
  const std::string type = *type_field;
  if (const ClientMessage* found = find_client_message(type)) return found->check(message);
  if (std::find(actions.begin(), actions.end(), type) != actions.end()) return "";
  std::string known;
  for (const ClientMessage& client_message : kClientMessages) {
    known += std::string(known.empty() ? "" : ", ") + client_message.type;
  }
  for (const std::string& action : actions) known += ", " + action;
  return "unknown message type \"" + type + "\" (known: " + known + ")";
}

Json error_message(const std::string& code, const std::string& text, const Json& id) {
  Json message = {{"type", "error"}, {"code", code}, {"message", text}};
  if (!id.is_null()) message["id"] = id;
  return message;
}

Json ack_message(const Json& id, bool ok, const std::string& text) {
  Json message = {{"type", "ack"}, {"ok", ok}, {"message", text}};
  if (!id.is_null()) message["id"] = id;
  return message;
}

std::string parse_endpoint(const std::string& text, std::string& host, unsigned short& port) {
  host = "127.0.0.1";
  std::string port_text = text;
  const std::size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) return "'" + text + "': empty host";
  }
  if (port_text.empty() || port_text.find_first_not_of("0123456789") != std::string::npos ||
      port_text.size() > 5) {
    return "'" + text + "': expected [HOST:]PORT, e.g. 127.0.0.1:7700";
  }
  const long value = std::strtol(port_text.c_str(), nullptr, 10);
  if (value > 65535) return "'" + text + "': port above 65535";
  port = static_cast<unsigned short>(value);
  return "";
}

std::string event_kind(const std::string& source, const std::string& text) {
  if (source == "firmware") {
    // What the event is, as the firmware defines it (firmware/app/events.def).
    const firmware_vocabulary::Event* event = firmware_vocabulary::event_in_line(text);
    if (event && event->kind == firmware_vocabulary::EventKind::kAlarmRaised) return "alarm_raised";
    if (event && event->kind == firmware_vocabulary::EventKind::kAlarmCleared) {
      return "alarm_cleared";
    }
    return "firmware";
  }
  if (source == "bench") {
    // What the line is, as the bench words it (bench/vocabulary/bench_lines.h).
    switch (bench_lines::line_kind(text)) {
      case bench_lines::LineKind::kFaultInjected:
      case bench_lines::LineKind::kFaultCleared:
        return "fault";
      case bench_lines::LineKind::kVerdict:
        return "verdict";
      case bench_lines::LineKind::kStep:
        return "step";
    }
    return "step";
  }
  return "log";
}

}  // namespace pumptwin::live
