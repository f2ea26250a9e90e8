#include "programmer_cli.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include <boost/asio.hpp>

#include "app/alarms.h"
#include "catalogue.h"
#include "clinician_programmer.h"
#include "firmware_commands.h"
#include "programmer_cli_commands.h"
#include "protocol.h"
#include "recorder.h"
#include "units.h"

namespace pumpbench {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using pumptwin::platform::LoggedEvent;
using pumptwin::platform::PayloadWriter;
using pumptwin::platform::ProgrammerLink;
using pumptwin::platform::PumpStatus;
using pumptwin::platform::TelemetryReply;
namespace wire = pumptwin::platform::wire;

constexpr uint8_t kMaxLogEntriesPerRead = 12;
// A programmer repeats a request that got no answer this long (wall time).
constexpr std::chrono::milliseconds kResendAfter{1000};
constexpr size_t kMaxFrameBytes = 205;  // sync, length, sequence, 200 bytes, CRC
// What `acknowledge` without names clears: the alarms the pump lets a programmer acknowledge
// (firmware/app/alarms.def), but not end of service, which the pump refuses unless a brown-out
// loop latched it: asked by default it would refuse the others with it.
constexpr uint16_t kAcknowledgedByDefault =
    static_cast<uint16_t>(pumpfw::app::kAcknowledgeableAlarms &
                          ~pumpfw::app::alarm_bit(pumpfw::app::AlarmId::kEndOfService));

// The device key: 64 hex digits, whitespace anywhere, '#' starts a comment line.
bool load_key(const std::string& file, pumptwin::mcu::DeviceKey& key, std::string& error) {
  std::ifstream stream(file);
  if (!stream) {
    error = "cannot read the key file '" + file + "'";
    return false;
  }
  std::string digits;
  int line_number = 0;
  for (std::string line; std::getline(stream, line);) {
    ++line_number;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    for (const char c : line) {
      if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
        error = file + ":" + std::to_string(line_number) + ": '" + std::string(1, c) +
                "' is not a hex digit (the key is 64 hex digits)";
        return false;
      }
      digits += c;
    }
  }
  if (digits.size() != 2 * key.size()) {
    error = file + ": " + std::to_string(digits.size()) + " hex digits, the key is " +
            std::to_string(2 * key.size()) + " (32 bytes)";
    return false;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<uint8_t>(std::stoul(digits.substr(2 * i, 2), nullptr, 16));
  }
  return true;
}

// ------------------------------------------------------------------------- transport

// A blocking TCP transport with a deadline per answer, as a programmer's radio.
class TcpTransport {
 public:
  explicit TcpTransport(double timeout_s)
      : timeout_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(timeout_s))) {}

  std::string connect(const std::string& host, unsigned short port) {
    boost::system::error_code error;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(host, std::to_string(port), error);
    if (error) return "cannot resolve '" + host + "': " + error.message();
    bool done = false;
    asio::async_connect(socket_, endpoints,
                        [&](const boost::system::error_code& result, const tcp::endpoint&) {
                          error = result;
                          done = true;
                        });
    io_.run_for(timeout_);
    if (!done) {
      socket_.close();
      io_.restart();
      io_.run();
      return "no connection within the timeout";
    }
    if (error) return error.message();
    socket_.set_option(tcp::no_delay(true), error);
    return "";
  }

  TelemetryReply exchange(const std::vector<uint8_t>& frame, uint8_t sequence) {
    answered_ = false;
    if (lost_) return TelemetryReply{};
    boost::system::error_code error;
    // Whatever came before this request (other traffic on the air) is not its answer.
    std::array<uint8_t, 512> buffer{};
    while (socket_.available(error) > 0 && !error) socket_.read_some(asio::buffer(buffer), error);
    if (!error) asio::write(socket_, asio::buffer(frame), error);
    if (error) {
      lost_ = true;
      return TelemetryReply{};
    }
    std::vector<uint8_t> received;
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    auto resend_at = std::chrono::steady_clock::now() + kResendAfter;
    for (;;) {
      // No answer yet: send the frame again with its sequence number. The pump answers a
      // retransmission from its cache without executing it twice, and a frame lost to line
      // noise (a vanished programmer's half frame before it) gets through.
      if (std::chrono::steady_clock::now() >= resend_at) {
        // A preamble of filler first: it completes whatever half frame is holding the pump's
        // receiver (which then hunts for the next sync byte), so the frame is not eaten by it.
        const std::vector<uint8_t> preamble(kMaxFrameBytes, 0x00);
        asio::write(socket_, asio::buffer(preamble), error);
        if (!error) asio::write(socket_, asio::buffer(frame), error);
        if (error) {
          lost_ = true;
          return TelemetryReply{};
        }
        resend_at += kResendAfter;
      }
      bool done = false;
      size_t length = 0;
      socket_.async_read_some(asio::buffer(buffer),
                              [&](const boost::system::error_code& result, size_t count) {
                                error = result;
                                length = count;
                                done = true;
                              });
      io_.restart();
      io_.run_until(std::min(deadline, resend_at));
      if (!done) {
        socket_.cancel();
        io_.restart();
        io_.run();  // the cancelled read's handler, before its locals go
        if (std::chrono::steady_clock::now() >= deadline) return TelemetryReply{};
        if (!done || error == asio::error::operation_aborted) continue;
      }
      if (error) {
        lost_ = true;
        return TelemetryReply{};
      }
      received.insert(received.end(), buffer.begin(),
                      buffer.begin() + static_cast<std::ptrdiff_t>(length));
      TelemetryReply reply;
      if (ProgrammerLink::find_reply(received, sequence, reply)) {
        answered_ = true;
        return reply;
      }
    }
  }

  // The last request got a well-formed answer (which the link may still have rejected).
  bool answered() const { return answered_; }
  bool lost() const { return lost_; }

 private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::chrono::steady_clock::duration timeout_;
  bool answered_ = false;
  bool lost_ = false;
};

// ------------------------------------------------------------------------- the session

class CliProgrammer {
 public:
  CliProgrammer(TcpTransport& transport, const pumptwin::mcu::DeviceKey& key, double timeout_s)
      : transport_(transport),
        timeout_s_(timeout_s),
        link_([this](const std::vector<uint8_t>& frame,
                     uint8_t sequence) { return transport_.exchange(frame, sequence); },
              [] {
                return std::chrono::duration<double>(
                           std::chrono::steady_clock::now().time_since_epoch())
                    .count();
              },
              key, std::random_device{}()) {
    // A real programmer's own randomness (outside the simulation): its first sequence number
    // must not repeat the pump's last one.
    link_.set_last_sequence(static_cast<uint8_t>(std::random_device{}()));
  }

  // Runs one command; prints what it got, or the failure (prefixed with `where`).
  int perform(const ProgrammerCommand& command) {
    if (command.events) return events(command);
    if (std::holds_alternative<InterrogateAction>(command.action)) {
      PumpStatus status;
      if (!interrogate(status)) return failure(command);
      print_status(status);
      return kProgrammerDone;
    }
    if (const auto* refill = std::get_if<RefillAction>(&command.action)) {
      return this->refill(command, *refill);
    }
    if (command.every_active) return acknowledge_every_active(command);
    return send(command, action_payload(command.action));
  }

  // The pump answers a frame with its previous frame's sequence number from its cache, and the
  // previous frame may be another programmer's: a first interrogate (whatever its answer) makes
  // the next sequence number new to the pump.
  void take_over_sequence() { link_.send_plain(PayloadWriter(wire::kOpInterrogate).bytes); }

  void end_session() {
    if (link_.session_open() && !transport_.lost()) link_.end_session();
  }

 private:
  bool interrogate(PumpStatus& status) {
    last_ = link_.transact(PayloadWriter(wire::kOpInterrogate).bytes);
    return last_.accepted() && pumptwin::platform::decode_status(last_.data, status);
  }

  // The last answer's failure on stderr, with its exit code.
  int failure(const ProgrammerCommand& command) {
    std::string reason;
    int code = kProgrammerRefused;
    if (last_.received && last_.refusal != 0) {
      reason = "refused: " + refusal_name(last_.refusal);
    } else if (last_.received) {
      reason = "the pump's answer could not be decoded";
      code = kProgrammerNoAnswer;
    } else if (transport_.lost()) {
      reason = "the connection was closed (the run ended, or another programmer is attached)";
      code = kProgrammerNoAnswer;
    } else if (transport_.answered()) {
      // The pump answered, but its proof (or its answer's tag) does not match our key.
      reason =
          "refused: authentication failed (the pump's proof does not match this key: "
          "wrong key file, or another pump)";
    } else {
      reason = "no answer within " + format_number(timeout_s_) + " s";
      code = kProgrammerNoAnswer;
    }
    std::fprintf(stderr, "pumpbench programmer: %s%s: %s\n", command.where.c_str(),
                 command.text.c_str(), reason.c_str());
    return code;
  }

  int send(const ProgrammerCommand& command, const std::vector<uint8_t>& payload) {
    last_ = link_.transact(payload);
    if (!last_.accepted()) return failure(command);
    std::printf("accepted: %s\n", command.text.c_str());
    return kProgrammerDone;
  }

  // A refill without a drug or a concentration keeps the pump's.
  int refill(const ProgrammerCommand& command, const RefillAction& refill) {
    uint8_t drug_id = refill.drug.empty() ? 0 : find_drug(refill.drug)->firmware_id;
    double concentration_ug_per_ml = refill.concentration_ug_per_ml;
    if (drug_id == 0 || concentration_ug_per_ml == 0.0) {
      PumpStatus status;
      if (!interrogate(status)) return failure(command);
      if (status.drug_id == 0) {
        std::fprintf(stderr,
                     "pumpbench programmer: %s%s: the pump holds no drug: name one with "
                     "drug: and concentration:\n",
                     command.where.c_str(), command.text.c_str());
        return kProgrammerBadInput;
      }
      if (drug_id == 0) drug_id = status.drug_id;
      if (concentration_ug_per_ml == 0.0) concentration_ug_per_ml = status.concentration_ug_per_ml;
    }
    return send(command, refill_payload(drug_id, concentration_ug_per_ml, refill.volume_ul,
                                        refill.low_reservoir_alarm_ul.value_or(
                                            pumpfw::app::PumpConfig{}.default_low_reservoir_ul),
                                        refill.bridge_volume_ul));
  }

  int acknowledge_every_active(const ProgrammerCommand& command) {
    PumpStatus status;
    if (!interrogate(status)) return failure(command);
    const auto bits = static_cast<uint16_t>(status.alarms & kAcknowledgedByDefault);
    if (bits == 0) {
      std::printf("no alarm to acknowledge\n");
      return kProgrammerDone;
    }
    last_ = link_.transact(acknowledge_alarms_payload(bits));
    if (!last_.accepted()) return failure(command);
    std::printf("accepted: acknowledge_alarms %s\n", alarm_list(bits).c_str());
    return kProgrammerDone;
  }

  int events(const ProgrammerCommand& command) {
    std::vector<LoggedEvent> events;
    while (events.size() < command.event_count) {
      const size_t want =
          std::min<size_t>(kMaxLogEntriesPerRead, command.event_count - events.size());
      last_ = link_.transact(PayloadWriter(wire::kOpReadEventLog)
                                 .u16(static_cast<uint32_t>(events.size()))
                                 .u8(static_cast<uint32_t>(want))
                                 .bytes);
      if (!last_.accepted()) return failure(command);
      const size_t before = events.size();
      if (!pumptwin::platform::decode_events(last_.data, events) || events.size() == before) break;
    }
    std::printf("%zu events, oldest first\n  %6s  %10s  %-26s %s\n", events.size(), "seq",
                "clock s", "event", "detail");
    for (auto event = events.rbegin(); event != events.rend(); ++event) {
      std::printf("  %6u  %10u  %-26s %s\n", event->sequence, event->time_s,
                  event_name(event->code).c_str(),
                  event_detail(event->code, event->argument).c_str());
    }
    return kProgrammerDone;
  }

  static std::string drug_name(uint8_t id) {
    if (id == 0) return "none";
    for (const DrugInfo& drug : drug_catalogue()) {
      if (drug.firmware_id == id) return drug.name;
    }
    return "drug " + std::to_string(id);
  }

  static void print_status(const PumpStatus& status) {
    static const char* const kFlags[] = {"basal delivery", "priming", "bridging", "bolus running",
                                         "motor moving"};
    std::string flags;
    for (int bit = 0; bit < 5; ++bit) {
      if ((status.flags & (1u << bit)) != 0)
        flags += (flags.empty() ? "" : ", ") + std::string(kFlags[bit]);
    }
    std::printf("pump status\n");
    std::printf("  wall clock          %u s\n", status.wall_clock_s);
    std::printf("  last reset          %s\n", reset_cause_name(status.reset_cause).c_str());
    std::printf("  alarms              %s\n", alarm_list(status.alarms).c_str());
    std::printf("  state               %s\n", flags.empty() ? "idle" : flags.c_str());
    std::printf("  drug                %s, %u ug/mL\n", drug_name(status.drug_id).c_str(),
                status.concentration_ug_per_ml);
    std::printf("  reservoir           %s mL\n", format_number(status.reservoir_nl / 1e6).c_str());
    std::printf("  battery             %u mV\n", status.battery_mv);
    std::printf("  basal daily dose    %s mg/day\n",
                format_number(status.basal_daily_dose_ng / 1e6).c_str());
    std::printf("  bolus remaining     %s ug\n",
                format_number(status.bolus_remaining_ng / 1e3).c_str());
    std::printf("  PTM boluses (24 h)  %u\n", status.ptm_last_day);
    std::printf("  microsteps          %u driven since refill, %u not driven\n",
                status.driven_microsteps, status.undriven_microsteps);
    std::printf("  events logged       %u\n", status.events);
  }

  TcpTransport& transport_;
  double timeout_s_;
  ProgrammerLink link_;
  TelemetryReply last_;
};

}  // namespace

int run_programmer(const ProgrammerCliOptions& options) {
  std::string host;
  unsigned short port = 0;
  if (const std::string problem = pumptwin::live::parse_endpoint(options.endpoint, host, port);
      !problem.empty() || port == 0) {
    std::fprintf(
        stderr, "pumpbench programmer: %s\n",
        problem.empty() ? ("'" + options.endpoint + "': port 0").c_str() : problem.c_str());
    return kProgrammerBadInput;
  }
  pumptwin::mcu::DeviceKey key{};
  std::string error;
  if (!load_key(options.key_file, key, error)) {
    std::fprintf(stderr, "pumpbench programmer: %s\n", error.c_str());
    return kProgrammerBadInput;
  }
  // Every command is checked before the first is sent.
  std::vector<ProgrammerCommand> commands;
  if (!options.script_file.empty() == !options.command.empty()) {
    std::fprintf(stderr, "pumpbench programmer: give one command, or --script FILE\n");
    return kProgrammerBadInput;
  }
  if (options.command.empty()) {
    std::ifstream script(options.script_file);
    if (!script) {
      std::fprintf(stderr, "pumpbench programmer: cannot read the script '%s'\n",
                   options.script_file.c_str());
      return kProgrammerBadInput;
    }
    int line_number = 0;
    for (std::string line; std::getline(script, line);) {
      ++line_number;
      const size_t hash = line.find('#');
      const std::vector<std::string> words =
          split_words(hash == std::string::npos ? line : line.substr(0, hash));
      if (words.empty()) continue;
      ProgrammerCommand command{};
      command.where = options.script_file + ":" + std::to_string(line_number) + ": ";
      if (!parse_programmer_command(words, command, error)) {
        std::fprintf(stderr, "pumpbench programmer: %s%s\n", command.where.c_str(), error.c_str());
        return kProgrammerBadInput;
      }
      commands.push_back(command);
    }
  } else {
    std::string joined;
    for (const std::string& word : options.command) joined += word + " ";
    ProgrammerCommand command{};
    if (!parse_programmer_command(split_words(joined), command, error)) {
      std::fprintf(stderr, "pumpbench programmer: %s\n", error.c_str());
      return kProgrammerBadInput;
    }
    commands.push_back(command);
  }

  TcpTransport transport(options.timeout_s);
  if (const std::string problem = transport.connect(host, port); !problem.empty()) {
    std::fprintf(stderr, "pumpbench programmer: cannot connect to %s: %s\n",
                 options.endpoint.c_str(), problem.c_str());
    return kProgrammerNoAnswer;
  }
  CliProgrammer programmer(transport, key, options.timeout_s);
  programmer.take_over_sequence();
  int exit_code = kProgrammerDone;
  for (const ProgrammerCommand& command : commands) {
    if (commands.size() > 1) std::printf("> %s\n", command.text.c_str());
    exit_code = programmer.perform(command);
    std::fflush(stdout);
    if (exit_code != kProgrammerDone) break;
  }
  programmer.end_session();
  return exit_code;
}

}  // namespace pumpbench
