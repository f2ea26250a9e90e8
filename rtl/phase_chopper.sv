// One H-bridge phase: fixed-frequency current chopping against the target current, with the
// measurements the sequencer needs for stall, open-load and overcurrent detection.
// Drive encoding: 00 off (fast decay through the body diodes), 01 +V, 10 -V, 11 slow decay.
module phase_chopper (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               run,                // bridges may drive (a move is in progress)
    input  logic               period_start,       // a 20 kHz PWM period begins
    input  logic               reversal,           // the target's sign has just reversed
    input  logic        [ 9:0] target,             // target magnitude, 0.25 mA per code
    input  logic               target_negative,
    input  logic signed [10:0] isense,             // coil current, 0.25 mA per code
    input  logic        [10:0] overcurrent_limit,  // |isense| at or above this is overcurrent
    output logic        [ 1:0] drive,
    // Rise time after a reversal, in core cycles (µs), valid with rise_measured.
    output logic               rise_measured,
    output logic        [11:0] rise_time_us,
    output logic               overcurrent,
    output logic               open_load
);

  localparam logic [1:0] DRIVE_OFF = 2'b00;
  localparam logic [1:0] DRIVE_POS = 2'b01;
  localparam logic [1:0] DRIVE_NEG = 2'b10;
  localparam logic [1:0] DRIVE_SLOW = 2'b11;
  localparam logic [1:0] BLANKING_CYCLES = 2'd2;  // ignore the switching spike after turn-on
  localparam logic [9:0] FAST_DECAY_MARGIN = 10'd8;  // 2 mA above target: decay fast
  localparam logic [3:0] OPEN_LOAD_PERIODS = 4'd8;
  localparam logic [2:0] OVERCURRENT_CYCLES = 3'd4;

  logic [1:0] blanking;
  logic tripped_this_period;
  logic [3:0] open_periods;
  logic [2:0] overcurrent_cycles;
  logic rise_counting;
  logic [11:0] rise_count;

  // Current in the direction the bridge drives: what the low-side sense resistor sees.
  wire signed [11:0] current_along = target_negative ? -12'(isense) : 12'(isense);
  wire signed [11:0] target_signed = $signed({2'b00, target});
  wire reached = current_along >= target_signed;
  wire driving = drive == DRIVE_POS || drive == DRIVE_NEG;
  wire [10:0] magnitude = isense < 0 ? 11'(-isense) : 11'(isense);
  wire [1:0] drive_on = target_negative ? DRIVE_NEG : DRIVE_POS;
  wire restart = period_start || reversal;

  always_ff @(posedge clk) begin
    if (!rst_n || !run) begin
      drive <= DRIVE_OFF;
      blanking <= '0;
      tripped_this_period <= 1'b0;
      open_periods <= '0;
      overcurrent_cycles <= '0;
      rise_counting <= 1'b0;
      rise_count <= '0;
    end else begin
      if (restart) begin
        if (period_start) begin
          if (driving && !tripped_this_period && target != 0 &&
              current_along < $signed({5'b0, target[9:3]}))
            open_periods <= open_periods == OPEN_LOAD_PERIODS ? open_periods : open_periods + 4'd1;
          else open_periods <= '0;
        end
        tripped_this_period <= 1'b0;
        if (target == 0) drive <= DRIVE_OFF;
        else if (!reached || reversal) begin
          drive <= drive_on;
          blanking <= BLANKING_CYCLES;
        end else if (current_along > target_signed + $signed({2'b00, FAST_DECAY_MARGIN}))
          drive <= DRIVE_OFF;
        else drive <= DRIVE_SLOW;
      end else if (blanking != 0) begin
        blanking <= blanking - 2'd1;
      end else if (driving && reached) begin
        drive <= DRIVE_SLOW;
        tripped_this_period <= 1'b1;
      end

      if (reversal) begin
        rise_counting <= 1'b1;
        rise_count <= '0;
      end else if (rise_counting) begin
        if (driving && blanking == 0 && reached) rise_counting <= 1'b0;
        else if (rise_count != 12'hFFF) rise_count <= rise_count + 12'd1;
      end

      if (magnitude >= overcurrent_limit)
        overcurrent_cycles <= overcurrent_cycles == OVERCURRENT_CYCLES ?
            overcurrent_cycles : overcurrent_cycles + 3'd1;
      else overcurrent_cycles <= '0;
    end
  end

  // A reversal that arrives before the last one's current has risen ends that measurement
  // as a slow rise (the rotor is turning).
  assign rise_measured = run && rise_counting &&
      (reversal || (!restart && driving && blanking == 0 && reached));
  assign rise_time_us = reversal ? 12'hFFF : rise_count;
  assign overcurrent = run && overcurrent_cycles == OVERCURRENT_CYCLES;

  assign open_load = run && open_periods == OPEN_LOAD_PERIODS;

endmodule
