// pumpbench serving a run live (bench/live/run_link.h): several clients at once — one reads
// everything, one reads slowly, one sends garbage, one leaves mid-stream — and the run's
// outputs are byte-identical to the same run without clients; an interactive session paused,
// stepped, given a fault and a PTM press. Child processes, 127.0.0.1 only, bounded in time.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"
#include "live_client.h"

#include "protocol.h"

namespace pumptwin::live {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using asio::ip::tcp;
using namespace std::chrono_literals;

using pumptwin::testing::slurp;

fs::path fresh_dir(const std::string& name) {
  return pumptwin::testing::fresh_dir("pumptwin_live", name);
}

// Long enough for the demonstration week on a loaded machine under the sanitizers (~3 min);
// only a hung run reaches it.
constexpr std::chrono::seconds kRunLimit{600};

using pumptwin::testing::spawn_child;
using pumptwin::testing::wait_child;

// The port the served run wrote; 0 (and a failure) when it did not within 10 s.
unsigned short wait_port(const fs::path& port_file, pid_t child) {
  return pumptwin::testing::wait_port_file(port_file, child, std::chrono::seconds(10));
}

using testing::Client;

Json hello() {
  return {{"type", "hello"}, {"version", kProtocolVersion}, {"client", "serve_test"}};
}

TEST(LiveServe, ObservingClientsLeaveTheRunUnchanged) {
  const fs::path plain = fresh_dir("plain");
  const fs::path served = fresh_dir("served");
  const pid_t reference = spawn_child({PUMPBENCH, "run", DEMO_SCENARIO, "--quiet", "--out", plain});
  const pid_t child = spawn_child({PUMPBENCH, "run", DEMO_SCENARIO, "--quiet", "--out", served,
                                   "--serve", "127.0.0.1:0", "--port-file", served / "port"});
  const unsigned short port = wait_port(served / "port", child);
  ASSERT_NE(port, 0);

  struct Seen {
    std::atomic<int> samples{0}, full_samples{0}, events{0}, alarms{0}, snapshots{0};
    std::atomic<bool> hello{false}, end{false};
    std::atomic<double> last_t{0.0};
  } reader_seen, slow_seen;
  auto read_all = [](Client& client, Seen& seen, std::chrono::milliseconds pause) {
    for (Json message = client.receive(); !message.is_null(); message = client.receive()) {
      const std::string type = message["type"];
      if (type == "hello") seen.hello = message["version"] == kProtocolVersion;
      if (type == "sample") {
        ++seen.samples;
        if (message["full"] == true) ++seen.full_samples;
        seen.last_t = message["t"].get<double>();
      }
      if (type == "event") {
        ++seen.events;
        if (message["kind"] == "alarm_raised") ++seen.alarms;
      }
      if (type == "snapshot") ++seen.snapshots;
      if (type == "end") {
        seen.end = true;
        break;
      }
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
  };

  Client reader(port);
  Client slow(port, 4096);
  Client garbage(port);
  Client leaver(port);
  for (Client* client : {&reader, &slow, &garbage, &leaver}) client->send(hello());
  slow.send(Json{{"type", "subscribe"}, {"queue_bytes", 16384}, {"snapshots", false}});
  reader.send(Json{{"type", "snapshot"}});
  const auto start = std::chrono::steady_clock::now();
  std::thread reader_thread([&] { read_all(reader, reader_seen, 0ms); });
  // The slow client reads nothing until the run has ended, however fast the machine runs it,
  // then takes what its 16 KiB queue kept.
  std::thread slow_thread([&] {
    const auto deadline = std::chrono::steady_clock::now() + kRunLimit;
    while (!reader_seen.end && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    read_all(slow, slow_seen, 0ms);
  });
  // The garbage client and the leaver read a little, then misbehave.
  for (int i = 0; i < 20; ++i) garbage.receive();
  garbage.send(std::string("\x7f{{{ not a message\n"));
  const Json error = garbage.receive_until([](const Json& m) { return m["type"] == "error"; });
  ASSERT_FALSE(error.is_null());
  EXPECT_EQ(error["code"], "bad_message");
  EXPECT_TRUE(garbage.receive_until([](const Json&) { return false; }).is_null());  // dropped
  for (int i = 0; i < 30; ++i) leaver.receive();
  leaver.close();

  EXPECT_EQ(wait_child(child, kRunLimit), 0);
  reader_thread.join();
  const double stream_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  slow_thread.join();
  EXPECT_EQ(wait_child(reference, kRunLimit), 0);

  std::printf(
      "reader: %d samples (%d full), %d events, %d alarms, %d snapshots in %.2f s "
      "(%.0f samples/s); slow reader: %d samples, %d events\n",
      reader_seen.samples.load(), reader_seen.full_samples.load(), reader_seen.events.load(),
      reader_seen.alarms.load(), reader_seen.snapshots.load(), stream_s,
      reader_seen.samples / stream_s, slow_seen.samples.load(), slow_seen.events.load());
  EXPECT_TRUE(reader_seen.hello);
  EXPECT_TRUE(reader_seen.end);
  EXPECT_GT(reader_seen.full_samples, 600);  // a week at 15 min, joined within seconds
  EXPECT_GT(reader_seen.alarms, 0);          // the low-reservoir alarm
  EXPECT_GT(reader_seen.snapshots, 0);
  EXPECT_TRUE(slow_seen.end);
  EXPECT_LT(slow_seen.samples, reader_seen.samples);  // the slow client lost samples
  for (const char* file : {"result.json", "events.log", "signals.csv"}) {
    EXPECT_EQ(slurp(plain / file), slurp(served / file)) << file << " differs with clients";
  }
  fs::remove_all(plain);
  fs::remove_all(served);
}

TEST(LiveServe, InteractiveSessionPausesStepsAndTakesCommands) {
  const fs::path out = fresh_dir("interactive");
  const pid_t child = spawn_child({PUMPBENCH, "serve", SHORT_SCENARIO, "--listen", "127.0.0.1:0",
                                   "--port-file", out / "port", "--out", out, "--speed", "0"});
  const unsigned short port = wait_port(out / "port", child);
  ASSERT_NE(port, 0);
  Client client(port);
  const Json server_hello = client.receive();
  ASSERT_EQ(server_hello["type"], "hello");
  EXPECT_FALSE(server_hello["signals"].empty());
  EXPECT_FALSE(server_hello["faults"].empty());
  // Revision 4: each signal's view, live-only ones too (revision 5 since).
  EXPECT_EQ(server_hello["revision"], 5);
  for (const Json& signal : server_hello["signals"]) {
    ASSERT_TRUE(signal.contains("view")) << signal.dump();
    if (signal["name"] == "supply_current_ma") {
      EXPECT_EQ(signal["view"], "current");
    }
  }
  client.send(hello());
  auto ack = [&](const Json& command) {
    client.send(command);
    return client.receive_until([&](const Json& m) {
      return m["type"] == "ack" && m.contains("id") && m["id"] == command["id"];
    });
  };
  // `serve` starts paused: simulated time does not move.
  const Json status = client.receive_until([](const Json& m) { return m["type"] == "status"; });
  EXPECT_EQ(status["paused"], true);
  EXPECT_EQ(ack({{"type", "step"}, {"id", 1}, {"duration", "20 min"}})["ok"], true);
  const Json stepped = client.receive_until([](const Json& m) {
    return m["type"] == "status" && m["paused"] == true && m["t"].get<double>() >= 1200.0;
  });
  ASSERT_FALSE(stepped.is_null());
  EXPECT_NEAR(stepped["t"].get<double>(), 1200.0, 1e-6);
  const Json pressed = ack({{"type", "ptm_press"}, {"id", 2}});
  EXPECT_EQ(pressed["ok"], true);
  EXPECT_EQ(pressed["message"], "accepted");
  const Json bad = ack({{"type", "inject"}, {"id", 3}, {"fault", "no_such_fault"}});
  EXPECT_EQ(bad["ok"], false);
  const Json injected = ack({{"type", "inject"},
                             {"id", 4},
                             {"fault", "shaft_load"},
                             {"params", {{"torque", "0.05 N.m"}}}});
  EXPECT_EQ(injected["ok"], true) << injected.dump();
  // Revision 5: every field of a scenario's program (read by the scenario's reader alone), and
  // a wrong field is a failed ack naming it, the client still served.
  const Json flexible = ack(
      {{"type", "program"},
       {"id", 6},
       {"flexible",
        {{{"start", "00:00"}, {"rate", "2 mg/day"}}, {{"start", "12:00"}, {"rate", "3 mg/day"}}}},
       {"periodic_bolus",
        {{"dose", "0.1 mg"}, {"first", "08:00"}, {"every", "6 h"}, {"duration", "10 min"}}}});
  EXPECT_EQ(flexible["ok"], true) << flexible.dump();
  EXPECT_EQ(flexible["message"], "accepted") << flexible.dump();
  const Json misspelt =
      ack({{"type", "refill"}, {"id", 7}, {"volume", "5 mL"}, {"concentraton", "1 mg/mL"}});
  EXPECT_EQ(misspelt["ok"], false);
  EXPECT_NE(misspelt["message"].get<std::string>().find("unknown key 'concentraton'"),
            std::string::npos)
      << misspelt.dump();
  // A level the loader refuses is a failed ack, not the end of the run (issue 18: atoi took
  // "T1x" and the run died).
  const Json level = ack(
      {{"type", "inject"}, {"id", 8}, {"fault", "tip_migration"}, {"params", {{"level", "T1x"}}}});
  EXPECT_EQ(level["ok"], false);
  EXPECT_NE(level["message"].get<std::string>().find("not a vertebral level"), std::string::npos)
      << level.dump();
  EXPECT_EQ(ack({{"type", "resume"}, {"id", 5}})["ok"], true);
  const Json end = client.receive_until([](const Json& m) { return m["type"] == "end"; });
  ASSERT_FALSE(end.is_null());
  kill(child, SIGINT);                         // `serve` keeps serving after the end
  EXPECT_EQ(wait_child(child, kRunLimit), 1);  // the stall fails the scenario's expectations
  const std::string events = slurp(out / "events.log");
  EXPECT_NE(events.find("live ptm_press: accepted"), std::string::npos);
  EXPECT_NE(events.find("live inject"), std::string::npos);
  EXPECT_NE(events.find("live program: accepted"), std::string::npos) << events;
  fs::remove_all(out);
}

// `serve --firmware`: a served run on the firmware image answers a client. Stepped to 50 min,
// the snapshot shows the image's core (instructions executed, WFI sleeps, no fault) and the
// firmware's state read through its probe; a PTM press then is refused by the image's own
// lockout (the scenario's bolus at 30 min took it); resumed, the run ends passing, and its
// result.json names the image.
TEST(LiveServe, ServedImageRunAnswersAClient) {
  const fs::path out = fresh_dir("image");
  const pid_t child =
      spawn_child({PUMPBENCH, "serve", SHORT_SCENARIO, "--firmware", PUMPFW_M0PLUS_ELF, "--listen",
                   "127.0.0.1:0", "--port-file", out / "port", "--out", out, "--speed", "0"});
  const unsigned short port = wait_port(out / "port", child);
  ASSERT_NE(port, 0);
  Client client(port);
  ASSERT_EQ(client.receive()["type"], "hello");
  client.send(hello());
  auto ack = [&](const Json& command) {
    client.send(command);
    return client.receive_until([&](const Json& m) {
      return m["type"] == "ack" && m.contains("id") && m["id"] == command["id"];
    });
  };
  EXPECT_EQ(ack({{"type", "step"}, {"id", 1}, {"duration", "50 min"}})["ok"], true);
  ASSERT_FALSE(client
                   .receive_until([](const Json& m) {
                     return m["type"] == "status" && m["paused"] == true &&
                            m["t"].get<double>() >= 3000.0;
                   })
                   .is_null());
  EXPECT_EQ(ack({{"type", "snapshot"}, {"id", 2}})["ok"], true);
  const Json snapshot = client.receive_until([](const Json& m) { return m["type"] == "snapshot"; });
  ASSERT_FALSE(snapshot.is_null());
  const Json& image = snapshot["mcu"]["image"];
  ASSERT_TRUE(image.is_object()) << snapshot["mcu"].dump();
  EXPECT_GT(image["instructions"].get<uint64_t>(), 100'000u);
  EXPECT_GT(image["wfi_sleeps"].get<uint64_t>(), 40u);  // a stroke every 72 s, slept between
  EXPECT_EQ(image["faults"], 0);
  EXPECT_TRUE(image["last_fault"].is_null());
  EXPECT_EQ(snapshot["firmware"]["running"], true);
  EXPECT_GT(snapshot["firmware"]["reservoir_ml"].get<double>(), 19.0);
  const Json pressed = ack({{"type", "ptm_press"}, {"id", 3}});
  EXPECT_EQ(pressed["ok"], true) << pressed.dump();
  EXPECT_EQ(pressed["message"], "refused: PTM lockout") << pressed.dump();
  EXPECT_EQ(ack({{"type", "resume"}, {"id", 4}})["ok"], true);
  ASSERT_FALSE(client.receive_until([](const Json& m) { return m["type"] == "end"; }).is_null());
  kill(child, SIGINT);  // `serve` keeps serving after the end
  EXPECT_EQ(wait_child(child, kRunLimit), 0);
  EXPECT_EQ(Json::parse(slurp(out / "result.json"))["firmware"]["build"], "image");
  EXPECT_NE(slurp(out / "events.log").find("live ptm_press: refused"), std::string::npos);
  fs::remove_all(out);
}

// A client that joins after 1 simulated hour (of 2) gets the run so far first: every signal from 0
// to then, every event, a snapshot with the ASIC's registers; then live samples.
TEST(LiveServe, LateJoinerGetsTheHistoryAndTheRegisters) {
  const fs::path out = fresh_dir("late");
  const pid_t child = spawn_child({PUMPBENCH, "serve", SHORT_SCENARIO, "--listen", "127.0.0.1:0",
                                   "--port-file", out / "port", "--out", out, "--speed", "0"});
  const unsigned short port = wait_port(out / "port", child);
  ASSERT_NE(port, 0);
  Json first_hello;
  double joined_at_s = 0.0;
  {
    // The first client runs the session to 1 h, then leaves.
    Client first(port);
    first_hello = first.receive();
    first.send(hello());
    first.send(Json{{"type", "step"}, {"id", 1}, {"duration", "1 h"}});
    const Json paused = first.receive_until([](const Json& m) {
      return m["type"] == "status" && m["paused"] == true && m["t"].get<double>() >= 3600.0;
    });
    ASSERT_FALSE(paused.is_null());
    joined_at_s = paused["t"].get<double>();
    first.close();
  }
  Client late(port);
  late.receive();
  Json join = hello();
  join["history_points"] = 300;
  late.send(join);
  std::vector<Json> history(first_hello["signals"].size());
  std::vector<std::string> events;
  Json snapshot;
  Json end;
  for (Json message = late.receive(); !message.is_null(); message = late.receive()) {
    if (message["type"] == "history") history.at(message["signal"].get<std::size_t>()) = message;
    if (message["type"] == "event") events.push_back(message["text"]);
    if (message["type"] == "snapshot") snapshot = message;
    if (message["type"] == "history_end") {
      end = message;
      break;
    }
  }
  ASSERT_FALSE(end.is_null());
  EXPECT_NEAR(end["t"].get<double>(), joined_at_s, 1e-6);
  std::size_t index = 0;
  for (const Json& signal : first_hello["signals"]) {
    const std::string name = signal["name"];
    const Json& series = history[index++];
    ASSERT_TRUE(series.is_object()) << name << ": no history";
    const Json& t = series["t"];
    EXPECT_LE(t.size(), 300u) << name;
    // From the first sample at which it is measured (the firmware's once it has booted).
    EXPECT_LE(t.front().get<double>(), 300.0) << name;
    // Bench signals at the 5 min sample period; the live ones at every sync point too.
    EXPECT_GE(t.back().get<double>(), joined_at_s - 300.0) << name;
  }
  // Every event of the log so far reached the late joiner (the session's own steps too).
  const std::string log = slurp(out / "events.log");
  std::size_t logged = 0;
  for (std::size_t at = log.find('\n'); at != std::string::npos; at = log.find('\n', at + 1)) {
    ++logged;
  }
  EXPECT_GE(events.size(), logged);
  EXPECT_GT(std::count_if(events.begin(), events.end(),
                          [](const std::string& text) {
                            return text.find("ptm_bolus") != std::string::npos;
                          }),
            0);
  // The snapshot carries the register file, decoded.
  ASSERT_FALSE(snapshot.is_null());
  const Json& registers = snapshot["asic"]["registers"];
  EXPECT_EQ(registers["raw"][0]["name"], "CHIP_ID");
  EXPECT_EQ(registers["raw"][0]["value"], 0x1D50);
  EXPECT_GT(registers["decoded"]["total_full_steps"].get<double>(), 100.0);
  EXPECT_EQ(registers["decoded"]["current_limit_ma"], 50);
  EXPECT_TRUE(registers["decoded"]["faults"].empty());
  EXPECT_GT(registers["decoded"]["wdt_timeout_s"].get<double>(), 0.0);
  // Then the run goes on live for this client.
  late.send(Json{{"type", "resume"}, {"id", 2}});
  const Json live = late.receive_until(
      [&](const Json& m) { return m["type"] == "sample" && m["t"].get<double>() > joined_at_s; });
  EXPECT_FALSE(live.is_null());
  ASSERT_FALSE(late.receive_until("end").is_null());
  kill(child, SIGINT);
  EXPECT_EQ(wait_child(child, kRunLimit), 0);
  fs::remove_all(out);
}

// The motor's phase current: recorded at every sample (max-held over the period), within the
// chopper's current limit, non-zero in periods with a stroke and zero in periods without.
TEST(LiveServe, MotorPhaseCurrentIsRecordedAndServed) {
  const fs::path out = fresh_dir("phase");
  std::string scenario = slurp(SHORT_SCENARIO);
  scenario.replace(scenario.find("sample_period: 5 min"), 20, "sample_period: 5 s");
  std::ofstream(out / "phase.yaml") << scenario;
  const pid_t child = spawn_child(
      {PUMPBENCH, "run", (out / "phase.yaml").string(), "--quiet", "--out", out.string()});
  EXPECT_EQ(wait_child(child, kRunLimit), 0);
  std::istringstream csv(slurp(out / "signals.csv"));
  std::string line;
  std::getline(csv, line);
  std::size_t column = 0;
  bool found = false;
  {
    std::istringstream header(line);
    std::string name;
    while (std::getline(header, name, ',')) {
      if (name == "motor_phase_current_ma") {
        found = true;
        break;
      }
      ++column;
    }
  }
  ASSERT_TRUE(found) << "signals.csv has no motor_phase_current_ma: " << line;
  int rows = 0;
  int moving = 0;
  int idle = 0;
  double peak_ma = 0.0;
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::string field;
    for (std::size_t i = 0; i <= column; ++i) std::getline(fields, field, ',');
    const double current_ma = std::stod(field);
    ++rows;
    peak_ma = std::max(peak_ma, current_ma);
    if (current_ma > 10.0) ++moving;
    if (current_ma == 0.0) ++idle;
    EXPECT_LE(current_ma, 50.0) << "above the 50 mA current limit at row " << rows;
  }
  EXPECT_GT(rows, 1400);
  // A stroke every 72 s: about one 5 s period in 14 holds one.
  EXPECT_GT(moving, 80);
  EXPECT_GT(idle, rows / 2);
  // The firmware's steps sit on the 45 degree points: 71 % of the limit in each phase.
  EXPECT_GT(peak_ma, 0.65 * 50.0);
  fs::remove_all(out);
}

// A pause is held by the clients that asked for it: when the one that paused the run leaves
// without resuming it, the run goes on (issue 18: it stayed frozen for ever).
TEST(LiveServe, APauseWhoseClientLeftIsReleased) {
  const fs::path out = fresh_dir("abandoned_pause");
  const pid_t child = spawn_child({PUMPBENCH, "serve", SHORT_SCENARIO, "--listen", "127.0.0.1:0",
                                   "--port-file", out / "port", "--out", out, "--speed", "0"});
  const unsigned short port = wait_port(out / "port", child);
  ASSERT_NE(port, 0);
  {
    Client leaving(port);
    leaving.receive();
    leaving.send(hello());
    leaving.send(Json{{"type", "pause"}, {"id", 1}});
    const Json ack = leaving.receive_until(
        [](const Json& m) { return m["type"] == "ack" && m.contains("id") && m["id"] == 1; });
    EXPECT_EQ(ack["ok"], true);
  }  // gone without a resume
  Client watching(port);
  watching.receive();
  Json quiet = hello();
  quiet["history"] = false;
  watching.send(quiet);
  // Status messages come five times a wall second; a run held for good never ends.
  int messages = 0;
  const Json end = watching.receive_until([&messages](const Json& m) {
    return m["type"] == "end" || (m["type"] == "status" && ++messages > 300);
  });
  ASSERT_FALSE(end.is_null());
  EXPECT_EQ(end["type"], "end") << "still paused after its client left";
  kill(child, SIGINT);
  wait_child(child, kRunLimit);
  fs::remove_all(out);
}

}  // namespace
}  // namespace pumptwin::live
