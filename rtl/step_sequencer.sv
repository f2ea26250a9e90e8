// Step sequencer: turns a move command into microstep positions at the step period, drives the
// two phase choppers from a sine table, counts the steps it actually drove, and stops the
// motor on stall, overcurrent, open load or an external abort.
module step_sequencer (
    input  logic               clk,
    input  logic               rst_n,
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
    output logic        [ 1:0] phase_a,
    output logic        [ 1:0] phase_b,
    output logic               busy,
    output logic        [15:0] steps_remaining,
    output logic               step_driven,          // strobe: one step completed
    output logic        [ 3:0] step_eighths,         // its size in 1/8 full step
    output logic               done,                 // strobe: the move ended
    output logic               fault_overcurrent,    // strobes
    output logic               fault_stall,
    output logic               fault_open_load
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
  // limit (mA) * table / 255 in 0.25 mA codes ~= limit * table / 64: the product's low six
  // bits lie below the current-sense resolution and are dropped.
  wire [9:0] table_codes_a = 10'((16'(current_limit_ma) * 16'(magnitude_a)) >> 6);
  wire [9:0] table_codes_b = 10'((16'(current_limit_ma) * 16'(magnitude_b)) >> 6);
  // The target is two codes (0.5 mA) below the table's: the chopper reacts two cycles after the
  // current crosses its target, and the current rises by at most ~0.3 mA a cycle, so the coil
  // current stays at or under the limit.
  localparam logic [9:0] REACTION_MARGIN_CODES = 10'd2;
  wire [9:0] target_a = table_codes_a > REACTION_MARGIN_CODES ?
      table_codes_a - REACTION_MARGIN_CODES : '0;
  wire [9:0] target_b = table_codes_b > REACTION_MARGIN_CODES ?
      table_codes_b - REACTION_MARGIN_CODES : '0;
  // 1.5 x the limit in 0.25 mA codes: limit * 4 + limit * 2.
  wire [10:0] overcurrent_code = {1'b0, current_limit_ma, 2'b00} + {2'b00, current_limit_ma, 1'b0};

  wire [4:0] step_size = step_mode == 2'd0 ? 5'd8 : step_mode == 2'd1 ? 5'd4 : 5'd1;
  wire [4:0] next_microstep = reverse ? microstep - step_size : microstep + step_size;
  wire [15:0] period_cycles = step_period_us < MIN_STEP_PERIOD_US ? MIN_STEP_PERIOD_US
                                                                   : step_period_us;
  wire run = stepping;
  wire period_start = run && pwm_count == 0;
  logic advanced;  // the microstep changed in the previous cycle
  // The first cycle of a move: the coils were off, so the new position's signs are adopted
  // without counting a reversal.
  logic move_began;
  wire reversal_a = advanced && target_a != 0 && negative_a != sign_a;
  wire reversal_b = advanced && target_b != 0 && negative_b != sign_b;

  logic rise_measured_a, rise_measured_b;
  logic [11:0] rise_time_a, rise_time_b;
  logic overcurrent_a, overcurrent_b, open_load_a, open_load_b;

  phase_chopper chopper_a (
      .clk, .rst_n, .run, .period_start,
      .reversal(reversal_a),
      .target(target_a),
      .target_negative(negative_a),
      .isense(isense_a),
      .overcurrent_limit(overcurrent_code),
      .drive(phase_a),
      .rise_measured(rise_measured_a),
      .rise_time_us(rise_time_a),
      .overcurrent(overcurrent_a),
      .open_load(open_load_a)
  );

  phase_chopper chopper_b (
      .clk, .rst_n, .run, .period_start,
      .reversal(reversal_b),
      .target(target_b),
      .target_negative(negative_b),
      .isense(isense_b),
      .overcurrent_limit(overcurrent_code),
      .drive(phase_b),
      .rise_measured(rise_measured_b),
      .rise_time_us(rise_time_b),
      .overcurrent(overcurrent_b),
      .open_load(open_load_b)
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

  always_ff @(posedge clk) begin
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
      if (run) pwm_count <= pwm_count == PWM_PERIOD_CYCLES - 6'd1 ? '0 : pwm_count + 6'd1;
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
      end else if (period_left != 0) begin
        period_left <= period_left - 16'd1;
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
  assign step_driven = stepping && !aligning && !stop && period_left == 0;
  assign step_eighths = step_size[3:0];
  assign done = stepping && (stop || (!aligning && period_left == 0 && steps_remaining == 16'd1));

endmodule
