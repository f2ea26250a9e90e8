// The twin's quiet-cycle observer of the SPI slave (rtl/spi_slave.sv), attached with `bind`
// from outside the design: the pins are as the slave's flops last saw them and nothing is
// pending, so the next core edges change nothing in it while the pins hold. Inside a frame the
// wrapper steps the slave over an edge's skipped cycles itself (spi_slave_cycles.h).
module spi_slave_quiet (
    input  logic       cs_n,
    input  logic       sclk,
    input  logic       mosi,
    input  logic [2:0] cs_n_seen,
    input  logic [2:0] sclk_seen,
    input  logic [1:0] mosi_sync,
    input  logic       load_read_data,
    output logic       settled
);

  assign settled = (cs_n && cs_n_seen == 3'b111) ||
      (cs_n_seen == {3{cs_n}} && sclk_seen == {3{sclk}} && mosi_sync == {2{mosi}} &&
       !load_read_data);

endmodule

// Its output is read from C++ only (public in motor_driver_asic_twin.vlt, which also waives
// the empty connection).
bind spi_slave spi_slave_quiet quiet (
    .cs_n,
    .sclk,
    .mosi,
    .cs_n_seen,
    .sclk_seen,
    .mosi_sync,
    .load_read_data,
    .settled()
);
