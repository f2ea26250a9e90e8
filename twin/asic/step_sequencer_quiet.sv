// The twin's quiet-cycle observer of the step sequencer (rtl/step_sequencer.sv), attached with
// `bind` from outside the design: how many next core cycles change nothing in it but its step
// period and PWM counters, which the wrapper advances over the skipped cycles of a core edge
// before the edge (asic_netlist.h). Its choppers have observers of their own
// (phase_chopper_quiet.sv); the wrapper takes the least of all the chip's quiet cycles
// (MotorDriverAsic::skip_quiet_cycles).
module step_sequencer_quiet (
    input  logic        stepping,
    input  logic        advanced,
    input  logic        move_began,
    input  logic        stop_due,           // an abort or a fault that stops the move
    input  logic [15:0] period_left,
    input  logic [ 5:0] pwm_count,
    input  logic [ 5:0] pwm_period_cycles,
    output logic [15:0] quiet_cycles,       // 0xFFFF: idle
    // Cycles to the end of the PWM period: skipping that many wraps pwm_count to 0.
    output logic [ 5:0] to_period_end
);

  // From registers only (not the reset pin: the top's observer reports no quiet cycles in
  // reset): a start needs an SPI strobe (the top's observer reports the frame), and a stall
  // shows only at a cycle the choppers' observers report. None while a move starts, stops or
  // advances, or a step or a PWM period begins.
  assign to_period_end = pwm_period_cycles - pwm_count;
  always_comb begin
    if (advanced || move_began) quiet_cycles = 16'd0;
    else if (!stepping) quiet_cycles = 16'hFFFF;
    else if (stop_due || period_left == 0 || pwm_count == 0) quiet_cycles = 16'd0;
    else quiet_cycles = {10'b0, to_period_end} < period_left ? {10'b0, to_period_end} : period_left;
  end

endmodule

// Its output is read from C++ only (public in motor_driver_asic_twin.vlt, which also waives
// the empty connection).
bind step_sequencer step_sequencer_quiet quiet (
    .stepping,
    .advanced,
    .move_began,
    .stop_due(abort || fault_overcurrent || fault_open_load),
    .period_left,
    .pwm_count,
    .pwm_period_cycles(PWM_PERIOD_CYCLES),
    .quiet_cycles(),
    .to_period_end()
);
