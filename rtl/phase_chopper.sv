// One H-bridge phase: fixed-frequency current chopping against the target current, with the
// measurements the sequencer needs for stall, open-load and overcurrent detection.
// Bulk clocking: one edge may stand for `cycles` core cycles: cycles - 1 quiet ones (at most
// the quiet_cycles reported before the edge: they only count, with isense inside its window),
// then an ordinary one on the counters as those left them. The registers end as they would
// after that many single cycles. Single-cycle clocking is cycles = 1.
// Drive encoding: 00 off (fast decay through the body diodes), 01 +V, 10 -V, 11 slow decay.
module phase_chopper #(
    parameter int BULK_CLOCKING = 1  // 0: the silicon netlist reports nothing (quiet_cycles 0)
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic        [15:0] cycles,
    input  logic               run,                // bridges may drive (a move is in progress)
    input  logic               period_start,       // a 20 kHz PWM period begins
    input  logic               reversal,           // the target's sign has just reversed
    input  logic        [ 9:0] target,             // target magnitude, 0.25 mA per code
    input  logic               target_negative,
    input  logic signed [10:0] isense,             // coil current, 0.25 mA per code
    // The current-sense register as the last edge left it: what the quiet report compares
    // (isense may be a bulk edge's skipped-cycle code only at that edge).
    input  logic signed [10:0] isense_held,
    input  logic        [10:0] overcurrent_limit,  // |isense| at or above this is overcurrent
    output logic        [ 1:0] drive,
    // Rise time after a reversal, in core cycles (µs), valid with rise_measured.
    output logic               rise_measured,
    output logic        [11:0] rise_time_us,
    output logic               overcurrent,
    output logic               open_load,
    // Edges from now that only count, while isense stays within [isense_low, isense_high].
    output logic        [15:0] quiet_cycles,
    output logic signed [10:0] isense_low,
    output logic signed [10:0] isense_high
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

  // The counters as the skipped quiet cycles of a bulk edge leave them.
  wire [15:0] skipped = cycles - 16'd1;
  wire [1:0] blanking_now = skipped >= {14'b0, blanking} ? 2'd0 : blanking - 2'(skipped);
  wire [16:0] rise_count_sum = 17'(rise_count) + 17'(skipped);
  wire [11:0] rise_count_now = !rise_counting ? rise_count :
      rise_count_sum >= 17'hFFF ? 12'hFFF : 12'(rise_count_sum);

  always_ff @(`CORE_EDGE clk) begin
    if (!rst_n || !run) begin
      drive <= DRIVE_OFF;
      blanking <= '0;
      tripped_this_period <= 1'b0;
      open_periods <= '0;
      overcurrent_cycles <= '0;
      rise_counting <= 1'b0;
      rise_count <= '0;
    end else begin
      blanking <= blanking_now;
      rise_count <= rise_count_now;
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
      end else if (blanking_now != 0) begin
        blanking <= blanking_now - 2'd1;
      end else if (driving && reached) begin
        drive <= DRIVE_SLOW;
        tripped_this_period <= 1'b1;
      end

      if (reversal) begin
        rise_counting <= 1'b1;
        rise_count <= '0;
      end else if (rise_counting) begin
        if (driving && blanking_now == 0 && reached) rise_counting <= 1'b0;
        else if (rise_count_now != 12'hFFF) rise_count <= rise_count_now + 12'd1;
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
      (reversal || (!restart && driving && blanking_now == 0 && reached));
  assign rise_time_us = reversal ? 12'hFFF : rise_count_now;
  assign overcurrent = run && overcurrent_cycles == OVERCURRENT_CYCLES;

  generate
    if (BULK_CLOCKING != 0) begin : quiet_report
      // Quiet: with isense held in its window, the next edges change nothing but the blanking and
      // rise-time counters. A stopped chopper is quiet once its registers hold their reset values.
      localparam logic [15:0] QUIET_FOREVER = 16'hFFFF;
      wire settled_off = drive == DRIVE_OFF && blanking == 0 && !tripped_this_period &&
          open_periods == 0 && overcurrent_cycles == 0 && !rise_counting && rise_count == 0;
      // From registers only (not from a bulk edge's inputs): the sequencer reports the PWM period
      // starts and reversals (restart) itself.
      wire signed [11:0] held_along = target_negative ? -12'(isense_held) : 12'(isense_held);
      wire [10:0] held_magnitude = isense_held < 0 ? 11'(-isense_held) : 11'(isense_held);
      // A driving bridge at its target turns to slow decay.
      wire trips = driving && held_along >= target_signed;
      // Not from the reset pin either (the top reports no quiet cycles in reset), so that none of
      // this is evaluated again for an edge's inputs.
      always_comb begin
        if (!run) quiet_cycles = settled_off ? QUIET_FOREVER : 16'd0;
        else if (held_magnitude >= overcurrent_limit || overcurrent_cycles != 0)
          quiet_cycles = 16'd0;
        else if (trips) quiet_cycles = 16'(blanking);
        else quiet_cycles = QUIET_FOREVER;
      end

      // The window: the codes on the same side as isense of each comparison the next edges make
      // (the target only matters while the bridge drives; the overcurrent limit, while it runs).
      localparam logic signed [11:0] ISENSE_MIN = -12'sd1024;
      localparam logic signed [11:0] ISENSE_MAX = 12'sd1023;
      wire signed [11:0] isense_wide = 12'(isense_held);
      wire signed [11:0] overcurrent_high = $signed({1'b0, overcurrent_limit});
      // Targets reached at or above `target` in the drive direction: a boundary at the first code
      // on the reached side (for a negative target, the first code above it is not reached).
      wire signed [11:0] target_boundary = target_negative ? 12'sd1 - target_signed : target_signed;
      wire signed [11:0] overcurrent_low_boundary = 12'sd1 - overcurrent_high;
      logic signed [11:0] low, high;
      always_comb begin
        low = ISENSE_MIN;
        high = ISENSE_MAX;
        if (run) begin
          if (isense_wide >= overcurrent_high) low = overcurrent_high;
          else high = overcurrent_high - 12'sd1;
          if (isense_wide >= overcurrent_low_boundary) begin
            if (overcurrent_low_boundary > low) low = overcurrent_low_boundary;
          end else if (overcurrent_low_boundary - 12'sd1 < high) high = overcurrent_low_boundary - 12'sd1;
          if (driving) begin
            if (isense_wide >= target_boundary) begin
              if (target_boundary > low) low = target_boundary;
            end else if (target_boundary - 12'sd1 < high) high = target_boundary - 12'sd1;
          end
        end
      end
      assign isense_low = 11'(low < ISENSE_MIN ? ISENSE_MIN : low);
      assign isense_high = 11'(high > ISENSE_MAX ? ISENSE_MAX : high);
    end else begin : silicon
      /* verilator lint_off UNUSEDSIGNAL */
      wire unused_isense_held = ^isense_held;
      /* verilator lint_on UNUSEDSIGNAL */
      assign quiet_cycles = 16'd0;
      assign isense_low = '0;
      assign isense_high = '0;
    end
  endgenerate
  assign open_load = run && open_periods == OPEN_LOAD_PERIODS;

endmodule
