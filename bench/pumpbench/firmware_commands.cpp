#include "firmware_commands.h"

#include <stdexcept>

#include "app/pump.h"
#include "units.h"

namespace pumpbench {

namespace {

// Little-endian fields after the opcode, as the firmware's WireReader takes them.
struct Payload {
  explicit Payload(pumpfw::app::Command command) { bytes.push_back(static_cast<uint8_t>(command)); }
  Payload& u8(uint32_t value) { return put(value, 1); }
  Payload& u16(uint32_t value) { return put(value, 2); }
  Payload& u32(uint32_t value) { return put(value, 4); }
  std::vector<uint8_t> bytes;

 private:
  Payload& put(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
};

uint32_t checked(const FirmwareInteger& converted) {
  if (!converted.value)
    throw std::invalid_argument("a value the pump cannot hold: " + converted.error);
  return *converted.value;
}

}  // namespace

uint32_t firmware_nanograms(double micrograms) {
  return checked(firmware_integer(micrograms, 1e3, UINT32_MAX, "ng"));
}

uint32_t firmware_whole(double value, uint32_t field_max, const char* unit) {
  return checked(firmware_integer(value, 1.0, field_max, unit));
}

std::vector<uint8_t> command_payload(pumpfw::app::Command command) {
  return Payload(command).bytes;
}

std::vector<uint8_t> program_payload(const ProgramSpec& program) {
  if (program.steps.empty() || program.steps.size() > pumpfw::app::kMaxScheduleSteps) {
    throw std::invalid_argument("a program of " + std::to_string(program.steps.size()) + " steps");
  }
  Payload payload(pumpfw::app::Command::kProgramTherapy);
  payload.u8(program.flexible ? 1 : 0).u8(static_cast<uint32_t>(program.steps.size()));
  for (const ScheduleStep& step : program.steps) {
    payload.u16(step.start_minute).u32(firmware_nanograms(step.rate_ug_per_day));
  }
  payload.u32(firmware_nanograms(program.periodic.dose_ug))
      .u16(program.periodic.first_minute)
      .u16(program.periodic.interval_minutes)
      .u16(program.periodic.duration_minutes);
  return payload.bytes;
}

std::vector<uint8_t> ptm_payload(const PtmSpec& ptm) {
  return Payload(pumpfw::app::Command::kPtmConfig)
      .u32(firmware_nanograms(ptm.dose_ug))
      .u16(ptm.lockout_minutes)
      .u16(ptm.duration_minutes)
      .u8(ptm.max_per_day)
      .bytes;
}

std::vector<uint8_t> clinician_bolus_payload(double dose_ug, uint16_t duration_minutes) {
  return Payload(pumpfw::app::Command::kClinicianBolus)
      .u32(firmware_nanograms(dose_ug))
      .u16(duration_minutes)
      .bytes;
}

std::vector<uint8_t> refill_payload(uint8_t drug_id, double concentration_ug_per_ml,
                                    double volume_ul, double low_reservoir_ul,
                                    double bridge_volume_ul) {
  return Payload(pumpfw::app::Command::kRefill)
      .u8(drug_id)
      .u32(firmware_whole(concentration_ug_per_ml, UINT32_MAX, "ug/mL"))
      .u32(firmware_whole(volume_ul, UINT32_MAX, "uL"))
      .u32(firmware_whole(low_reservoir_ul, UINT32_MAX, "uL"))
      .u16(firmware_whole(bridge_volume_ul, UINT16_MAX, "uL"))
      .bytes;
}

std::vector<uint8_t> priming_bolus_payload(double volume_ul) {
  return Payload(pumpfw::app::Command::kPrimingBolus)
      .u16(firmware_whole(volume_ul, UINT16_MAX, "uL"))
      .bytes;
}

std::vector<uint8_t> acknowledge_alarms_payload(uint16_t alarm_bits) {
  return Payload(pumpfw::app::Command::kAcknowledgeAlarms).u16(alarm_bits).bytes;
}

}  // namespace pumpbench
