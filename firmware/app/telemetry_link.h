// Framing of the telemetry link to the clinician programmer and the patient's PTM
// (docs/telemetry.md):
//   0xA5 | length | sequence | payload[length] | CRC-16/CCITT-FALSE (little-endian)
// The CRC covers length, sequence and payload. The parser resynchronises on the next 0xA5
// after any damaged frame.
#pragma once

#include <cstdint>

namespace pumpfw::app {

inline constexpr uint8_t kFrameSync = 0xA5;
inline constexpr uint8_t kMaxPayloadBytes = 200;
inline constexpr uint32_t kFrameOverheadBytes = 5;
inline constexpr uint32_t kMaxFrameBytes = kMaxPayloadBytes + kFrameOverheadBytes;

struct Frame {
  uint8_t sequence;
  uint8_t length;
  uint8_t payload[kMaxPayloadBytes];
};

enum class ParseResult : uint8_t { kNeedMore, kFrame, kBadFrame };

class FrameParser {
 public:
  // Feeds one received byte. kFrame: frame() holds a complete, CRC-checked frame.
  // kBadFrame: a frame was damaged (bad length or CRC) and has been dropped.
  ParseResult feed(uint8_t byte);
  const Frame& frame() const { return frame_; }

 private:
  enum class State : uint8_t { kSync, kLength, kSequence, kPayload, kCrcLow, kCrcHigh };
  State state_ = State::kSync;
  Frame frame_{};
  uint8_t received_ = 0;
  uint16_t crc_ = 0;
};

// Writes a frame into out (at least kMaxFrameBytes); returns its size in bytes.
uint32_t encode_frame(uint8_t sequence, const uint8_t* payload, uint8_t length, uint8_t* out);

}  // namespace pumpfw::app
