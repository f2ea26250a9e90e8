// The clinician programmer at the other end of the telemetry link: it frames requests and
// reads answers as docs/telemetry.md specifies, with its own implementation of the framing
// (an independent device, so a framing bug in the firmware is not hidden by shared code).
// Its calls block the calling SystemC thread until the answer has arrived over the byte-timed
// UART, or until the timeout.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "telemetry_uart.h"

namespace pumptwin::platform {

struct TelemetryReply {
  bool received = false;  // false: no valid answer within the timeout
  uint8_t sequence = 0;
  uint8_t opcode = 0;      // the request's opcode | 0x80
  uint8_t refusal = 0xFF;  // 0 accepted
  std::vector<uint8_t> data;
  bool accepted() const { return received && refusal == 0; }
};

// The interrogate answer (docs/telemetry.md, "Interrogate status").
struct PumpStatus {
  uint32_t wall_clock_s = 0;
  uint8_t reset_cause = 0;
  uint16_t alarms = 0;
  uint8_t flags = 0;
  uint8_t drug_id = 0;
  uint32_t concentration_ug_per_ml = 0;
  uint32_t reservoir_nl = 0;
  uint16_t battery_mv = 0;
  uint32_t driven_microsteps = 0;
  uint32_t undriven_microsteps = 0;
  uint32_t basal_daily_dose_ng = 0;
  uint32_t bolus_remaining_ng = 0;
  uint8_t ptm_last_day = 0;
  uint32_t events = 0;
};

class ClinicianProgrammer {
 public:
  explicit ClinicianProgrammer(mcu::TelemetryUart& uart) : uart_(uart) {}

  // Sends one request (opcode and arguments) and waits for its answer.
  TelemetryReply transact(const std::vector<uint8_t>& payload,
                          const sc_core::sc_time& timeout = sc_core::sc_time(2, sc_core::SC_SEC));

  TelemetryReply refill(uint8_t drug_id, uint32_t concentration_ug_per_ml, uint32_t volume_ul,
                        uint32_t low_reservoir_ul, uint16_t bridge_volume_ul = 0);
  TelemetryReply program_continuous(uint32_t rate_ng_per_day);
  TelemetryReply priming_bolus(uint16_t volume_ul);
  TelemetryReply acknowledge_alarms(uint16_t alarm_bits);
  // Fills `status` when the pump accepted the request.
  TelemetryReply interrogate(PumpStatus& status);

  static uint16_t crc16(const uint8_t* data, size_t length);

 private:
  mcu::TelemetryUart& uart_;
  uint8_t sequence_ = 0;
  std::vector<uint8_t> received_;
};

}  // namespace pumptwin::platform
