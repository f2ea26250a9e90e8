// The twin's quiet-cycle observer of one H-bridge phase (rtl/phase_chopper.sv), attached with
// `bind` from outside the design: how many next core cycles change nothing in the chopper but
// its blanking and rise-time counters, while the current-sense register stays within
// [isense_low, isense_high]. The wrapper takes the lesser of these and the rest of the chip's
// quiet cycles (MotorDriverAsic::skip_quiet_cycles) and, for a core edge that stands for
// skipped cycles, advances those two counters over them before the edge (asic_netlist.h).
module phase_chopper_quiet (
    input  logic               run,
    input  logic               driving,
    input  logic               drive_off,
    input  logic        [ 1:0] blanking,
    input  logic               tripped_this_period,
    input  logic        [ 3:0] open_periods,
    input  logic        [ 2:0] overcurrent_cycles,
    input  logic               rise_counting,
    input  logic        [11:0] rise_count,
    input  logic signed [11:0] target_signed,
    input  logic               target_negative,
    input  logic signed [10:0] isense,             // the current-sense register
    input  logic        [10:0] overcurrent_limit,
    output logic        [15:0] quiet_cycles,       // 0xFFFF: until the window is left
    output logic signed [10:0] isense_low,
    output logic signed [10:0] isense_high
);

  localparam logic [15:0] QUIET_FOREVER = 16'hFFFF;
  // A stopped chopper is quiet once its registers hold their reset values.
  wire settled_off = drive_off && blanking == 0 && !tripped_this_period && open_periods == 0 &&
      overcurrent_cycles == 0 && !rise_counting && rise_count == 0;
  // From registers only: the sequencer's observer reports the PWM period starts and reversals
  // (restart), and the top's reports none in reset.
  wire signed [11:0] along = target_negative ? -12'(isense) : 12'(isense);
  wire [10:0] magnitude = isense < 0 ? 11'(-isense) : 11'(isense);
  // A driving bridge at its target turns to slow decay once blanking ends.
  wire trips = driving && along >= target_signed;
  always_comb begin
    if (!run) quiet_cycles = settled_off ? QUIET_FOREVER : 16'd0;
    else if (magnitude >= overcurrent_limit || overcurrent_cycles != 0) quiet_cycles = 16'd0;
    else if (trips) quiet_cycles = 16'(blanking);
    else quiet_cycles = QUIET_FOREVER;
  end

  // The window: the codes on the same side as isense of each comparison the next cycles make
  // (the target only matters while the bridge drives; the overcurrent limit, while it runs).
  localparam logic signed [11:0] ISENSE_MIN = -12'sd1024;
  localparam logic signed [11:0] ISENSE_MAX = 12'sd1023;
  wire signed [11:0] isense_wide = 12'(isense);
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

endmodule

// Its outputs are read from C++ only (public in motor_driver_asic_twin.vlt, which also waives
// the empty connections).
bind phase_chopper phase_chopper_quiet quiet (
    .run,
    .driving,
    .drive_off(drive == DRIVE_OFF),
    .blanking,
    .tripped_this_period,
    .open_periods,
    .overcurrent_cycles,
    .rise_counting,
    .rise_count,
    .target_signed,
    .target_negative,
    .isense,
    .overcurrent_limit,
    .quiet_cycles(),
    .isense_low(),
    .isense_high()
);
