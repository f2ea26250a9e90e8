// The twin's quiet-cycle observer of the chip's top (rtl/motor_driver_asic.sv), attached with
// `bind` from outside the design: its own registers change nothing in the next core cycles
// while its synchronisers hold and nothing is strobed into it. The sequencer, its choppers and
// the ADC report their own strobes and counters through their observers; of an SPI frame's,
// this one sees the register read and the frame's end. The wrapper skips quiet cycles only
// while this reports quiet (MotorDriverAsic::skip_quiet_cycles).
module motor_driver_asic_quiet (
    input  logic       rst_n,
    input  logic       spi_meets_chip,     // a register read, a frame's end or error
    input  logic       watchdog_expired,
    input  logic [1:0] wdt_expired_sync,
    input  logic       wdt_expired_toggle,
    input  logic [1:0] undervoltage_sync,
    input  logic       undervoltage,
    input  logic [1:0] overtemperature_sync,
    input  logic       overtemperature,
    output logic       top_quiet
);

  assign top_quiet = rst_n && !spi_meets_chip && !watchdog_expired &&
      wdt_expired_sync == {2{wdt_expired_toggle}} && undervoltage_sync == {2{undervoltage}} &&
      overtemperature_sync == {2{overtemperature}} && !undervoltage_sync[1] &&
      !overtemperature_sync[1];

endmodule

// Its output is read from C++ only (public in motor_driver_asic_twin.vlt, which also waives
// the empty connection).
bind motor_driver_asic motor_driver_asic_quiet quiet (
    .rst_n,
    .spi_meets_chip(read_strobe || frame_valid || frame_error),
    .watchdog_expired,
    .wdt_expired_sync,
    .wdt_expired_toggle,
    .undervoltage_sync,
    .undervoltage,
    .overtemperature_sync,
    .overtemperature,
    .top_quiet()
);
