#include "run_link.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "app/pump.h"
#include "asic_register_map.h"
#include "drivers/motor_driver_regs.h"
#include "live_commands.h"
#include "m0plus_soc.h"
#include "platform.h"
#include "plot_axes.h"
#include "scenario_loader.h"
#include "twin/physio/patient_parameters.h"
#include "twin/physio/patient_twin.h"
#include "units.h"

namespace pumptwin::live {

namespace {

using pumpbench::SignalDefinition;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr auto kStatusPeriod = std::chrono::milliseconds(200);
constexpr auto kSnapshotPeriod = std::chrono::milliseconds(250);
constexpr auto kPaceSlice = std::chrono::milliseconds(50);

Json number_or_null(double value) {
  return std::isfinite(value) ? Json(value) : Json();
}

Json fault_catalogue_json() {
  Json faults = Json::array();
  for (const pumpbench::FaultInfo& fault : pumpbench::fault_catalogue()) {
    Json parameters = Json::array();
    for (const auto& parameter : fault.parameters) {
      Json entry = {{"name", parameter.name},         {"unit", parameter.unit},
                    {"required", parameter.required}, {"default", parameter.default_value},
                    {"min", parameter.min},           {"max", parameter.max},
                    {"range", parameter.range_text},  {"description", parameter.description}};
      using pumptwin::faults::ParameterKind;
      switch (parameter.kind) {
        case ParameterKind::kInteger:
          entry["kind"] = "integer";
          break;
        case ParameterKind::kBoolean:
          entry["kind"] = "boolean";
          break;
        case ParameterKind::kChoice:
          entry["kind"] = "choice";
          entry["choices"] = parameter.choices;
          break;
        case ParameterKind::kLevel: {
          entry["kind"] = "level";
          // The levels the patient model can place a tip at, from the sacrum up.
          Json levels = Json::array();
          for (const auto& level : pumptwin::physio::neuraxis_levels())
            levels.push_back(level.name);
          entry["choices"] = levels;
          break;
        }
        default:
          entry["kind"] = "quantity";
          break;
      }
      parameters.push_back(entry);
    }
    faults.push_back({{"name", fault.name},
                      {"category", fault.category},
                      {"description", fault.description},
                      {"clearable", fault.clearable},
                      {"injectable", fault.missing_hook.empty()},
                      {"parameters", parameters}});
  }
  return faults;
}

// The register file by debug read (nothing cleared or latched), raw and decoded with the
// register map generated from rtl/motor_driver_regs.yaml (asic_register_map.h).
Json asic_registers(const asic::MotorDriverAsic& asic) {
  namespace reg = pumpfw::asic::reg;
  namespace field = pumpfw::asic::field;
  namespace regmap = asic::regmap;
  Json raw = Json::array();
  for (const regmap::RegisterDescription& info : regmap::kRegisters) {
    if (info.access == regmap::Access::kW) continue;  // write-only: nothing to read
    raw.push_back({{"name", info.name},
                   {"address", info.info.address},
                   {"value", asic.debug_read_register(info.info.address)}});
  }
  const auto read = [&](const pumpfw::asic::RegisterInfo& info) {
    return asic.debug_read_register(info.address);
  };
  // The names of a register's set one-bit fields; a field whose bits stand for another
  // register's fields (INT_STATUS.FAULTS) gives those fields' names.
  const auto bit_names = [](const regmap::FieldDescription* fields, size_t count, uint16_t value) {
    Json names = Json::array();
    for (size_t i = 0; i < count; ++i) {
      const regmap::FieldDescription& f = fields[i];
      const uint16_t bits = f.field.get(value);
      for (unsigned bit = 0; f.bit_names != nullptr && bit < f.field.width; ++bit) {
        if ((bits >> bit) & 1u) names.push_back(f.bit_names[bit].name);
      }
      if (f.bit_names == nullptr && f.field.width == 1 && bits != 0) names.push_back(f.name);
    }
    return names;
  };
  const auto interrupt_names = [&](uint16_t bits) {
    return bit_names(regmap::kIntStatusFields, std::size(regmap::kIntStatusFields), bits);
  };
  const auto fault_names = [&](uint16_t bits) {
    return bit_names(regmap::kFaultFields, std::size(regmap::kFaultFields), bits);
  };
  const uint16_t ctrl = read(reg::kCtrl);
  const uint16_t status = read(reg::kStatus);
  const uint16_t stall = read(reg::kStallConfig);
  const uint16_t adc_ctrl = read(reg::kAdcCtrl);
  const uint32_t total_steps = asic.debug_total_steps();
  const auto adc_v = [&](const pumpfw::asic::RegisterInfo& info) {
    return read(info) * asic::MotorDriverAsic::kAdcFullScaleV / 4095.0;
  };
  const auto slow_ticks_s = [](uint16_t ticks) {
    return static_cast<double>(ticks) / pumpfw::asic::kSlowTickHz;
  };
  const uint16_t int_mask = read(reg::kIntMask);
  const uint16_t int_status = read(reg::kIntStatus);
  const uint16_t wdt_timeout = read(reg::kWdtTimeout);
  Json decoded = {
      {"enable", field::kCtrlEnable.get(ctrl) != 0},
      {"direction", regmap::kDirectionLabels[field::kCtrlDir.get(ctrl)]},
      {"step_mode", regmap::kStepModeLabels[field::kCtrlStepMode.get(ctrl)]},
      {"sleep", field::kCtrlSleep.get(ctrl) != 0},
      {"busy", field::kStatusBusy.get(status) != 0},
      {"adc_busy", field::kStatusAdcBusy.get(status) != 0},
      {"tone_active", field::kStatusToneActive.get(status) != 0},
      {"reset_request", field::kStatusResetRequest.get(status) != 0},
      {"move_steps", read(reg::kMoveSteps)},
      {"steps_remaining", read(reg::kStepsRemaining)},
      {"step_period_us", std::max<uint16_t>(read(reg::kStepPeriod), 100)},
      {"current_limit_ma", read(reg::kCurrentLimit) & 0xFFu},
      {"faults", fault_names(read(reg::kFault))},
      {"int_mask", interrupt_names(int_mask)},
      {"int_status", interrupt_names(int_status)},
      {"irq", (int_mask & int_status) != 0},
      {"total_steps_eighths", total_steps},
      {"total_full_steps", total_steps / pumpfw::asic::kTotalStepsPerFullStep},
      {"stall_rise_time_us", field::kStallConfigRiseTimeUs.get(stall)},
      {"stall_count", field::kStallConfigCount.get(stall)},
      {"adc_channels", field::kAdcCtrlChannels.get(adc_ctrl)},
      {"adc_motor_current_ma", read(reg::kAdcMotorCurrent) / 16.0},
      {"adc_battery_v", adc_v(reg::kAdcBattery)},
      {"adc_temperature_v", adc_v(reg::kAdcTemperature)},
      {"adc_pressure_reservoir_v", adc_v(reg::kAdcPressureReservoir)},
      {"adc_pressure_outlet_v", adc_v(reg::kAdcPressureOutlet)},
      {"wdt_timeout_s", slow_ticks_s(std::max<uint16_t>(wdt_timeout, 1))},
      {"wdt_remaining_s", slow_ticks_s(read(reg::kWdtRemaining))},
      {"tone", regmap::kTonePatternLabels[field::kAlarmTonePattern.get(read(reg::kAlarmTone))]}};
  return {{"raw", raw}, {"decoded", decoded}};
}

}  // namespace

RunLink::RunLink(const ServeOptions& options, const pumpbench::Scenario& scenario, uint64_t seed,
                 const std::string& out_dir, platform::Platform& platform,
                 pumpbench::WallPacer& pacer, std::function<bool()> stop_requested)
    : options_(options),
      scenario_(scenario),
      seed_(seed),
      platform_(platform),
      pacer_(pacer),
      stop_requested_(std::move(stop_requested)),
      server_([&] {
        ServerOptions server_options;
        server_options.host = options.host;
        server_options.port = options.port;
        server_options.token = options.token;
        server_options.actions = pumpbench::action_names();
        return server_options;
      }()),
      events_path_(out_dir + "/events.log") {
  catalogue_ = pumpbench::signal_catalogue();
  bench_signals_ = catalogue_.size();
  for (const SignalDefinition& extra : pumpbench::live_signal_catalogue()) {
    catalogue_.push_back(extra);
  }
  server_.set_history_signals(catalogue_.size());
  last_full_.assign(bench_signals_, kNaN);
  paused_ = options.start_paused;
  waiting_for_client_ = options.start_paused;
  speed_ = options.speed;
  last_status_wall_ = pumpbench::WallPacer::now() - kStatusPeriod;
  last_snapshot_wall_ = last_status_wall_;
}

RunLink::~RunLink() {
  server_.stop();
}

std::string RunLink::tip_level() const {
  if (scenario_.setup.catheter_tip_level) return *scenario_.setup.catheter_tip_level;
  if (scenario_.setup.cohort_seed) return "";
  return pumptwin::physio::reference_patient(scenario_.setup.patient).catheter_tip_level;
}

std::string RunLink::start() {
  Json signals = Json::array();
  for (const SignalDefinition& signal : catalogue_) {
    signals.push_back(pumpbench::signal_json(signal));
  }
  server_.set_hello(
      {{"server", "pumpbench"},
       {"run",
        {{"scenario", scenario_.name},
         {"file", scenario_.file},
         {"seed", seed_},
         {"duration_s", scenario_.duration_s},
         {"sample_period_s", scenario_.setup.sample_period_s},
         {"drug", scenario_.setup.drug},
         {"catheter_tip_level", tip_level()},
         {"catheter_tip_signal", pumptwin::physio::segment_concentration_signal(tip_level())}}},
       {"signals", signals},
       {"faults", fault_catalogue_json()},
       {"alarms", pumpbench::alarm_names()},
       {"control", true}});
  const std::string error = server_.start();
  if (!error.empty()) return error;
  std::fprintf(stderr, "pumpbench: serving on %s:%u (protocol %s %d)\n", options_.host.c_str(),
               server_.port(), kProtocolName, kProtocolVersion);
  if (!options_.port_file.empty()) {
    const std::string aside = options_.port_file + ".partial";
    if (std::FILE* file = std::fopen(aside.c_str(), "w")) {
      std::fprintf(file, "%u\n", server_.port());
      std::fclose(file);
      std::rename(aside.c_str(), options_.port_file.c_str());
    }
  }
  pacer_.set_factor(speed_, 0.0);
  return "";
}

std::vector<double> RunLink::fast_values() const {
  // The recorded platform signals, the patient's (not read here: NaN), the live-only ones.
  platform::Platform& platform = platform_;
  const std::optional<pumptwin::mcu::FirmwareStatus> firmware = platform.mcu.firmware_status();
  std::vector<double> values;
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) \
  if (recorded) values.push_back(live);
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
  values.resize(bench_signals_, kNaN);
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) \
  if (!(recorded)) values.push_back(live);
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
  return values;
}

void RunLink::full_sample(double time_s, const std::vector<double>& values) {
  last_full_ = values;
  last_full_.resize(bench_signals_, kNaN);
  std::vector<double> row = fast_values();
  std::copy(values.begin(), values.begin() + std::min(values.size(), bench_signals_), row.begin());
  // Kept with or without clients, for the ones that join later.
  server_.record_sample(time_s, row);
  publish_events();
  if (server_.clients() == 0) return;
  Json v = Json::array();
  for (double value : row) v.push_back(number_or_null(value));
  server_.publish(Stream::kSample, time_s,
                  {{"type", "sample"}, {"t", time_s}, {"full", true}, {"v", v}});
  publish_snapshot(time_s);
}

bool RunLink::sync_point(double time_s) {
  last_time_s_ = time_s;
  for (const Command& command : server_.take_commands()) handle(command, time_s);
  const std::vector<double> row = fast_values();
  server_.record_sample(time_s, row);
  if (server_.clients() > 0) {
    publish_events();
    Json v = Json::array();
    for (double value : row) v.push_back(number_or_null(value));
    server_.publish(Stream::kSample, time_s,
                    {{"type", "sample"}, {"t", time_s}, {"full", false}, {"v", v}});
    const auto now = pumpbench::WallPacer::now();
    if (snapshot_requested_ || now - last_snapshot_wall_ >= kSnapshotPeriod) {
      publish_snapshot(time_s);
    }
    publish_status(time_s, false);
  }
  return !pending_.empty() || paused_ || (step_until_s_ >= 0.0);
}

void RunLink::handle(const Command& command, double time_s) {
  const Json& message = command.message;
  const std::string type = message["type"];
  const Json id = message.contains("id") ? message["id"] : Json();
  auto reply = [&](bool ok, const std::string& text) {
    server_.send_to(command.client, ack_message(id, ok, text));
  };
  if (type == "pause") {
    paused_ = true;
    pausers_.insert(command.client);
    step_until_s_ = -1.0;
    reply(true, "paused");
  } else if (type == "resume") {
    paused_ = false;
    pausers_.clear();
    waiting_for_client_ = false;
    step_until_s_ = -1.0;
    pacer_.reanchor(time_s);
    reply(true, "running");
  } else if (type == "step") {
    std::string error;
    const std::optional<double> duration = parse_step_duration(message, error);
    if (!duration) {
      reply(false, error);
      return;
    }
    paused_ = false;
    pausers_ = {command.client};  // the run pauses again at the step's end, held by this client
    waiting_for_client_ = false;
    step_until_s_ = time_s + *duration;
    pacer_.reanchor(time_s);
    reply(true, "stepping to " + pumptwin::plot::format_duration_exact(step_until_s_));
  } else if (type == "speed") {
    const Json& speed = message["speed"];
    speed_ = speed.is_number() ? speed.get<double>() : speed == "realtime" ? 1.0 : 0.0;
    pacer_.set_factor(speed_, time_s);
    reply(true, speed_ > 0.0 ? "speed " +
                                   std::to_string(speed_).erase(
                                       std::to_string(speed_).find_last_not_of('0') + 1) +
                                   "x real time"
                             : "as fast as possible");
  } else if (type == "snapshot") {
    snapshot_requested_ = true;
    reply(true, "snapshot follows");
  } else {
    LiveAction action;
    std::string error;
    if (!parse_action(command, action, error)) {
      reply(false, error);
      return;
    }
    pending_.push_back(std::move(action));
  }
  publish_status(time_s, true);
}

bool RunLink::parse_action(const Command& command, LiveAction& action, std::string& error) const {
  action.client = command.client;
  action.id = command.message.contains("id") ? command.message["id"] : Json();
  return parse_live_action(
      command.message, scenario_.setup,
      fault_injected_ ? fault_injected_ : [](const std::string&) { return false; }, action.step,
      error);
}

void RunLink::release_abandoned_pause(double time_s) {
  if (pausers_.empty()) return;
  for (auto client = pausers_.begin(); client != pausers_.end();) {
    client = server_.connected(*client) ? std::next(client) : pausers_.erase(client);
  }
  if (!pausers_.empty() || !paused_) return;
  // Every client that held the run has gone: nobody is left to resume it.
  paused_ = false;
  step_until_s_ = -1.0;
  pacer_.reanchor(time_s);
  publish_status(time_s, true);
}

std::vector<LiveAction> RunLink::next(double time_s, double& wake_after_s) {
  last_time_s_ = time_s;
  for (const Command& command : server_.take_commands()) handle(command, time_s);
  release_abandoned_pause(time_s);
  if (step_until_s_ >= 0.0 && time_s >= step_until_s_) {
    step_until_s_ = -1.0;
    paused_ = true;
    publish_status(time_s, true);
  }
  // Held while a client has paused the run (the only time the simulation waits on the
  // network); `serve` also holds until the first client resumes it.
  while (paused_ && pending_.empty() && !stop_requested_()) {
    publish_events();
    if (snapshot_requested_) publish_snapshot(time_s);
    publish_status(time_s, false);
    if (server_.wait_for_command(std::chrono::milliseconds(100))) {
      for (const Command& command : server_.take_commands()) handle(command, time_s);
    }
    release_abandoned_pause(time_s);
  }
  if (!paused_ && speed_ > 0.0) {
    // Pace: simulated time at speed_ x wall time, in slices so that commands stay responsive.
    for (double ahead_s = pacer_.wall_s_until(time_s); ahead_s > 0.0 && !stop_requested_();
         ahead_s = pacer_.wall_s_until(time_s)) {
      const auto slice = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::duration<double>(ahead_s)),
                                    std::chrono::milliseconds(1), kPaceSlice);
      if (server_.wait_for_command(slice)) {
        for (const Command& command : server_.take_commands()) handle(command, time_s);
        if (paused_) break;
      }
    }
  }
  if (server_.clients() > 0) {
    publish_events();
    publish_status(time_s, false);
  }
  wake_after_s = 0.0;
  if (!paused_ && speed_ > 0.0) wake_after_s = speed_ * 0.05;  // 20 wake-ups a wall second
  if (step_until_s_ > time_s) {
    wake_after_s = wake_after_s > 0.0 ? std::min(wake_after_s, step_until_s_ - time_s)
                                      : step_until_s_ - time_s;
  }
  if (paused_ && !pending_.empty()) wake_after_s = 1e-6;  // perform, then hold again
  std::vector<LiveAction> actions;
  actions.swap(pending_);
  return actions;
}

void RunLink::performed(const LiveAction& action, const std::string& answer) {
  server_.send_to(action.client, ack_message(action.id, true, answer));
}

void RunLink::publish_events() {
  if (!events_.is_open()) {
    events_.open(events_path_);
    if (!events_.is_open()) return;
  }
  events_.clear();
  std::string chunk;
  char buffer[4096];
  while (events_.read(buffer, sizeof buffer) || events_.gcount() > 0) {
    chunk.append(buffer, static_cast<std::size_t>(events_.gcount()));
    if (events_.eof()) break;
  }
  events_.clear();
  partial_line_ += chunk;
  std::size_t start = 0;
  for (;;) {
    const std::size_t newline = partial_line_.find('\n', start);
    if (newline == std::string::npos) break;
    const std::string line = partial_line_.substr(start, newline - start);
    start = newline + 1;
    std::istringstream fields(line);
    double time_s = 0.0;
    std::string source;
    fields >> time_s >> source;
    std::string text;
    std::getline(fields, text);
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);
    server_.publish(Stream::kEvent, time_s,
                    {{"type", "event"},
                     {"t", time_s},
                     {"source", source},
                     {"kind", event_kind(source, text)},
                     {"text", text}});
  }
  partial_line_.erase(0, start);
}

void RunLink::publish_status(double time_s, bool force) {
  const auto now = pumpbench::WallPacer::now();
  if (!force && now - last_status_wall_ < kStatusPeriod) return;
  last_status_wall_ = now;
  server_.publish(Stream::kStatus, time_s,
                  {{"type", "status"},
                   {"t", time_s},
                   {"paused", paused_},
                   {"waiting_for_client", waiting_for_client_},
                   {"speed", speed_ > 0.0 ? Json(speed_) : Json("max")},
                   {"step_until_s", step_until_s_ >= 0.0 ? Json(step_until_s_) : Json()},
                   {"clients", server_.clients()},
                   {"duration_s", scenario_.duration_s}});
}

void RunLink::publish_snapshot(double time_s) {
  snapshot_requested_ = false;
  last_snapshot_wall_ = pumpbench::WallPacer::now();
  if (server_.clients() == 0) return;
  server_.publish(Stream::kSnapshot, time_s, snapshot(time_s));
}

Json RunLink::snapshot(double time_s) const {
  return state_snapshot(platform_, scenario_, time_s, last_full_);
}

Json state_snapshot(const platform::Platform& platform, const pumpbench::Scenario& scenario,
                    double time_s, const std::vector<double>& last_full_sample) {
  // The patient's signals at the last full sample: read between samples, the patient model
  // would be behind the sync point (it advances at strokes and samples).
  auto full = [&](pumptwin::physio::patient_signal::Id signal) {
    const std::size_t column = pumpbench::recorded_index(signal);
    return column < last_full_sample.size() ? number_or_null(last_full_sample[column]) : Json();
  };
  const auto& asic = platform.asic;
  Json snapshot = {
      {"type", "snapshot"},
      {"t", time_s},
      {"asic",
       {{"powered", asic.powered()},
        {"irq", asic.irq.read()},
        {"reset_request", asic.reset_request.read()},
        {"tone", asic.tone.read()},
        {"phase_a", asic.phase_a()},
        {"phase_b", asic.phase_b()},
        {"core_cycles", asic.core_cycles_evaluated()},
        {"always_on_edges", asic.always_on_edges_evaluated()},
        {"sync_points", asic.sync_points()},
        {"bridge_charge_mas", asic.bridge_charge_as() * 1e3},
        {"spi_frames", platform.mcu.spi_frames()},
        {"registers", asic_registers(asic)}}},
      {"battery",
       {{"terminal_v", platform.power.terminal_v()},
        {"depth_of_discharge", platform.power.cell().depth_of_discharge()},
        {"drawn_mah", platform.power.cell().drawn_mah()},
        {"load_current_ma", platform.power.load_current_a() * 1e3}}},
      {"reservoir",
       {{"volume_ml", full(pumptwin::physio::patient_signal::kReservoirVolume)},
        {"concentration_ug_per_ml",
         full(pumptwin::physio::patient_signal::kReservoirConcentration)},
        {"delivered_volume_ul", full(pumptwin::physio::patient_signal::kDeliveredVolume)},
        {"capacity_ml", scenario.setup.reservoir_capacity_ul / 1e3}}},
      {"mcu", {{"boots", platform.mcu.boots()}, {"wake_ups", platform.mcu.wake_ups()}}},
      {"patient",
       {{"name", platform.config().patient.patient.name},
        {"body_weight_kg", platform.config().patient.patient.body_weight_kg},
        {"catheter_tip_level", platform.config().patient.catheter.tip_level},
        {"catheter_tip_signal", pumptwin::physio::segment_concentration_signal(
                                    platform.config().patient.catheter.tip_level)}}}};
  if (const pumptwin::mcu::M0PlusSoc* image = platform.mcu.image()) {
    // The firmware image's core (docs/firmware.md): its active time and its last fault.
    const pumptwin::mcu::M0PlusStats stats = image->stats();
    snapshot["mcu"]["image"] = {
        {"cpu_active_s", static_cast<double>(stats.active_ns) / 1e9},
        {"instructions", stats.instructions},
        {"wfi_sleeps", stats.wfi_sleeps},
        {"faults", stats.faults},
        {"lockups", stats.lockups},
        {"last_fault", stats.faults == 0 ? Json()
                                         : Json{{"pc", stats.last_fault.pc},
                                                {"lr", stats.last_fault.lr},
                                                {"xpsr", stats.last_fault.xpsr},
                                                {"what", stats.last_fault.what}}}};
  }
  const pumpfw::app::Pump* pump = platform.mcu.firmware();
  if (pump == nullptr) {
    // The image's firmware is read through its probe (ports/cortex-m0plus/probe.h): the state
    // of its last pass, no more.
    const std::optional<pumptwin::mcu::FirmwareStatus> status = platform.mcu.firmware_status();
    if (!status) {
      snapshot["firmware"] = {{"running", false}};
      return snapshot;
    }
    Json alarms = Json::array();
    for (unsigned bit = 0; bit < pumpbench::alarm_names().size(); ++bit) {
      if ((status->active_alarms >> bit) & 1u) alarms.push_back(pumpbench::alarm_name(bit));
    }
    snapshot["firmware"] = {
        {"running", true},
        {"wall_clock_s", status->wall_clock_s},
        {"reservoir_ml", static_cast<double>(status->reservoir_volume_nl) / 1e6},
        {"alarms", alarms}};
    return snapshot;
  }
  const pumpfw::app::TherapyRecord& therapy = pump->therapy();
  const pumpfw::app::StateRecord& state = pump->state();
  Json steps = Json::array();
  for (unsigned i = 0; i < therapy.program.step_count && i < pumpfw::app::kMaxScheduleSteps; ++i) {
    steps.push_back({{"start_minute", therapy.program.steps[i].start_minute},
                     {"rate_ug_per_day", therapy.program.steps[i].rate_ng_per_day / 1e3}});
  }
  Json alarms = Json::array();
  Json latched = Json::array();
  for (unsigned bit = 0; bit < pumpbench::alarm_names().size(); ++bit) {
    if ((pump->active_alarms() >> bit) & 1u) alarms.push_back(pumpbench::alarm_name(bit));
    if ((state.latched_alarms >> bit) & 1u) latched.push_back(pumpbench::alarm_name(bit));
  }
  std::string drug = "none";
  for (const pumpbench::DrugInfo& info : pumpbench::drug_catalogue()) {
    if (therapy.has_drug && info.firmware_id == therapy.drug_id) drug = info.name;
  }
  snapshot["firmware"] = {
      {"running", true},
      {"wall_clock_s", pump->wall_clock_s()},
      {"drug", drug},
      {"concentration_ug_per_ml", therapy.concentration_ug_per_ml},
      {"has_program", therapy.has_program != 0},
      {"mode", static_cast<int>(therapy.program.mode)},
      {"schedule", steps},
      {"periodic_bolus_ug", therapy.program.periodic.dose_ng / 1e3},
      {"ptm",
       {{"dose_ug", therapy.ptm.dose_ng / 1e3},
        {"lockout_minutes", therapy.ptm.lockout_minutes},
        {"duration_minutes", therapy.ptm.duration_minutes},
        {"max_per_day", therapy.ptm.max_per_day},
        {"granted_count", state.ptm_granted_count}}},
      {"reservoir_ml", static_cast<double>(pump->reservoir_volume_nl()) / 1e6},
      {"low_reservoir_ml", therapy.low_reservoir_ul / 1e3},
      {"alarms", alarms},
      {"latched_alarms", latched},
      {"delivering", pump->delivering()},
      {"priming", pump->priming()},
      {"bridging", pump->bridging()},
      {"bolus_active", pump->engine().bolus_active()},
      {"bolus_remaining_ug", static_cast<double>(pump->engine().bolus_remaining_ng()) / 1e3},
      {"battery_mv", pump->battery().filtered_mv()},
      {"elective_replacement", pump->battery().elective_replacement()},
      {"end_of_service", pump->battery().end_of_service()},
      {"stall_rise_time_us", pump->stall_rise_time_us()},
      {"undriven_microsteps", state.undriven_microsteps},
      {"driven_microsteps_since_refill", state.driven_microsteps_since_refill}};
  return snapshot;
}

void RunLink::end(double time_s, int exit_code) {
  publish_events();
  publish_snapshot(time_s);
  // pumpbench's exit codes (docs/scenarios.md): 4 is a known gap, never a pass.
  const char* status = exit_code == 0     ? "passed"
                       : exit_code == 1   ? "failed"
                       : exit_code == 4   ? "known_gap"
                       : exit_code == 130 ? "interrupted"
                                          : "error";
  server_.publish(Stream::kStatus, time_s,
                  {{"type", "end"}, {"t", time_s}, {"status", status}, {"exit_code", exit_code}});
  if (options_.linger) {
    std::fprintf(stderr, "pumpbench: the run has ended; still serving (Ctrl-C to stop)\n");
    while (!stop_requested_()) {
      if (server_.wait_for_command(std::chrono::milliseconds(200))) {
        for (const Command& command : server_.take_commands()) {
          server_.send_to(
              command.client,
              error_message("ended", "the run has ended",
                            command.message.contains("id") ? command.message["id"] : Json()));
        }
      }
    }
  }
  // A slow reader (a slow link, a loaded machine) still gets what its queue kept, `end`
  // included; only one that takes nothing for this long loses it.
  // Interrupted (Ctrl-C), the run must end within a second: the clients get half of it.
  server_.flush(std::chrono::milliseconds(stop_requested_() ? 500 : 10'000));
  server_.stop();
}

}  // namespace pumptwin::live
