#include "m0plus_gdb.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include <unicorn/unicorn.h>

#include "hex_text.h"
#include "m0plus_core.h"
#include "m0plus_memory_map.h"
#include "m0plus_soc.h"

namespace pumptwin::mcu {

namespace {

// GDB's M-profile feature (gdb/features/arm/arm-m-profile.xml): the 'g' packet is r0-r15 then
// xpsr (register 25), 4 bytes each, little-endian.
constexpr const char* kTargetXml =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>arm</architecture>"
    "<feature name=\"org.gnu.gdb.arm.m-profile\">"
    "<reg name=\"r0\" bitsize=\"32\"/><reg name=\"r1\" bitsize=\"32\"/>"
    "<reg name=\"r2\" bitsize=\"32\"/><reg name=\"r3\" bitsize=\"32\"/>"
    "<reg name=\"r4\" bitsize=\"32\"/><reg name=\"r5\" bitsize=\"32\"/>"
    "<reg name=\"r6\" bitsize=\"32\"/><reg name=\"r7\" bitsize=\"32\"/>"
    "<reg name=\"r8\" bitsize=\"32\"/><reg name=\"r9\" bitsize=\"32\"/>"
    "<reg name=\"r10\" bitsize=\"32\"/><reg name=\"r11\" bitsize=\"32\"/>"
    "<reg name=\"r12\" bitsize=\"32\"/>"
    "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>"
    "<reg name=\"lr\" bitsize=\"32\"/>"
    "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>"
    "<reg name=\"xpsr\" bitsize=\"32\" regnum=\"25\"/>"
    "</feature></target>";
constexpr unsigned kXpsrRegnum = 25;
constexpr size_t kMaxPacketBytes = 4096;

int uc_register(unsigned regnum) {
  if (regnum <= 12) return UC_ARM_REG_R0 + static_cast<int>(regnum);
  if (regnum == 13) return UC_ARM_REG_SP;
  if (regnum == 14) return UC_ARM_REG_LR;
  if (regnum == 15) return UC_ARM_REG_PC;
  if (regnum == kXpsrRegnum) return UC_ARM_REG_XPSR;
  return -1;
}

std::string hex_le32(uint32_t value) {
  char text[9];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x", value & 0xFF, (value >> 8) & 0xFF,
                (value >> 16) & 0xFF, value >> 24);
  return text;
}

bool parse_hex(const std::string& text, size_t& at, uint32_t& value) {
  const size_t start = at;
  value = 0;
  while (at < text.size() && std::isxdigit(static_cast<unsigned char>(text[at])) != 0 &&
         at - start < 8) {
    value = value << 4 | static_cast<uint32_t>(std::stoul(text.substr(at, 1), nullptr, 16));
    ++at;
  }
  return at > start;
}

uint32_t le32_from_hex(const std::string& text, size_t at) {
  uint32_t value = 0;
  for (int byte = 0; byte < 4; ++byte) {
    value |= static_cast<uint32_t>(std::stoul(text.substr(at + 2 * byte, 2), nullptr, 16))
             << (8 * byte);
  }
  return value;
}

bool is_bus(uint32_t address) {
  return (address >= memory_map::kPeripheralBase &&
          address - memory_map::kPeripheralBase < memory_map::kPeripheralBytes) ||
         (address >= memory_map::kScsBase &&
          address - memory_map::kScsBase < memory_map::kScsBytes);
}

}  // namespace

M0PlusGdbStub::~M0PlusGdbStub() {
  close_client();
  if (listener_ >= 0) ::close(listener_);
}

std::string M0PlusGdbStub::listen(const std::string& host, uint16_t port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) return std::string("socket: ") + std::strerror(errno);
  const int yes = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return "'" + host + "' is not an IPv4 address";
  }
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 1) != 0) {
    return host + ":" + std::to_string(port) + ": " + std::strerror(errno);
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  return "";
}

bool M0PlusGdbStub::accept_client() {
  if (client_ >= 0) return true;
  if (listener_ < 0) return false;
  std::fprintf(stderr, "gdb: waiting for a debugger on port %u (simulated time stands still)\n",
               port_);
  client_ = ::accept(listener_, nullptr, nullptr);
  if (client_ < 0) return false;
  const int yes = 1;
  ::setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  return true;
}

void M0PlusGdbStub::close_client() {
  if (client_ >= 0) ::close(client_);
  client_ = -1;
}

void M0PlusGdbStub::poll() {
  if (client_ < 0) return;
  pollfd ready{client_, POLLIN, 0};
  if (::poll(&ready, 1, 0) <= 0) return;
  char byte = 0;
  const ssize_t got = ::recv(client_, &byte, 1, 0);
  if (got <= 0) {
    close_client();  // GDB went away: run on
    breakpoints_.clear();
    watchpoints_.clear();
    stepping_ = false;
  } else if (byte == 0x03) {
    interrupt_ = true;
  }
}

void M0PlusGdbStub::after_store(uint32_t address, uint32_t size_bytes) {
  for (const auto& [start, length] : watchpoints_) {
    if (address < start + length && start < address + size_bytes) {
      char text[32];
      std::snprintf(text, sizeof text, "T05watch:%x;", address);
      watch_hit_ = text;
    }
  }
}

void M0PlusGdbStub::before_instruction(M0PlusSoc& soc, M0PlusCore& core, uint32_t address) {
  const bool step_origin = address == step_from_;
  step_from_ = kNoAddress;
  if (!halt_next_ && (!stepping_ || step_origin) && !interrupt_ && watch_hit_.empty() &&
      breakpoints_.count(address) == 0) {
    return;
  }
  if (halt_next_) {
    halt_next_ = false;
    if (!accept_client()) return;
  }
  if (client_ < 0) return;
  const std::string reply = watch_hit_.empty() ? "S05" : watch_hit_;
  watch_hit_.clear();
  interrupt_ = false;
  // The first halt answers GDB's '?' itself; later ones answer its 'c' or 's'.
  serve(soc, core, reply);
}

void M0PlusGdbStub::serve(M0PlusSoc& soc, M0PlusCore& core, const std::string& stop_reply) {
  if (pending_stop_reply_) send_packet(stop_reply);
  pending_stop_reply_ = true;
  std::string packet;
  while (client_ >= 0 && read_packet(packet)) {
    bool resume = false;
    const std::string reply = handle(soc, core, packet, resume);
    if (resume) return;
    send_packet(reply);
  }
  // GDB went away: run on without it.
  close_client();
  breakpoints_.clear();
  watchpoints_.clear();
  stepping_ = false;
}

void M0PlusGdbStub::finish() {
  if (client_ < 0) return;
  if (pending_stop_reply_) send_packet("W00");
  close_client();
}

bool M0PlusGdbStub::read_packet(std::string& packet) {
  packet.clear();
  bool in_packet = false;
  for (;;) {
    char byte = 0;
    if (::recv(client_, &byte, 1, 0) <= 0) return false;
    if (!in_packet) {
      if (byte == '$') in_packet = true;
      // '+', '-' and a Ctrl-C while halted need nothing.
      continue;
    }
    if (byte != '#') {
      if (packet.size() >= kMaxPacketBytes) return false;
      packet.push_back(byte);
      continue;
    }
    char checksum[2];
    if (::recv(client_, checksum, 1, MSG_WAITALL) <= 0 ||
        ::recv(client_, checksum + 1, 1, MSG_WAITALL) <= 0) {
      return false;
    }
    ::send(client_, "+", 1, MSG_NOSIGNAL);
    return true;
  }
}

void M0PlusGdbStub::send_packet(const std::string& payload) {
  unsigned sum = 0;
  for (const char c : payload) sum += static_cast<unsigned char>(c);
  char tail[4];
  std::snprintf(tail, sizeof tail, "#%02x", sum & 0xFF);
  const std::string frame = "$" + payload + tail;
  ::send(client_, frame.data(), frame.size(), MSG_NOSIGNAL);
  // GDB acknowledges each packet; the ack is read with the next packet.
}

std::string M0PlusGdbStub::handle(M0PlusSoc& soc, M0PlusCore& core, const std::string& packet,
                                  bool& resume) {
  if (packet.empty()) return "";
  const char kind = packet[0];
  if (packet.rfind("qSupported", 0) == 0) {
    return "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+";
  }
  if (packet.rfind("qXfer:features:read:target.xml:", 0) == 0) {
    size_t at = std::strlen("qXfer:features:read:target.xml:");
    uint32_t offset = 0;
    uint32_t length = 0;
    if (!parse_hex(packet, at, offset) || at >= packet.size() || packet[at++] != ',' ||
        !parse_hex(packet, at, length)) {
      return "E01";
    }
    const std::string xml = kTargetXml;
    if (offset >= xml.size()) return "l";
    const std::string chunk = xml.substr(offset, length);
    return (offset + chunk.size() >= xml.size() ? "l" : "m") + chunk;
  }
  if (packet == "qAttached") return "1";
  if (packet == "qC") return "QC1";
  if (packet == "qfThreadInfo") return "m1";
  if (packet == "qsThreadInfo") return "l";
  if (packet.rfind("qSymbol", 0) == 0) return "OK";
  if (kind == 'H') return "OK";
  if (kind == '?') return "S05";
  if (kind == 'g') {
    std::string registers;
    for (unsigned regnum = 0; regnum <= 15; ++regnum) {
      registers += hex_le32(core.read_register(uc_register(regnum)));
    }
    return registers + hex_le32(core.read_register(UC_ARM_REG_XPSR));
  }
  if (kind == 'G') {
    if (packet.size() < 1 + 17 * 8) return "E01";
    for (unsigned regnum = 0; regnum <= 15; ++regnum) {
      core.write_register(uc_register(regnum), le32_from_hex(packet, 1 + 8 * regnum));
    }
    return "OK";
  }
  if (kind == 'p' || kind == 'P') {
    size_t at = 1;
    uint32_t regnum = 0;
    if (!parse_hex(packet, at, regnum) || uc_register(regnum) < 0) return "E01";
    if (kind == 'p') return hex_le32(core.read_register(uc_register(regnum)));
    if (at >= packet.size() || packet[at] != '=' || packet.size() < at + 9) return "E01";
    if (regnum != kXpsrRegnum)
      core.write_register(uc_register(regnum), le32_from_hex(packet, at + 1));
    return "OK";
  }
  if (kind == 'm' || kind == 'M') {
    size_t at = 1;
    uint32_t address = 0;
    uint32_t length = 0;
    if (!parse_hex(packet, at, address) || at >= packet.size() || packet[at++] != ',' ||
        !parse_hex(packet, at, length) || length > kMaxPacketBytes / 2) {
      return "E01";
    }
    if (kind == 'm') {
      std::vector<uint8_t> bytes(length);
      if (!core.read_memory(address, bytes.data(), length)) {
        // Peripheral registers, a word at a time, as a debugger's bus access reads them.
        if (!is_bus(address) || (address & 3u) != 0 || (length & 3u) != 0) return "E01";
        for (uint32_t i = 0; i < length; i += 4) {
          const uint32_t word = soc.bus_read(address + i, 4);
          for (uint32_t b = 0; b < 4; ++b) bytes[i + b] = static_cast<uint8_t>(word >> (8 * b));
        }
      }
      return hex_text(bytes.data(), bytes.size());
    }
    if (at >= packet.size() || packet[at++] != ':' || packet.size() - at < 2 * length) {
      return "E01";
    }
    std::vector<uint8_t> bytes(length);
    for (uint32_t i = 0; i < length; ++i) {
      bytes[i] = static_cast<uint8_t>(std::stoul(packet.substr(at + 2 * i, 2), nullptr, 16));
    }
    if (core.write_memory(address, bytes.data(), length)) return "OK";
    if (!is_bus(address) || (address & 3u) != 0 || (length & 3u) != 0) return "E01";
    for (uint32_t i = 0; i < length; i += 4) {
      soc.bus_write(address + i, 4,
                    static_cast<uint32_t>(bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 |
                                          static_cast<uint32_t>(bytes[i + 3]) << 24));
    }
    return "OK";
  }
  if (kind == 'c' || kind == 's') {
    stepping_ = kind == 's';
    step_from_ = stepping_ ? core.read_register(UC_ARM_REG_PC) : kNoAddress;
    resume = true;
    return "";
  }
  if (kind == 'Z' || kind == 'z') {
    size_t at = 1;
    uint32_t type = 0;
    uint32_t address = 0;
    uint32_t length = 0;
    if (!parse_hex(packet, at, type) || at >= packet.size() || packet[at++] != ',' ||
        !parse_hex(packet, at, address) || at >= packet.size() || packet[at++] != ',' ||
        !parse_hex(packet, at, length)) {
      return "E01";
    }
    if (type == 0 || type == 1) {
      if (kind == 'Z') {
        breakpoints_.insert(address & ~1u);
      } else {
        breakpoints_.erase(address & ~1u);
      }
      return "OK";
    }
    if (type == 2) {
      const std::pair<uint32_t, uint32_t> watch{address, length};
      if (kind == 'Z') {
        watchpoints_.push_back(watch);
      } else {
        watchpoints_.erase(std::remove(watchpoints_.begin(), watchpoints_.end(), watch),
                           watchpoints_.end());
      }
      return "OK";
    }
    return "";
  }
  if (kind == 'D' || kind == 'k') {
    if (kind == 'D') send_packet("OK");
    breakpoints_.clear();
    watchpoints_.clear();
    stepping_ = false;
    close_client();
    resume = true;
    return "";
  }
  return "";
}

}  // namespace pumptwin::mcu
