#include "clinician_programmer.h"

namespace pumptwin::platform {

namespace {

constexpr uint8_t kSync = 0xA5;
constexpr uint8_t kMaxPayloadBytes = 200;
constexpr uint8_t kOpInterrogate = 0x01;
constexpr uint8_t kOpProgramTherapy = 0x03;
constexpr uint8_t kOpRefill = 0x04;
constexpr uint8_t kOpPrimingBolus = 0x0A;
constexpr uint8_t kOpAcknowledgeAlarms = 0x0B;
constexpr size_t kStatusBytes = 40;

class PayloadWriter {
 public:
  explicit PayloadWriter(uint8_t opcode) { bytes.push_back(opcode); }
  PayloadWriter& u8(uint32_t value) { return put(value, 1); }
  PayloadWriter& u16(uint32_t value) { return put(value, 2); }
  PayloadWriter& u32(uint32_t value) { return put(value, 4); }
  std::vector<uint8_t> bytes;

 private:
  PayloadWriter& put(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
};

uint32_t le(const std::vector<uint8_t>& data, size_t at, int count) {
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) value |= static_cast<uint32_t>(data.at(at + i)) << (8 * i);
  return value;
}

}  // namespace

uint16_t ClinicianProgrammer::crc16(const uint8_t* data, size_t length) {
  uint16_t crc = 0xFFFF;  // CRC-16/CCITT-FALSE
  for (size_t i = 0; i < length; ++i) {
    crc = static_cast<uint16_t>(crc ^ (data[i] << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

TelemetryReply ClinicianProgrammer::transact(const std::vector<uint8_t>& payload,
                                             const sc_core::sc_time& timeout) {
  const uint8_t sequence = ++sequence_;
  std::vector<uint8_t> frame = {kSync, static_cast<uint8_t>(payload.size()), sequence};
  frame.insert(frame.end(), payload.begin(), payload.end());
  const uint16_t crc = crc16(frame.data() + 1, frame.size() - 1);
  frame.push_back(static_cast<uint8_t>(crc));
  frame.push_back(static_cast<uint8_t>(crc >> 8));
  received_.clear();
  uart_.host_take_received();  // an answer to an older request is of no interest any more
  uart_.host_send(frame);

  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
  for (;;) {
    const std::vector<uint8_t> bytes = uart_.host_take_received();
    received_.insert(received_.end(), bytes.begin(), bytes.end());
    // Hunt for a complete frame with a good CRC answering this sequence number.
    for (size_t start = 0; start < received_.size(); ++start) {
      if (received_[start] != kSync || start + 3 > received_.size()) continue;
      const uint8_t length = received_[start + 1];
      if (length == 0 || length > kMaxPayloadBytes) continue;
      const size_t end = start + 3 + length + 2;
      if (end > received_.size()) continue;
      const uint16_t frame_crc =
          static_cast<uint16_t>(received_[end - 2] | (received_[end - 1] << 8));
      if (crc16(received_.data() + start + 1, length + 2) != frame_crc) continue;
      if (received_[start + 2] != sequence || length < 2) continue;
      TelemetryReply reply;
      reply.received = true;
      reply.sequence = sequence;
      reply.opcode = received_[start + 3];
      reply.refusal = received_[start + 4];
      reply.data.assign(received_.begin() + static_cast<std::ptrdiff_t>(start + 5),
                        received_.begin() + static_cast<std::ptrdiff_t>(end - 2));
      return reply;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now >= deadline) return TelemetryReply{};
    sc_core::wait(deadline - now, uart_.host_byte_arrived);
  }
}

TelemetryReply ClinicianProgrammer::refill(uint8_t drug_id, uint32_t concentration_ug_per_ml,
                                           uint32_t volume_ul, uint32_t low_reservoir_ul,
                                           uint16_t bridge_volume_ul) {
  return transact(PayloadWriter(kOpRefill)
                      .u8(drug_id)
                      .u32(concentration_ug_per_ml)
                      .u32(volume_ul)
                      .u32(low_reservoir_ul)
                      .u16(bridge_volume_ul)
                      .bytes);
}

TelemetryReply ClinicianProgrammer::program_continuous(uint32_t rate_ng_per_day) {
  // Continuous mode, one step from minute 0, no periodic bolus.
  return transact(PayloadWriter(kOpProgramTherapy)
                      .u8(0)
                      .u8(1)
                      .u16(0)
                      .u32(rate_ng_per_day)
                      .u32(0)
                      .u16(0)
                      .u16(0)
                      .u16(0)
                      .bytes);
}

TelemetryReply ClinicianProgrammer::priming_bolus(uint16_t volume_ul) {
  return transact(PayloadWriter(kOpPrimingBolus).u16(volume_ul).bytes);
}

TelemetryReply ClinicianProgrammer::acknowledge_alarms(uint16_t alarm_bits) {
  return transact(PayloadWriter(kOpAcknowledgeAlarms).u16(alarm_bits).bytes);
}

TelemetryReply ClinicianProgrammer::interrogate(PumpStatus& status) {
  TelemetryReply reply = transact(PayloadWriter(kOpInterrogate).bytes);
  if (!reply.accepted() || reply.data.size() < kStatusBytes) return reply;
  const std::vector<uint8_t>& d = reply.data;
  status.wall_clock_s = le(d, 0, 4);
  status.reset_cause = d[4];
  status.alarms = static_cast<uint16_t>(le(d, 5, 2));
  status.flags = d[7];
  status.drug_id = d[8];
  status.concentration_ug_per_ml = le(d, 9, 4);
  status.reservoir_nl = le(d, 13, 4);
  status.battery_mv = static_cast<uint16_t>(le(d, 17, 2));
  status.driven_microsteps = le(d, 19, 4);
  status.undriven_microsteps = le(d, 23, 4);
  status.basal_daily_dose_ng = le(d, 27, 4);
  status.bolus_remaining_ng = le(d, 31, 4);
  status.ptm_last_day = d[35];
  status.events = le(d, 36, 4);
  return reply;
}

}  // namespace pumptwin::platform
