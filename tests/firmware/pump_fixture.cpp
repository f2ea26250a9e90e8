#include "pump_fixture.h"

namespace pumpfw::test {

uint32_t le32(const std::vector<uint8_t>& data, size_t at) {
  return static_cast<uint32_t>(data.at(at)) | (static_cast<uint32_t>(data.at(at + 1)) << 8) |
         (static_cast<uint32_t>(data.at(at + 2)) << 16) |
         (static_cast<uint32_t>(data.at(at + 3)) << 24);
}

uint16_t le16(const std::vector<uint8_t>& data, size_t at) {
  return static_cast<uint16_t>(data.at(at) | (data.at(at + 1) << 8));
}

PumpFixture::PumpFixture() = default;

void PumpFixture::boot() {
  pump = std::make_unique<app::Pump>(hal, config);
  pump->boot();
}

void PumpFixture::reboot(hal::ResetCause cause) {
  pump.reset();
  hal.reset_cause_value = cause;
  hal.restore_power();
  boot();
}

uint64_t PumpFixture::run_until(hal::Ticks until) {
  uint64_t wakes = 0;
  while (hal.now() < until) {
    const hal::Ticks wake = pump->run_once();
    EXPECT_GT(wake, hal.now()) << "the firmware asked to wake in the past";
    if (wake <= hal.now()) return wakes;
    hal.sleep_until(wake < until ? wake : until);
    ++wakes;
  }
  pump->run_once();
  return wakes;
}

std::vector<Response> PumpFixture::drain_responses() {
  std::vector<Response> responses;
  app::FrameParser parser;
  for (uint8_t byte : hal.tx) {
    if (parser.feed(byte) != app::ParseResult::kFrame) continue;
    const app::Frame& frame = parser.frame();
    Response response;
    response.sequence = frame.sequence;
    response.opcode = frame.payload[0];
    response.refusal = static_cast<app::Refusal>(frame.payload[1]);
    response.data.assign(frame.payload + 2, frame.payload + frame.length);
    responses.push_back(response);
  }
  hal.tx.clear();
  return responses;
}

Response PumpFixture::send_raw(const std::vector<uint8_t>& frame_bytes) {
  hal.rx.insert(hal.rx.end(), frame_bytes.begin(), frame_bytes.end());
  pump->run_once();
  const std::vector<Response> responses = drain_responses();
  EXPECT_EQ(responses.size(), 1u);
  return responses.empty() ? Response{} : responses.back();
}

Response PumpFixture::send(const std::vector<uint8_t>& payload) {
  uint8_t frame[app::kMaxFrameBytes];
  const uint32_t size =
      app::encode_frame(++sequence_, payload.data(), static_cast<uint8_t>(payload.size()), frame);
  return send_raw(std::vector<uint8_t>(frame, frame + size));
}

Status PumpFixture::interrogate() {
  const Response r = send(Payload(app::Command::kInterrogate).bytes);
  EXPECT_EQ(r.refusal, app::Refusal::kNone);
  const std::vector<uint8_t>& d = r.data;
  Status s{};
  s.wall_clock_s = le32(d, 0);
  s.reset_cause = d.at(4);
  s.alarms = le16(d, 5);
  s.flags = d.at(7);
  s.drug_id = d.at(8);
  s.concentration_ug_per_ml = le32(d, 9);
  s.reservoir_nl = le32(d, 13);
  s.battery_mv = le16(d, 17);
  s.driven_microsteps = le32(d, 19);
  s.undriven_microsteps = le32(d, 23);
  s.basal_daily_dose_ng = le32(d, 27);
  s.bolus_remaining_ng = le32(d, 31);
  s.ptm_last_day = d.at(35);
  s.events = le32(d, 36);
  return s;
}

Response PumpFixture::refill(app::DrugId drug, uint32_t concentration_ug_per_ml, uint32_t volume_ul,
                             uint32_t low_reservoir_ul, uint16_t bridge_ul) {
  return send(Payload(app::Command::kRefill)
                  .u8(static_cast<uint8_t>(drug))
                  .u32(concentration_ug_per_ml)
                  .u32(volume_ul)
                  .u32(low_reservoir_ul)
                  .u16(bridge_ul)
                  .bytes);
}

Response PumpFixture::program_continuous(uint32_t rate_ng_per_day, uint32_t periodic_dose_ng,
                                         uint16_t first_minute, uint16_t interval_minutes,
                                         uint16_t duration_minutes) {
  return send(Payload(app::Command::kProgramTherapy)
                  .u8(0)
                  .u8(1)
                  .u16(0)
                  .u32(rate_ng_per_day)
                  .u32(periodic_dose_ng)
                  .u16(first_minute)
                  .u16(interval_minutes)
                  .u16(duration_minutes)
                  .bytes);
}

Response PumpFixture::program_flexible(const std::vector<std::pair<uint16_t, uint32_t>>& steps) {
  Payload p(app::Command::kProgramTherapy);
  p.u8(1).u8(static_cast<uint32_t>(steps.size()));
  for (const auto& [start_minute, rate] : steps) p.u16(start_minute).u32(rate);
  p.u32(0).u16(0).u16(0).u16(0);
  return send(p.bytes);
}

Response PumpFixture::set_clock(uint32_t wall_s) {
  return send(Payload(app::Command::kClockSet).u32(wall_s).bytes);
}

}  // namespace pumpfw::test
