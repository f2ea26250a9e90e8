#include "fault_injector.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "app/pump.h"

namespace pumptwin::faults {

namespace {

double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

// CRC-8 of the ASIC's SPI frames (docs/asic-registers.md): polynomial 0x2F, init 0xFF, over
// bits 31:8, most significant first.
uint8_t frame_crc8(uint32_t bits_31_8) {
  uint8_t crc = 0xFF;
  for (int bit = 23; bit >= 0; --bit) {
    const bool in = ((bits_31_8 >> bit) & 1u) != 0;
    const bool feedback = ((crc >> 7) & 1u) != static_cast<unsigned>(in);
    crc = static_cast<uint8_t>(crc << 1);
    if (feedback) crc = static_cast<uint8_t>(crc ^ 0x2F);
  }
  return crc;
}

uint32_t record_offset(const std::string& record) {
  namespace layout = pumpfw::app::nvm_layout;
  if (record == "therapy_a" || record == "therapy_both") return layout::kTherapyA;
  if (record == "therapy_b") return layout::kTherapyB;
  if (record == "state_a" || record == "state_both") return layout::kStateA;
  if (record == "state_b") return layout::kStateB;
  return layout::kEventLog;
}

asic::AnalogInput channel_input(const std::string& channel) {
  if (channel == "temperature") return asic::AnalogInput::kTemperature;
  if (channel == "reservoir_pressure") return asic::AnalogInput::kPressureReservoir;
  if (channel == "outlet_pressure") return asic::AnalogInput::kPressureOutlet;
  return asic::AnalogInput::kBattery;
}

double channel_input_v(const sensors::AnalogFrontEnd& sensors, const std::string& channel) {
  if (channel == "temperature") return sensors.temperature_input_v();
  if (channel == "reservoir_pressure") return sensors.reservoir_pressure_input_v();
  if (channel == "outlet_pressure") return sensors.outlet_pressure_input_v();
  return sensors.battery_input_v();
}

}  // namespace

FaultInjector::FaultInjector(platform::Platform& platform, uint64_t seed)
    : platform_(platform), random_(seed ^ 0xFA017FA017ull) {}

double FaultInjector::number(const FaultRequest& request, const std::string& parameter) const {
  const auto given = request.values.find(parameter);
  if (given != request.values.end()) return given->second;
  const FaultDefinition* fault = find_fault(request.name);
  const FaultParameter* definition = fault ? find_parameter(*fault, parameter) : nullptr;
  if (definition == nullptr || definition->required) {
    throw std::invalid_argument("fault '" + request.name + "': missing parameter '" + parameter +
                                "'");
  }
  return definition->default_value;
}

std::string FaultInjector::text(const FaultRequest& request, const std::string& parameter) const {
  const auto given = request.text.find(parameter);
  if (given != request.text.end()) return given->second;
  const FaultDefinition* fault = find_fault(request.name);
  const FaultParameter* definition = fault ? find_parameter(*fault, parameter) : nullptr;
  if (definition == nullptr || definition->required || definition->choices.empty()) {
    throw std::invalid_argument("fault '" + request.name + "': missing parameter '" + parameter +
                                "'");
  }
  return definition->choices[static_cast<size_t>(definition->default_value)];
}

void FaultInjector::set_load(const std::string& source, double torque_nm) {
  if (torque_nm > 0.0) {
    loads_nm_[source] = torque_nm;
  } else {
    loads_nm_.erase(source);
  }
  double total = 0.0;
  for (const auto& [name, torque] : loads_nm_) total += torque;
  platform_.drive_train.set_extra_shaft_load_nm(total);
}

void FaultInjector::set_drain(const std::string& source, double current_a) {
  if (current_a > 0.0) {
    drains_a_[source] = current_a;
  } else {
    drains_a_.erase(source);
  }
  double total = 0.0;
  for (const auto& [name, current] : drains_a_) total += current;
  platform_.power.set_parasitic_load_a(total);
  platform_.update_board();
}

void FaultInjector::spawn(const std::string& name,
                          std::function<void(const std::function<bool(double)>&)> body) {
  const uint64_t generation = generation_[name];
  sc_core::sc_spawn([this, name, generation, body = std::move(body)] {
    const std::function<bool(double)> wait_s = [this, name, generation](double seconds) {
      if (seconds > 0.0) sc_core::wait(sc_core::sc_time(seconds, sc_core::SC_SEC));
      return generation_[name] == generation;
    };
    body(wait_s);
  });
}

uint32_t FaultInjector::spi(uint32_t mosi, const std::function<uint32_t(uint32_t)>& wire) {
  auto corrupt = [this](uint32_t frame) {
    std::bernoulli_distribution flip(spi_bit_error_rate_);
    for (int bit = 0; bit < 32; ++bit) {
      if (flip(random_)) frame ^= 1u << bit;
    }
    return frame;
  };
  const uint32_t sent = spi_errors_mosi_ ? corrupt(mosi) : mosi;
  uint32_t miso = wire(sent);
  const bool read = (sent >> 31) == 0;
  const int address = static_cast<int>((sent >> 24) & 0x7F);
  if (stuck_register_ >= 0 && read && address == stuck_register_) {
    uint32_t head = miso >> 8;
    const uint32_t mask = 1u << stuck_bit_;
    head = stuck_value_ ? (head | mask) : (head & ~mask);
    miso = (head << 8) | frame_crc8(head);
  }
  if (spi_errors_miso_) miso = corrupt(miso);
  return miso;
}

void FaultInjector::install_spi_interposer() {
  const bool any = stuck_register_ >= 0 || spi_bit_error_rate_ > 0.0;
  if (any) {
    platform_.mcu.set_spi_interposer(
        [this](uint32_t mosi, const std::function<uint32_t(uint32_t)>& wire) {
          return spi(mosi, wire);
        });
  } else {
    platform_.mcu.set_spi_interposer({});
  }
}

void FaultInjector::install_line_filter() {
  const bool any =
      telemetry_byte_error_rate_ > 0.0 || dropout_after_bytes_ >= 0 || link_down_until_s_ >= 0.0;
  if (!any) {
    platform_.mcu.uart.set_line_filter({});
    return;
  }
  platform_.mcu.uart.set_line_filter([this](bool to_pump, uint8_t& byte) {
    if (link_down_until_s_ >= 0.0) {
      if (now_s() < link_down_until_s_) return false;
      link_down_until_s_ = -1.0;
    }
    if (to_pump && dropout_after_bytes_ >= 0) {
      if (dropout_after_bytes_ == 0) {
        dropout_after_bytes_ = -1;
        link_down_until_s_ = now_s() + dropout_duration_s_;
        return false;
      }
      --dropout_after_bytes_;
    }
    if (telemetry_byte_error_rate_ > 0.0) {
      std::bernoulli_distribution hit(telemetry_byte_error_rate_);
      if (hit(random_)) {
        std::uniform_int_distribution<int> bit(0, 7);
        byte = static_cast<uint8_t>(byte ^ (1u << bit(random_)));
      }
    }
    return true;
  });
}

void FaultInjector::inject(const FaultRequest& request) {
  const FaultDefinition* fault = find_fault(request.name);
  if (fault == nullptr) throw std::invalid_argument("unknown fault '" + request.name + "'");
  if (!fault->missing_hook.empty()) {
    throw std::invalid_argument("fault '" + request.name +
                                "' has no hook in this twin yet: needs " + fault->missing_hook);
  }
  // A refused request leaves the platform as it was: nothing is marked active or stopped
  // before every required parameter is known to be there.
  for (const FaultParameter& parameter : fault->parameters) {
    if (parameter.required && request.values.count(parameter.name) == 0 &&
        request.text.count(parameter.name) == 0) {
      throw std::invalid_argument("fault '" + request.name + "': missing parameter '" +
                                  parameter.name + "'");
    }
  }
  const std::string& name = request.name;
  const FaultId id = fault->id;
  ++generation_[name];  // stops the processes of an earlier injection of the same fault
  if (fault->clearable) active_.insert(name);
  for (const std::string& left : fault->leaves_injected) active_.insert(left);

  switch (id) {
    case FaultId::kAsicRegisterStuckBit: {
      stuck_register_ = asic_register_address(text(request, "register"));
      stuck_bit_ = static_cast<unsigned>(number(request, "bit"));
      stuck_value_ = number(request, "value") != 0.0;
      install_spi_interposer();
      break;
    }
    case FaultId::kSpiBitErrors: {
      spi_bit_error_rate_ = number(request, "rate");
      const std::string direction = text(request, "direction");
      spi_errors_mosi_ = direction != "miso";
      spi_errors_miso_ = direction != "mosi";
      install_spi_interposer();
      break;
    }
    case FaultId::kAsicCoreClockStop: {
      platform_.asic.set_core_clock_stopped(true);
      break;
    }
    case FaultId::kAsicOvercurrentShort: {
      platform_.drive_train.motor().set_phase_shorted(0, true);
      break;
    }
    case FaultId::kAsicOpenPhase: {
      platform_.drive_train.motor().set_phase_open(0, true);
      break;
    }
    case FaultId::kShaftLoad: {
      set_load(name, number(request, "torque"));
      break;
    }
    case FaultId::kIntermittentStall: {
      const double torque = number(request, "torque");
      const double period = number(request, "period");
      const double stalled = std::min(number(request, "stalled"), period);
      spawn(name, [this, name, torque, period, stalled](const std::function<bool(double)>& wait_s) {
        for (;;) {
          set_load(name, torque);
          if (!wait_s(stalled)) return;
          set_load(name, 0.0);
          if (!wait_s(period - stalled)) return;
        }
      });
      break;
    }
    case FaultId::kShaftWear:
    case FaultId::kGearCorrosion: {
      const double torque = number(request, "torque");
      const double growth = number(request, "growth");
      const bool quadratic = id == FaultId::kGearCorrosion;
      const double start = now_s();
      const double step = std::max(60.0, growth / 200.0);
      spawn(name, [this, name, torque, growth, quadratic, start,
                   step](const std::function<bool(double)>& wait_s) {
        for (;;) {
          const double progress = std::min(1.0, (now_s() - start) / growth);
          set_load(name, torque * (quadratic ? progress * progress : progress));
          if (progress >= 1.0) return;
          if (!wait_s(step)) return;
        }
      });
      break;
    }
    case FaultId::kForeignParticle: {
      set_load(name, number(request, "torque"));
      const double duration = number(request, "duration");
      if (duration > 0.0) {
        spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
          if (wait_s(duration)) clear(name);
        });
      }
      break;
    }
    case FaultId::kInternalShort: {
      set_drain(name, number(request, "current"));
      set_load(name, number(request, "torque"));
      break;
    }
    case FaultId::kMriExposure: {
      set_load(name, number(request, "torque"));
      const double duration = number(request, "duration");
      spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
        if (wait_s(duration)) clear(name);
      });
      break;
    }
    case FaultId::kPumpWear: {
      platform_.patient.set_pump_wear_fraction(number(request, "fraction"));
      break;
    }
    case FaultId::kBatteryFilmFormation: {
      const double resistance = number(request, "resistance");
      const double growth = number(request, "growth");
      if (growth <= 0.0) {
        platform_.power.set_film_resistance_ohm(resistance);
        platform_.update_board();
      } else {
        const double start = now_s();
        const double step = std::max(60.0, growth / 200.0);
        spawn(name,
              [this, resistance, growth, start, step](const std::function<bool(double)>& wait_s) {
                for (;;) {
                  const double progress = std::min(1.0, (now_s() - start) / growth);
                  platform_.power.set_film_resistance_ohm(resistance * progress);
                  if (progress >= 1.0) return;
                  if (!wait_s(step)) return;
                }
              });
      }
      break;
    }
    case FaultId::kAcceleratedDepletion:
    case FaultId::kParasiticLoad: {
      set_drain(name, number(request, "current"));
      break;
    }
    case FaultId::kBrownOut: {
      set_drain(name, number(request, "current"));
      const double duration = number(request, "duration");
      spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
        if (wait_s(duration)) clear(name);
      });
      break;
    }
    case FaultId::kPowerLoss: {
      platform_.mcu.power_off();
      break;
    }
    case FaultId::kAdcOffset:
    case FaultId::kAdcDrift:
    case FaultId::kAdcStuck: {
      const std::string channel = text(request, "channel");
      sensors::ChannelFault channel_fault;
      if (id == FaultId::kAdcOffset) channel_fault.offset_v = number(request, "offset");
      if (id == FaultId::kAdcDrift) {
        channel_fault.drift_v_per_s = number(request, "drift") / number(request, "over");
        channel_fault.drift_start_s = now_s();
      }
      if (id == FaultId::kAdcStuck) {
        channel_fault.stuck = true;
        const double value = number(request, "value");
        channel_fault.stuck_v = value >= 0.0 ? value : channel_input_v(platform_.sensors, channel);
      }
      active_.insert(name + ":" + channel);
      platform_.sensors.set_channel_fault(channel_input(channel), channel_fault);
      platform_.update_board();
      break;
    }
    case FaultId::kNvmBitFlip: {
      const std::string record = text(request, "record");
      const auto byte = static_cast<uint32_t>(number(request, "byte"));
      const auto bit = static_cast<unsigned>(number(request, "bit"));
      platform_.mcu.nvm().flip_bit(record_offset(record) + byte, bit);
      if (record == "therapy_both") {
        platform_.mcu.nvm().flip_bit(pumpfw::app::nvm_layout::kTherapyB + byte, bit);
      }
      if (record == "state_both") {
        platform_.mcu.nvm().flip_bit(pumpfw::app::nvm_layout::kStateB + byte, bit);
      }
      break;
    }
    case FaultId::kNvmPowerCut: {
      platform_.mcu.cut_power_during_next_nvm_write(
          static_cast<uint32_t>(number(request, "bytes")));
      break;
    }
    case FaultId::kEventLogCorruption: {
      namespace layout = pumpfw::app::nvm_layout;
      constexpr uint32_t kEntryBytes = pumpfw::app::EventLog::kEntryBytes;
      std::vector<std::pair<uint32_t, uint32_t>> entries;  // sequence, slot
      for (uint32_t slot = 0; slot < layout::kEventLogEntries; ++slot) {
        uint32_t sequence = 0;
        for (int i = 0; i < 4; ++i) {
          sequence |= static_cast<uint32_t>(
                          platform_.mcu.nvm().byte(layout::kEventLog + slot * kEntryBytes + i))
                      << (8 * i);
        }
        if (sequence != 0xFFFFFFFFu) entries.push_back({sequence, slot});
      }
      std::sort(entries.rbegin(), entries.rend());
      const auto count = static_cast<size_t>(number(request, "entries"));
      for (size_t i = 0; i < count && i < entries.size(); ++i) {
        // The argument's low byte: the entry's CRC no longer matches.
        platform_.mcu.nvm().flip_bit(layout::kEventLog + entries[i].second * kEntryBytes + 8, 0);
      }
      break;
    }
    case FaultId::kFirmwareHang: {
      platform_.mcu.hang_firmware();
      break;
    }
    case FaultId::kTimeBaseGlitch: {
      const double jump = number(request, "jump");
      platform_.mcu.shift_rtc_s(text(request, "direction") == "backward" ? -jump : jump);
      break;
    }
    case FaultId::kCatheterOcclusion:
    case FaultId::kCatheterKink: {
      fluid::Obstruction obstruction;
      obstruction.position_fraction = number(request, "position");
      obstruction.start_time_s = now_s();
      obstruction.growth_duration_s =
          id == FaultId::kCatheterKink ? 0.0 : number(request, "growth");
      obstruction.final_open_area_fraction = number(request, "open_area");
      obstruction.length_cm = id == FaultId::kCatheterKink ? 0.5 : number(request, "length");
      platform_.patient.add_obstruction(obstruction);
      break;
    }
    case FaultId::kCatheterLeak: {
      platform_.patient.set_leak(number(request, "position"), number(request, "fraction"));
      break;
    }
    case FaultId::kCatheterDisconnection: {
      platform_.patient.set_leak(number(request, "position"), 1.0);
      break;
    }
    case FaultId::kTipMigration: {
      const auto intrathecal = request.values.find("intrathecal");
      platform_.patient.migrate_tip(
          text(request, "level"), intrathecal == request.values.end() || intrathecal->second != 0);
      break;
    }
    case FaultId::kPocketFill: {
      refill_.pocket = true;
      break;
    }
    case FaultId::kWrongConcentration: {
      refill_.concentration_factor = number(request, "actual");
      break;
    }
    case FaultId::kRefillOverCapacity: {
      refill_.excess_fraction_of_capacity = number(request, "excess");
      break;
    }
    case FaultId::kTelemetryCorruption: {
      telemetry_byte_error_rate_ = number(request, "rate");
      install_line_filter();
      break;
    }
    case FaultId::kTelemetryDropout: {
      dropout_after_bytes_ = static_cast<int64_t>(number(request, "after_bytes"));
      dropout_duration_s_ = number(request, "duration");
      install_line_filter();
      break;
    }
    case FaultId::kFever: {
      platform_.set_body_temperature_c(number(request, "temperature"));
      break;
    }
  }
}

bool FaultInjector::injected(const std::string& name) const {
  const auto at = active_.lower_bound(name);
  return at != active_.end() && (*at == name || at->rfind(name + ":", 0) == 0);
}

void FaultInjector::clear(const std::string& name) {
  ++generation_[name];
  active_.erase(name);
  const FaultDefinition* fault = find_fault(name);
  if (fault == nullptr) return;
  const FaultId id = fault->id;
  switch (id) {
    case FaultId::kAsicRegisterStuckBit: {
      stuck_register_ = -1;
      install_spi_interposer();
      break;
    }
    case FaultId::kSpiBitErrors: {
      spi_bit_error_rate_ = 0.0;
      spi_errors_mosi_ = spi_errors_miso_ = false;
      install_spi_interposer();
      break;
    }
    case FaultId::kAsicCoreClockStop: {
      platform_.asic.set_core_clock_stopped(false);
      break;
    }
    case FaultId::kAsicOvercurrentShort: {
      platform_.drive_train.motor().set_phase_shorted(0, false);
      break;
    }
    case FaultId::kAsicOpenPhase: {
      platform_.drive_train.motor().set_phase_open(0, false);
      break;
    }
    case FaultId::kShaftLoad:
    case FaultId::kIntermittentStall:
    case FaultId::kShaftWear:
    case FaultId::kGearCorrosion:
    case FaultId::kForeignParticle:
    case FaultId::kMriExposure: {
      set_load(name, 0.0);
      break;
    }
    case FaultId::kInternalShort: {
      set_load(name, 0.0);
      set_drain(name, 0.0);
      break;
    }
    case FaultId::kPumpWear: {
      platform_.patient.set_pump_wear_fraction(0.0);
      break;
    }
    case FaultId::kBatteryFilmFormation: {
      platform_.power.set_film_resistance_ohm(0.0);
      platform_.update_board();
      break;
    }
    case FaultId::kAcceleratedDepletion:
    case FaultId::kParasiticLoad:
    case FaultId::kBrownOut: {
      set_drain(name, 0.0);
      break;
    }
    case FaultId::kPowerLoss: {
      platform_.mcu.power_on();
      break;
    }
    case FaultId::kAdcOffset:
    case FaultId::kAdcDrift:
    case FaultId::kAdcStuck: {
      for (const char* channel :
           {"battery", "temperature", "reservoir_pressure", "outlet_pressure"}) {
        if (active_.erase(name + ":" + channel) != 0) {
          platform_.sensors.set_channel_fault(channel_input(channel), {});
        }
      }
      platform_.update_board();
      break;
    }
    case FaultId::kCatheterOcclusion:
    case FaultId::kCatheterKink: {
      platform_.patient.clear_obstructions();
      break;
    }
    case FaultId::kCatheterLeak:
    case FaultId::kCatheterDisconnection: {
      platform_.patient.clear_leak();
      break;
    }
    case FaultId::kTipMigration: {
      platform_.patient.migrate_tip(platform_.patient.twin().model().patient().catheter_tip_level,
                                    true);
      break;
    }
    case FaultId::kPocketFill: {
      refill_.pocket = false;
      break;
    }
    case FaultId::kWrongConcentration: {
      refill_.concentration_factor = 1.0;
      break;
    }
    case FaultId::kRefillOverCapacity: {
      refill_.excess_fraction_of_capacity = 0.0;
      break;
    }
    case FaultId::kTelemetryCorruption: {
      telemetry_byte_error_rate_ = 0.0;
      install_line_filter();
      break;
    }
    case FaultId::kTelemetryDropout: {
      dropout_after_bytes_ = -1;
      link_down_until_s_ = -1.0;
      install_line_filter();
      break;
    }
    case FaultId::kFever: {
      platform_.set_body_temperature_c(37.0);
      break;
    }
    // One-shot events: nothing stays to undo.
    case FaultId::kNvmBitFlip:
    case FaultId::kNvmPowerCut:
    case FaultId::kEventLogCorruption:
    case FaultId::kFirmwareHang:
    case FaultId::kTimeBaseGlitch:
      break;
  }
}

RefillFault FaultInjector::take_refill_fault() {
  const RefillFault armed = refill_;
  refill_ = RefillFault{};
  active_.erase(fault_name(FaultId::kPocketFill));
  active_.erase(fault_name(FaultId::kWrongConcentration));
  active_.erase(fault_name(FaultId::kRefillOverCapacity));
  return armed;
}

}  // namespace pumptwin::faults
