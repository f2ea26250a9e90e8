// Framing of the telemetry link to the clinician programmer and the patient's PTM
// (docs/telemetry.md):
//   0xA5 | length | sequence | payload[length] | CRC-16/CCITT-FALSE (little-endian)
// The CRC covers length, sequence and payload. The parser resynchronises on the next 0xA5
// after any damaged frame, and drops a partial frame after an inter-byte silence.
#pragma once

#include <cstdint>

#include "hal/hal.h"

namespace pumpfw::app {

inline constexpr uint8_t kFrameSync = 0xA5;
inline constexpr uint8_t kMaxPayloadBytes = 200;
inline constexpr uint32_t kFrameOverheadBytes = 5;
inline constexpr uint32_t kMaxFrameBytes = kMaxPayloadBytes + kFrameOverheadBytes;

// A partial frame is dropped when the next byte comes more than this after the previous one:
// its sender vanished (a radio drop-out, a programmer switched off mid-frame), and without the
// limit the next programmer's first frame would be taken for the rest of it. At 19200 Bd 8N1
// a byte takes 0.52 ms and the longest frame (205 bytes) 107 ms, and the firmware wakes on
// received bytes, so reads of a frame still arriving are milliseconds apart; 250 ms is more than
// twice the whole longest frame, yet well under the 1 s after which a programmer retransmits.
inline constexpr hal::Ticks kInterByteTimeoutTicks = hal::kTicksPerSecond / 4;

struct Frame {
  uint8_t sequence;
  uint8_t length;
  uint8_t payload[kMaxPayloadBytes];
};

// kPartialDropped: a partial frame timed out and was dropped; the byte just fed then went to the
// hunt for the next sync byte (a 0xA5 starts a new frame).
enum class ParseResult : uint8_t { kNeedMore, kFrame, kBadFrame, kPartialDropped };

class FrameParser {
 public:
  // Feeds one byte received at `now` (the receiver's path): a partial frame whose previous byte
  // came more than kInterByteTimeoutTicks earlier is dropped before the byte is taken.
  ParseResult feed(uint8_t byte, hal::Ticks now);
  // Feeds one byte with no timing (a decoder of bytes already collected). kFrame: frame() holds
  // a complete, CRC-checked frame. kBadFrame: a frame was damaged (bad length or CRC) and has
  // been dropped.
  ParseResult feed(uint8_t byte);
  const Frame& frame() const { return frame_; }
  bool mid_frame() const { return state_ != State::kSync; }

 private:
  enum class State : uint8_t { kSync, kLength, kSequence, kPayload, kCrcLow, kCrcHigh };
  State state_ = State::kSync;
  hal::Ticks last_byte_ticks_ = 0;
  Frame frame_{};
  uint8_t received_ = 0;
  uint16_t crc_ = 0;
};

// Writes a frame into out (at least kMaxFrameBytes); returns its size in bytes.
uint32_t encode_frame(uint8_t sequence, const uint8_t* payload, uint8_t length, uint8_t* out);

}  // namespace pumpfw::app
