// One Verilated netlist of rtl/motor_driver_asic.sv, as MotorDriverAsic drives it (plain C++,
// not --sc pins). Two are built from the same RTL (rtl/core_clocking.sv): lockstep evaluates the
// silicon netlist (the bulk-clocking ports tied off and their logic generated away), decoupled
// mode the bulk-clocking one, whose core flops take every toggle of clk_core as a cycle and a
// cycle may stand for a run of quiet ones. The members are references to the model's
// ports, to the register flops the debug read decodes and to the state the twin's fast path
// reads and writes (made public by the .vlt control files of twin/asic, never in the RTL): the
// one place that knows Verilator's names for them.
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
  virtual void final() = 0;
  // The waveform file of a traced netlist (make_asic_netlist's `trace`): opened once, dumped
  // at strictly increasing times (a repeated time is skipped: Verilator would warn on stdout).
  virtual void open_trace(const char* path) = 0;
  virtual void dump_trace(uint64_t time_ns) = 0;
  virtual void close_trace() = 0;

  // Inputs.
  CData& clk_core;
  SData& core_cycles;
  CData& clk_aon;
  CData& rst_n;
  CData& spi_cs_n;
  CData& spi_sclk;
  CData& spi_mosi;
  SData& isense_a;
  SData& isense_b;
  SData& isense_a_skipped;
  SData& isense_b_skipped;
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
  const SData& core_quiet_cycles;
  const SData& isense_a_low;
  const SData& isense_a_high;
  const SData& isense_b_low;
  const SData& isense_b_high;
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

// bulk_clocking: the bulk-clocking netlist (decoupled mode), else the silicon one; a traced
// netlist is always the silicon one (a waveform shows its clock).
std::unique_ptr<AsicNetlist> make_asic_netlist(VerilatedContext& context, bool bulk_clocking,
                                               WaveformFormat trace = WaveformFormat::kNone);

}  // namespace pumptwin::asic
