#include "app/telemetry_link.h"

#include "app/crc.h"

namespace pumpfw::app {

namespace {
uint16_t frame_crc(uint8_t length, uint8_t sequence, const uint8_t* payload) {
  const uint8_t head[2] = {length, sequence};
  return crc16_ccitt(payload, length, crc16_ccitt(head, 2));
}
}  // namespace

ParseResult FrameParser::feed(uint8_t byte, hal::Ticks now) {
  const bool stale = mid_frame() && now > last_byte_ticks_ + kInterByteTimeoutTicks;
  last_byte_ticks_ = now;
  if (!stale) return feed(byte);
  state_ = State::kSync;
  feed(byte);  // from the hunt for sync, one byte can only start a frame
  return ParseResult::kPartialDropped;
}

ParseResult FrameParser::feed(uint8_t byte) {
  switch (state_) {
    case State::kSync:
      if (byte == kFrameSync) state_ = State::kLength;
      return ParseResult::kNeedMore;
    case State::kLength:
      if (byte == 0 || byte > kMaxPayloadBytes) {
        state_ = State::kSync;
        return ParseResult::kBadFrame;
      }
      frame_.length = byte;
      state_ = State::kSequence;
      return ParseResult::kNeedMore;
    case State::kSequence:
      frame_.sequence = byte;
      received_ = 0;
      state_ = State::kPayload;
      return ParseResult::kNeedMore;
    case State::kPayload:
      frame_.payload[received_++] = byte;
      if (received_ == frame_.length) state_ = State::kCrcLow;
      return ParseResult::kNeedMore;
    case State::kCrcLow:
      crc_ = byte;
      state_ = State::kCrcHigh;
      return ParseResult::kNeedMore;
    case State::kCrcHigh:
      crc_ = static_cast<uint16_t>(crc_ | (byte << 8));
      state_ = State::kSync;
      return crc_ == frame_crc(frame_.length, frame_.sequence, frame_.payload)
                 ? ParseResult::kFrame
                 : ParseResult::kBadFrame;
  }
  return ParseResult::kNeedMore;
}

uint32_t encode_frame(uint8_t sequence, const uint8_t* payload, uint8_t length, uint8_t* out) {
  out[0] = kFrameSync;
  out[1] = length;
  out[2] = sequence;
  for (uint8_t i = 0; i < length; ++i) out[3 + i] = payload[i];
  const uint16_t crc = frame_crc(length, sequence, payload);
  out[3 + length] = static_cast<uint8_t>(crc);
  out[4 + length] = static_cast<uint8_t>(crc >> 8);
  return kFrameOverheadBytes + length;
}

}  // namespace pumpfw::app
