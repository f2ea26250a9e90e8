// libFuzzer target: the telemetry frame parser (firmware/app/telemetry_link.cpp) on arbitrary
// bytes. Every frame it accepts must have a length in range and re-encode to a frame that it
// accepts again with the same contents.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "app/telemetry_link.h"

using pumpfw::app::encode_frame;
using pumpfw::app::Frame;
using pumpfw::app::FrameParser;
using pumpfw::app::kMaxFrameBytes;
using pumpfw::app::kMaxPayloadBytes;
using pumpfw::app::ParseResult;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FrameParser parser;
  for (size_t i = 0; i < size; ++i) {
    if (parser.feed(data[i]) != ParseResult::kFrame) continue;
    const Frame frame = parser.frame();
    if (frame.length == 0 || frame.length > kMaxPayloadBytes) std::abort();
    uint8_t bytes[kMaxFrameBytes];
    const uint32_t n = encode_frame(frame.sequence, frame.payload, frame.length, bytes);
    FrameParser again;
    ParseResult result = ParseResult::kNeedMore;
    for (uint32_t j = 0; j < n; ++j) result = again.feed(bytes[j]);
    if (result != ParseResult::kFrame || again.frame().length != frame.length ||
        again.frame().sequence != frame.sequence ||
        std::memcmp(again.frame().payload, frame.payload, frame.length) != 0) {
      std::abort();
    }
  }
  return 0;
}
