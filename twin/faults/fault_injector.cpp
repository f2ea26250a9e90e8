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
  ++generation_[name];  // stops the processes of an earlier injection of the same fault
  if (fault->clearable) active_.insert(name);
  for (const std::string& left : fault->leaves_injected) active_.insert(left);

  if (name == "asic_register_stuck_bit") {
    stuck_register_ = asic_register_address(text(request, "register"));
    stuck_bit_ = static_cast<unsigned>(number(request, "bit"));
    stuck_value_ = number(request, "value") != 0.0;
    install_spi_interposer();
  } else if (name == "spi_bit_errors") {
    spi_bit_error_rate_ = number(request, "rate");
    const std::string direction = text(request, "direction");
    spi_errors_mosi_ = direction != "miso";
    spi_errors_miso_ = direction != "mosi";
    install_spi_interposer();
  } else if (name == "asic_core_clock_stop") {
    platform_.asic.set_core_clock_stopped(true);
  } else if (name == "asic_overcurrent_short") {
    platform_.drive_train.motor().set_phase_shorted(0, true);
  } else if (name == "asic_open_phase") {
    platform_.drive_train.motor().set_phase_open(0, true);
  } else if (name == "shaft_load") {
    set_load(name, number(request, "torque"));
  } else if (name == "intermittent_stall") {
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
  } else if (name == "shaft_wear" || name == "gear_corrosion") {
    const double torque = number(request, "torque");
    const double growth = number(request, "growth");
    const bool quadratic = name == "gear_corrosion";
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
  } else if (name == "foreign_particle") {
    set_load(name, number(request, "torque"));
    const double duration = number(request, "duration");
    if (duration > 0.0) {
      spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
        if (wait_s(duration)) clear(name);
      });
    }
  } else if (name == "internal_short") {
    set_drain(name, number(request, "current"));
    set_load(name, number(request, "torque"));
  } else if (name == "mri_exposure") {
    set_load(name, number(request, "torque"));
    const double duration = number(request, "duration");
    spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
      if (wait_s(duration)) clear(name);
    });
  } else if (name == "pump_wear") {
    platform_.patient.set_pump_wear_fraction(number(request, "fraction"));
  } else if (name == "battery_film_formation") {
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
  } else if (name == "accelerated_depletion" || name == "parasitic_load") {
    set_drain(name, number(request, "current"));
  } else if (name == "brown_out") {
    set_drain(name, number(request, "current"));
    const double duration = number(request, "duration");
    spawn(name, [this, name, duration](const std::function<bool(double)>& wait_s) {
      if (wait_s(duration)) clear(name);
    });
  } else if (name == "power_loss") {
    platform_.mcu.power_off();
  } else if (name == "adc_offset" || name == "adc_drift" || name == "adc_stuck") {
    const std::string channel = text(request, "channel");
    sensors::ChannelFault channel_fault;
    if (name == "adc_offset") channel_fault.offset_v = number(request, "offset");
    if (name == "adc_drift") {
      channel_fault.drift_v_per_s = number(request, "drift") / number(request, "over");
      channel_fault.drift_start_s = now_s();
    }
    if (name == "adc_stuck") {
      channel_fault.stuck = true;
      const double value = number(request, "value");
      channel_fault.stuck_v = value >= 0.0 ? value : channel_input_v(platform_.sensors, channel);
    }
    active_.insert(name + ":" + channel);
    platform_.sensors.set_channel_fault(channel_input(channel), channel_fault);
    platform_.update_board();
  } else if (name == "nvm_bit_flip") {
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
  } else if (name == "nvm_power_cut") {
    platform_.mcu.cut_power_during_next_nvm_write(static_cast<uint32_t>(number(request, "bytes")));
  } else if (name == "event_log_corruption") {
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
  } else if (name == "firmware_hang") {
    platform_.mcu.hang_firmware();
  } else if (name == "time_base_glitch") {
    const double jump = number(request, "jump");
    platform_.mcu.shift_rtc_s(text(request, "direction") == "backward" ? -jump : jump);
  } else if (name == "catheter_occlusion" || name == "catheter_kink") {
    fluid::Obstruction obstruction;
    obstruction.position_fraction = number(request, "position");
    obstruction.start_time_s = now_s();
    obstruction.growth_duration_s = name == "catheter_kink" ? 0.0 : number(request, "growth");
    obstruction.final_open_area_fraction = number(request, "open_area");
    obstruction.length_cm = name == "catheter_kink" ? 0.5 : number(request, "length");
    platform_.patient.add_obstruction(obstruction);
  } else if (name == "catheter_leak") {
    platform_.patient.set_leak(number(request, "position"), number(request, "fraction"));
  } else if (name == "catheter_disconnection") {
    platform_.patient.set_leak(number(request, "position"), 1.0);
  } else if (name == "tip_migration") {
    const auto intrathecal = request.values.find("intrathecal");
    platform_.patient.migrate_tip(text(request, "level"),
                                  intrathecal == request.values.end() || intrathecal->second != 0);
  } else if (name == "pocket_fill") {
    refill_.pocket = true;
  } else if (name == "wrong_concentration") {
    refill_.concentration_factor = number(request, "actual");
  } else if (name == "refill_over_capacity") {
    refill_.excess_fraction_of_capacity = number(request, "excess");
  } else if (name == "telemetry_corruption") {
    telemetry_byte_error_rate_ = number(request, "rate");
    install_line_filter();
  } else if (name == "telemetry_dropout") {
    dropout_after_bytes_ = static_cast<int64_t>(number(request, "after_bytes"));
    dropout_duration_s_ = number(request, "duration");
    install_line_filter();
  } else if (name == "fever") {
    platform_.set_body_temperature_c(number(request, "temperature"));
  } else {
    throw std::invalid_argument("fault '" + name +
                                "' is in the registry but the injector has no branch for it");
  }
}

bool FaultInjector::injected(const std::string& name) const {
  const auto at = active_.lower_bound(name);
  return at != active_.end() && (*at == name || at->rfind(name + ":", 0) == 0);
}

void FaultInjector::clear(const std::string& name) {
  ++generation_[name];
  active_.erase(name);
  if (name == "asic_register_stuck_bit") {
    stuck_register_ = -1;
    install_spi_interposer();
  } else if (name == "spi_bit_errors") {
    spi_bit_error_rate_ = 0.0;
    spi_errors_mosi_ = spi_errors_miso_ = false;
    install_spi_interposer();
  } else if (name == "asic_core_clock_stop") {
    platform_.asic.set_core_clock_stopped(false);
  } else if (name == "asic_overcurrent_short") {
    platform_.drive_train.motor().set_phase_shorted(0, false);
  } else if (name == "asic_open_phase") {
    platform_.drive_train.motor().set_phase_open(0, false);
  } else if (name == "shaft_load" || name == "intermittent_stall" || name == "shaft_wear" ||
             name == "gear_corrosion" || name == "foreign_particle" || name == "mri_exposure") {
    set_load(name, 0.0);
  } else if (name == "internal_short") {
    set_load(name, 0.0);
    set_drain(name, 0.0);
  } else if (name == "pump_wear") {
    platform_.patient.set_pump_wear_fraction(0.0);
  } else if (name == "battery_film_formation") {
    platform_.power.set_film_resistance_ohm(0.0);
    platform_.update_board();
  } else if (name == "accelerated_depletion" || name == "parasitic_load" || name == "brown_out") {
    set_drain(name, 0.0);
  } else if (name == "power_loss") {
    platform_.mcu.power_on();
  } else if (name == "adc_offset" || name == "adc_drift" || name == "adc_stuck") {
    for (const char* channel :
         {"battery", "temperature", "reservoir_pressure", "outlet_pressure"}) {
      if (active_.erase(name + ":" + channel) != 0) {
        platform_.sensors.set_channel_fault(channel_input(channel), {});
      }
    }
    platform_.update_board();
  } else if (name == "catheter_occlusion" || name == "catheter_kink") {
    platform_.patient.clear_obstructions();
  } else if (name == "catheter_leak" || name == "catheter_disconnection") {
    platform_.patient.clear_leak();
  } else if (name == "tip_migration") {
    platform_.patient.migrate_tip(platform_.patient.twin().model().patient().catheter_tip_level,
                                  true);
  } else if (name == "pocket_fill") {
    refill_.pocket = false;
  } else if (name == "wrong_concentration") {
    refill_.concentration_factor = 1.0;
  } else if (name == "refill_over_capacity") {
    refill_.excess_fraction_of_capacity = 0.0;
  } else if (name == "telemetry_corruption") {
    telemetry_byte_error_rate_ = 0.0;
    install_line_filter();
  } else if (name == "telemetry_dropout") {
    dropout_after_bytes_ = -1;
    link_down_until_s_ = -1.0;
    install_line_filter();
  } else if (name == "fever") {
    platform_.set_body_temperature_c(37.0);
  }
}

RefillFault FaultInjector::take_refill_fault() {
  const RefillFault armed = refill_;
  refill_ = RefillFault{};
  active_.erase("pocket_fill");
  active_.erase("wrong_concentration");
  active_.erase("refill_over_capacity");
  return armed;
}

}  // namespace pumptwin::faults
