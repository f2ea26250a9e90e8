// The twin's quiet-cycle observer of the ADC sequencer (rtl/adc_controller.sv), attached with
// `bind` from outside the design: how many next core cycles only count the conversion's cycle,
// and whether the sequencer counts at all. The wrapper takes the lesser of this and the rest of
// the chip's quiet cycles (MotorDriverAsic::skip_quiet_cycles) and, for a core edge that
// stands for skipped cycles, advances `cycle` over them before the edge (asic_netlist.h).
module adc_controller_quiet (
    input  logic        rst_n,
    input  logic        start,
    input  logic [ 4:0] pending,
    input  logic [ 2:0] channel,
    input  logic [ 3:0] cycle,
    input  logic [ 3:0] conversion_cycles,  // the last cycle of a conversion
    output logic        counting,           // the next cycle counts a conversion's cycle
    output logic [15:0] quiet_cycles        // cycles from now that only count (0xFFFF: idle)
);

  wire busy = pending != 0;
  assign counting = busy && pending[channel];
  assign quiet_cycles = !rst_n ? 16'd0 : !busy ? (start ? 16'd0 : 16'hFFFF) :
      !pending[channel] || cycle == conversion_cycles ? 16'd0 :
      {12'b0, conversion_cycles - cycle};

endmodule

// Its outputs are read from C++ only (public in motor_driver_asic_twin.vlt, which also waives
// the empty connections).
bind adc_controller adc_controller_quiet quiet (
    .rst_n,
    .start,
    .pending,
    .channel,
    .cycle,
    .conversion_cycles(CONVERSION_CYCLES),
    .counting(),
    .quiet_cycles()
);
