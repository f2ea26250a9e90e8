// SystemC model of the motor-driver ASIC: the Verilated RTL (rtl/motor_driver_asic.sv) driven
// as plain C++, with the clock gate, the crystal prescaler and the drive train around it.
//
// Time. The RTL is evaluated edge by edge in one order that does not depend on who asks for
// it: core posedges at whole µs and negedges half a µs later (only while the gated core clock
// runs), always-on edges at the 64 Hz slow-tick boundaries. At equal times the core posedge
// comes first, then the always-on edge, then input changes from outside, which are seen by
// edges after them. Two modes evaluate that same sequence on the design's one netlist
// (asic_netlist.h):
//  - lockstep: every edge is a SystemC event (the reference for waveforms and equivalence);
//  - decoupled (default): the RTL runs ahead of SystemC time in batches, up to the next time
//    any other process has something scheduled (so nobody can change an input inside a batch)
//    and never past a change of a visible output (IRQ, reset request, tone), which is
//    published at its exact time. Nothing is evaluated while the core clock is gated; slow
//    ticks are delivered in bulk up to the next always-on event; and one core edge stands for
//    the quiet cycles that the observers bound into the design report and the ordinary cycle
//    after them: the wrapper writes the counters those cycles advance, the drive train still
//    advancing every cycle (docs/asic-registers.md). Inside
//    an SPI frame, whose pin changes are known when it starts, such an edge also takes in the
//    changes before its ordinary cycle: the wrapper steps the SPI slave's flops over the
//    skipped cycles in C++ (spi_slave_cycles.h), then the netlist clocks the ordinary one.
// Inputs must be changed from SystemC processes (never between sc_start calls), so that the
// run-ahead never has to be undone.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <systemc>

#include "drive_train.h"
#include "work_meter.h"

class VerilatedContext;

namespace pumptwin::asic {

class AsicNetlist;

enum class SimulationMode { kDecoupled, kLockstep };

// ADC inputs fed by the analog front end, 0–2.5 V full scale. The motor-current channel is
// measured by the ASIC itself from the coil currents.
enum class AnalogInput : uint8_t { kBattery, kTemperature, kPressureReservoir, kPressureOutlet };

struct TraceWindow {
  std::string path;  // VCD file, or FST when it ends in .fst; empty: no tracing
  sc_core::sc_time from;
  sc_core::sc_time to;
};

struct MotorDriverAsicConfig {
  SimulationMode mode = SimulationMode::kDecoupled;
  // Longest stretch the RTL may run ahead of SystemC time in one batch.
  uint64_t max_batch_ns = 1'000'000;
  TraceWindow trace;
};

class MotorDriverAsic : public sc_core::sc_module {
 public:
  static constexpr uint64_t kCorePeriodNs = 1000;      // 1 MHz
  static constexpr uint64_t kSlowTickNs = 15'625'000;  // 32.768 kHz / 512
  static constexpr uint64_t kSpiBitNs = 8000;          // 125 kHz, the ASIC's maximum
  static constexpr uint64_t kSpiSelectSetupNs = 4000;  // CS low to the first SCLK edge
  static constexpr uint64_t kSpiSelectHoldNs = 4000;   // last SCLK edge to CS high
  static constexpr uint64_t kSpiDeselectNs = 4000;     // CS high before the next frame
  static constexpr double kAdcFullScaleV = 2.5;

  // Visible outputs, written at the exact time the RTL changes them.
  sc_core::sc_signal<bool> irq{"irq"};
  sc_core::sc_signal<bool> reset_request{"reset_request"};
  sc_core::sc_signal<uint8_t> tone{"tone"};  // 0 silent, 1 tone A, 2 tone B

  SC_HAS_PROCESS(MotorDriverAsic);
  MotorDriverAsic(const sc_core::sc_module_name& name, mech::DriveTrain& drive_train,
                  const MotorDriverAsicConfig& config = {});
  ~MotorDriverAsic() override;
  MotorDriverAsic(const MotorDriverAsic&) = delete;
  MotorDriverAsic& operator=(const MotorDriverAsic&) = delete;

  // One 32-bit SPI frame, mode 0 at 125 kHz; returns the MISO frame. Blocks the calling
  // SystemC thread for the frame's duration: kSpiSelectSetupNs + 32 bits + kSpiSelectHoldNs
  // with chip select low, then kSpiDeselectNs with it high, so frames can follow back to back.
  uint32_t spi_transfer(uint32_t mosi_frame);
  static sc_core::sc_time spi_frame_duration();

  void set_analog_input_v(AnalogInput input, double volts);
  void set_supply_v(double volts);
  void set_undervoltage(bool active);
  void set_overtemperature(bool active);
  // Supply above (true) or below (false) the chip's power-on-reset level. Without power the
  // chip is held in reset: the bridges are off, every register returns to its reset value and
  // an SPI frame reads zeros; the always-on domain stops too, and the watchdog starts again
  // from its reset timeout when power returns.
  void set_powered(bool powered);
  bool powered() const { return powered_; }
  // Fault injection: the core domain's oscillator stops (or starts again). Nothing of the core
  // is clocked while it is stopped — SPI frames go unanswered (MISO low), a move freezes with
  // its bridges as they were — while the always-on domain (watchdog, tone) runs on.
  void set_core_clock_stopped(bool stopped);

  SimulationMode mode() const { return config_.mode; }
  // Core cycles the RTL has been clocked through, in both modes the same count.
  uint64_t core_cycles_evaluated() const { return core_cycles_; }
  // Core posedges evaluated: every cycle's in lockstep; in decoupled mode one edge takes a run
  // of quiet cycles (that only count) and the ordinary cycle after it.
  uint64_t core_posedges_evaluated() const { return core_posedges_; }
  uint64_t always_on_edges_evaluated() const { return aon_edges_; }
  uint64_t sync_points() const { return sync_points_; }
  // Wall time spent evaluating the RTL and the drive train (when metering is on).
  WorkMeter& work_meter() { return work_meter_; }
  // Evaluates the edges at or before now that are still due. In lockstep the model's thread may
  // not have run yet at this instant: call this before reading state that those edges change
  // (bridge_charge_as), so both modes read the same value.
  void bring_to_now();
  // Charge the bridges have drawn from the supply so far (A·s), over the evaluated cycles.
  double bridge_charge_as() const { return drive_train_.motor().supply_charge_as(); }
  uint8_t phase_a() const;
  uint8_t phase_b() const;

  // Debug read: the value a read frame of register `address` would return, taken from the
  // RTL's flops as evaluated so far (docs/asic-registers.md), without a frame: it clocks
  // nothing, clears nothing and latches nothing (TOTAL_STEPS_HI stays as the last read of
  // TOTAL_STEPS_LO latched it). Write-only and unknown addresses read 0. For observers (the
  // live server, tests); the firmware reads over SPI. WDT_REMAINING counts the slow ticks
  // due by now that an idle chip has not been handed yet.
  uint16_t debug_read_register(uint8_t address) const;
  // TOTAL_STEPS's whole 32-bit count (1/8 full steps), unlatched.
  uint32_t debug_total_steps() const;

  // Called at every change of the phase outputs with the edge's time in ns (tests and
  // waveform checks; costs nothing when unset).
  void set_phase_observer(std::function<void(uint64_t, uint8_t, uint8_t)> observer);

 private:
  struct OutputState {
    bool irq;
    bool reset_request;
    uint8_t tone;
    bool operator==(const OutputState& other) const {
      return irq == other.irq && reset_request == other.reset_request && tone == other.tone;
    }
  };
  struct PendingOutput {
    uint64_t time_ns;
    OutputState state;
  };
  // The SPI controller's pin sequence for one frame, evaluated by the model as part of its
  // own edge sequence: chip select low, three events per bit (MOSI, SCLK rise with the MISO
  // sample, SCLK fall), chip select high, end of the frame.
  struct SpiFrame {
    bool active = false;
    uint32_t mosi = 0;
    uint32_t miso = 0;
    uint64_t start_ns = 0;
    int next_event = 0;
    // The core clock has run without a stop since the frame started, so the slave meets the
    // chip at known cycles and bulk edges may take in its pin changes.
    bool schedulable = false;
  };
  static constexpr int kSpiEventsPerFrame = 99;
  struct SpiPins {
    uint8_t cs_n = 1;
    uint8_t sclk = 0;
    uint8_t mosi = 0;
  };

  void decoupled_thread();
  // Waits until t_ns (kNever: indefinitely) or until an input wakes the model.
  void sleep_until(uint64_t t_ns);
  void lockstep_thread();
  void publish_outputs();
  // Clocks the RTL a few times with reset asserted; releases it when `release` is set.
  void clock_in_reset(bool release);

  uint64_t now_ns() const;
  // Evaluates every edge at or before t_ns. With stop_at_visible, returns after the first edge
  // that changes a visible output. Returns the time up to which the RTL has been evaluated.
  uint64_t advance_to(uint64_t t_ns, bool stop_at_visible);
  // Brings the RTL to now before an input changes; reports a modelling error if it ran ahead.
  void catch_up_for_input();
  void set_comparator_pin(uint8_t& pin, bool active);
  uint64_t next_edge_ns() const;
  uint64_t next_core_edge_ns() const;
  uint64_t next_aon_edge_ns(uint64_t* ticks) const;
  uint64_t next_spi_event_ns() const;
  uint64_t spi_event_ns(int event) const;
  // Sets the pins as the frame's event leaves them; true for an SCLK rise (whose MISO sample
  // is the controller's).
  bool apply_spi_pin_event(int event, SpiPins& pins) const;
  // Applies the frame's next pin change; returns true when that ended the frame.
  bool apply_spi_event(uint64_t time_ns);
  // Within a frame: the cycles a bulk edge whose first cycle is at first_ns may skip, the SPI
  // slave stepped over them by skip_spi_cycles, its ordinary cycle due at or before last_ns.
  uint64_t schedulable_cycles(uint64_t first_ns, uint64_t last_ns) const;
  // Takes the frame's pin changes before the bulk edge's ordinary cycle: steps the slave's
  // flops over the skipped cycles in C++ (spi_slave_cycles.h), with their MISO samples.
  void skip_spi_cycles(uint64_t first_ns, uint64_t skipped);
  // Evaluates the posedge due: bulk_cycles_ cycles, the last of them the ordinary one.
  void eval_core_posedge();
  // The drive train's cycle of the last posedge, with its phase outputs, if not yet run.
  void advance_pending_drive_cycle();
  // The negedge due, and the next posedge set up: with bulk clocking it may stand for quiet
  // cycles before an ordinary one due at or before last_ns.
  void eval_core_negedge(uint64_t last_ns);
  // Advances the drive train over up to max_skipped quiet cycles from the next posedge (the
  // observers' count, within the current-sense windows) and the RTL's registers with
  // advance_quiet_cycles; returns how many.
  uint64_t skip_quiet_cycles(uint64_t max_skipped);
  // Writes the registers that `skipped` quiet cycles change (counters, and the current-sense
  // registers as the last of them sampled the coil currents last_*_a).
  void advance_quiet_cycles(uint64_t skipped, double last_a_a, double last_b_a);
  void eval_aon_edge(uint64_t ticks);
  void after_edge(uint64_t time_ns);
  void dump_trace(uint64_t time_ns);
  // The time of the next event any other process has scheduled (the run-ahead limit).
  uint64_t horizon_ns();

  mech::DriveTrain& drive_train_;
  MotorDriverAsicConfig config_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<AsicNetlist> rtl_;
  // Decoupled and untraced: a core edge may stand for quiet cycles before it.
  bool skips_quiet_cycles_ = false;
  bool tracing_ = false;
  bool trace_open_ = false;
  bool trace_done_ = false;

  uint64_t rtl_time_ns_ = 0;  // every edge at or before this time has been evaluated
  bool powered_ = true;
  bool core_clock_stopped_ = false;
  bool core_running_ = false;
  bool core_high_ = false;          // a posedge was evaluated; its negedge is next
  uint64_t next_core_edge_ns_ = 0;  // a posedge's ordinary cycle
  uint64_t bulk_cycles_ = 1;        // the cycles the next posedge stands for
  bool drive_cycle_pending_ = false;
  uint64_t aon_ticks_delivered_ = 0;
  double supply_v_ = 3.6;
  OutputState outputs_{};
  bool outputs_changed_ = false;  // set by after_edge when a visible output changed
  std::deque<PendingOutput> pending_outputs_;
  SpiFrame spi_;
  uint8_t last_phase_a_ = 0;
  uint8_t last_phase_b_ = 0;
  std::function<void(uint64_t, uint8_t, uint8_t)> phase_observer_;

  uint64_t core_cycles_ = 0;
  uint64_t core_posedges_ = 0;
  uint64_t aon_edges_ = 0;
  uint64_t sync_points_ = 0;
  WorkMeter work_meter_;

  sc_core::sc_event wake_event_;
  sc_core::sc_event publish_event_;
  sc_core::sc_event spi_done_event_;
};

}  // namespace pumptwin::asic
