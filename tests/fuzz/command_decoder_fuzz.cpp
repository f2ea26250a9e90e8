// libFuzzer target: the pump's command decoder (firmware/app/pump_commands.cpp) behind the
// link's authentication. A pump on the fake board (tests/firmware/fake_hal.h), filled and
// programmed once, gets each input as a series of requests:
//   [u8 kind][u8 length][length bytes] ...
// kind & 3: 0 raw bytes on the line, 1 a plain frame, 2 an authenticated request of the
// current session (the harness computes the tag, so the decoder behind it is reached),
// 3 a confirmation of the last request; kind >> 2: minutes to run the pump before it.
// The harness aborts if the pump asks to wake in the past, writes beyond its NVM layout, or
// answers with a malformed frame.
#include <mbedtls/md.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "app/pump.h"
#include "app/telemetry_link.h"
#include "fake_hal.h"

namespace {

using namespace pumpfw;

constexpr hal::Ticks kMinute = 60 * hal::kTicksPerSecond;

std::array<uint8_t, 32> hmac(const uint8_t* key, size_t key_length, const std::vector<uint8_t>& m) {
  std::array<uint8_t, 32> d{};
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_length, m.data(), m.size(),
                  d.data());
  return d;
}

struct Bench {
  test::FakeHal hal;
  app::PumpConfig config;
  std::unique_ptr<app::Pump> pump;
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, 32> session{};
  uint32_t counter = 0;
  uint8_t sequence = 0;

  std::vector<uint8_t> exchange(const std::vector<uint8_t>& payload) {
    uint8_t frame[app::kMaxFrameBytes];
    const uint32_t n =
        app::encode_frame(++sequence, payload.data(), static_cast<uint8_t>(payload.size()), frame);
    hal.rx.insert(hal.rx.end(), frame, frame + n);
    return run_once_and_answer();
  }

  std::vector<uint8_t> run_once_and_answer() {
    const hal::Ticks wake = pump->run_once();
    if (wake <= hal.now()) std::abort();
    std::vector<uint8_t> last;
    app::FrameParser parser;
    for (uint8_t byte : hal.tx) {
      const app::ParseResult r = parser.feed(byte);
      if (r == app::ParseResult::kBadFrame) std::abort();  // the pump sent a broken frame
      if (r == app::ParseResult::kFrame) {
        last.assign(parser.frame().payload, parser.frame().payload + parser.frame().length);
        if (last.size() < 2) std::abort();
      }
    }
    hal.tx.clear();
    return last;
  }

  std::vector<uint8_t> authenticated(std::vector<uint8_t> payload) {
    const uint32_t c = ++counter;
    for (int i = 0; i < 4; ++i) payload.push_back(static_cast<uint8_t>(c >> (8 * i)));
    std::vector<uint8_t> m = {'Q'};
    m.insert(m.end(), payload.begin(), payload.end());
    const auto tag = hmac(session.data(), session.size(), m);
    payload.insert(payload.end(), tag.begin(), tag.begin() + 16);
    return payload;
  }

  bool open_session() {
    std::vector<uint8_t> hello = {0x10};
    for (int i = 0; i < 16; ++i) hello.push_back(static_cast<uint8_t>(i));
    const std::vector<uint8_t> a = exchange(hello);
    if (a.size() != 2 + 32 || a[1] != 0) return false;
    const std::vector<uint8_t> nc(hello.begin() + 1, hello.end());
    const std::vector<uint8_t> np(a.begin() + 2, a.begin() + 18);
    std::vector<uint8_t> m = {'P', 'R', 'O', 'G'};
    m.insert(m.end(), np.begin(), np.end());
    m.insert(m.end(), nc.begin(), nc.end());
    const auto proof = hmac(key.data(), key.size(), m);
    std::vector<uint8_t> auth = {0x11};
    auth.insert(auth.end(), proof.begin(), proof.begin() + 16);
    if (exchange(auth).at(1) != 0) return false;
    m = {'S', 'E', 'S', 'S'};
    m.insert(m.end(), nc.begin(), nc.end());
    m.insert(m.end(), np.begin(), np.end());
    session = hmac(key.data(), key.size(), m);
    counter = 0;
    return true;
  }

  // A dose change, confirmed.
  void command(const std::vector<uint8_t>& payload) {
    exchange(authenticated(payload));
    const uint32_t c = counter;
    exchange(
        authenticated({0x12, static_cast<uint8_t>(c), static_cast<uint8_t>(c >> 8),
                       static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 24), payload[0]}));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bench b;
  for (size_t i = 0; i < b.key.size(); ++i) b.key[i] = static_cast<uint8_t>(0xA0 ^ i);
  app::provision_device_key(b.hal, b.key.data());
  b.pump = std::make_unique<app::Pump>(b.hal, b.config);
  b.pump->boot();
  if (!b.open_session()) std::abort();
  // Baclofen 2000 µg/mL, 20 mL, 400 µg/day.
  b.command({0x04, 3, 0xD0, 0x07, 0, 0, 0x20, 0x4E, 0, 0, 0xD0, 0x07, 0, 0, 0, 0});
  b.command({0x03, 0, 1, 0, 0, 0x80, 0x1A, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  const std::vector<uint8_t> nvm_layout_end(b.hal.nvm.begin() + app::nvm_layout::kBytesNeeded,
                                            b.hal.nvm.end());
  uint32_t last_counter = 0;
  size_t at = 0;
  while (at + 2 <= size) {
    const uint8_t kind = data[at];
    size_t length = data[at + 1];
    at += 2;
    if (length > size - at) length = size - at;
    std::vector<uint8_t> body(data + at, data + at + length);
    at += length;
    if ((kind >> 2) != 0) {
      const hal::Ticks until = b.hal.now() + (kind >> 2) * kMinute;
      while (b.hal.now() < until) {
        const hal::Ticks wake = b.pump->run_once();
        if (wake <= b.hal.now()) std::abort();
        b.hal.sleep_until(wake < until ? wake : until);
      }
      b.hal.tx.clear();
    }
    switch (kind & 3) {
      case 0:
        b.hal.rx.insert(b.hal.rx.end(), body.begin(), body.end());
        b.run_once_and_answer();
        break;
      case 1:
        if (!body.empty() && body.size() <= app::kMaxPayloadBytes) b.exchange(body);
        break;
      case 2:
        if (!body.empty() && body.size() + 20 <= app::kMaxPayloadBytes) {
          b.exchange(b.authenticated(body));
          last_counter = b.counter;
        }
        break;
      case 3:
        if (!body.empty()) {
          b.exchange(b.authenticated({0x12, static_cast<uint8_t>(last_counter),
                                      static_cast<uint8_t>(last_counter >> 8),
                                      static_cast<uint8_t>(last_counter >> 16),
                                      static_cast<uint8_t>(last_counter >> 24), body[0]}));
        }
        break;
    }
  }
  // Nothing beyond the layout is ever written.
  if (!std::equal(nvm_layout_end.begin(), nvm_layout_end.end(),
                  b.hal.nvm.begin() + app::nvm_layout::kBytesNeeded)) {
    std::abort();
  }
  return 0;
}
