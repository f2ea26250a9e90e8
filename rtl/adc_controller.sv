// SAR ADC sequencer: converts the selected channels in order, 16 core cycles each, and holds
// the results. The analog inputs arrive already quantised to 12-bit codes by the front end.
module adc_controller (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        start,
    input  logic [ 4:0] channels,
    input  logic [11:0] analog_in [5],
    output logic [11:0] result    [5],
    output logic        busy,
    output logic        done                  // strobe: the sequence finished
);

  localparam logic [3:0] CONVERSION_CYCLES = 4'd15;  // 16 cycles per conversion

  logic [4:0] pending;
  logic [2:0] channel;
  logic [3:0] cycle;

  always_ff @(posedge clk) begin
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
    end else if (cycle == CONVERSION_CYCLES) begin
      result[channel] <= analog_in[channel];
      pending[channel] <= 1'b0;
      channel <= channel + 3'd1;
      cycle <= '0;
    end else begin
      cycle <= cycle + 4'd1;
    end
  end

  assign busy = pending != 0;
  assign done = busy && pending[channel] && cycle == CONVERSION_CYCLES &&
      (pending & ~(5'd1 << channel)) == 0;

endmodule
