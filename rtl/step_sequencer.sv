// Step sequencer: turns a move command into microstep positions at the step period, drives the
// two phase choppers from a sine table, counts the steps it actually drove, and stops the
// motor on stall, overcurrent, open load or an external abort.
// Bulk clocking as in phase_chopper: an edge stands for `cycles` core cycles, of which the
// first cycles - 1 are quiet (at most the quiet_cycles reported before it).
module step_sequencer #(
    parameter int BULK_CLOCKING = 1  // 0: the silicon netlist reports nothing (quiet_cycles 0)
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic        [15:0] cycles,
    input  logic               start,
    input  logic        [15:0] steps,
    input  logic        [15:0] step_period_us,
    input  logic        [ 1:0] step_mode,            // 0 full, 1 half, 2/3 eighth
    input  logic               reverse,
    input  logic        [ 7:0] current_limit_ma,
    input  logic               abort,
    input  logic        [11:0] stall_rise_time_us,
    input  logic        [ 3:0] stall_count,
    input  logic signed [10:0] isense_a,
    input  logic signed [10:0] isense_b,
    input  logic signed [10:0] isense_a_held,  // the current-sense registers (quiet report)
    input  logic signed [10:0] isense_b_held,
    output logic        [ 1:0] phase_a,
    output logic        [ 1:0] phase_b,
    output logic               busy,
    output logic        [15:0] steps_remaining,
    output logic               step_driven,          // strobe: one step completed
    output logic        [ 3:0] step_eighths,         // its size in 1/8 full step
    output logic               done,                 // strobe: the move ended
    output logic               fault_overcurrent,    // strobes
    output logic               fault_stall,
    output logic               fault_open_load,
    output logic        [15:0] quiet_cycles,
    output logic signed [10:0] isense_a_low,
    output logic signed [10:0] isense_a_high,
    output logic signed [10:0] isense_b_low,
    output logic signed [10:0] isense_b_high
);

  localparam logic [15:0] MIN_STEP_PERIOD_US = 16'd100;
  localparam logic [5:0] PWM_PERIOD_CYCLES = 6'd50;  // 20 kHz at the 1 MHz core clock

  logic stepping;
  // The first period of a move holds the present position, so that a rotor left off its
  // detent by an aborted move is pulled back in line before the first step.
  logic aligning;
  logic [4:0] microstep;  // 32 per electrical cycle
  logic [15:0] period_left;
  logic [5:0] pwm_count;
  logic sign_a, sign_b;  // sign of the last non-zero target of each phase
  logic [3:0] stalled_reversals;

  // cos(k * 11.25°) * 255 for k = 0..8.
  function automatic logic [7:0] quarter_cosine(input logic [3:0] k);
    case (k)
      4'd0: return 8'd255;
      4'd1: return 8'd250;
      4'd2: return 8'd236;
      4'd3: return 8'd212;
      4'd4: return 8'd180;
      4'd5: return 8'd142;
      4'd6: return 8'd98;
      4'd7: return 8'd50;
      default: return 8'd0;
    endcase
  endfunction

  // |cos| repeats every half cycle, so only the index within the half cycle matters.
  function automatic logic [7:0] cosine_magnitude(input logic [3:0] within_half);
    return quarter_cosine(within_half <= 4'd8 ? within_half : 4'd0 - within_half);
  endfunction

  function automatic logic cosine_negative(input logic [4:0] index);
    return index > 5'd8 && index < 5'd24;
  endfunction

  wire [4:0] index_b = microstep - 5'd8;  // sin(x) = cos(x - 90°)
  wire [7:0] magnitude_a = cosine_magnitude(microstep[3:0]);
  wire [7:0] magnitude_b = cosine_magnitude(index_b[3:0]);
  wire negative_a = cosine_negative(microstep);
  wire negative_b = cosine_negative(index_b);
  // The low six bits of the products lie below the current-sense resolution.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0] product_a = current_limit_ma * magnitude_a;
  wire [15:0] product_b = current_limit_ma * magnitude_b;
  /* verilator lint_on UNUSEDSIGNAL */
  // limit (mA) * table / 255 in 0.25 mA codes ~= limit * table / 64, less two codes (0.5 mA):
  // the chopper reacts two cycles after the current crosses its target, and the current rises
  // by at most ~0.3 mA a cycle, so the coil current stays at or under the limit.
  localparam logic [9:0] REACTION_MARGIN_CODES = 10'd2;
  wire [9:0] target_a = product_a[15:6] > REACTION_MARGIN_CODES ?
      product_a[15:6] - REACTION_MARGIN_CODES : '0;
  wire [9:0] target_b = product_b[15:6] > REACTION_MARGIN_CODES ?
      product_b[15:6] - REACTION_MARGIN_CODES : '0;
  // 1.5 x the limit in 0.25 mA codes: limit * 4 + limit * 2.
  wire [10:0] overcurrent_code = {1'b0, current_limit_ma, 2'b00} + {2'b00, current_limit_ma, 1'b0};

  wire [4:0] step_size = step_mode == 2'd0 ? 5'd8 : step_mode == 2'd1 ? 5'd4 : 5'd1;
  wire [4:0] next_microstep = reverse ? microstep - step_size : microstep + step_size;
  wire [15:0] period_cycles = step_period_us < MIN_STEP_PERIOD_US ? MIN_STEP_PERIOD_US
                                                                   : step_period_us;
  wire run = stepping;
  // The counters as the skipped quiet cycles of a bulk edge leave them (never past a step or
  // the start of a PWM period: those cycles are not quiet).
  wire [15:0] skipped = cycles - 16'd1;
  wire [6:0] pwm_sum = 7'(pwm_count) + 7'(skipped > 16'd50 ? 16'd50 : skipped);
  wire [5:0] pwm_now = !run ? pwm_count :
      pwm_sum >= 7'(PWM_PERIOD_CYCLES) ? 6'(pwm_sum - 7'(PWM_PERIOD_CYCLES)) : 6'(pwm_sum);
  wire [15:0] period_left_now = run ? period_left - skipped : period_left;
  wire period_start = run && pwm_now == 0;
  logic advanced;  // the microstep changed in the previous cycle
  // The first cycle of a move: the coils were off, so the new position's signs are adopted
  // without counting a reversal.
  logic move_began;
  wire reversal_a = advanced && target_a != 0 && negative_a != sign_a;
  wire reversal_b = advanced && target_b != 0 && negative_b != sign_b;

  logic rise_measured_a, rise_measured_b;
  logic [11:0] rise_time_a, rise_time_b;
  logic overcurrent_a, overcurrent_b, open_load_a, open_load_b;
  logic [15:0] quiet_a, quiet_b;

  phase_chopper #(.BULK_CLOCKING(BULK_CLOCKING)) chopper_a (
      .clk, .rst_n, .cycles, .run, .period_start,
      .reversal(reversal_a),
      .target(target_a),
      .target_negative(negative_a),
      .isense(isense_a),
      .isense_held(isense_a_held),
      .overcurrent_limit(overcurrent_code),
      .drive(phase_a),
      .rise_measured(rise_measured_a),
      .rise_time_us(rise_time_a),
      .overcurrent(overcurrent_a),
      .open_load(open_load_a),
      .quiet_cycles(quiet_a),
      .isense_low(isense_a_low),
      .isense_high(isense_a_high)
  );

  phase_chopper #(.BULK_CLOCKING(BULK_CLOCKING)) chopper_b (
      .clk, .rst_n, .cycles, .run, .period_start,
      .reversal(reversal_b),
      .target(target_b),
      .target_negative(negative_b),
      .isense(isense_b),
      .isense_held(isense_b_held),
      .overcurrent_limit(overcurrent_code),
      .drive(phase_b),
      .rise_measured(rise_measured_b),
      .rise_time_us(rise_time_b),
      .overcurrent(overcurrent_b),
      .open_load(open_load_b),
      .quiet_cycles(quiet_b),
      .isense_low(isense_b_low),
      .isense_high(isense_b_high)
  );

  wire stalled_a = rise_measured_a && rise_time_a < stall_rise_time_us;
  wire stalled_b = rise_measured_b && rise_time_b < stall_rise_time_us;
  wire turning = (rise_measured_a && !stalled_a) || (rise_measured_b && !stalled_b);
  wire [3:0] stalled_now = {3'b0, stalled_a} + {3'b0, stalled_b};
  wire [4:0] stall_run = {1'b0, stalled_reversals} + {1'b0, stalled_now};

  assign fault_overcurrent = overcurrent_a || overcurrent_b;
  assign fault_open_load = open_load_a || open_load_b;
  assign fault_stall = run && stall_count != 0 && !turning && stalled_now != 0 &&
      stall_run >= {1'b0, stall_count};
  wire stop = abort || fault_overcurrent || fault_open_load || fault_stall;

  generate
    if (BULK_CLOCKING != 0) begin : quiet_report
      // Quiet edges: only period_left and pwm_count count, until the next step or PWM period
      // begins; none while a move starts, stops, advances or a strobe is due.
      localparam logic [15:0] QUIET_FOREVER = 16'hFFFF;
      logic [15:0] quiet_own;
      always_comb begin
        // From registers only (not the reset pin: the top reports no quiet cycles in reset): a
        // start needs an SPI strobe (the top reports the frame), and a stall shows only at a
        // cycle the choppers report.
        if (advanced || move_began) quiet_own = 16'd0;
        else if (!stepping) quiet_own = QUIET_FOREVER;
        else if (abort || fault_overcurrent || fault_open_load || period_left == 0 ||
                 pwm_count == 0)
          quiet_own = 16'd0;
        else begin
          quiet_own = period_left;
          if ({10'b0, PWM_PERIOD_CYCLES - pwm_count} < quiet_own)
            quiet_own = {10'b0, PWM_PERIOD_CYCLES - pwm_count};
        end
      end
      wire [15:0] quiet_choppers = quiet_a < quiet_b ? quiet_a : quiet_b;
      assign quiet_cycles = quiet_own < quiet_choppers ? quiet_own : quiet_choppers;
    end else begin : silicon
      /* verilator lint_off UNUSEDSIGNAL */
      wire unused_quiet = ^{quiet_a, quiet_b};
      /* verilator lint_on UNUSEDSIGNAL */
      assign quiet_cycles = 16'd0;
    end
  endgenerate

  always_ff @(`CORE_EDGE clk) begin
    if (!rst_n) begin
      stepping <= 1'b0;
      aligning <= 1'b0;
      microstep <= 5'd4;  // a 45° point: full steps then drive both phases
      period_left <= '0;
      pwm_count <= '0;
      steps_remaining <= '0;
      sign_a <= 1'b0;
      sign_b <= 1'b0;
      stalled_reversals <= '0;
      advanced <= 1'b0;
      move_began <= 1'b0;
    end else begin
      advanced <= 1'b0;
      move_began <= 1'b0;
      period_left <= period_left_now;
      pwm_count <= pwm_now;
      if (run) pwm_count <= pwm_now == PWM_PERIOD_CYCLES - 6'd1 ? '0 : pwm_now + 6'd1;
      if ((advanced || move_began) && target_a != 0) sign_a <= negative_a;
      if ((advanced || move_began) && target_b != 0) sign_b <= negative_b;
      if (turning) stalled_reversals <= '0;
      else if (stalled_now != 0) stalled_reversals <= stall_run[3:0];

      if (!stepping) begin
        if (start && steps != 0 && !abort) begin
          stepping <= 1'b1;
          aligning <= 1'b1;
          period_left <= period_cycles - 16'd1;
          pwm_count <= '0;
          steps_remaining <= steps;
          stalled_reversals <= '0;
          move_began <= 1'b1;
        end
      end else if (stop) begin
        stepping <= 1'b0;
      end else if (period_left_now != 0) begin
        period_left <= period_left_now - 16'd1;
      end else if (aligning) begin
        aligning <= 1'b0;
        period_left <= period_cycles - 16'd1;
        microstep <= next_microstep;
        advanced <= 1'b1;
      end else begin
        // The step has been driven for its whole period: count it, then take the next one.
        // The last step's period is the rotor's settling time at the final position.
        steps_remaining <= steps_remaining - 16'd1;
        period_left <= period_cycles - 16'd1;
        if (steps_remaining == 16'd1) stepping <= 1'b0;
        else begin
          microstep <= next_microstep;
          advanced <= 1'b1;
        end
      end
    end
  end

  assign busy = run;
  assign step_driven = stepping && !aligning && !stop && period_left_now == 0;
  assign step_eighths = step_size[3:0];
  assign done = stepping && (stop || (!aligning && period_left_now == 0 && steps_remaining == 16'd1));

endmodule
