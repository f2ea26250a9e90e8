// The live wire protocol (bench/live/protocol.h): framing, validation, robustness against
// garbage, truncated, oversized and wrong-version messages.
#include "protocol.h"

#include <gtest/gtest.h>

#include <random>

namespace pumptwin::live {
namespace {

std::vector<std::pair<Json, std::string>> decode_all(LineDecoder& decoder) {
  std::vector<std::pair<Json, std::string>> out;
  Json message;
  std::string error;
  while (decoder.next(message, error)) out.emplace_back(message, error);
  return out;
}

TEST(LiveProtocol, EncodeIsOneLineAndRoundTrips) {
  const Json message = {{"type", "sample"}, {"t", 1.5}, {"v", {1.0, nullptr, "x\ny"}}};
  const std::string line = encode(message);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  LineDecoder decoder(kMaxServerMessageBytes);
  decoder.feed(line);
  const auto decoded = decode_all(decoder);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_TRUE(decoded[0].second.empty());
  EXPECT_EQ(decoded[0].first, message);
}

TEST(LiveProtocol, NotFiniteNumbersBecomeNull) {
  const Json message = {{"type", "sample"}, {"v", {std::nan(""), 1.0}}};
  EXPECT_EQ(encode(message), "{\"type\":\"sample\",\"v\":[null,1.0]}\n");
}

TEST(LiveProtocol, MessagesSplitAnywhereAreReassembled) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += encode({{"type", "ping"}, {"id", i}});
  std::mt19937 random(7);
  LineDecoder decoder(kMaxClientMessageBytes);
  std::vector<int> ids;
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t count = std::min<std::size_t>(1 + random() % 13, stream.size() - at);
    decoder.feed(std::string_view(stream).substr(at, count));
    at += count;
    for (const auto& [message, error] : decode_all(decoder)) {
      ASSERT_TRUE(error.empty()) << error;
      ids.push_back(message["id"]);
    }
  }
  ASSERT_EQ(ids.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ids[static_cast<std::size_t>(i)], i);
}

TEST(LiveProtocol, TruncatedMessageWaitsForTheRest) {
  LineDecoder decoder(kMaxClientMessageBytes);
  decoder.feed("{\"type\":\"pi");
  EXPECT_TRUE(decode_all(decoder).empty());
  decoder.feed("ng\"}\r\n\n  \n");
  const auto decoded = decode_all(decoder);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].first["type"], "ping");
}

TEST(LiveProtocol, GarbageIsAnErrorAndTheNextLineStillDecodes) {
  LineDecoder decoder(kMaxClientMessageBytes);
  decoder.feed(std::string("\x00\xff\xfe garbage\n", 12));
  decoder.feed("[1,2,3]\n{\"no_type\":1}\n{\"type\":5}\n{\"type\":\"ping\"}\n");
  const auto decoded = decode_all(decoder);
  ASSERT_EQ(decoded.size(), 5u);
  EXPECT_EQ(decoded[0].second, "not a JSON text");
  EXPECT_EQ(decoded[1].second, "a message must be a JSON object");
  EXPECT_EQ(decoded[2].second, "a message needs a string \"type\"");
  EXPECT_EQ(decoded[3].second, "a message needs a string \"type\"");
  EXPECT_TRUE(decoded[4].second.empty());
  EXPECT_FALSE(decoder.failed());
}

TEST(LiveProtocol, OversizedMessageFailsTheDecoderWithoutBuffering) {
  LineDecoder decoder(1024);
  const std::string chunk(600, 'x');
  decoder.feed("{\"type\":\"ping\",\"pad\":\"");
  decoder.feed(chunk);
  EXPECT_TRUE(decode_all(decoder).empty());
  decoder.feed(chunk);
  const auto decoded = decode_all(decoder);
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].second, "message longer than 1024 bytes");
  EXPECT_TRUE(decoder.failed());
  decoder.feed(std::string(1 << 20, 'y'));  // ignored: nothing more is buffered
  EXPECT_EQ(decoder.buffered(), 0u + decoder.buffered());
  EXPECT_LE(decoder.buffered(), 2048u);
  EXPECT_TRUE(decode_all(decoder).empty());
}

TEST(LiveProtocol, OversizedLineInOneReadIsAnError) {
  LineDecoder decoder(100);
  decoder.feed("{\"type\":\"ping\",\"pad\":\"" + std::string(200, 'x') +
               "\"}\n{\"type\":\"ping\"}\n");
  const auto decoded = decode_all(decoder);
  ASSERT_GE(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].second, "message longer than 100 bytes");
}

// The run's actions, as the run passes the scenario registry's (run_link.cpp).
std::string check(const Json& message) {
  return check_client_message(message, {"inject", "refill", "program"});
}

TEST(LiveProtocol, HelloVersionIsChecked) {
  EXPECT_EQ(check({{"type", "hello"}, {"version", kProtocolVersion}}), "");
  EXPECT_NE(check({{"type", "hello"}, {"version", 99}}).find("unsupported protocol version 99"),
            std::string::npos);
  EXPECT_EQ(check({{"type", "hello"}}), "hello needs an integer \"version\"");
  EXPECT_EQ(check({{"type", "hello"}, {"version", "1"}}), "hello needs an integer \"version\"");
  EXPECT_EQ(check({{"type", "hello"}, {"version", 1}, {"token", 5}}), "\"token\" must be a string");
}

TEST(LiveProtocol, CommandsAreValidated) {
  EXPECT_EQ(check({{"type", "pause"}}), "");
  EXPECT_EQ(check({{"type", "step"}, {"duration", "10 min"}}), "");
  EXPECT_EQ(check({{"type", "step"}, {"duration_s", 60}}), "");
  EXPECT_EQ(check({{"type", "step"}, {"duration_s", -1}}), "\"duration_s\" must be > 0");
  EXPECT_EQ(check({{"type", "step"}}), "missing \"duration\"");
  EXPECT_EQ(check({{"type", "speed"}, {"speed", "max"}}), "");
  EXPECT_EQ(check({{"type", "speed"}, {"speed", 3600}}), "");
  EXPECT_NE(check({{"type", "speed"}, {"speed", 0}}), "");
  EXPECT_NE(check({{"type", "speed"}, {"speed", "fast"}}), "");
  EXPECT_EQ(
      check({{"type", "inject"}, {"fault", "shaft_load"}, {"params", {{"torque", "0.05 N.m"}}}}),
      "");
  // An action's fields are the scenario reader's (tests/bench/validation_test.cpp,
  // LiveCommands): the protocol only knows it is one of the run's actions.
  EXPECT_EQ(check({{"type", "inject"}}), "");
  EXPECT_EQ(check({{"type", "refill"}, {"volume", "20 mL"}}), "");
  EXPECT_EQ(check({{"type", "program"}, {"flexible", 3}}), "");
  EXPECT_NE(check_client_message({{"type", "program"}}, {}).find("unknown message type"),
            std::string::npos);
  EXPECT_EQ(check({{"type", "subscribe"}, {"sample_period_s", 60}}), "");
  EXPECT_NE(check({{"type", "subscribe"}, {"sample_period_s", -5}}), "");
  EXPECT_NE(check({{"type", "subscribe"}, {"queue_bytes", -5}}), "");
  EXPECT_EQ(check({{"type", "pause"}, {"id", {1}}}), "\"id\" must be an integer or a string");
  EXPECT_EQ(check({{"type", "launch_missiles"}}),
            "unknown message type \"launch_missiles\" (known: hello, subscribe, ping, snapshot, "
            "pause, resume, step, speed, inject, refill, program)");
}

TEST(LiveProtocol, RandomBytesNeverCrashTheDecoder) {
  std::mt19937 random(42);
  LineDecoder decoder(kMaxClientMessageBytes);
  for (int round = 0; round < 200 && !decoder.failed(); ++round) {
    std::string bytes(static_cast<std::size_t>(random() % 200), '\0');
    for (char& byte : bytes) byte = static_cast<char>(random() % 256);
    decoder.feed(bytes);
    for (const auto& [message, error] : decode_all(decoder)) {
      if (error.empty()) (void)check(message);
    }
  }
  SUCCEED();
}

TEST(LiveProtocol, Endpoints) {
  std::string host;
  unsigned short port = 0;
  EXPECT_EQ(parse_endpoint("7700", host, port), "");
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 7700);
  EXPECT_EQ(parse_endpoint("0.0.0.0:80", host, port), "");
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(parse_endpoint("[::1]:9", host, port), "");
  EXPECT_EQ(host, "::1");
  EXPECT_NE(parse_endpoint("host:", host, port), "");
  EXPECT_NE(parse_endpoint("host:99999", host, port), "");
  EXPECT_NE(parse_endpoint(":5", host, port), "");
}

}  // namespace
}  // namespace pumptwin::live
