// Verilator's headers come before SystemC's: with SystemC already included they expect a
// SystemC-mode model (sc_time_stamp), and this one is plain C++.
#include "asic_netlist.h"
#include "verilated.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "asic_register_map.h"
#include "drivers/motor_driver_regs.h"
#include "motor_driver_asic.h"

namespace pumptwin::asic {

namespace {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kNoBulk = 0;  // eval_core_negedge: the next posedge is an ordinary one
// A frame's events: chip select falls (0), then each bit's MOSI, SCLK rise and fall.
constexpr int kSpiEighthRiseEvent = 1 + 7 * 3 + 1;
constexpr uint64_t kCoreHalfPeriodNs = MotorDriverAsic::kCorePeriodNs / 2;
constexpr double kCorePeriodS = 1e-6;
constexpr double kIsenseCodesPerAmp = 4000.0;            // 0.25 mA per code
constexpr double kAdcMotorCurrentCodesPerAmp = 16000.0;  // 1/16 mA per code
constexpr int kIsenseMaxCode = 1023;
constexpr int kAdcMaxCode = 4095;
constexpr uint64_t kSpiFrameNs =
    MotorDriverAsic::kSpiSelectSetupNs + 32 * MotorDriverAsic::kSpiBitNs +
    MotorDriverAsic::kSpiSelectHoldNs + MotorDriverAsic::kSpiDeselectNs;

sc_core::sc_time ns(uint64_t value) {
  return sc_core::sc_time(static_cast<double>(value), sc_core::SC_NS);
}

// Rounds half away from zero, as lround, without the library call in the per-cycle path.
long round_to_long(double value) {
  return static_cast<long>(value >= 0.0 ? value + 0.5 : value - 0.5);
}

int isense_code(double current_a) {
  const double clamped =
      std::clamp(current_a * kIsenseCodesPerAmp, -1.0 * kIsenseMaxCode, 1.0 * kIsenseMaxCode);
  return static_cast<int>(round_to_long(clamped));
}

// An 11-bit two's-complement port value as an int.
int signed_code(uint16_t port) {
  return (static_cast<int>(port & 0x7FF) ^ 0x400) - 0x400;
}

uint16_t adc_code(double value, double codes_per_unit) {
  const double clamped = std::clamp(value * codes_per_unit, 0.0, 1.0 * kAdcMaxCode);
  return static_cast<uint16_t>(round_to_long(clamped));
}

}  // namespace

MotorDriverAsic::MotorDriverAsic(const sc_core::sc_module_name& name, mech::DriveTrain& drive_train,
                                 const MotorDriverAsicConfig& config)
    : sc_core::sc_module(name),
      drive_train_(drive_train),
      config_(config),
      context_(std::make_unique<VerilatedContext>()) {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_NS)) {
    SC_REPORT_ERROR(this->name(),
                    "the ASIC model counts time in ns: call sc_set_time_resolution(1, SC_NS) "
                    "before any sc_time exists");
  }
  if (!config_.trace.path.empty()) context_->traceEverOn(true);
  // A waveform shows every cycle, so a traced run is clocked cycle by cycle.
  skips_quiet_cycles_ = config_.mode == SimulationMode::kDecoupled && config_.trace.path.empty();
  const std::string& path = config_.trace.path;
  tracing_ = !path.empty();
  const bool fst = path.size() >= 4 && path.compare(path.size() - 4, 4, ".fst") == 0;
  rtl_ = make_asic_netlist(*context_, !tracing_ ? WaveformFormat::kNone
                                      : fst     ? WaveformFormat::kFst
                                                : WaveformFormat::kVcd);
  clock_in_reset(true);
  outputs_ = {rtl_->irq != 0, rtl_->reset_request != 0, static_cast<uint8_t>(rtl_->tone)};
  last_phase_a_ = rtl_->phase_a;
  last_phase_b_ = rtl_->phase_b;

  if (config_.mode == SimulationMode::kLockstep) {
    SC_THREAD(lockstep_thread);
  } else {
    SC_THREAD(decoupled_thread);
  }
  SC_METHOD(publish_outputs);
  sensitive << publish_event_;
  dont_initialize();
}

MotorDriverAsic::~MotorDriverAsic() {
  if (trace_open_) rtl_->close_trace();
  rtl_->final();
}

void MotorDriverAsic::clock_in_reset(bool release) {
  rtl_->rst_n = 0;
  bulk_cycles_ = 1;
  rtl_->spi_cs_n = 1;
  for (int i = 0; i < 4; ++i) {
    rtl_->clk_core = 1;
    rtl_->clk_aon = 1;
    rtl_->eval();
    rtl_->clk_core = 0;
    rtl_->clk_aon = 0;
    rtl_->eval();
  }
  if (release) {
    rtl_->rst_n = 1;
    rtl_->eval();
  }
}

sc_core::sc_time MotorDriverAsic::spi_frame_duration() {
  return ns(kSpiFrameNs);
}

uint8_t MotorDriverAsic::phase_a() const {
  return rtl_->phase_a;
}
uint8_t MotorDriverAsic::phase_b() const {
  return rtl_->phase_b;
}

// The register decoder generated from rtl/motor_driver_regs.yaml (asic_register_map.h) over
// the RTL's public_flat_rd flops; tests/twin/asic_debug_read_test.cpp holds it equal to SPI
// reads, register by register.
uint16_t MotorDriverAsic::debug_read_register(uint8_t address) const {
  namespace reg = pumpfw::asic::reg;
  const uint16_t value = regmap::register_value(*rtl_, address);
  if (address == reg::kWdtRemaining.address) {
    // Slow ticks reach an idle chip in bulk, at its next always-on event (never past it:
    // fewer than `remaining`); count the ones already due, as a frame's catch-up would.
    const uint64_t due = now_ns() / kSlowTickNs;
    const uint64_t pending =
        powered_ && due > aon_ticks_delivered_ ? due - aon_ticks_delivered_ : 0;
    return pending < value ? static_cast<uint16_t>(value - pending) : value;
  }
  return value;
}

uint32_t MotorDriverAsic::debug_total_steps() const {
  return rtl_->total_steps;
}

void MotorDriverAsic::set_phase_observer(std::function<void(uint64_t, uint8_t, uint8_t)> observer) {
  phase_observer_ = std::move(observer);
}

uint64_t MotorDriverAsic::now_ns() const {
  return sc_core::sc_time_stamp().value();
}

uint64_t MotorDriverAsic::horizon_ns() {
  return now_ns() + sc_core::sc_time_to_pending_activity().value();
}

uint64_t MotorDriverAsic::next_core_edge_ns() const {
  if (!powered_ || core_clock_stopped_) return kNever;
  if (core_high_) return next_core_edge_ns_ - kCorePeriodNs + kCoreHalfPeriodNs;
  return core_running_ ? next_core_edge_ns_ : kNever;
}

uint64_t MotorDriverAsic::next_aon_edge_ns(uint64_t* ticks) const {
  *ticks = 0;
  if (!powered_) return kNever;
  if (config_.mode == SimulationMode::kLockstep) {
    *ticks = 1;
    return (aon_ticks_delivered_ + 1) * kSlowTickNs;
  }
  const uint64_t to_event = std::max<uint64_t>(rtl_->aon_ticks_to_event, 1);
  const uint64_t next_boundary_ns = (aon_ticks_delivered_ + 1) * kSlowTickNs;
  if (core_running_) {
    // Slow ticks that fell before the next core edge are delivered first, in bulk.
    const uint64_t core_edge = next_core_edge_ns();
    if (next_boundary_ns < core_edge) {
      const uint64_t pending = (core_edge - 1 - next_boundary_ns) / kSlowTickNs + 1;
      *ticks = std::min(pending, to_event);
      return (aon_ticks_delivered_ + *ticks) * kSlowTickNs;
    }
  }
  *ticks = to_event;
  return next_boundary_ns + (to_event - 1) * kSlowTickNs;
}

uint64_t MotorDriverAsic::next_edge_ns() const {
  uint64_t ticks = 0;
  return std::min({next_core_edge_ns(), next_aon_edge_ns(&ticks), next_spi_event_ns()});
}

void MotorDriverAsic::eval_core_posedge() {
  const mech::StepperMotor& motor = drive_train_.motor();
  rtl_->isense_a = static_cast<uint16_t>(isense_code(motor.phase_current_a_a())) & 0x7FF;
  rtl_->isense_b = static_cast<uint16_t>(isense_code(motor.phase_current_b_a())) & 0x7FF;
  rtl_->adc_motor_current =
      adc_code(std::max(std::fabs(motor.phase_current_a_a()), std::fabs(motor.phase_current_b_a())),
               kAdcMotorCurrentCodesPerAmp);
  rtl_->clk_core = 1;
  rtl_->eval();
  core_cycles_ += bulk_cycles_;
  bulk_cycles_ = 1;
  ++core_posedges_;
  core_high_ = true;
  // The phase outputs hold for the whole cycle; the drive train integrates over it. When quiet
  // cycles are skipped that waits for the negedge, which may add quiet cycles with the same
  // outputs to the same run of the drive train.
  drive_cycle_pending_ = true;
  if (!skips_quiet_cycles_) advance_pending_drive_cycle();
}

void MotorDriverAsic::advance_pending_drive_cycle() {
  if (!drive_cycle_pending_) return;
  drive_cycle_pending_ = false;
  drive_train_.advance(kCorePeriodS, static_cast<mech::BridgeDrive>(rtl_->phase_a),
                       static_cast<mech::BridgeDrive>(rtl_->phase_b), supply_v_);
}

void MotorDriverAsic::eval_core_negedge(uint64_t last_ns) {
  core_high_ = false;
  if (!skips_quiet_cycles_) {
    rtl_->clk_core = 0;
    rtl_->eval();
    return;
  }
  rtl_->lower_core_clock_unevaluated();
  // The next posedge (whole µs) may stand for quiet cycles before its ordinary one, if that
  // one is due by last_ns and the clock stays on. The SPI slave is either settled on its pins
  // or, inside a frame, stepped over the skipped cycles by skip_spi_cycles.
  const uint64_t posedge_ns = next_core_edge_ns_;
  if (rtl_->core_clock_request != 0 && last_ns != kNoBulk && last_ns >= posedge_ns) {
    const uint64_t max_skipped = spi_.active              ? schedulable_cycles(posedge_ns, last_ns)
                                 : rtl_->spi_settled != 0 ? (last_ns - posedge_ns) / kCorePeriodNs
                                                          : 0;
    bulk_cycles_ = 1 + skip_quiet_cycles(max_skipped);
    if (spi_.active && bulk_cycles_ > 1) skip_spi_cycles(posedge_ns, bulk_cycles_ - 1);
    next_core_edge_ns_ = posedge_ns + (bulk_cycles_ - 1) * kCorePeriodNs;
  }
  advance_pending_drive_cycle();
}

uint64_t MotorDriverAsic::skip_quiet_cycles(uint64_t max_skipped) {
  // Quiet cycles (the least the observers bound into the core domain report) are skipped while
  // the current-sense codes they compare stay inside the choppers' windows; the drive train
  // computes each of them, with the same bits as lockstep's single cycles.
  const uint64_t quiet_limit =
      std::min<uint64_t>({rtl_->core_quiet_cycles(), rtl_->adc_quiet_cycles, max_skipped});
  if (quiet_limit == 0) return 0;
  const auto held_a = static_cast<mech::BridgeDrive>(rtl_->phase_a);
  const auto held_b = static_cast<mech::BridgeDrive>(rtl_->phase_b);
  // Each cycle is quiet: it samples the currents, and its phase outputs hold while the drive
  // train integrates over it. The next cycle compares what this one sampled: outside its
  // window, it is the ordinary one. The window in amperes is the codes' half-code margins drawn
  // in by a millionth of a code, so that it holds only currents whose codes surely lie inside
  // (a current on the margin or beyond the clamp merely ends the run early).
  constexpr double kMarginCodes = 1e-6;
  const auto low_a = [](int code) { return (code - 0.5 + kMarginCodes) / kIsenseCodesPerAmp; };
  const auto high_a = [](int code) { return (code + 0.5 - kMarginCodes) / kIsenseCodesPerAmp; };
  const double a_low_a = low_a(signed_code(rtl_->chopper_a.isense_low));
  const double a_high_a = high_a(signed_code(rtl_->chopper_a.isense_high));
  const double b_low_a = low_a(signed_code(rtl_->chopper_b.isense_low));
  const double b_high_a = high_a(signed_code(rtl_->chopper_b.isense_high));
  const auto in_window = [=](double current_a_a, double current_b_a) {
    return (current_a_a >= a_low_a) & (current_a_a <= a_high_a) & (current_b_a >= b_low_a) &
           (current_b_a <= b_high_a);
  };
  // The cycle of the posedge just evaluated has the same outputs: it leads the run (its
  // currents were compared at that posedge; a start outside the window only ends the run early).
  const uint64_t leading = drive_cycle_pending_ ? 1 : 0;
  drive_cycle_pending_ = false;
  const mech::HeldCalls run = drive_train_.advance_held(leading + quiet_limit, kCorePeriodS, held_a,
                                                        held_b, supply_v_, in_window);
  const uint64_t skipped = run.calls - leading;
  if (skipped == 0) return 0;
  advance_quiet_cycles(skipped, run.last_start_a_a, run.last_start_b_a);
  return skipped;
}

void MotorDriverAsic::advance_quiet_cycles(uint64_t skipped, double last_a_a, double last_b_a) {
  // The next core edge's ordinary cycle finds the registers as `skipped` single cycles would
  // have left them: the counters advanced, and the current-sense registers holding what the
  // last skipped cycle sampled (which that cycle compares). Quiet cycles stop short of the
  // counters' events (a step, a PWM period's start, the end of blanking or of a conversion).
  rtl_->isense_a_sampled = static_cast<uint16_t>(isense_code(last_a_a)) & 0x7FF;
  rtl_->isense_b_sampled = static_cast<uint16_t>(isense_code(last_b_a)) & 0x7FF;
  if (rtl_->busy != 0) {
    rtl_->period_left = static_cast<uint16_t>(rtl_->period_left - skipped);
    rtl_->pwm_count = skipped == rtl_->sequencer_to_period_end
                          ? 0
                          : static_cast<uint8_t>(rtl_->pwm_count + skipped);
    for (AsicNetlist::Chopper* chopper : {&rtl_->chopper_a, &rtl_->chopper_b}) {
      chopper->blanking =
          skipped >= chopper->blanking ? 0 : static_cast<uint8_t>(chopper->blanking - skipped);
      // The rise time saturates at its 12-bit maximum.
      if (chopper->rise_counting != 0) {
        chopper->rise_count =
            static_cast<uint16_t>(std::min<uint64_t>(chopper->rise_count + skipped, 0xFFF));
      }
    }
  }
  if (rtl_->adc_counting != 0) {
    rtl_->adc_cycle = static_cast<uint8_t>((rtl_->adc_cycle + skipped) & 0xFu);
  }
}

void MotorDriverAsic::eval_aon_edge(uint64_t ticks) {
  // The ticks before the edge's own only count (no more than aon_ticks_to_event are
  // delivered): advance the counters over them as single ticks would, then clock the last one.
  if (ticks > 1) {
    const uint64_t skipped = ticks - 1;
    rtl_->aon_remaining = static_cast<uint16_t>(rtl_->aon_remaining - skipped);
    if (rtl_->aon_pattern_playing != 0) {
      rtl_->aon_tone_position = static_cast<uint8_t>((rtl_->aon_tone_position + skipped) & 0x3Fu);
    }
  }
  rtl_->clk_aon = 1;
  rtl_->eval();
  rtl_->clk_aon = 0;
  rtl_->eval();
  aon_ticks_delivered_ += ticks;
  ++aon_edges_;
}

void MotorDriverAsic::after_edge(uint64_t time_ns) {
  if (tracing_) dump_trace(time_ns);
  if (rtl_->phase_a != last_phase_a_ || rtl_->phase_b != last_phase_b_) {
    last_phase_a_ = rtl_->phase_a;
    last_phase_b_ = rtl_->phase_b;
    if (phase_observer_) phase_observer_(time_ns, last_phase_a_, last_phase_b_);
  }
  const OutputState now{rtl_->irq != 0, rtl_->reset_request != 0, static_cast<uint8_t>(rtl_->tone)};
  if (!(now == outputs_)) {
    outputs_ = now;
    outputs_changed_ = true;
    const bool was_empty = pending_outputs_.empty();
    pending_outputs_.push_back({time_ns, now});
    if (was_empty) publish_event_.notify(ns(time_ns - now_ns()));
  }
  // The clock gate samples the request while the clock is low.
  const bool request = rtl_->core_clock_request != 0;
  if (core_running_ && !core_high_ && !request) {
    core_running_ = false;
    drive_train_.settle();
  } else if (!core_running_ && request) {
    core_running_ = true;
    next_core_edge_ns_ = (time_ns / kCorePeriodNs + 1) * kCorePeriodNs;
  }
}

uint64_t MotorDriverAsic::advance_to(uint64_t t_ns, bool stop_at_visible) {
  const WorkMeter::Span work(work_meter_);
  uint64_t limit = t_ns;
  for (;;) {
    uint64_t ticks = 0;
    const uint64_t core_edge = next_core_edge_ns();
    const uint64_t aon_edge = next_aon_edge_ns(&ticks);
    const uint64_t spi_event = next_spi_event_ns();
    uint64_t edge = std::min({core_edge, aon_edge, spi_event});
    if (edge > limit) break;
    outputs_changed_ = false;
    bool frame_ended = false;
    // At equal times: the core posedge, then the always-on edge, then the pins from outside.
    // Only the negedge may take the pending drive-train cycle into its run.
    if (core_edge != edge || !core_high_) advance_pending_drive_cycle();
    if (core_edge == edge) {
      if (core_high_) {
        // A bulk posedge's ordinary cycle comes no later than the next always-on edge (at an
        // equal time the core edge comes first) and not past the limit; an SPI frame's pin
        // changes before it are taken in by the slave's skipped cycles.
        eval_core_negedge(std::min(limit, aon_edge));
      } else {
        eval_core_posedge();
        next_core_edge_ns_ = edge + kCorePeriodNs;
      }
    } else if (aon_edge == edge) {
      eval_aon_edge(ticks);
    } else {
      frame_ended = apply_spi_event(edge);
    }
    rtl_time_ns_ = std::max(rtl_time_ns_, edge);
    after_edge(edge);
    // Finish the edges at this same instant, then hand the visible change (or the end of an
    // SPI frame, after which the controller acts) to SystemC.
    if (stop_at_visible && (frame_ended || outputs_changed_)) {
      limit = edge;
    }
  }
  advance_pending_drive_cycle();
  rtl_time_ns_ = std::max(rtl_time_ns_, limit);
  return limit;
}

void MotorDriverAsic::catch_up_for_input() {
  const uint64_t now = now_ns();
  if (rtl_time_ns_ > now) {
    SC_REPORT_ERROR(name(),
                    "an input changed while the RTL had run ahead of SystemC time: change "
                    "ASIC inputs from SystemC processes, not between sc_start calls");
  }
  advance_to(now, false);
}

void MotorDriverAsic::bring_to_now() {
  // The decoupled model is ahead of now only after the run has stopped; nothing is due then.
  if (rtl_time_ns_ < now_ns()) advance_to(now_ns(), false);
}

void MotorDriverAsic::dump_trace(uint64_t time_ns) {
  if (trace_done_) return;
  const uint64_t from = config_.trace.from.value();
  const uint64_t to = config_.trace.to.value();
  if (!trace_open_ && time_ns >= from) {
    rtl_->open_trace(config_.trace.path.c_str());
    trace_open_ = true;
  }
  if (!trace_open_) return;
  if (time_ns > to) {
    rtl_->close_trace();
    trace_open_ = false;
    trace_done_ = true;
    return;
  }
  rtl_->dump_trace(time_ns);
}

void MotorDriverAsic::publish_outputs() {
  const uint64_t now = now_ns();
  while (!pending_outputs_.empty() && pending_outputs_.front().time_ns <= now) {
    const OutputState& state = pending_outputs_.front().state;
    irq.write(state.irq);
    reset_request.write(state.reset_request);
    tone.write(state.tone);
    pending_outputs_.pop_front();
  }
  if (!pending_outputs_.empty()) publish_event_.notify(ns(pending_outputs_.front().time_ns - now));
}

void MotorDriverAsic::decoupled_thread() {
  for (;;) {
    // Let everything due now run first: only then is the next scheduled activity known.
    while (sc_core::sc_pending_activity_at_current_time()) wait(sc_core::SC_ZERO_TIME);
    const uint64_t now = now_ns();
    const uint64_t limit = std::min(horizon_ns(), now + config_.max_batch_ns);
    const uint64_t next = next_edge_ns();
    if (next > limit) {
      sleep_until(next);
      continue;
    }
    const uint64_t reached = advance_to(limit, true);
    ++sync_points_;
    if (reached > now) sleep_until(reached);
  }
}

void MotorDriverAsic::sleep_until(uint64_t t_ns) {
  if (t_ns == kNever) {
    wait(wake_event_);
    return;
  }
  wait(ns(t_ns - now_ns()), wake_event_);
}

void MotorDriverAsic::lockstep_thread() {
  for (;;) {
    const uint64_t now = now_ns();
    const uint64_t next = next_edge_ns();
    if (next > now) {
      sleep_until(next);
      continue;
    }
    advance_to(now, false);
    ++sync_points_;
  }
}

uint32_t MotorDriverAsic::spi_transfer(uint32_t mosi_frame) {
  if (spi_.active) SC_REPORT_ERROR(name(), "an SPI frame was started while another one runs");
  catch_up_for_input();
  spi_ = SpiFrame{true, mosi_frame, 0, now_ns(), 0, powered_ && !core_clock_stopped_};
  after_edge(now_ns());
  wake_event_.notify(sc_core::SC_ZERO_TIME);
  wait(spi_done_event_);
  return spi_.miso;
}

uint64_t MotorDriverAsic::next_spi_event_ns() const {
  return spi_.active ? spi_event_ns(spi_.next_event) : kNever;
}

uint64_t MotorDriverAsic::spi_event_ns(int event) const {
  const uint64_t start = spi_.start_ns;
  if (event == 0) return start;
  const uint64_t end = start + kSpiFrameNs;
  if (event == kSpiEventsPerFrame - 2) return end - kSpiDeselectNs;
  if (event == kSpiEventsPerFrame - 1) return end;
  const uint64_t bit = static_cast<uint64_t>(event - 1) / 3;
  const uint64_t phase = static_cast<uint64_t>(event - 1) % 3;
  return start + kSpiSelectSetupNs + bit * kSpiBitNs + phase * (kSpiBitNs / 2);
}

bool MotorDriverAsic::apply_spi_pin_event(int event, SpiPins& pins) const {
  if (event == 0) {
    pins.cs_n = 0;
  } else if (event == kSpiEventsPerFrame - 2) {
    pins.cs_n = 1;
    pins.mosi = 0;
  } else {
    const int bit = (event - 1) / 3;
    switch ((event - 1) % 3) {
      case 0:
        pins.mosi = (spi_.mosi >> (31 - bit)) & 1u;
        break;
      case 1:
        pins.sclk = 1;
        return true;
      default:
        pins.sclk = 0;
        break;
    }
  }
  return false;
}

bool MotorDriverAsic::apply_spi_event(uint64_t time_ns) {
  const int event = spi_.next_event++;
  if (event == kSpiEventsPerFrame - 1) {
    spi_.active = false;
    spi_done_event_.notify(ns(time_ns - now_ns()));
    return true;
  }
  SpiPins pins{rtl_->spi_cs_n, rtl_->spi_sclk, rtl_->spi_mosi};
  if (apply_spi_pin_event(event, pins)) spi_.miso = (spi_.miso << 1) | (rtl_->spi_miso & 1u);
  rtl_->spi_cs_n = pins.cs_n;
  rtl_->spi_sclk = pins.sclk;
  rtl_->spi_mosi = pins.mosi;
  // Only chip select reaches more than the synchronisers' flops (it wakes the core clock), and
  // those take MOSI and SCLK at the next core edge: when quiet cycles are skipped, the other pin
  // changes need no evaluation of their own (lockstep and waveforms show each).
  if (!skips_quiet_cycles_ || event == 0 || event == kSpiEventsPerFrame - 2) rtl_->eval();
  return false;
}

uint64_t MotorDriverAsic::schedulable_cycles(uint64_t first_ns, uint64_t last_ns) const {
  if (!spi_.schedulable) return 0;
  // The slave meets the rest of the chip at the third core cycle after the eighth SCLK rise
  // (the register read) and after chip select rises (the end of the frame): that cycle must
  // be an edge of its own (skip_spi_cycles checks it).
  constexpr uint64_t kSynchroniserCycles = 3;
  const auto meeting_cycle_ns = [](uint64_t pin_change_ns) {
    return (pin_change_ns / kCorePeriodNs + kSynchroniserCycles) * kCorePeriodNs;
  };
  // The frame's end is the controller's: it comes after a cycle due at its time.
  uint64_t last = std::min(last_ns, spi_event_ns(kSpiEventsPerFrame - 1));
  for (const int event : {kSpiEighthRiseEvent, kSpiEventsPerFrame - 2}) {
    const uint64_t meeting_ns = meeting_cycle_ns(spi_event_ns(event));
    if (first_ns == meeting_ns) return 0;
    if (first_ns < meeting_ns) {
      last = std::min(last, meeting_ns - kCorePeriodNs);
      break;
    }
  }
  if (last < first_ns) return 0;
  return (last - first_ns) / kCorePeriodNs;
}

void MotorDriverAsic::skip_spi_cycles(uint64_t first_ns, uint64_t skipped) {
  // Nothing is evaluated before the edge: the slave steps over the skipped cycles here, on the
  // status byte and read data the chip holds through them, and the edge clocks its ordinary
  // cycle from the flops written back.
  SpiSlaveState slave = rtl_->spi_slave_state();
  const uint8_t status_byte = rtl_->status_byte;
  const uint16_t read_data = rtl_->read_data;
  SpiPins pins{rtl_->spi_cs_n, rtl_->spi_sclk, rtl_->spi_mosi};
  bool met_chip = false;
  // Cycle k's edge is at first_ns + k µs and samples the pins as the events before it leave
  // them (an event at an edge's own time comes after it); an SCLK rise samples MISO as the
  // cycle before it left it. Cycle `skipped` is the ordinary one.
  for (uint64_t cycle = 0;; ++cycle) {
    const uint64_t edge_ns = first_ns + cycle * kCorePeriodNs;
    for (uint64_t event_ns = spi_event_ns(spi_.next_event); event_ns < edge_ns;
         event_ns = spi_event_ns(spi_.next_event)) {
      if (apply_spi_pin_event(spi_.next_event++, pins))
        spi_.miso = (spi_.miso << 1) | (spi_slave_miso(slave) ? 1u : 0u);
    }
    met_chip = met_chip || spi_slave_meets_chip(slave);
    if (cycle == skipped) break;
    step_spi_slave(slave, {pins.cs_n != 0, pins.sclk != 0, pins.mosi != 0}, status_byte, read_data);
  }
  if (met_chip) {
    SC_REPORT_ERROR(name(),
                    "a bulk edge skipped a cycle where the SPI slave meets the chip (a modelling "
                    "error in the frame's timing)");
  }
  rtl_->set_spi_slave_state(slave);
  rtl_->spi_cs_n = pins.cs_n;
  rtl_->spi_sclk = pins.sclk;
  rtl_->spi_mosi = pins.mosi;
}

void MotorDriverAsic::set_analog_input_v(AnalogInput input, double volts) {
  catch_up_for_input();
  const uint16_t code = adc_code(volts, (kAdcMaxCode + 1) / kAdcFullScaleV);
  switch (input) {
    case AnalogInput::kBattery:
      rtl_->adc_battery = code;
      break;
    case AnalogInput::kTemperature:
      rtl_->adc_temperature = code;
      break;
    case AnalogInput::kPressureReservoir:
      rtl_->adc_pressure_reservoir = code;
      break;
    case AnalogInput::kPressureOutlet:
      rtl_->adc_pressure_outlet = code;
      break;
  }
}

void MotorDriverAsic::set_supply_v(double volts) {
  catch_up_for_input();
  supply_v_ = volts;
}

void MotorDriverAsic::set_comparator_pin(uint8_t& pin, bool active) {
  catch_up_for_input();
  pin = active;
  // The pin can wake the core clock: settle the logic and let the model's thread see it.
  rtl_->eval();
  after_edge(now_ns());
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void MotorDriverAsic::set_powered(bool powered) {
  if (powered == powered_) return;
  catch_up_for_input();
  const uint64_t now = now_ns();
  powered_ = powered;
  spi_.schedulable = false;  // the frame's cycles no longer follow from its pin changes
  if (!powered) {
    core_running_ = false;
    core_high_ = false;
    clock_in_reset(false);
    drive_train_.settle();
  } else {
    clock_in_reset(true);
    // The prescaler starts again with the supply: the ticks of the dark time never happened.
    aon_ticks_delivered_ = now / kSlowTickNs;
  }
  after_edge(now);
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void MotorDriverAsic::set_core_clock_stopped(bool stopped) {
  if (stopped == core_clock_stopped_) return;
  catch_up_for_input();
  core_clock_stopped_ = stopped;
  spi_.schedulable = false;  // the frame's cycles no longer follow from its pin changes
  if (!stopped && core_running_) {
    // The oscillator restarts on its grid: finish a clock pulse cut short, then carry on.
    if (core_high_) eval_core_negedge(kNoBulk);
    next_core_edge_ns_ = (now_ns() / kCorePeriodNs + 1) * kCorePeriodNs;
  }
  after_edge(now_ns());
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void MotorDriverAsic::set_undervoltage(bool active) {
  set_comparator_pin(rtl_->undervoltage, active);
}

void MotorDriverAsic::set_overtemperature(bool active) {
  set_comparator_pin(rtl_->overtemperature, active);
}

}  // namespace pumptwin::asic
