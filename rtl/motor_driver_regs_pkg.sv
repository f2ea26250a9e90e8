// Register map of the motor-driver ASIC. Source of truth: docs/asic-registers.md; the test
// rtl.RegisterMapDocMatchesRtlAndFirmwareHeader checks this package against it.
package motor_driver_regs_pkg;

  // The package lists the whole map, including values that are not flops in the design.
  /* verilator lint_off UNUSEDPARAM */

  localparam logic [6:0] ADDR_CHIP_ID = 7'h00;
  localparam logic [6:0] ADDR_REVISION = 7'h01;
  localparam logic [6:0] ADDR_CTRL = 7'h02;
  localparam logic [6:0] ADDR_MOVE_STEPS = 7'h03;
  localparam logic [6:0] ADDR_STEP_PERIOD = 7'h04;
  localparam logic [6:0] ADDR_CURRENT_LIMIT = 7'h05;
  localparam logic [6:0] ADDR_STATUS = 7'h06;
  localparam logic [6:0] ADDR_STEPS_REMAINING = 7'h07;
  localparam logic [6:0] ADDR_FAULT = 7'h08;
  localparam logic [6:0] ADDR_INT_MASK = 7'h09;
  localparam logic [6:0] ADDR_INT_STATUS = 7'h0A;
  localparam logic [6:0] ADDR_TOTAL_STEPS_LO = 7'h0B;
  localparam logic [6:0] ADDR_TOTAL_STEPS_HI = 7'h0C;
  localparam logic [6:0] ADDR_STALL_CONFIG = 7'h0D;
  localparam logic [6:0] ADDR_ADC_CTRL = 7'h0E;
  localparam logic [6:0] ADDR_ADC_MOTOR_CURRENT = 7'h10;
  localparam logic [6:0] ADDR_ADC_BATTERY = 7'h11;
  localparam logic [6:0] ADDR_ADC_TEMPERATURE = 7'h12;
  localparam logic [6:0] ADDR_ADC_PRESSURE_RESERVOIR = 7'h13;
  localparam logic [6:0] ADDR_ADC_PRESSURE_OUTLET = 7'h14;
  localparam logic [6:0] ADDR_WDT_KICK = 7'h18;
  localparam logic [6:0] ADDR_WDT_TIMEOUT = 7'h19;
  localparam logic [6:0] ADDR_WDT_REMAINING = 7'h1A;
  localparam logic [6:0] ADDR_ALARM_TONE = 7'h1B;

  localparam logic [15:0] RESET_CHIP_ID = 16'h1D50;
  localparam logic [15:0] RESET_REVISION = 16'h0100;
  localparam logic [15:0] RESET_CTRL = 16'h0000;
  localparam logic [15:0] RESET_MOVE_STEPS = 16'h0000;
  localparam logic [15:0] RESET_STEP_PERIOD = 16'h07D0;
  localparam logic [15:0] RESET_CURRENT_LIMIT = 16'h0032;
  localparam logic [15:0] RESET_STATUS = 16'h0000;
  localparam logic [15:0] RESET_STEPS_REMAINING = 16'h0000;
  localparam logic [15:0] RESET_FAULT = 16'h0000;
  localparam logic [15:0] RESET_INT_MASK = 16'h0000;
  localparam logic [15:0] RESET_INT_STATUS = 16'h0000;
  localparam logic [15:0] RESET_TOTAL_STEPS_LO = 16'h0000;
  localparam logic [15:0] RESET_TOTAL_STEPS_HI = 16'h0000;
  localparam logic [15:0] RESET_STALL_CONFIG = 16'h212C;
  localparam logic [15:0] RESET_ADC_CTRL = 16'h0000;
  localparam logic [15:0] RESET_ADC_MOTOR_CURRENT = 16'h0000;
  localparam logic [15:0] RESET_ADC_BATTERY = 16'h0000;
  localparam logic [15:0] RESET_ADC_TEMPERATURE = 16'h0000;
  localparam logic [15:0] RESET_ADC_PRESSURE_RESERVOIR = 16'h0000;
  localparam logic [15:0] RESET_ADC_PRESSURE_OUTLET = 16'h0000;
  localparam logic [15:0] RESET_WDT_KICK = 16'h0000;
  localparam logic [15:0] RESET_WDT_TIMEOUT = 16'h0200;
  localparam logic [15:0] RESET_WDT_REMAINING = 16'h0200;
  localparam logic [15:0] RESET_ALARM_TONE = 16'h0000;

  // Fields: least significant bit and width.
  localparam int CTRL_ENABLE_LSB = 0;
  localparam int CTRL_ENABLE_WIDTH = 1;
  localparam int CTRL_DIR_LSB = 1;
  localparam int CTRL_DIR_WIDTH = 1;
  localparam int CTRL_STEP_MODE_LSB = 2;
  localparam int CTRL_STEP_MODE_WIDTH = 2;
  localparam int CTRL_SLEEP_LSB = 4;
  localparam int CTRL_SLEEP_WIDTH = 1;
  localparam int CTRL_STOP_LSB = 5;
  localparam int CTRL_STOP_WIDTH = 1;
  localparam int STATUS_BUSY_LSB = 0;
  localparam int STATUS_BUSY_WIDTH = 1;
  localparam int STATUS_ADC_BUSY_LSB = 1;
  localparam int STATUS_ADC_BUSY_WIDTH = 1;
  localparam int STATUS_TONE_ACTIVE_LSB = 2;
  localparam int STATUS_TONE_ACTIVE_WIDTH = 1;
  localparam int STATUS_RESET_REQUEST_LSB = 3;
  localparam int STATUS_RESET_REQUEST_WIDTH = 1;
  localparam int FAULT_OVERCURRENT_LSB = 0;
  localparam int FAULT_OVERCURRENT_WIDTH = 1;
  localparam int FAULT_STALL_LSB = 1;
  localparam int FAULT_STALL_WIDTH = 1;
  localparam int FAULT_OPEN_LOAD_LSB = 2;
  localparam int FAULT_OPEN_LOAD_WIDTH = 1;
  localparam int FAULT_UNDERVOLTAGE_LSB = 3;
  localparam int FAULT_UNDERVOLTAGE_WIDTH = 1;
  localparam int FAULT_OVERTEMPERATURE_LSB = 4;
  localparam int FAULT_OVERTEMPERATURE_WIDTH = 1;
  localparam int FAULT_SPI_ERROR_LSB = 5;
  localparam int FAULT_SPI_ERROR_WIDTH = 1;
  localparam int FAULT_WATCHDOG_LSB = 6;
  localparam int FAULT_WATCHDOG_WIDTH = 1;
  localparam int INT_STATUS_FAULTS_LSB = 0;
  localparam int INT_STATUS_FAULTS_WIDTH = 7;
  localparam int INT_STATUS_MOVE_DONE_LSB = 7;
  localparam int INT_STATUS_MOVE_DONE_WIDTH = 1;
  localparam int INT_STATUS_ADC_DONE_LSB = 8;
  localparam int INT_STATUS_ADC_DONE_WIDTH = 1;
  localparam int STALL_CONFIG_RISE_TIME_US_LSB = 0;
  localparam int STALL_CONFIG_RISE_TIME_US_WIDTH = 12;
  localparam int STALL_CONFIG_COUNT_LSB = 12;
  localparam int STALL_CONFIG_COUNT_WIDTH = 4;
  localparam int ADC_CTRL_CHANNELS_LSB = 0;
  localparam int ADC_CTRL_CHANNELS_WIDTH = 5;
  localparam int ADC_CTRL_START_LSB = 15;
  localparam int ADC_CTRL_START_WIDTH = 1;
  localparam int ALARM_TONE_PATTERN_LSB = 0;
  localparam int ALARM_TONE_PATTERN_WIDTH = 2;

  localparam logic [15:0] WDT_KICK_KEY = 16'h5AC3;
  /* verilator lint_on UNUSEDPARAM */

  // One bit of the frame CRC-8: polynomial 0x2F, initial value 0xFF, MSB first. The SPI
  // slave runs it bit by bit as the frame passes, as the silicon would.
  localparam logic [7:0] CRC8_INIT = 8'hFF;
  function automatic logic [7:0] crc8_next(input logic [7:0] crc, input logic bit_in);
    return {crc[6:0], 1'b0} ^ ((crc[7] ^ bit_in) ? 8'h2F : 8'h00);
  endfunction

endpackage
