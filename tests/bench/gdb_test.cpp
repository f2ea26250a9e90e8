// gdb-multiarch (Debian) attached in batch mode to `pumpbench run --firmware --gdb`: it stops
// at the first instruction, breaks in a firmware function, reads a variable, reads a
// peripheral register twice with wall time between (simulated time stands still while the core
// is halted), and continues to the run's passing end. Then the stub's packets that
// gdb-multiarch does not send on its own (for ARM it single-steps with breakpoints, not `s`)
// from a client of the test's: `s`, `G`, `M`, `Z2`/`z2`, `D` and `k`, each run going on to its
// passing end without a fault.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

using pumptwin::testing::slurp;
using pumptwin::testing::spawn_child;
using pumptwin::testing::wait_child;

constexpr std::chrono::seconds kRunLimit{300};

// `pumpbench run GDB_SCENARIO --firmware --gdb 127.0.0.1:0` in `out`, and the port it listens on
// (empty when it did not say within 30 s).
std::string start_bench(const std::filesystem::path& out, pid_t& bench) {
  const std::string bench_log = (out / "pumpbench.txt").string();
  bench = spawn_child({PUMPBENCH, "run", GDB_SCENARIO, "--firmware", PUMPFW_M0PLUS_ELF, "--gdb",
                       "127.0.0.1:0", "--quiet", "--out", (out / "run").string()},
                      bench_log, true);
  std::smatch listening;
  const std::regex port_line("gdb: listening on 127\\.0\\.0\\.1:([0-9]+)");
  std::string log;
  for (int i = 0; i < 300 && !std::regex_search(log, listening, port_line); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = slurp(bench_log);
  }
  return std::regex_search(log, listening, port_line) ? std::string(listening[1]) : "";
}

// A remote-serial-protocol client: packets framed and checksummed, acknowledged both ways.
class RspClient {
 public:
  explicit RspClient(const std::string& port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RspClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  // Sends `payload` and waits for its acknowledgement.
  void send(const std::string& payload) {
    unsigned sum = 0;
    for (const char c : payload) sum += static_cast<unsigned char>(c);
    char tail[4];
    std::snprintf(tail, sizeof tail, "#%02x", sum & 0xFF);
    const std::string frame = "$" + payload + tail;
    ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
    char ack = 0;
    if (::recv(fd_, &ack, 1, 0) != 1 || ack != '+') ADD_FAILURE() << payload << ": no ack";
  }
  // The next packet's payload, acknowledged; "<closed>" when the stub closed the connection.
  std::string receive() {
    std::string payload;
    bool in_packet = false;
    for (char byte = 0; ::recv(fd_, &byte, 1, 0) == 1;) {
      if (!in_packet) {
        in_packet = byte == '$';
        continue;
      }
      if (byte != '#') {
        payload.push_back(byte);
        continue;
      }
      char checksum[2];
      if (::recv(fd_, checksum, 2, MSG_WAITALL) != 2) break;
      ::send(fd_, "+", 1, MSG_NOSIGNAL);
      return payload;
    }
    return "<closed>";
  }
  std::string exchange(const std::string& payload) {
    send(payload);
    return receive();
  }

 private:
  int fd_ = -1;
};

// Register `regnum` (r0-r15, then xPSR) of a `g` reply: 8 hex digits, little-endian.
uint32_t register_of(const std::string& registers, unsigned regnum) {
  uint32_t value = 0;
  for (unsigned byte = 0; byte < 4; ++byte) {
    value |=
        static_cast<uint32_t>(std::stoul(registers.substr(8 * regnum + 2 * byte, 2), nullptr, 16))
        << (8 * byte);
  }
  return value;
}

std::string hex_le32(uint32_t value) {
  char text[9];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x", value & 0xFF, (value >> 8) & 0xFF,
                (value >> 16) & 0xFF, value >> 24);
  return text;
}

// The run ended as it does without a debugger: passed, and the core never faulted.
void expect_a_passing_run_without_faults(const std::filesystem::path& out) {
  const std::string result = slurp(out / "run" / "result.json");
  EXPECT_NE(result.find("\"status\": \"passed\""), std::string::npos) << result;
  EXPECT_NE(result.find("\"faults\": 0"), std::string::npos) << result;
}

// A run with the stub in a fresh folder `name`; a client of the test's connects, finds the core
// halted (`?`: S05) and is handed to `session`. Its connection closed, the run goes on to its
// passing end without a fault.
template <typename Session>
void debug_a_run(const std::string& name, Session session) {
  const std::filesystem::path out = pumptwin::testing::fresh_dir("pumptwin_gdb", name);
  pid_t bench = 0;
  const std::string port = start_bench(out, bench);
  ASSERT_FALSE(port.empty()) << slurp(out / "pumpbench.txt");
  {
    RspClient gdb(port);
    ASSERT_TRUE(gdb.connected());
    EXPECT_EQ(gdb.exchange("?"), "S05");
    session(gdb);
  }
  EXPECT_EQ(wait_child(bench, kRunLimit), 0) << slurp(out / "pumpbench.txt");
  expect_a_passing_run_without_faults(out);
  std::filesystem::remove_all(out);
}

TEST(GdbStub, GdbMultiarchBreaksReadsAndContinuesToAPassingEnd) {
  const std::filesystem::path out = pumptwin::testing::fresh_dir("pumptwin_gdb", "multiarch");
  pid_t bench = 0;
  const std::string port = start_bench(out, bench);
  ASSERT_FALSE(port.empty()) << slurp(out / "pumpbench.txt");

  const std::string gdb_log = (out / "gdb.txt").string();
  const pid_t gdb = spawn_child({GDB_MULTIARCH,
                                 "-batch",
                                 "-nx",
                                 "-ex",
                                 "set confirm off",
                                 "-ex",
                                 "target remote 127.0.0.1:" + port,
                                 "-ex",
                                 "print/x $pc",
                                 "-ex",
                                 "break pumpfw::app::Pump::run_once",
                                 "-ex",
                                 "continue",
                                 "-ex",
                                 "continue",
                                 "-ex",
                                 "print/x pumpfw_probe.magic",
                                 "-ex",
                                 "x/wx 0x40003000",
                                 "-ex",
                                 "shell sleep 0.3",
                                 "-ex",
                                 "x/wx 0x40003000",
                                 "-ex",
                                 "delete",
                                 "-ex",
                                 "continue",
                                 PUMPFW_M0PLUS_ELF},
                                gdb_log, true);
  ASSERT_GT(gdb, 0);
  const int gdb_exit = wait_child(gdb, kRunLimit);
  const int bench_exit = wait_child(bench, kRunLimit);
  const std::string session = slurp(gdb_log);
  std::printf("%s", session.c_str());
  EXPECT_EQ(gdb_exit, 0);
  EXPECT_EQ(bench_exit, 0) << slurp(out / "pumpbench.txt");
  // Halted before the first instruction: the reset handler.
  EXPECT_NE(session.find("Reset_Handler"), std::string::npos);
  EXPECT_NE(session.find("Breakpoint 1, pumpfw::app::Pump::run_once"), std::string::npos);
  // The second stop in run_once: the first pass has published the probe.
  EXPECT_NE(session.find("= 0x50524f42"), std::string::npos);
  // RTC COUNT_LO read twice, 0.3 s of wall time apart, while halted: the same tick.
  std::smatch reads;
  const std::regex rtc("0x40003000:\\s+(0x[0-9a-f]+)");
  std::vector<std::string> values;
  for (auto it = std::sregex_iterator(session.begin(), session.end(), rtc);
       it != std::sregex_iterator(); ++it) {
    values.push_back((*it)[1]);
  }
  ASSERT_EQ(values.size(), 2u) << session;
  EXPECT_EQ(values[0], values[1]);
  EXPECT_NE(session.find("exited normally"), std::string::npos);
  expect_a_passing_run_without_faults(out);
  std::filesystem::remove_all(out);
}

// Halted at the reset handler's first instruction: `s` executes one instruction (PC moves by its
// length); `P` moves PC back one instruction and a step runs it again; `G` writes r12 (and every
// other register as it is: PC unchanged, so the core goes on where it was); `M` writes SRAM below
// the stack and `m` reads it back; `Z2` watches that word and `c` stops at the first store to it
// (`T05watch:`); `z2` removes the watch; `D` detaches and the run goes on to its passing end.
TEST(GdbStub, StepWriteRegistersAndMemoryWatchAndDetach) {
  debug_a_run("packets", [](RspClient& gdb) {
    const std::string at_reset = gdb.exchange("g");
    ASSERT_EQ(at_reset.size(), 17u * 8) << at_reset;
    const uint32_t pc = register_of(at_reset, 15);
    const uint32_t sp = register_of(at_reset, 13);
    // The first instruction's length: a 32-bit Thumb instruction's first halfword has its top
    // five bits 0b11101, 0b11110 or 0b11111.
    char first_instruction[32];
    std::snprintf(first_instruction, sizeof first_instruction, "m%x,2", pc);
    const std::string first = gdb.exchange(first_instruction);
    ASSERT_EQ(first.size(), 4u) << first;
    const unsigned top_bits = std::stoul(first.substr(2, 2), nullptr, 16) >> 3;
    const uint32_t length = top_bits >= 0x1D ? 4 : 2;
    EXPECT_EQ(gdb.exchange("s"), "S05");
    const uint32_t second = register_of(gdb.exchange("g"), 15);
    EXPECT_EQ(second, pc + length);
    EXPECT_EQ(gdb.exchange("s"), "S05");
    const std::string stepped = gdb.exchange("g");
    const uint32_t third = register_of(stepped, 15);
    EXPECT_GT(third, second);

    // PC written back one instruction (the reset handler's `cpsid i`, which may run twice): the
    // core goes on from there, and a step runs that instruction.
    EXPECT_EQ(gdb.exchange("Pf=" + hex_le32(second)), "OK");
    EXPECT_EQ(register_of(gdb.exchange("g"), 15), second);
    EXPECT_EQ(gdb.exchange("s"), "S05");
    EXPECT_EQ(register_of(gdb.exchange("g"), 15), third);

    std::string written = stepped;
    written.replace(8 * 12, 8, hex_le32(0x12345678));
    EXPECT_EQ(gdb.exchange("G" + written), "OK");
    const std::string after_g = gdb.exchange("g");
    EXPECT_EQ(register_of(after_g, 12), 0x12345678u);
    EXPECT_EQ(register_of(after_g, 15), third);

    char word[32];
    std::snprintf(word, sizeof word, "%x,4", sp - 64);
    EXPECT_EQ(gdb.exchange(std::string("M") + word + ":44332211"), "OK");
    EXPECT_EQ(gdb.exchange(std::string("m") + word), "44332211");
    EXPECT_EQ(gdb.exchange(std::string("Z2,") + word), "OK");
    const std::string watch = gdb.exchange("c");
    ASSERT_EQ(watch.rfind("T05watch:", 0), 0u) << watch;
    const uint32_t stored = static_cast<uint32_t>(std::stoul(watch.substr(9), nullptr, 16));
    EXPECT_GT(stored + 4, sp - 64);
    EXPECT_LT(stored, sp - 60);
    EXPECT_EQ(gdb.exchange(std::string("z2,") + word), "OK");
    EXPECT_EQ(gdb.exchange("D"), "OK");
    EXPECT_EQ(gdb.receive(), "<closed>");
  });
}

// `k` while halted (after a step): the stub answers nothing, closes the connection and lets the
// run go on (the simulation is the bench's to end, not the debugger's) to its passing end.
TEST(GdbStub, KillDetachesAndTheRunGoesOn) {
  debug_a_run("kill", [](RspClient& gdb) {
    EXPECT_EQ(gdb.exchange("s"), "S05");
    gdb.send("k");
    EXPECT_EQ(gdb.receive(), "<closed>");
  });
}

}  // namespace
