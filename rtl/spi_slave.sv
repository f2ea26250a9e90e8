// SPI slave, mode 0, 32-bit frames (docs/asic-registers.md, "SPI frame").
// The pins are sampled by the core clock through two-flop synchronisers; chip select low is
// also what wakes the core clock (core_clock_request), so the chip sleeps between frames.
module spi_slave
  import motor_driver_regs_pkg::*;
(
    input  logic        clk,
    input  logic        rst_n,
    input  logic        cs_n,
    input  logic        sclk,
    input  logic        mosi,
    output logic        miso,
    input  logic [ 7:0] status_byte,
    // The register to read is named after the eighth bit; its value must be on read_data in
    // the following cycle.
    output logic        read_strobe,
    output logic [ 6:0] read_address,
    input  logic [15:0] read_data,
    // One-cycle strobes at the end of a frame.
    output logic        frame_valid,
    output logic        frame_write,
    output logic [ 6:0] frame_address,
    output logic [15:0] frame_data,
    output logic        frame_error,
    output logic        active
);

  // Chip select and SCLK pass two synchroniser flops ([0], [1]) and a third that holds the
  // synchronised value of the cycle before ([2]), for edge detection.
  logic [ 2:0] cs_n_seen;
  logic [ 2:0] sclk_seen;
  logic [ 1:0] mosi_sync;
  logic [ 5:0] bits_received;  // saturates at 33: more than a frame
  logic [ 5:0] miso_bit;  // index of the bit on MISO, 0 = frame bit 31
  logic        load_read_data;
  logic [ 7:0] rx_crc;  // over the MOSI head bits received so far
  logic [ 7:0] tx_crc;  // over the MISO head bits presented so far
  logic [31:0] shift_in;
  logic [31:0] miso_word;

  wire selected = ~cs_n_seen[1];
  // Deselected and settled: nothing to do until chip select falls (clock-gated in silicon).
  wire idle = cs_n && cs_n_seen == 3'b111;
  wire cs_fall = cs_n_seen[2:1] == 2'b10;
  wire cs_rise = cs_n_seen[2:1] == 2'b01;
  wire sclk_rise = selected && sclk_seen[2:1] == 2'b01;
  wire sclk_fall = selected && sclk_seen[2:1] == 2'b10;
  // The head bit presented after a falling edge.
  wire [5:0] next_miso_bit = miso_bit + 6'd1;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cs_n_seen <= 3'b111;
      sclk_seen <= 3'b000;
      mosi_sync <= 2'b00;
      bits_received <= '0;
      miso_bit <= '0;
      load_read_data <= 1'b0;
      rx_crc <= CRC8_INIT;
      tx_crc <= CRC8_INIT;
      shift_in <= '0;
      miso_word <= '0;
    end else if (!idle) begin
      cs_n_seen <= {cs_n_seen[1:0], cs_n};
      sclk_seen <= {sclk_seen[1:0], sclk};
      mosi_sync <= {mosi_sync[0], mosi};
      load_read_data <= read_strobe;
      if (cs_fall) begin
        bits_received <= '0;
        miso_bit <= '0;
        rx_crc <= CRC8_INIT;
        tx_crc <= crc8_next(CRC8_INIT, status_byte[7]);
        miso_word <= {status_byte, 24'h0};
      end else begin
        if (sclk_rise) begin
          shift_in <= {shift_in[30:0], mosi_sync[1]};
          if (bits_received != 6'd33) bits_received <= bits_received + 6'd1;
          if (bits_received < 6'd24) rx_crc <= crc8_next(rx_crc, mosi_sync[1]);
        end
        if (sclk_fall && miso_bit != 6'd32) begin
          miso_bit <= next_miso_bit;
          if (next_miso_bit < 6'd24)
            tx_crc <= crc8_next(tx_crc, miso_word[5'd31-next_miso_bit[4:0]]);
        end
        // The read data has been in the word since the cycle after the eighth rising edge.
        if (load_read_data) miso_word[23:8] <= read_data;
      end
    end
  end

  wire frame_complete = bits_received == 6'd32;
  wire crc_ok = rx_crc == shift_in[7:0];

  assign miso = !selected || miso_bit == 6'd32 ? 1'b0 :
      miso_bit < 6'd24 ? miso_word[5'd31-miso_bit[4:0]] : tx_crc[3'd7-miso_bit[2:0]];
  assign read_strobe = sclk_rise && bits_received == 6'd7;
  assign read_address = {shift_in[5:0], mosi_sync[1]};
  assign frame_valid = cs_rise && frame_complete && crc_ok;
  assign frame_error = cs_rise && !(frame_complete && crc_ok);
  assign frame_write = shift_in[31];
  assign frame_address = shift_in[30:24];
  assign frame_data = shift_in[23:8];
  assign active = ~cs_n | ~&cs_n_seen;

endmodule
