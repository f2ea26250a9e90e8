// The live wire protocol between a running scenario (pumpbench --serve) and its clients (the
// viewer, tests, scripts): newline-delimited JSON over TCP, one object per line, each with a
// "type". docs/protocol.md is the reference. Plain C++ and nlohmann-json only: the viewer
// links this and nothing of the twin.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pumptwin::live {

using Json = nlohmann::json;

inline constexpr const char* kProtocolName = "pumptwin-live";
inline constexpr int kProtocolVersion = 1;
// Revisions of a version only add messages and fields (docs/protocol.md).
inline constexpr int kProtocolRevision = 5;
// Longest line a client may send (bytes, newline excluded): a command is a few hundred bytes.
inline constexpr std::size_t kMaxClientMessageBytes = 16 * 1024;
// Longest line the server sends (the hello with its catalogues is the largest, a few kB).
inline constexpr std::size_t kMaxServerMessageBytes = 1024 * 1024;

// A run's pace, simulated seconds per wall second: slower than a thousandth of real time looks
// frozen (a run of a day would take three years), faster than 1e9 is "max" in all but name.
inline constexpr double kMinSpeed = 1e-3;
inline constexpr double kMaxSpeed = 1e9;

// One message on the wire: compact JSON and a newline. NaN and infinities become null.
std::string encode(const Json& message);

// Splits a byte stream into messages. A line that is not a JSON object with a string "type",
// or that grows past the limit before its newline, is an error; after an oversized line the
// decoder fails for good (the peer is dropped: what follows cannot be framed).
class LineDecoder {
 public:
  explicit LineDecoder(std::size_t max_message_bytes) : max_bytes_(max_message_bytes) {}

  void feed(std::string_view bytes);
  // The next complete line: true with `message` set (error empty) or with `error` set; false
  // when more bytes are needed.
  bool next(Json& message, std::string& error);
  bool failed() const { return failed_; }
  std::size_t buffered() const { return buffer_.size() - start_; }
  // The memory its buffer holds (bytes), for the server's per-client figures.
  std::size_t held_bytes() const { return buffer_.capacity(); }

 private:
  std::size_t max_bytes_;
  std::string buffer_;
  std::size_t start_ = 0;  // first unread byte
  bool failed_ = false;
};

// Checks a message a client sent: a known type and fields of the right kinds. `actions` are
// the run's timeline actions (the scenario registry's action_names()): their fields are read
// by the scenario loader when the run performs them, so any fields pass here. Returns the
// problem, empty when the message is well formed (whether the run can do it is decided later).
std::string check_client_message(const Json& message, const std::vector<std::string>& actions);

// Server messages.
Json error_message(const std::string& code, const std::string& text, const Json& id = nullptr);
Json ack_message(const Json& id, bool ok, const std::string& text);

// Parses "[HOST:]PORT" (HOST defaults to 127.0.0.1). Returns the problem, empty when valid.
std::string parse_endpoint(const std::string& text, std::string& host, unsigned short& port);

// The kind of an event line ("alarm_raised", "alarm_cleared", "fault", "verdict", "step",
// "firmware", "log") from its source and text, as the server streams it and the viewer files
// it when it plays a recorded events.log. A firmware event's kind is its definition's
// (firmware/app/events.def), found by the name the line gives.
std::string event_kind(const std::string& source, const std::string& text);

}  // namespace pumptwin::live
