// SPI slave, mode 0, 32-bit frames (docs/asic-registers.md, "SPI frame").
// The pins are sampled by the core clock through two-flop synchronisers; chip select low is
// also what wakes the core clock (core_clock_request), so the chip sleeps between frames.
//
// Bulk clocking (the twin's decoupled mode, docs/asic-registers.md): a frame's pin schedule is
// known when it starts, so a core edge of N cycles may step the slave through all N of them,
// the first N - 1 on the pins scheduled for them, as long as the slave does not meet the rest
// of the chip in any of them (no register read or frame end is up: the chip is quiet, and the
// status byte and the read data it hands the slave hold). The silicon netlist steps once.
module spi_slave
  import motor_driver_regs_pkg::*;
#(
    parameter int BULK_CLOCKING = 1,  // 0: the silicon netlist reports nothing (settled 0)
    parameter int SCHEDULE_CYCLES = 256
) (
    input  logic                       clk,
    input  logic                       rst_n,
    input  logic                       cs_n,
    input  logic                       sclk,
    input  logic                       mosi,
    output logic                       miso,
    // Bulk clocking: with pins_scheduled, the edge stands for `cycles` cycles, the first
    // cycles - 1 of them sampling bit i of the *_scheduled pins (i = 0 first) and the last the
    // pins above; miso_scheduled holds MISO after each of the first cycles - 1 that saw SCLK
    // low (the controller samples it at SCLK's rise; 0 after the others).
    input  logic                       pins_scheduled,
    input  logic [               15:0] cycles,
    input  logic [SCHEDULE_CYCLES-1:0] cs_n_scheduled,
    input  logic [SCHEDULE_CYCLES-1:0] sclk_scheduled,
    input  logic [SCHEDULE_CYCLES-1:0] mosi_scheduled,
    output logic [SCHEDULE_CYCLES-1:0] miso_scheduled,
    // Sticky: a scheduled edge met the chip in one of its cycles (or had too many).
    output logic                       schedule_broken,
    input  logic [                7:0] status_byte,
    // The register to read is named after the eighth bit; its value must be on read_data in
    // the following cycle.
    output logic                       read_strobe,
    output logic [                6:0] read_address,
    input  logic [               15:0] read_data,
    // One-cycle strobes at the end of a frame.
    output logic                       frame_valid,
    output logic                       frame_write,
    output logic [                6:0] frame_address,
    output logic [               15:0] frame_data,
    output logic                       frame_error,
    output logic                       active,
    // The pins are as the synchronisers last saw them and no edge is pending: the next core
    // edges change nothing here.
    output logic                       settled,
    // The next edge reads a register or ends a frame: it cannot be scheduled.
    output logic                       meets_chip
);

  // The flops besides the two words. Packed so that one cycle is a function of them.
  // Chip select and SCLK pass two synchroniser flops ([0], [1]) and a third that holds the
  // synchronised value of the cycle before ([2]), for edge detection.
  typedef struct packed {
    logic [2:0] cs_n_seen;
    logic [2:0] sclk_seen;
    logic [1:0] mosi_sync;
    logic [5:0] bits_received;   // saturates at 33: more than a frame
    logic [5:0] miso_bit;        // index of the bit on MISO, 0 = frame bit 31
    logic       load_read_data;
    logic [7:0] rx_crc;          // over the MOSI head bits received so far
    logic [7:0] tx_crc;          // over the MISO head bits presented so far
  } control_t;

  localparam control_t CONTROL_RESET = '{
      cs_n_seen: 3'b111,
      sclk_seen: 3'b000,
      mosi_sync: 2'b00,
      bits_received: '0,
      miso_bit: '0,
      load_read_data: 1'b0,
      rx_crc: CRC8_INIT,
      tx_crc: CRC8_INIT
  };

  control_t control;
  logic [31:0] shift_in;
  logic [31:0] miso_word;

  // Predicates on the state (each reads a few of its fields).
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic selected_in(control_t c);
    return ~c.cs_n_seen[1];
  endfunction
  // Deselected and settled: nothing to do until chip select falls (clock-gated in silicon).
  function automatic logic idle_in(control_t c, logic cs_n_pin);
    return cs_n_pin && c.cs_n_seen == 3'b111;
  endfunction
  // The pins are as the flops last saw them and nothing is pending: a cycle changes nothing.
  function automatic logic settled_in(control_t c, logic cs_n_pin, logic sclk_pin,
                                      logic mosi_pin);
    return c.cs_n_seen == {3{cs_n_pin}} && c.sclk_seen == {3{sclk_pin}} &&
        c.mosi_sync == {2{mosi_pin}} && !c.load_read_data;
  endfunction
  function automatic logic cs_fall_in(control_t c);
    return c.cs_n_seen[2:1] == 2'b10;
  endfunction
  function automatic logic cs_rise_in(control_t c);
    return c.cs_n_seen[2:1] == 2'b01;
  endfunction
  function automatic logic sclk_rise_in(control_t c);
    return selected_in(c) && c.sclk_seen[2:1] == 2'b01;
  endfunction
  function automatic logic sclk_fall_in(control_t c);
    return selected_in(c) && c.sclk_seen[2:1] == 2'b10;
  endfunction
  function automatic logic read_strobe_in(control_t c);
    return sclk_rise_in(c) && c.bits_received == 6'd7;
  endfunction
  function automatic logic miso_in(control_t c, logic [31:0] word);
    if (!selected_in(c) || c.miso_bit == 6'd32) return 1'b0;
    if (c.miso_bit < 6'd24) return word[5'd31-c.miso_bit[4:0]];
    return c.tx_crc[3'd7-c.miso_bit[2:0]];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // One core cycle. Every right-hand side reads the state before the cycle, as the flops'
  // nonblocking assignments do.
  function automatic void step(inout control_t c, inout logic [31:0] shift, inout logic [31:0] word,
                               input logic cs_n_pin, input logic sclk_pin, input logic mosi_pin,
                               input logic [7:0] status, input logic [15:0] read_value);
    control_t next;
    logic [5:0] next_miso_bit;
    if (!idle_in(c, cs_n_pin)) begin
      next = c;
      next.cs_n_seen = {c.cs_n_seen[1:0], cs_n_pin};
      next.sclk_seen = {c.sclk_seen[1:0], sclk_pin};
      next.mosi_sync = {c.mosi_sync[0], mosi_pin};
      next.load_read_data = read_strobe_in(c);
      if (cs_fall_in(c)) begin
        next.bits_received = '0;
        next.miso_bit = '0;
        next.rx_crc = CRC8_INIT;
        next.tx_crc = crc8_next(CRC8_INIT, status[7]);
        word = {status, 24'h0};
      end else begin
        if (sclk_rise_in(c)) begin
          shift = {shift[30:0], c.mosi_sync[1]};
          if (c.bits_received != 6'd33) next.bits_received = c.bits_received + 6'd1;
          if (c.bits_received < 6'd24) next.rx_crc = crc8_next(c.rx_crc, c.mosi_sync[1]);
        end
        // The head bit presented after this falling edge (the read data has been in the word
        // since the cycle after the eighth rising edge).
        next_miso_bit = c.miso_bit + 6'd1;
        if (sclk_fall_in(c) && c.miso_bit != 6'd32) begin
          next.miso_bit = next_miso_bit;
          if (next_miso_bit < 6'd24)
            next.tx_crc = crc8_next(c.tx_crc, word[5'd31-next_miso_bit[4:0]]);
        end
        if (c.load_read_data) word[23:8] = read_value;
      end
      c = next;
    end
  endfunction

  // The first steps - 1 cycles of a scheduled edge. broken: the slave met the chip before one
  // of the edge's cycles (its last, ordinary one included).
  function automatic void step_scheduled(
      inout control_t c, inout logic [31:0] shift, inout logic [31:0] word, inout logic broken,
      output logic [SCHEDULE_CYCLES-1:0] miso_trail, input logic [15:0] steps,
      input logic [SCHEDULE_CYCLES-1:0] cs_n_pins, input logic [SCHEDULE_CYCLES-1:0] sclk_pins,
      input logic [SCHEDULE_CYCLES-1:0] mosi_pins, input logic [7:0] status,
      input logic [15:0] read_value);
    miso_trail = '0;
    broken = broken || int'(steps) > SCHEDULE_CYCLES + 1;
    for (int i = 0; i < SCHEDULE_CYCLES && i + 1 < int'(steps); i++) begin
      broken = broken || cs_rise_in(c);
      step(c, shift, word, cs_n_pins[i], sclk_pins[i], mosi_pins[i], status, read_value);
      // load_read_data is up after a step that took a register read's strobe.
      broken = broken || c.load_read_data;
      // The controller samples MISO at SCLK's rise, after a cycle that saw SCLK low.
      if (!sclk_pins[i]) miso_trail[i] = miso_in(c, word);
    end
    broken = broken || read_strobe_in(c) || cs_rise_in(c);
  endfunction

  localparam bit BULK = BULK_CLOCKING != 0;

  always_ff @(`CORE_EDGE clk) begin
    control_t c;
    logic [31:0] shift;
    logic [31:0] word;
    logic [SCHEDULE_CYCLES-1:0] miso_trail;
    logic broken;
    if (!rst_n) begin
      control <= CONTROL_RESET;
      shift_in <= '0;
      miso_word <= '0;
      miso_scheduled <= '0;
      schedule_broken <= 1'b0;
    end else begin
      c = control;
      shift = shift_in;
      word = miso_word;
      if (BULK && pins_scheduled && cycles > 16'd1) begin
        broken = schedule_broken;
        step_scheduled(c, shift, word, broken, miso_trail, cycles, cs_n_scheduled,
                       sclk_scheduled, mosi_scheduled, status_byte, read_data);
        miso_scheduled <= miso_trail;
        schedule_broken <= broken;
      end
      step(c, shift, word, cs_n, sclk, mosi, status_byte, read_data);
      control <= c;
      shift_in <= shift;
      miso_word <= word;
    end
  end

  wire frame_complete = control.bits_received == 6'd32;
  wire crc_ok = control.rx_crc == shift_in[7:0];

  assign miso = miso_in(control, miso_word);
  assign read_strobe = read_strobe_in(control);
  assign read_address = {shift_in[5:0], control.mosi_sync[1]};
  assign frame_valid = cs_rise_in(control) && frame_complete && crc_ok;
  assign frame_error = cs_rise_in(control) && !(frame_complete && crc_ok);
  assign frame_write = shift_in[31];
  assign frame_address = shift_in[30:24];
  assign frame_data = shift_in[23:8];
  assign active = ~cs_n | ~&control.cs_n_seen;
  assign meets_chip = read_strobe || cs_rise_in(control);
  generate
    if (BULK) begin : quiet_report
      assign settled = idle_in(control, cs_n) || settled_in(control, cs_n, sclk, mosi);
    end else begin : silicon
      /* verilator lint_off UNUSEDSIGNAL */
      wire unused_schedule = ^{pins_scheduled, cycles, cs_n_scheduled, sclk_scheduled,
                               mosi_scheduled};
      /* verilator lint_on UNUSEDSIGNAL */
      assign settled = 1'b0;
    end
  endgenerate

endmodule
