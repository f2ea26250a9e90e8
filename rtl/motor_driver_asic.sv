// Motor-driver ASIC of the implantable drug pump: SPI register interface, stepper drive with
// current chopping, stall / overcurrent / open-load detection, ADC sequencer, watchdog and
// alarm tone. Register map: docs/asic-registers.md.
module motor_driver_asic
  import motor_driver_regs_pkg::*;
(
    // Core domain: 1 MHz, gated off by the clock gate outside while core_clock_request is low.
    input  logic               clk_core,
    // Always-on domain: one edge per slow tick (64 Hz).
    input  logic               clk_aon,
    input  logic               rst_n,
    input  logic               spi_cs_n,
    input  logic               spi_sclk,
    input  logic               spi_mosi,
    output logic               spi_miso,
    input  logic signed [10:0] isense_a,                // coil currents, 0.25 mA per code
    input  logic signed [10:0] isense_b,
    input  logic        [11:0] adc_motor_current,
    input  logic        [11:0] adc_battery,
    input  logic        [11:0] adc_temperature,
    input  logic        [11:0] adc_pressure_reservoir,
    input  logic        [11:0] adc_pressure_outlet,
    input  logic               undervoltage,            // supply comparator
    input  logic               overtemperature,         // thermal comparator
    output logic        [ 1:0] phase_a,
    output logic        [ 1:0] phase_b,
    output logic               irq,
    output logic               reset_request,
    output logic        [ 1:0] tone,
    output logic               core_clock_request
);

  // ---- registers ----
  logic ctrl_enable;
  logic ctrl_dir;
  logic ctrl_sleep;
  logic [1:0] ctrl_step_mode;
  logic [15:0] move_steps;
  logic [15:0] step_period;
  logic [15:0] wdt_timeout;
  logic [7:0] current_limit;
  logic [6:0] fault;
  logic [8:0] int_mask;
  logic [8:0] int_status;
  logic [31:0] total_steps;
  logic [15:0] total_steps_hi_latched;
  logic [15:0] stall_config;
  logic [4:0] adc_channels;
  logic [1:0] alarm_tone;
  logic [7:0] wdt_kick_count;
  logic [1:0] wdt_expired_sync;
  logic wdt_expired_seen;
  logic [1:0] undervoltage_sync, overtemperature_sync;
  // The current-sense amplifier's output as the comparators saw it at the last clock edge.
  logic signed [10:0] isense_a_sampled, isense_b_sampled;

  // ---- SPI ----
  logic read_strobe, frame_valid, frame_write, frame_error, spi_active;
  logic [6:0] read_address, frame_address;
  logic [15:0] frame_data;
  logic [15:0] read_data_q;
  logic [7:0] status_byte;

  // ---- sequencer, ADC, always-on ----
  logic busy;
  logic step_driven, move_done, seq_overcurrent, seq_stall, seq_open_load;
  logic [15:0] steps_remaining;
  logic [3:0] step_eighths;
  logic adc_busy;
  logic adc_done;
  logic [11:0] adc_result[5];
  logic wdt_expired_toggle;
  logic [15:0] wdt_remaining;

  wire write_strobe = frame_valid && frame_write;
  wire write_ctrl = write_strobe && frame_address == ADDR_CTRL;
  wire write_move = write_strobe && frame_address == ADDR_MOVE_STEPS;
  wire write_fault = write_strobe && frame_address == ADDR_FAULT;
  wire write_int_status = write_strobe && frame_address == ADDR_INT_STATUS;
  wire write_adc_ctrl = write_strobe && frame_address == ADDR_ADC_CTRL;
  wire watchdog_expired = wdt_expired_sync[1] != wdt_expired_seen;
  wire undervoltage_now = undervoltage_sync[1];
  wire overtemperature_now = overtemperature_sync[1];

  // Faults that stop the motor (all but SPI_ERROR) also keep it from starting until they are
  // cleared.
  localparam logic [6:0] MOTOR_STOPPING_FAULTS = ~(7'b1 << FAULT_SPI_ERROR_LSB);
  // Each fault, and below each interrupt source, at its bit in the register map.
  wire [6:0] new_faults = 7'(seq_overcurrent) << FAULT_OVERCURRENT_LSB |
      7'(seq_stall) << FAULT_STALL_LSB | 7'(seq_open_load) << FAULT_OPEN_LOAD_LSB |
      7'(undervoltage_now) << FAULT_UNDERVOLTAGE_LSB |
      7'(overtemperature_now) << FAULT_OVERTEMPERATURE_LSB |
      7'(frame_error) << FAULT_SPI_ERROR_LSB | 7'(watchdog_expired) << FAULT_WATCHDOG_LSB;
  wire [6:0] faults_latching = new_faults & ~fault;
  wire [8:0] new_interrupts = 9'(faults_latching) << INT_STATUS_FAULTS_LSB |
      9'(move_done) << INT_STATUS_MOVE_DONE_LSB | 9'(adc_done) << INT_STATUS_ADC_DONE_LSB;
  wire [6:0] fault_cleared = write_fault ? fault & ~frame_data[6:0] : fault;
  wire motor_blocked = (fault & MOTOR_STOPPING_FAULTS) != 0;
  wire start_move = write_move && frame_data != 0 && ctrl_enable && !ctrl_sleep && !busy &&
      !motor_blocked && (new_faults & MOTOR_STOPPING_FAULTS) == 0;
  wire abort_move = (write_ctrl && frame_data[CTRL_STOP_LSB]) || !ctrl_enable || ctrl_sleep ||
      watchdog_expired || undervoltage_now || overtemperature_now;

  spi_slave spi (
      .clk(clk_core),
      .rst_n,
      .cs_n(spi_cs_n),
      .sclk(spi_sclk),
      .mosi(spi_mosi),
      .miso(spi_miso),
      .status_byte,
      .read_strobe,
      .read_address,
      .read_data(read_data_q),
      .frame_valid,
      .frame_write,
      .frame_address,
      .frame_data,
      .frame_error,
      .active(spi_active)
  );

  step_sequencer sequencer (
      .clk(clk_core),
      .rst_n,
      .start(start_move),
      .steps(frame_data),
      .step_period_us(step_period),
      .step_mode(ctrl_step_mode),
      .reverse(ctrl_dir),
      .current_limit_ma(current_limit),
      .abort(abort_move),
      .stall_rise_time_us(stall_config[STALL_CONFIG_RISE_TIME_US_LSB+:STALL_CONFIG_RISE_TIME_US_WIDTH]),
      .stall_count(stall_config[STALL_CONFIG_COUNT_LSB+:STALL_CONFIG_COUNT_WIDTH]),
      .isense_a(isense_a_sampled),
      .isense_b(isense_b_sampled),
      .phase_a,
      .phase_b,
      .busy,
      .steps_remaining,
      .step_driven,
      .step_eighths,
      .done(move_done),
      .fault_overcurrent(seq_overcurrent),
      .fault_stall(seq_stall),
      .fault_open_load(seq_open_load)
  );

  adc_controller adc (
      .clk(clk_core),
      .rst_n,
      .start(write_adc_ctrl && frame_data[ADC_CTRL_START_LSB]),
      .channels(frame_data[ADC_CTRL_CHANNELS_LSB+:ADC_CTRL_CHANNELS_WIDTH]),
      .analog_in('{
          adc_motor_current,
          adc_battery,
          adc_temperature,
          adc_pressure_reservoir,
          adc_pressure_outlet
      }),
      .result(adc_result),
      .busy(adc_busy),
      .done(adc_done)
  );

  always_on aon (
      .clk_aon,
      .rst_n,
      .kick_count_gray(wdt_kick_count ^ (wdt_kick_count >> 1)),
      .timeout_ticks(wdt_timeout),
      .tone_pattern(alarm_tone),
      .expired_toggle(wdt_expired_toggle),
      .remaining_ticks(wdt_remaining),
      .tone,
      .reset_request
  );

  always_ff @(posedge clk_core) begin
    if (!rst_n) begin
      ctrl_enable <= RESET_CTRL[CTRL_ENABLE_LSB];
      ctrl_dir <= RESET_CTRL[CTRL_DIR_LSB];
      ctrl_step_mode <= RESET_CTRL[CTRL_STEP_MODE_LSB+:CTRL_STEP_MODE_WIDTH];
      ctrl_sleep <= RESET_CTRL[CTRL_SLEEP_LSB];
      move_steps <= RESET_MOVE_STEPS;
      step_period <= RESET_STEP_PERIOD;
      current_limit <= RESET_CURRENT_LIMIT[7:0];
      fault <= RESET_FAULT[6:0];
      int_mask <= RESET_INT_MASK[8:0];
      int_status <= RESET_INT_STATUS[8:0];
      total_steps <= '0;
      total_steps_hi_latched <= RESET_TOTAL_STEPS_HI;
      stall_config <= RESET_STALL_CONFIG;
      adc_channels <= RESET_ADC_CTRL[ADC_CTRL_CHANNELS_LSB+:ADC_CTRL_CHANNELS_WIDTH];
      wdt_timeout <= RESET_WDT_TIMEOUT;
      alarm_tone <= RESET_ALARM_TONE[ALARM_TONE_PATTERN_LSB+:ALARM_TONE_PATTERN_WIDTH];
      wdt_kick_count <= '0;
      wdt_expired_sync <= '0;
      wdt_expired_seen <= 1'b0;
      undervoltage_sync <= '0;
      overtemperature_sync <= '0;
      read_data_q <= '0;
      isense_a_sampled <= '0;
      isense_b_sampled <= '0;
    end else begin
      isense_a_sampled <= isense_a;
      isense_b_sampled <= isense_b;
      wdt_expired_sync <= {wdt_expired_sync[0], wdt_expired_toggle};
      undervoltage_sync <= {undervoltage_sync[0], undervoltage};
      overtemperature_sync <= {overtemperature_sync[0], overtemperature};
      if (watchdog_expired) wdt_expired_seen <= wdt_expired_sync[1];

      if (read_strobe) begin
        read_data_q <= register_value(read_address);
        if (read_address == ADDR_TOTAL_STEPS_LO) total_steps_hi_latched <= total_steps[31:16];
      end

      if (write_strobe) begin
        case (frame_address)
          ADDR_CTRL: begin
            ctrl_enable <= frame_data[CTRL_ENABLE_LSB];
            ctrl_dir <= frame_data[CTRL_DIR_LSB];
            ctrl_step_mode <= frame_data[CTRL_STEP_MODE_LSB+:CTRL_STEP_MODE_WIDTH];
            ctrl_sleep <= frame_data[CTRL_SLEEP_LSB];
          end
          ADDR_MOVE_STEPS: move_steps <= frame_data;
          ADDR_STEP_PERIOD: step_period <= frame_data;
          ADDR_CURRENT_LIMIT: current_limit <= frame_data[7:0];
          ADDR_INT_MASK: int_mask <= frame_data[8:0];
          ADDR_STALL_CONFIG: stall_config <= frame_data;
          ADDR_ADC_CTRL: adc_channels <= frame_data[ADC_CTRL_CHANNELS_LSB+:ADC_CTRL_CHANNELS_WIDTH];
          ADDR_WDT_KICK: if (frame_data == WDT_KICK_KEY) wdt_kick_count <= wdt_kick_count + 8'd1;
          ADDR_WDT_TIMEOUT: wdt_timeout <= frame_data;
          ADDR_ALARM_TONE:
              alarm_tone <= frame_data[ALARM_TONE_PATTERN_LSB+:ALARM_TONE_PATTERN_WIDTH];
          default: ;
        endcase
      end
      if (watchdog_expired) ctrl_enable <= 1'b0;

      if (write_strobe || new_faults != 0 || adc_done || move_done) begin
        fault <= fault_cleared | new_faults;
        int_status <= (write_int_status ? int_status & ~frame_data[8:0] : int_status) |
            new_interrupts;
      end
      if (step_driven) total_steps <= total_steps + {28'b0, step_eighths};
    end
  end

  // The register the SPI slave reads, evaluated only when it asks: register_value(address),
  // generated from the register map (rtl/motor_driver_regs.yaml) like the package, so each
  // field is read from the flop its `source` names at the position the map gives it.
  `include "motor_driver_regs_read.svh"

  assign irq = (int_status & int_mask) != 0;
  assign status_byte = 8'(irq) << MISO_STATUS_IRQ_BIT | 8'(fault != 0) << MISO_STATUS_FAULT_BIT |
      8'(busy) << MISO_STATUS_BUSY_BIT |
      8'(fault[FAULT_SPI_ERROR_LSB]) << MISO_STATUS_SPI_ERROR_BIT | 8'(MISO_STATUS_PATTERN);
  assign core_clock_request = spi_active || busy || adc_busy || watchdog_expired ||
      wdt_expired_toggle != wdt_expired_sync[0] ||
      (undervoltage && !fault[FAULT_UNDERVOLTAGE_LSB]) ||
      (overtemperature && !fault[FAULT_OVERTEMPERATURE_LSB]) ||
      undervoltage != undervoltage_sync[1] || overtemperature != overtemperature_sync[1];

endmodule
