// The live server alone (bench/live/server.h), with a stand-in for the simulation thread:
// several clients at once, one slow, one sending garbage, one leaving mid-stream; the
// publisher never waits on any of them. Loopback only, bounded in time.
#include "server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <boost/asio.hpp>

#include "history.h"
#include "live_client.h"

namespace pumptwin::live {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// A blocking test client.
using testing::Client;

Json hello(const std::string& token = "") {
  Json message = {{"type", "hello"}, {"version", kProtocolVersion}, {"client", "test"}};
  if (!token.empty()) message["token"] = token;
  return message;
}

void wait_for_clients(Server& server, std::size_t count) {
  for (int i = 0; i < 500 && server.clients() != count; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server.clients(), count);
}

TEST(LiveServer, HelloStatesVersionAndCatalogue) {
  Server server({});
  server.set_hello({{"signals", {{{"name", "battery_terminal_v"}, {"unit", "V"}}}}});
  ASSERT_EQ(server.start(), "");
  Client client(server.port());
  const Json hello_message = client.receive();
  EXPECT_EQ(hello_message["type"], "hello");
  EXPECT_EQ(hello_message["protocol"], kProtocolName);
  EXPECT_EQ(hello_message["version"], kProtocolVersion);
  EXPECT_EQ(hello_message["signals"][0]["name"], "battery_terminal_v");
  client.send(hello());
  EXPECT_EQ(client.receive()["ok"], true);
  // Nothing published yet: an empty history.
  const Json history_end = client.receive();
  EXPECT_EQ(history_end["type"], "history_end");
  EXPECT_EQ(history_end["rows"], 0);
  client.send(Json{{"type", "ping"}, {"id", 3}});
  const Json pong = client.receive();
  EXPECT_EQ(pong["type"], "pong");
  EXPECT_EQ(pong["id"], 3);
}

TEST(LiveServer, WrongVersionGarbageAndOversizedAreDroppedAndTheServerGoesOn) {
  Server server({});
  server.set_hello({});
  ASSERT_EQ(server.start(), "");
  {
    Client client(server.port());
    client.receive();
    client.send(Json{{"type", "hello"}, {"version", 99}});
    const Json error = client.receive();
    EXPECT_EQ(error["type"], "error");
    EXPECT_EQ(error["code"], "version");
    EXPECT_TRUE(client.receive().is_null());  // dropped
  }
  {
    Client client(server.port());
    client.receive();
    client.send(std::string("\x01\x02 not json \xff\n"));
    EXPECT_EQ(client.receive()["code"], "bad_message");
    EXPECT_TRUE(client.receive().is_null());
  }
  {
    Client client(server.port());
    client.receive();
    client.send(hello());
    client.receive();
    client.send(std::string(kMaxClientMessageBytes + 4096, 'x'));
    const Json error = client.receive_until("error");
    EXPECT_EQ(error["code"], "bad_message");
    EXPECT_NE(error["message"].get<std::string>().find("longer than"), std::string::npos);
    EXPECT_TRUE(client.receive().is_null());
  }
  {
    Client client(server.port());
    client.receive();
    client.send(Json{{"type", "pause"}});  // before hello
    EXPECT_EQ(client.receive()["code"], "bad_message");
  }
  Client good(server.port());
  good.receive();
  good.send(hello());
  EXPECT_EQ(good.receive()["ok"], true);
  EXPECT_TRUE(server.take_commands().empty());
}

TEST(LiveServer, TokenIsRequiredWhenSetAndBeyondLoopback) {
  ServerOptions options;
  options.host = "0.0.0.0";
  Server open_server(options);
  EXPECT_NE(open_server.start().find("requires a token"), std::string::npos);

  options.host = "127.0.0.1";
  options.token = "s3cret";
  Server server(options);
  server.set_hello({});
  ASSERT_EQ(server.start(), "");
  Client intruder(server.port());
  EXPECT_EQ(intruder.receive()["token_required"], true);
  intruder.send(hello("guess"));
  EXPECT_EQ(intruder.receive()["code"], "unauthorized");
  Client friendly(server.port());
  friendly.receive();
  friendly.send(hello("s3cret"));
  EXPECT_EQ(friendly.receive()["ok"], true);
}

TEST(LiveServer, CommandsReachTheSimulationAndRepliesComeBack) {
  // The run names its actions (the scenario registry's); their fields are the run's to read.
  ServerOptions options;
  options.actions = {"inject"};
  Server server(options);
  server.set_hello({});
  ASSERT_EQ(server.start(), "");
  Client client(server.port());
  client.receive();
  client.send(hello());
  client.receive_until("history_end");
  client.send(Json{{"type", "inject"},
                   {"id", "i1"},
                   {"fault", "shaft_load"},
                   {"params", {{"torque", "0.05 N.m"}}}});
  ASSERT_TRUE(server.wait_for_command(2000ms));
  const std::vector<Command> commands = server.take_commands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].message["fault"], "shaft_load");
  server.send_to(commands[0].client, ack_message("i1", true, "injected"));
  const Json ack = client.receive();
  EXPECT_EQ(ack["id"], "i1");
  EXPECT_EQ(ack["message"], "injected");
}

// One publisher (the "simulation") at full speed, four clients: one reads everything, one
// reads nothing for a while (small queue), one sends garbage half-way, one disconnects.
TEST(LiveServer, SlowGarbageAndLeavingClientsNeverSlowThePublisher) {
  Server server({});
  server.set_hello({});
  ASSERT_EQ(server.start(), "");
  Client reader(server.port());
  Client slow(server.port(), 4096);
  Client garbage(server.port());
  Client leaver(server.port());
  for (Client* client : {&reader, &slow, &garbage, &leaver}) {
    client->receive();
    client->send(hello());
    client->receive();
  }
  slow.send(Json{{"type", "subscribe"}, {"queue_bytes", 4096}});
  slow.receive();
  wait_for_clients(server, 4);

  constexpr int kSamples = 20000;
  std::atomic<int> reader_samples{0};
  std::atomic<bool> reader_saw_end{false};
  std::thread reader_thread([&] {
    for (Json message = reader.receive(); !message.is_null(); message = reader.receive()) {
      if (message["type"] == "sample") ++reader_samples;
      if (message["type"] == "end") {
        reader_saw_end = true;
        break;
      }
    }
  });
  const Json row = {{"type", "sample"}, {"v", std::vector<double>(30, 1.25)}};
  double worst_publish_ms = 0.0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSamples; ++i) {
    if (i == kSamples / 4) garbage.send(std::string("{\"type\": nonsense\n"));
    if (i == kSamples / 3) leaver.close();
    Json sample = row;
    sample["t"] = i;
    const auto before = std::chrono::steady_clock::now();
    server.publish(Stream::kSample, i, sample);
    worst_publish_ms = std::max(worst_publish_ms, std::chrono::duration<double, std::milli>(
                                                      std::chrono::steady_clock::now() - before)
                                                      .count());
    // The reader keeps up: now and then the publisher lets it catch up, as a paced run does
    // (bounded, so a stuck reader fails the test rather than hanging it). The slow client
    // reads nothing meanwhile, whatever the machine's speed.
    if (i % 500 == 499) {
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (reader_samples.load() < i + 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
    }
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  server.publish(Stream::kStatus, kSamples, {{"type", "end"}});
  server.flush(1000ms);
  reader_thread.join();

  std::vector<ClientStats> stats = server.stats();
  uint64_t slow_dropped = 0;
  for (const ClientStats& client : stats)
    slow_dropped = std::max(slow_dropped, client.samples_dropped);
  std::printf(
      "published %d samples in %.3f s (%.0f samples/s), worst publish %.3f ms, "
      "reader got %d, slow client dropped %llu\n",
      kSamples, total_s, kSamples / total_s, worst_publish_ms, reader_samples.load(),
      static_cast<unsigned long long>(slow_dropped));
  EXPECT_TRUE(reader_saw_end);
  EXPECT_EQ(reader_samples.load(), kSamples);  // a client that keeps up loses nothing
  EXPECT_GT(slow_dropped, 0u);                 // the slow one loses samples...
  EXPECT_LT(worst_publish_ms, 100.0);          // ...and never holds up the publisher
  EXPECT_EQ(garbage.receive_until("error")["code"], "bad_message");
  EXPECT_TRUE(garbage.receive().is_null());
  // The slow client is still connected and gets the end once it reads.
  EXPECT_EQ(slow.receive_until("end")["type"], "end");
  EXPECT_EQ(server.clients(), 2u);
}

TEST(LiveServer, TooManyClientsAreTurnedAway) {
  ServerOptions options;
  options.max_clients = 2;
  Server server(options);
  server.set_hello({});
  ASSERT_EQ(server.start(), "");
  Client first(server.port());
  Client second(server.port());
  first.receive();
  second.receive();
  Client third(server.port());
  EXPECT_EQ(third.receive()["code"], "too_many_clients");
}

TEST(LiveServer, LateJoinerGetsTheHistoryBeforeLiveMessagesInBoundedMemory) {
  ServerOptions options;
  options.history_points = 512;
  Server server(options);
  server.set_hello({});
  server.set_history_signals(3);
  ASSERT_EQ(server.start(), "");
  // 100 000 rows a second apart with no client: signal 0 a ramp, 1 zero but for one spike at
  // 55 555 s, 2 measured every tenth row only (NaN otherwise); an event every 10 000 s.
  constexpr int kRows = 100000;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int row = 0; row < kRows; ++row) {
    const double t = row;
    server.record_sample(t, {t, row == 55555 ? 42.0 : 0.0, row % 10 == 0 ? -t : nan});
    if (row % 10000 == 0) {
      server.publish(
          Stream::kEvent, t,
          {{"type", "event"}, {"t", t}, {"kind", "step"}, {"text", std::to_string(row)}});
    }
  }
  Client client(server.port());
  client.receive();
  Json join = hello();
  join["history_points"] = 200;
  client.send(join);
  EXPECT_EQ(client.receive()["ok"], true);
  std::vector<Json> series(3);
  std::vector<double> event_times;
  Json message;
  for (message = client.receive(); !message.is_null() && message["type"] != "history_end";
       message = client.receive()) {
    if (message["type"] == "history") series.at(message["signal"].get<std::size_t>()) = message;
    if (message["type"] == "event") event_times.push_back(message["t"].get<double>());
  }
  ASSERT_FALSE(message.is_null());
  EXPECT_EQ(message["rows"], kRows);
  EXPECT_DOUBLE_EQ(message["t"].get<double>(), kRows - 1);
  // Every event, in order.
  ASSERT_EQ(event_times.size(), 10u);
  for (std::size_t i = 0; i < event_times.size(); ++i) EXPECT_EQ(event_times[i], i * 10000.0);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Json& t = series[i]["t"];
    const Json& v = series[i]["v"];
    ASSERT_EQ(t.size(), v.size());
    EXPECT_LE(t.size(), 200u) << "signal " << i;
    EXPECT_GE(t.size(), 50u) << "signal " << i;
    // Covers the run: from its first row to its last measured one.
    EXPECT_EQ(t.front().get<double>(), 0.0) << "signal " << i;
    EXPECT_GE(t.back().get<double>(), i == 2 ? kRows - 10 : kRows - 1) << "signal " << i;
    for (std::size_t k = 1; k < t.size(); ++k)
      EXPECT_GE(t[k].get<double>(), t[k - 1].get<double>());
  }
  // The ramp's values are the measured ones at their times; the spike survived decimation.
  for (std::size_t k = 0; k < series[0]["t"].size(); ++k) {
    EXPECT_EQ(series[0]["v"][k].get<double>(), series[0]["t"][k].get<double>());
  }
  double peak = 0.0;
  for (const Json& value : series[1]["v"]) peak = std::max(peak, value.get<double>());
  EXPECT_EQ(peak, 42.0);
  // Then live: a sample after the history.
  server.publish(Stream::kSample, kRows, {{"type", "sample"}, {"t", kRows}, {"v", {1, 2, 3}}});
  const Json live = client.receive();
  EXPECT_EQ(live["type"], "sample");
  EXPECT_EQ(live["t"], kRows);
  // A client that wants no history gets none.
  Client quiet(server.port());
  quiet.receive();
  Json no_history = hello();
  no_history["history"] = false;
  quiet.send(no_history);
  EXPECT_EQ(quiet.receive()["ok"], true);
  server.publish(Stream::kSample, kRows + 1, {{"type", "sample"}, {"t", kRows + 1}, {"v", {1}}});
  EXPECT_EQ(quiet.receive()["type"], "sample");
}

TEST(LiveHistory, HalvesResolutionWhenFullAndKeepsExtremes) {
  SignalHistory history(64);
  for (int i = 0; i < 10000; ++i) history.add(i, i == 7777 ? -5.0 : std::sin(i * 0.01));
  const std::vector<HistoryPoint> points = history.points();
  EXPECT_LE(points.size(), 64u);
  EXPECT_GT(history.bucket_s(), 0.0);
  EXPECT_EQ(points.front().time_s, 0.0);
  EXPECT_EQ(points.back().time_s, 9999.0);
  double lowest = 0.0;
  for (const HistoryPoint& point : points) lowest = std::min(lowest, point.value);
  EXPECT_EQ(lowest, -5.0);
  const std::vector<HistoryPoint> fewer = SignalHistory::decimate(points, 16);
  EXPECT_LE(fewer.size(), 16u);
  lowest = 0.0;
  for (const HistoryPoint& point : fewer) lowest = std::min(lowest, point.value);
  EXPECT_EQ(lowest, -5.0);
}

// A client that repeats its hello without reading gets an error for each, not the whole history
// again outside its queue's budget (issue 18: 0.37 MB more server memory per hello, no cap).
TEST(LiveServer, ARepeatedHelloGetsAnErrorNotAnotherHistory) {
  Server server(ServerOptions{});
  server.set_hello({});
  server.set_history_signals(3);
  ASSERT_EQ(server.start(), "");
  for (int row = 0; row < 5000; ++row) server.record_sample(row, {1.0 * row, 2.0, 3.0});
  Client client(server.port());
  client.receive();
  std::string hellos;
  constexpr int kHellos = 300;
  for (int i = 0; i < kHellos; ++i) hellos += encode(hello());
  client.send(hellos + encode({{"type", "ping"}, {"id", "last"}}));
  int histories = 0;
  int refusals = 0;
  for (;;) {
    const Json message = client.receive();
    if (message.is_null() || message["type"] == "pong") break;
    if (message["type"] == "history_end") ++histories;
    if (message["type"] == "error") {
      EXPECT_EQ(message["message"], "hello was already said on this connection");
      ++refusals;
    }
  }
  EXPECT_EQ(histories, 1);
  EXPECT_EQ(refusals, kHellos - 1);
}

// Hostile clients at once, beside a good one (issue 18): one sends garbage, one a line that never
// ends, one floods commands without reading a reply, one stalls in the middle of its history
// replay. While a stand-in simulation publishes and drains commands, the memory the server holds
// for any client (ClientStats::held_bytes) stays under its history, four queues (the limit at
// which a client is dropped), a write batch and a line; the good client keeps being served.
TEST(LiveServer, HostileClientsStayWithinTheirMemoryAndOthersAreServed) {
  ServerOptions options;
  options.queue_bytes = 64 * 1024;
  Server server(options);
  server.set_hello({});
  server.set_history_signals(3);
  ASSERT_EQ(server.start(), "");
  for (int row = 0; row < 20000; ++row) server.record_sample(row, {1.0 * row, 2.0, 3.0});

  std::atomic<bool> publishing{true};
  std::atomic<std::size_t> most_held{0};
  std::thread simulation([&] {
    for (double t = 20000; publishing; t += 1.0) {
      server.record_sample(t, {t, 2.0, 3.0});
      server.publish(Stream::kSample, t, {{"type", "sample"}, {"t", t}, {"v", {t, 2.0, 3.0}}});
      server.publish(Stream::kEvent, t, {{"type", "event"}, {"t", t}, {"text", "tick"}});
      for (const Command& command : server.take_commands()) {
        server.send_to(command.client,
                       ack_message(command.message.value("id", Json()), true, "ok"));
      }
      for (const ClientStats& client : server.stats()) {
        std::size_t seen = most_held;
        while (client.held_bytes > seen &&
               !most_held.compare_exchange_weak(seen, client.held_bytes)) {
        }
      }
      std::this_thread::sleep_for(200us);
    }
  });

  Client good(server.port());
  good.receive();
  Json join = hello();
  join["history"] = false;
  good.send(join);
  ASSERT_EQ(good.receive_until("ack")["ok"], true);

  // Garbage: dropped with an error at its first line.
  Client garbage(server.port());
  garbage.receive();
  garbage.send(hello());
  garbage.send(std::string("\x01\x02 not json at all\n"));
  EXPECT_EQ(garbage.receive_until("error")["code"], "bad_message");

  // A line that never ends: dropped once it passes the line limit, never buffered beyond it.
  Client endless(server.port());
  endless.receive();
  endless.send(hello());
  endless.send(std::string(4 * kMaxClientMessageBytes, 'x'));
  EXPECT_EQ(endless.receive_until("error")["code"], "bad_message");

  // A flood of commands from a client that never reads (a small receive buffer).
  Client flood(server.port(), 4096);
  flood.receive();
  flood.send(hello());
  std::string commands;
  for (int i = 0; i < 2000; ++i) commands += encode({{"type", "ping"}, {"id", i}});
  for (int i = 0; i < 50; ++i) flood.send(commands);

  // A client that stalls in its history replay: says hello, asks for every point, reads nothing.
  Client stalled(server.port(), 4096);
  stalled.receive();
  Json greedy = hello();
  greedy["history_points"] = options.history_points;
  stalled.send(greedy);

  // The good client is still served: its ping comes back, samples keep coming.
  std::this_thread::sleep_for(1s);
  good.send(Json{{"type", "ping"}, {"id", "still here"}});
  EXPECT_EQ(good.receive_until("pong")["id"], "still here");
  EXPECT_FALSE(good.receive_until("sample").is_null());

  publishing = false;
  simulation.join();
  // The history of 20 000 rows of three signals at full resolution is about 0.4 MB.
  const std::size_t bound =
      512 * 1024 + 4 * options.queue_bytes + 2 * 64 * 1024 + 2 * kMaxClientMessageBytes;
  RecordProperty("most_held_bytes", static_cast<int>(most_held.load()));
  EXPECT_GT(most_held.load(), 4 * options.queue_bytes / 2) << "the stalled clients were not held";
  EXPECT_LT(most_held.load(), bound);
}

}  // namespace
}  // namespace pumptwin::live
