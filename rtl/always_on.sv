// Always-on domain: watchdog, alarm-tone pattern and reset-request pulse, clocked by the slow
// tick of the 32.768 kHz crystal prescaler (64 Hz): one edge of clk_aon per slow tick.
module always_on
  import motor_driver_regs_pkg::*;
(
    input  logic        clk_aon,
    input  logic        rst_n,
    input  logic [ 7:0] kick_count_gray,  // Gray-coded count of valid kicks (core domain)
    input  logic [15:0] timeout_ticks,
    input  logic [ 1:0] tone_pattern,    // ALARM_TONE.PATTERN (core domain)
    output logic        expired_toggle,  // flips on each watchdog expiry
    output logic [15:0] remaining_ticks,
    output logic [ 1:0] tone,            // 0 silent, 1 tone A, 2 tone B
    output logic        reset_request
);

  localparam logic [1:0] PATTERN_ONE_TONE = 2'd1;
  localparam logic [1:0] PATTERN_TWO_TONE = 2'd2;

  // Several kicks can land within one slow tick; a count (unlike a toggle) never loses one.
  logic [7:0] kick_seen_gray;
  logic [15:0] remaining;
  logic [1:0] pattern_playing;
  logic [5:0] tone_position;  // ticks into the 1 s pattern: four segments of 16 (0.25 s)

  wire [15:0] timeout_effective = timeout_ticks == 0 ? 16'd1 : timeout_ticks;
  wire kick_pending = kick_count_gray != kick_seen_gray;
  wire [1:0] pattern_requested = tone_pattern == 2'd3 ? 2'd0 : tone_pattern;
  wire pattern_change = pattern_requested != pattern_playing;

  always_ff @(posedge clk_aon) begin
    if (!rst_n) begin
      kick_seen_gray <= '0;
      remaining <= RESET_WDT_TIMEOUT;
      expired_toggle <= 1'b0;
      reset_request <= 1'b0;
      pattern_playing <= '0;
      tone_position <= '0;
    end else begin
      reset_request <= 1'b0;
      if (kick_pending) begin
        kick_seen_gray <= kick_count_gray;
        remaining <= timeout_effective;
      end else if (remaining <= 16'd1) begin
        expired_toggle <= ~expired_toggle;
        reset_request <= 1'b1;
        remaining <= timeout_effective;
      end else begin
        remaining <= remaining - 16'd1;
      end

      if (pattern_change) begin
        pattern_playing <= pattern_requested;
        tone_position <= '0;
      end else if (pattern_playing != 0) begin
        tone_position <= tone_position + 6'd1;
      end
    end
  end

  always_comb begin
    if (pattern_playing == PATTERN_ONE_TONE) tone = tone_position[5] ? 2'd0 : 2'd1;
    else if (pattern_playing == PATTERN_TWO_TONE)
      tone = tone_position[5] ? 2'd0 : tone_position[4] ? 2'd2 : 2'd1;
    else tone = 2'd0;
  end

  assign remaining_ticks = kick_pending ? timeout_effective : remaining;

endmodule
