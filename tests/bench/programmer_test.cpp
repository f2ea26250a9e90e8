// The external programmer end to end: `pumpbench run --programmer-port` as a child process,
// `pumpbench programmer` against it (docs/telemetry.md, "External programmer"). The run goes
// through its ten simulated minutes at full speed and keeps the pump running (--keep-running,
// paced at wall time) for the programmers; each test ends it with SIGTERM, and the run exits
// with its scenario's verdict. 127.0.0.1 only.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "../support/child_process.h"
#include "../support/ctrl_c.h"
#include "../support/test_files.h"

namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using asio::ip::tcp;
using pumptwin::testing::capture_stdout;
using pumptwin::testing::expect_ends_within_a_second_of_ctrl_c;
using pumptwin::testing::spawn_child;
using pumptwin::testing::wait_child;
using pumptwin::testing::wait_port_file;
using namespace std::chrono_literals;

// Only a hung child reaches these (the sanitizer build on a loaded machine included).
constexpr std::chrono::seconds kStartLimit{120};
constexpr std::chrono::seconds kRunLimit{120};

using pumptwin::testing::slurp;

fs::path fresh_dir(const std::string& name) {
  return pumptwin::testing::fresh_dir("pumptwin_programmer", name);
}

struct Programmed {
  int exit_code;
  std::string output;  // stdout and stderr
};

// `pumpbench programmer 127.0.0.1:PORT --key KEY ARGS` (ARGS as a shell would split them).
Programmed programmer(unsigned short port, const std::string& key, const std::string& arguments) {
  const std::string output =
      capture_stdout(std::string(PUMPBENCH) + " programmer 127.0.0.1:" + std::to_string(port) +
                     " --key '" + key + "' " + arguments + " 2>&1; echo \"exit=$?\"");
  const size_t at = output.rfind("exit=");
  return {at == std::string::npos ? -1 : std::stoi(output.substr(at + 5)), output.substr(0, at)};
}

// A run of the ten-minute scenario with the programmer port, kept running for programmers.
class ProgrammerRun {
 public:
  explicit ProgrammerRun(const std::string& name, const std::string& endpoint = "127.0.0.1:0")
      : out_(fresh_dir(name)) {
    child_ =
        spawn_child({PUMPBENCH, "run", SCENARIO, "--quiet", "--out", out_ / "run",
                     "--programmer-port", endpoint, "--port-file", out_ / "port", "--keep-running"},
                    out_ / "stderr");
    port_ = wait_port_file(out_ / "port", child_, kStartLimit);
    // The scenario goes through at full speed until its end, where it waits for programmers:
    // one connected earlier would pace the rest of the run at wall time.
    const auto deadline = std::chrono::steady_clock::now() + kStartLimit;
    while (slurp(out_ / "run" / "result.json").find("\"status\": \"passed\"") ==
           std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the run did not reach its end";
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  ~ProgrammerRun() {
    if (child_ != 0) stop();
  }
  unsigned short port() const { return port_; }
  const fs::path& out() const { return out_; }
  // SIGTERM, as Ctrl-C would; the run's exit code.
  int stop() {
    kill(child_, SIGTERM);
    const int code = wait_child(child_, kRunLimit);
    child_ = 0;
    return code;
  }

 private:
  fs::path out_;
  pid_t child_ = 0;
  unsigned short port_ = 0;
};

std::string key_file(const fs::path& dir, const std::string& text) {
  const fs::path path = dir / "test.key";
  std::ofstream(path) << text;
  return path.string();
}

TEST(Programmer, InterrogateShowsTheScenariosPumpOnLoopbackByDefault) {
  ProgrammerRun run("interrogate", "0");  // a port alone binds 127.0.0.1
  ASSERT_NE(run.port(), 0);
  const Programmed status = programmer(run.port(), BENCH_KEY, "interrogate");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("drug                morphine, 10000 ug/mL"), std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("basal daily dose    12 mg/day"), std::string::npos)
      << status.output;
  // 18 mL filled, about 8 uL delivered in the ten minutes.
  EXPECT_NE(status.output.find("reservoir           17.99"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("alarms              none"), std::string::npos) << status.output;
  EXPECT_EQ(run.stop(), 0);  // the scenario's verdict stands
  EXPECT_NE(slurp(run.out() / "stderr").find("programmer port on 127.0.0.1:"), std::string::npos);
}

TEST(Programmer, ProgramChangesTherapyAndAWrongKeyChangesNothing) {
  ProgrammerRun run("program");
  ASSERT_NE(run.port(), 0);
  const std::string wrong_key = key_file(run.out(), std::string(64, '0') + "\n");
  const Programmed refused = programmer(run.port(), wrong_key, "program continuous: 3 mg/day");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("refused: authentication failed"), std::string::npos)
      << refused.output;
  EXPECT_NE(
      programmer(run.port(), BENCH_KEY, "interrogate").output.find("basal daily dose    12 mg/day"),
      std::string::npos);

  const Programmed programmed = programmer(run.port(), BENCH_KEY, "program continuous: 3 mg/day");
  EXPECT_EQ(programmed.exit_code, 0) << programmed.output;
  EXPECT_NE(programmed.output.find("accepted: program continuous: 3 mg/day"), std::string::npos);
  EXPECT_NE(
      programmer(run.port(), BENCH_KEY, "interrogate").output.find("basal daily dose    3 mg/day"),
      std::string::npos);
  const Programmed events = programmer(run.port(), BENCH_KEY, "events 4");
  EXPECT_EQ(events.exit_code, 0) << events.output;
  EXPECT_NE(events.output.find("program_changed            3 mg/day"), std::string::npos)
      << events.output;

  // A script stops at its first failure, naming the line; the refused bolus changed nothing.
  const fs::path script = run.out() / "session.txt";
  std::ofstream(script)
      << "# a session\ninterrogate\n\nclinician_bolus dose: 50 mg, duration: 10 min  # over the "
         "limit\nprogram continuous: 6 mg/day\n";
  const Programmed scripted =
      programmer(run.port(), BENCH_KEY, "--script '" + script.string() + "'");
  EXPECT_EQ(scripted.exit_code, 1) << scripted.output;
  EXPECT_NE(
      scripted.output.find(
          script.string() +
          ":4: clinician_bolus dose: 50 mg, duration: 10 min: refused: daily dose over limit"),
      std::string::npos)
      << scripted.output;
  EXPECT_EQ(scripted.output.find("> program continuous: 6 mg/day"), std::string::npos);

  EXPECT_EQ(run.stop(), 0);
  const std::string log = slurp(run.out() / "run" / "events.log");
  EXPECT_NE(log.find("program_changed 3 mg/day"), std::string::npos) << log;
  EXPECT_EQ(log.find("program_changed 6 mg/day"), std::string::npos) << log;
}

TEST(Programmer, GarbageVanishingAndSecondClientsDoNotStopTheRunNorTheNextProgrammer) {
  ProgrammerRun run("garbage");
  ASSERT_NE(run.port(), 0);
  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), run.port());
  {
    // Garbage, far more than the port queues: it is closed for overrunning.
    tcp::socket flooder(io);
    flooder.connect(endpoint);
    std::vector<uint8_t> noise(256 * 1024);
    std::mt19937 random(5);
    for (uint8_t& byte : noise) byte = static_cast<uint8_t>(random());
    boost::system::error_code error;
    asio::write(flooder, asio::buffer(noise), error);
    std::array<uint8_t, 256> sink{};
    while (!error) flooder.read_some(asio::buffer(sink), error);  // until the port closes it
    EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset ||
                error == asio::error::broken_pipe)
        << error.message();
  }
  {
    // Half a frame, then gone; meanwhile a second programmer is turned away.
    tcp::socket vanishing(io);
    vanishing.connect(endpoint);
    const uint8_t half_frame[] = {0xA5, 0x20, 0x01, 0x03};
    asio::write(vanishing, asio::buffer(half_frame));
    const Programmed second = programmer(run.port(), BENCH_KEY, "interrogate --timeout 2");
    EXPECT_EQ(second.exit_code, 3) << second.output;
    EXPECT_NE(second.output.find("the connection was closed"), std::string::npos) << second.output;
  }
  const Programmed next = programmer(run.port(), BENCH_KEY, "interrogate");
  EXPECT_EQ(next.exit_code, 0) << next.output;
  EXPECT_NE(next.output.find("morphine"), std::string::npos) << next.output;
  EXPECT_EQ(run.stop(), 0);
}

TEST(Programmer, APortWithoutAProgrammerChangesNoResult) {
  const fs::path dir = fresh_dir("unchanged");
  for (const char* variant : {"plain", "port"}) {
    const std::string port = std::string(variant) == "port" ? " --programmer-port 0" : "";
    capture_stdout(std::string(PUMPBENCH) + " run " + SCENARIO + " --quiet --out '" +
                   (dir / variant).string() + "'" + port + " 2>/dev/null");
  }
  for (const char* output : {"result.json", "events.log", "signals.csv"}) {
    const std::string plain = slurp(dir / "plain" / output);
    EXPECT_FALSE(plain.empty()) << output;
    EXPECT_EQ(plain, slurp(dir / "port" / output)) << output;
  }
}

TEST(Programmer, BadInputExitsTwoWithAMessage) {
  const fs::path dir = fresh_dir("bad_input");
  const Programmed short_key = programmer(1, key_file(dir, "abcd\n"), "interrogate");
  EXPECT_EQ(short_key.exit_code, 2);
  EXPECT_NE(short_key.output.find("4 hex digits, the key is 64"), std::string::npos)
      << short_key.output;
  const Programmed not_hex =
      programmer(1, key_file(dir, "# key\n" + std::string(63, 'a') + "z"), "interrogate");
  EXPECT_EQ(not_hex.exit_code, 2);
  EXPECT_NE(not_hex.output.find("test.key:2: 'z' is not a hex digit"), std::string::npos)
      << not_hex.output;
  const Programmed missing = programmer(1, (dir / "none.key").string(), "interrogate");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("cannot read the key file"), std::string::npos);

  const Programmed unknown = programmer(1, BENCH_KEY, "reprogram");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command 'reprogram'"), std::string::npos);
  const Programmed no_unit = programmer(1, BENCH_KEY, "program continuous: 3");
  EXPECT_EQ(no_unit.exit_code, 2);
  EXPECT_NE(no_unit.output.find("program.continuous"), std::string::npos) << no_unit.output;
  const Programmed bad_drug =
      programmer(1, BENCH_KEY, "refill volume: 10 mL, concentration: 10 mg/mL, drug: morfine");
  EXPECT_EQ(bad_drug.exit_code, 2);
  EXPECT_NE(bad_drug.output.find("did you mean 'morphine'"), std::string::npos) << bad_drug.output;
  const fs::path script = dir / "bad.txt";
  std::ofstream(script) << "interrogate\nevents 0\n";
  const Programmed bad_script = programmer(1, BENCH_KEY, "--script '" + script.string() + "'");
  EXPECT_EQ(bad_script.exit_code, 2);
  EXPECT_NE(bad_script.output.find("bad.txt:2: events '0'"), std::string::npos)
      << bad_script.output;

  // Nobody listening: no connection, exit 3.
  unsigned short closed_port = 0;
  {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = acceptor.local_endpoint().port();
  }
  const Programmed nobody = programmer(closed_port, BENCH_KEY, "interrogate");
  EXPECT_EQ(nobody.exit_code, 3);
  EXPECT_NE(nobody.output.find("cannot connect"), std::string::npos) << nobody.output;

  // Beyond loopback only when asked for.
  const std::string refused_bind = capture_stdout(std::string(PUMPBENCH) + " run " + SCENARIO +
                                                  " --out '" + (dir / "run").string() +
                                                  "' --programmer-port 0.0.0.0:0 2>&1; echo "
                                                  "\"exit=$?\"");
  EXPECT_NE(refused_bind.find("beyond loopback"), std::string::npos) << refused_bind;
  EXPECT_NE(refused_bind.find("exit=2"), std::string::npos) << refused_bind;
}

// The README's session: a run paced at real time waiting for a programmer. Every command is
// answered within the programmer's deadline, and Ctrl-C ends the run within a second of wall
// time with its outputs complete (issue 18: the paced run once slept through a sample period,
// deaf to the programmer and to Ctrl-C for minutes).
TEST(Programmer, APacedRunAnswersEveryCommandAndEndsWithinASecondOfCtrlC) {
  const fs::path out = fresh_dir("realtime");
  const pid_t child = spawn_child(
      {PUMPBENCH, "run", SCENARIO, "--quiet", "--out", out / "run", "--realtime", "1",
       "--programmer-port", "127.0.0.1:0", "--port-file", out / "port", "--wait-programmer"},
      out / "stderr");
  const unsigned short port = wait_port_file(out / "port", child, kStartLimit);
  ASSERT_NE(port, 0);
  const Programmed status = programmer(port, BENCH_KEY, "interrogate");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  const auto asked = std::chrono::steady_clock::now();
  const Programmed programmed = programmer(port, BENCH_KEY, "program continuous: 4 mg/day");
  EXPECT_EQ(programmed.exit_code, 0) << programmed.output;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_NE(programmer(port, BENCH_KEY, "interrogate").output.find("basal daily dose    4 mg/day"),
            std::string::npos);
  expect_ends_within_a_second_of_ctrl_c(child, out / "run", out / "stderr", "ctrl_c_latency_ms",
                                        kRunLimit);
}

// Issue 18, end to end: values typed at the programmer reach the running pump exactly. Rates
// and doses drawn at random (seeded) in whole nanograms, typed in mg with up to six decimals;
// interrogate and the pump's own log then show what it holds.
TEST(Programmer, WhatTheRunningPumpHoldsIsWhatWasTyped) {
  ProgrammerRun run("typed");
  ASSERT_NE(run.port(), 0);
  std::mt19937 random(18);
  // "1234567" ng as "1.234567" mg, without trailing zeros (as the programmer prints it).
  const auto in_mg = [](uint32_t nanograms) {
    std::string digits = std::to_string(nanograms);
    if (digits.size() <= 6) digits.insert(0, 7 - digits.size(), '0');
    digits.insert(digits.size() - 6, ".");
    digits.erase(digits.find_last_not_of('0') + 1);
    if (digits.back() == '.') digits.pop_back();
    return digits;
  };
  for (int trial = 0; trial < 3; ++trial) {
    // 0.5 to 15 mg/day: within morphine's daily limit with room for the bolus below.
    const uint32_t rate_ng = 500000 + random() % 14500000;
    const std::string rate = in_mg(rate_ng) + " mg/day";
    SCOPED_TRACE(rate);
    const Programmed programmed = programmer(run.port(), BENCH_KEY, "program continuous: " + rate);
    EXPECT_EQ(programmed.exit_code, 0) << programmed.output;
    const Programmed status = programmer(run.port(), BENCH_KEY, "interrogate");
    EXPECT_NE(status.output.find("basal daily dose    " + rate), std::string::npos)
        << status.output;
  }
  const uint32_t dose_ng = 1000 + random() % 999000;  // 1 ug to 1 mg
  const std::string dose = in_mg(dose_ng) + " mg";
  const Programmed bolus =
      programmer(run.port(), BENCH_KEY, "clinician_bolus dose: " + dose + ", duration: 17 min");
  EXPECT_EQ(bolus.exit_code, 0) << bolus.output;
  const Programmed events = programmer(run.port(), BENCH_KEY, "events 2");
  char logged[64];
  std::snprintf(logged, sizeof logged, "clinician_bolus            %.9g ug", dose_ng / 1e3);
  EXPECT_NE(events.output.find(logged), std::string::npos) << logged << "\n" << events.output;
  EXPECT_EQ(run.stop(), 0);
}

// Every command is answered within the programmer's deadline at other paces than real time: a
// quarter of it (the run's clock crawls) and twenty times it (the run races between the
// programmer's frames). Each answer's deadline is the programmer's (--timeout, 5 s): a command
// that exits 0 had every answer in time. The whole command (connection, session, the command,
// its confirmation) is also bounded, generously against a loaded machine (RUN_SERIAL). Before
// a paced run looked for a programmer every quarter second of wall time (not every simulated
// second), each command after the first took 6.9 s at a quarter of real time (1.1 s since).
// Ctrl-C ends each run within a second.
TEST(Programmer, EveryCommandIsAnsweredInTimeAtAQuarterAndAtTwentyTimesRealTime) {
  for (const char* factor : {"0.25", "20"}) {
    SCOPED_TRACE(std::string("--realtime ") + factor);
    const fs::path out = fresh_dir(std::string("realtime_") + factor);
    // A year: at twenty times real time the ten-minute scenario would end under the test.
    const pid_t child = spawn_child(
        {PUMPBENCH, "run", LONG_SCENARIO, "--quiet", "--out", out / "run", "--realtime", factor,
         "--programmer-port", "127.0.0.1:0", "--port-file", out / "port", "--wait-programmer"},
        out / "stderr");
    const unsigned short port = wait_port_file(out / "port", child, kStartLimit);
    ASSERT_NE(port, 0);
    int index = 0;
    for (const char* command :
         {"interrogate", "program continuous: 5 mg/day",
          "clinician_bolus dose: 0.1 mg, duration: 20 min", "interrogate", "events 3"}) {
      const auto asked = std::chrono::steady_clock::now();
      const Programmed answer = programmer(port, BENCH_KEY, command);
      const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - asked)
                               .count();
      EXPECT_EQ(answer.exit_code, 0) << command << ": " << answer.output;
      // The first programmer connects as soon as the port is open: its frame and its resends
      // (each after 1 s, with a 205-byte preamble) wait in the port's queue until the end of the
      // setup, then go to the pump at line rate, four times slower in wall time at a quarter
      // of real time (6.9 s measured on a quiet machine; 2.5 s when it connects 3 s later).
      EXPECT_LT(took_ms, index == 0 ? 15000 : 5000) << command;
      RecordProperty(std::string("command_ms_") + factor + "_" + std::to_string(index++),
                     static_cast<int>(took_ms));
    }
    EXPECT_NE(
        programmer(port, BENCH_KEY, "interrogate").output.find("basal daily dose    5 mg/day"),
        std::string::npos);
    expect_ends_within_a_second_of_ctrl_c(child, out / "run", out / "stderr",
                                          std::string("ctrl_c_latency_ms_") + factor, kRunLimit);
  }
}

}  // namespace
