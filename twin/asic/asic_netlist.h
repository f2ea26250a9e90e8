// The Verilated netlist of rtl/motor_driver_asic.sv, as MotorDriverAsic drives it (plain C++,
// not --sc pins): the design's one netlist, with the twin's observers bound into it, which
// every mode evaluates (an FST-traced run the same netlist Verilated for that format). The
// members are references to the model's ports, to the register flops the debug read decodes
// and to the state the twin's fast path reads and writes (made public by the .vlt control files
// of twin/asic, never in the RTL): the one place that knows Verilator's names for them.
// Include before SystemC (Verilator's headers expect that order).
#pragma once

#include <cstdint>
#include <memory>

#include "spi_slave_cycles.h"
#include "verilated.h"

namespace pumptwin::asic {

class AsicNetlist {
 public:
  virtual ~AsicNetlist() = default;
  AsicNetlist(const AsicNetlist&) = delete;
  AsicNetlist& operator=(const AsicNetlist&) = delete;

  virtual void eval() = 0;
  // Lowers clk_core without evaluating the falling edge: every core flop takes the rising edge,
  // so when no input changes with it the falling edge changes nothing in the design but
  // Verilator's memory of the clock's level, which the next eval() compares to see a rising
  // edge. Saves an evaluation per core cycle where no waveform shows the edge.
  virtual void lower_core_clock_unevaluated() = 0;
  virtual void final() = 0;
  // The waveform file of a traced netlist (make_asic_netlist's `trace`): opened once, dumped
  // at strictly increasing times (a repeated time is skipped: Verilator would warn on stdout).
  virtual void open_trace(const char* path) = 0;
  virtual void dump_trace(uint64_t time_ns) = 0;
  virtual void close_trace() = 0;

  // Inputs.
  CData& clk_core;
  CData& clk_aon;
  CData& rst_n;
  CData& spi_cs_n;
  CData& spi_sclk;
  CData& spi_mosi;
  SData& isense_a;
  SData& isense_b;
  SData& adc_motor_current;
  SData& adc_battery;
  SData& adc_temperature;
  SData& adc_pressure_reservoir;
  SData& adc_pressure_outlet;
  CData& undervoltage;
  CData& overtemperature;
  // Outputs.
  const CData& spi_miso;
  const CData& phase_a;
  const CData& phase_b;
  const CData& irq;
  const CData& reset_request;
  const CData& tone;
  const CData& core_clock_request;
  // Register flops and the status they are decoded from.
  const CData& ctrl_enable;
  const CData& ctrl_dir;
  const CData& ctrl_sleep;
  const CData& ctrl_step_mode;
  const SData& move_steps;
  const SData& step_period;
  const CData& current_limit;
  const CData& fault;
  const SData& int_mask;
  const SData& int_status;
  const IData& total_steps;
  const SData& total_steps_hi_latched;
  const SData& stall_config;
  const CData& adc_channels;
  const CData& adc_busy;
  const VlUnpacked<SData, 5>& adc_result;
  const SData& wdt_timeout;
  const SData& wdt_remaining;
  const CData& alarm_tone;
  const CData& busy;
  const SData& steps_remaining;
  // The always-on domain, for delivering an idle chip's slow ticks in one edge
  // (motor_driver_asic_twin.vlt): its counters, written over the ticks before the edge's own,
  // and the ticks that may pass before it changes more than them (always_on_quiet.sv, bound
  // into it).
  SData& aon_remaining;
  CData& aon_tone_position;
  const CData& aon_pattern_playing;
  const SData& aon_ticks_to_event;
  // The ADC sequencer: its conversion's cycle count, written over the skipped cycles of a core
  // edge, and what its observer (adc_controller_quiet.sv) reports.
  CData& adc_cycle;
  const CData& adc_counting;
  const SData& adc_quiet_cycles;
  // The core domain's quiet cycles (motor_driver_asic_quiet.sv, step_sequencer_quiet.sv,
  // phase_chopper_quiet.sv, bound into it): whether the top's own registers are quiet, and the
  // counters the skipped cycles of a core edge advance before the edge. The current-sense
  // registers take the codes the last skipped cycle sampled, which the edge compares.
  const CData& top_quiet;
  SData& isense_a_sampled;
  SData& isense_b_sampled;
  SData& period_left;
  CData& pwm_count;
  const SData& sequencer_quiet_cycles;
  const CData& sequencer_to_period_end;  // skipping this many cycles ends the PWM period
  struct Chopper {
    CData& blanking;
    SData& rise_count;
    const CData& rise_counting;
    const SData& quiet_cycles;
    // The current-sense codes within which those cycles stay quiet.
    const SData& isense_low;
    const SData& isense_high;
  };
  Chopper chopper_a;
  Chopper chopper_b;
  // The next core cycles that only count in the top, the sequencer and its choppers (the ADC
  // reports its own): 0 unless the top is quiet, else the least of their counts.
  uint16_t core_quiet_cycles() const;
  // The SPI slave: its flops, read and written around the cycles a core edge skips inside a
  // frame (spi_slave_cycles.h), what it reads from the chip in them, and whether its
  // observer (spi_slave_quiet.sv) finds it settled on its pins.
  SpiSlaveState spi_slave_state() const;
  void set_spi_slave_state(const SpiSlaveState& state);
  const CData& status_byte;
  const SData& read_data;
  const CData& spi_settled;

 protected:
  template <class Model>
  explicit AsicNetlist(Model& model);

 private:
  CData& spi_cs_n_seen_;
  CData& spi_sclk_seen_;
  CData& spi_mosi_sync_;
  CData& spi_bits_received_;
  CData& spi_miso_bit_;
  CData& spi_load_read_data_;
  CData& spi_rx_crc_;
  CData& spi_tx_crc_;
  IData& spi_shift_in_;
  IData& spi_miso_word_;
};

enum class WaveformFormat { kNone, kVcd, kFst };

std::unique_ptr<AsicNetlist> make_asic_netlist(VerilatedContext& context,
                                               WaveformFormat trace = WaveformFormat::kNone);

}  // namespace pumptwin::asic
