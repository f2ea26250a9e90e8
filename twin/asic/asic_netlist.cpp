#include "asic_netlist.h"

#include <algorithm>

#include "Vmotor_driver_asic.h"
#include "Vmotor_driver_asic___024root.h"
#include "fst_waveform_file.h"
#include "verilated_vcd_c.h"

namespace pumptwin::asic {

template <class Model>
AsicNetlist::AsicNetlist(Model& model)
    : clk_core(model.clk_core),
      clk_aon(model.clk_aon),
      rst_n(model.rst_n),
      spi_cs_n(model.spi_cs_n),
      spi_sclk(model.spi_sclk),
      spi_mosi(model.spi_mosi),
      isense_a(model.isense_a),
      isense_b(model.isense_b),
      adc_motor_current(model.adc_motor_current),
      adc_battery(model.adc_battery),
      adc_temperature(model.adc_temperature),
      adc_pressure_reservoir(model.adc_pressure_reservoir),
      adc_pressure_outlet(model.adc_pressure_outlet),
      undervoltage(model.undervoltage),
      overtemperature(model.overtemperature),
      spi_miso(model.spi_miso),
      phase_a(model.phase_a),
      phase_b(model.phase_b),
      irq(model.irq),
      reset_request(model.reset_request),
      tone(model.tone),
      core_clock_request(model.core_clock_request),
      ctrl_enable(model.rootp->motor_driver_asic__DOT__ctrl_enable),
      ctrl_dir(model.rootp->motor_driver_asic__DOT__ctrl_dir),
      ctrl_sleep(model.rootp->motor_driver_asic__DOT__ctrl_sleep),
      ctrl_step_mode(model.rootp->motor_driver_asic__DOT__ctrl_step_mode),
      move_steps(model.rootp->motor_driver_asic__DOT__move_steps),
      step_period(model.rootp->motor_driver_asic__DOT__step_period),
      current_limit(model.rootp->motor_driver_asic__DOT__current_limit),
      fault(model.rootp->motor_driver_asic__DOT__fault),
      int_mask(model.rootp->motor_driver_asic__DOT__int_mask),
      int_status(model.rootp->motor_driver_asic__DOT__int_status),
      total_steps(model.rootp->motor_driver_asic__DOT__total_steps),
      total_steps_hi_latched(model.rootp->motor_driver_asic__DOT__total_steps_hi_latched),
      stall_config(model.rootp->motor_driver_asic__DOT__stall_config),
      adc_channels(model.rootp->motor_driver_asic__DOT__adc_channels),
      adc_busy(model.rootp->motor_driver_asic__DOT__adc_busy),
      adc_result(model.rootp->motor_driver_asic__DOT__adc_result),
      wdt_timeout(model.rootp->motor_driver_asic__DOT__wdt_timeout),
      wdt_remaining(model.rootp->motor_driver_asic__DOT__wdt_remaining),
      alarm_tone(model.rootp->motor_driver_asic__DOT__alarm_tone),
      busy(model.rootp->motor_driver_asic__DOT__busy),
      steps_remaining(model.rootp->motor_driver_asic__DOT__steps_remaining),
      aon_remaining(model.rootp->motor_driver_asic__DOT__aon__DOT__remaining),
      aon_tone_position(model.rootp->motor_driver_asic__DOT__aon__DOT__tone_position),
      aon_pattern_playing(model.rootp->motor_driver_asic__DOT__aon__DOT__pattern_playing),
      aon_ticks_to_event(model.rootp->motor_driver_asic__DOT__aon__DOT__quiet__DOT__ticks_to_event),
      adc_cycle(model.rootp->motor_driver_asic__DOT__adc__DOT__cycle),
      adc_counting(model.rootp->motor_driver_asic__DOT__adc__DOT__quiet__DOT__counting),
      adc_quiet_cycles(model.rootp->motor_driver_asic__DOT__adc__DOT__quiet__DOT__quiet_cycles),
      top_quiet(model.rootp->motor_driver_asic__DOT__quiet__DOT__top_quiet),
      isense_a_sampled(model.rootp->motor_driver_asic__DOT__isense_a_sampled),
      isense_b_sampled(model.rootp->motor_driver_asic__DOT__isense_b_sampled),
      period_left(model.rootp->motor_driver_asic__DOT__sequencer__DOT__period_left),
      pwm_count(model.rootp->motor_driver_asic__DOT__sequencer__DOT__pwm_count),
      sequencer_quiet_cycles(
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__quiet__DOT__quiet_cycles),
      sequencer_to_period_end(
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__quiet__DOT__to_period_end),
      chopper_a{
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__blanking,
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__rise_count,
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__rise_counting,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__quiet__DOT__quiet_cycles,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__quiet__DOT__isense_low,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_a__DOT__quiet__DOT__isense_high},
      chopper_b{
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__blanking,
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__rise_count,
          model.rootp->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__rise_counting,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__quiet__DOT__quiet_cycles,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__quiet__DOT__isense_low,
          model.rootp
              ->motor_driver_asic__DOT__sequencer__DOT__chopper_b__DOT__quiet__DOT__isense_high},
      status_byte(model.rootp->motor_driver_asic__DOT__status_byte),
      read_data(model.rootp->motor_driver_asic__DOT__read_data_q),
      spi_settled(model.rootp->motor_driver_asic__DOT__spi__DOT__quiet__DOT__settled),
      spi_cs_n_seen_(model.rootp->motor_driver_asic__DOT__spi__DOT__cs_n_seen),
      spi_sclk_seen_(model.rootp->motor_driver_asic__DOT__spi__DOT__sclk_seen),
      spi_mosi_sync_(model.rootp->motor_driver_asic__DOT__spi__DOT__mosi_sync),
      spi_bits_received_(model.rootp->motor_driver_asic__DOT__spi__DOT__bits_received),
      spi_miso_bit_(model.rootp->motor_driver_asic__DOT__spi__DOT__miso_bit),
      spi_load_read_data_(model.rootp->motor_driver_asic__DOT__spi__DOT__load_read_data),
      spi_rx_crc_(model.rootp->motor_driver_asic__DOT__spi__DOT__rx_crc),
      spi_tx_crc_(model.rootp->motor_driver_asic__DOT__spi__DOT__tx_crc),
      spi_shift_in_(model.rootp->motor_driver_asic__DOT__spi__DOT__shift_in),
      spi_miso_word_(model.rootp->motor_driver_asic__DOT__spi__DOT__miso_word) {}

uint16_t AsicNetlist::core_quiet_cycles() const {
  if (top_quiet == 0) return 0;
  return std::min({sequencer_quiet_cycles, chopper_a.quiet_cycles, chopper_b.quiet_cycles});
}

SpiSlaveState AsicNetlist::spi_slave_state() const {
  SpiSlaveState state;
  state.cs_n_seen = spi_cs_n_seen_;
  state.sclk_seen = spi_sclk_seen_;
  state.mosi_sync = spi_mosi_sync_;
  state.bits_received = spi_bits_received_;
  state.miso_bit = spi_miso_bit_;
  state.load_read_data = spi_load_read_data_;
  state.rx_crc = spi_rx_crc_;
  state.tx_crc = spi_tx_crc_;
  state.shift_in = spi_shift_in_;
  state.miso_word = spi_miso_word_;
  return state;
}

void AsicNetlist::set_spi_slave_state(const SpiSlaveState& state) {
  spi_cs_n_seen_ = state.cs_n_seen;
  spi_sclk_seen_ = state.sclk_seen;
  spi_mosi_sync_ = state.mosi_sync;
  spi_bits_received_ = state.bits_received;
  spi_miso_bit_ = state.miso_bit;
  spi_load_read_data_ = state.load_read_data;
  spi_rx_crc_ = state.rx_crc;
  spi_tx_crc_ = state.tx_crc;
  spi_shift_in_ = state.shift_in;
  spi_miso_word_ = state.miso_word;
}

namespace {

class VerilatedAsicNetlist final : public AsicNetlist {
 public:
  static std::unique_ptr<AsicNetlist> create(VerilatedContext& context, WaveformFormat trace) {
    auto model = std::make_unique<Vmotor_driver_asic>(&context, "asic");
    return std::unique_ptr<AsicNetlist>(new VerilatedAsicNetlist(std::move(model), trace));
  }
  void eval() override { model_->eval(); }
  void lower_core_clock_unevaluated() override {
    model_->clk_core = 0;
    model_->rootp->__Vtrigrprev__TOP__clk_core = 0;
  }
  void final() override { model_->final(); }
  void open_trace(const char* path) override {
    if (trace_) trace_->open(path);
  }
  void dump_trace(uint64_t time_ns) override {
    if (!trace_ || (dumped_ && time_ns <= last_dump_ns_)) return;
    trace_->dump(time_ns);
    dumped_ = true;
    last_dump_ns_ = time_ns;
  }
  void close_trace() override {
    if (trace_) trace_->close();
  }

 private:
  // The base binds its references to *model before model_ takes it over; the object stays put.
  VerilatedAsicNetlist(std::unique_ptr<Vmotor_driver_asic> model, WaveformFormat trace)
      : AsicNetlist(*model), model_(std::move(model)) {
    if (trace == WaveformFormat::kNone) return;
    // The model traces as VCD; an FST waveform is that stream translated as it is written.
    if (trace == WaveformFormat::kFst) fst_file_ = std::make_unique<FstWaveformFile>();
    trace_ = std::make_unique<VerilatedVcdC>(fst_file_.get());
    trace_->set_time_unit("1ns");
    trace_->set_time_resolution("1ns");
    model_->trace(trace_.get(), 99);
  }
  std::unique_ptr<Vmotor_driver_asic> model_;
  std::unique_ptr<FstWaveformFile> fst_file_;  // outlives trace_, which writes through it
  std::unique_ptr<VerilatedVcdC> trace_;
  bool dumped_ = false;
  uint64_t last_dump_ns_ = 0;
};

}  // namespace

std::unique_ptr<AsicNetlist> make_asic_netlist(VerilatedContext& context, WaveformFormat trace) {
  return VerilatedAsicNetlist::create(context, trace);
}

}  // namespace pumptwin::asic
