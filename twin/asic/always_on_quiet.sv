// The twin's quiet-tick observer of the always-on domain (rtl/always_on.sv), attached with
// `bind` from outside the design (it is not part of the silicon): how many slow ticks may pass
// before that domain changes anything but its counters. The twin then delivers an idle chip's
// ticks in one edge: it advances the counters over the ticks before it (asic_netlist.h,
// MotorDriverAsic::eval_aon_edge) and clocks the last one as an ordinary tick, so the logic
// sees exactly the states it would see tick by tick.
module always_on_quiet (
    input  logic        kick_pending,
    input  logic        pattern_change,
    input  logic        reset_request,
    input  logic [ 1:0] pattern_playing,
    input  logic [ 3:0] segment_position,  // ticks into the tone segment playing
    input  logic [15:0] remaining,
    output logic [15:0] ticks_to_event
);

  // A tone pattern is made of 16-tick (0.25 s) segments; the tone may change at the tick that
  // ends one.
  localparam logic [4:0] SEGMENT_TICKS = 5'd16;
  wire [15:0] ticks_to_segment = {11'b0, SEGMENT_TICKS - {1'b0, segment_position}};

  always_comb begin
    ticks_to_event = remaining;  // the watchdog expires at the remaining-th tick
    if (kick_pending || pattern_change || reset_request) ticks_to_event = 16'd1;
    else if (pattern_playing != 0 && ticks_to_segment < ticks_to_event)
      ticks_to_event = ticks_to_segment;
  end

endmodule

// Its output is read from C++ only (public in motor_driver_asic_twin.vlt, which also waives the
// empty connection).
bind always_on always_on_quiet quiet (
    .kick_pending,
    .pattern_change,
    .reset_request,
    .pattern_playing,
    .segment_position(tone_position[3:0]),
    .remaining,
    .ticks_to_event()
);
