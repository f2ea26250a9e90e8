// SAR ADC sequencer: converts the selected channels in order, 16 core cycles each, and holds
// the results. The analog inputs arrive already quantised to 12-bit codes by the front end.
module adc_controller #(
    parameter int BULK_CLOCKING = 1  // 0: the silicon netlist reports nothing (quiet_cycles 0)
) (
    input  logic        clk,
    input  logic        rst_n,
    // Core cycles this edge stands for (bulk clocking): cycles - 1 quiet ones, at most the
    // quiet_cycles reported before it (under 16 while converting), then an ordinary one.
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [15:0] cycles,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic        start,
    input  logic [ 4:0] channels,
    input  logic [11:0] analog_in [5],
    output logic [11:0] result    [5],
    output logic        busy,
    output logic        done,                 // strobe: the sequence finished
    output logic [15:0] quiet_cycles          // edges from now that only count
);

  localparam logic [3:0] CONVERSION_CYCLES = 4'd15;  // 16 cycles per conversion

  logic [4:0] pending;
  logic [2:0] channel;
  logic [3:0] cycle;

  // The conversion's cycle count as the skipped quiet cycles of a bulk edge leave it.
  wire [3:0] skipped = cycles[3:0] - 4'd1;
  wire [3:0] cycle_now = busy && pending[channel] ? cycle + skipped : cycle;

  always_ff @(`CORE_EDGE clk) begin
    if (!rst_n) begin
      pending <= '0;
      channel <= '0;
      cycle <= '0;
      for (int i = 0; i < 5; i++) result[i] <= '0;
    end else if (!busy) begin
      if (start && channels != 0) begin
        pending <= channels;
        channel <= '0;
        cycle <= '0;
      end
    end else if (!pending[channel]) begin
      channel <= channel + 3'd1;
    end else if (cycle_now == CONVERSION_CYCLES) begin
      result[channel] <= analog_in[channel];
      pending[channel] <= 1'b0;
      channel <= channel + 3'd1;
      cycle <= '0;
    end else begin
      cycle <= cycle_now + 4'd1;
    end
  end

  assign busy = pending != 0;
  generate
    if (BULK_CLOCKING != 0) begin : quiet_report
      assign quiet_cycles = !rst_n ? 16'd0 : !busy ? (start ? 16'd0 : 16'hFFFF) :
          !pending[channel] || cycle == CONVERSION_CYCLES ? 16'd0 : {12'b0, CONVERSION_CYCLES - cycle};
    end else begin : silicon
      assign quiet_cycles = 16'd0;
    end
  endgenerate
  assign done = busy && pending[channel] && cycle_now == CONVERSION_CYCLES &&
      (pending & ~(5'd1 << channel)) == 0;

endmodule
