#include "platform.h"

#include <utility>

namespace pumptwin::platform {

namespace {

asic::MotorDriverAsicConfig asic_config(const PlatformConfig& config) {
  asic::MotorDriverAsicConfig asic;
  asic.mode = config.mode;
  asic.trace = config.asic_trace;
  return asic;
}

// Each component draws from its own stream; streams of one run differ by a fixed salt.
sensors::AnalogFrontEndParams sensor_params(const PlatformConfig& config) {
  sensors::AnalogFrontEndParams params = config.sensors;
  params.seed = config.seed ^ 0x5E9505A1ull;
  return params;
}

}  // namespace

Platform::Platform(const sc_core::sc_module_name& name, const PlatformConfig& config)
    : sc_core::sc_module(name),
      drive_train(config.motor, config.gear, config.mechanism),
      asic("asic", drive_train, asic_config(config)),
      patient("patient", config.patient),
      mcu("mcu", asic, config.mcu),
      power(config.power, asic, mcu),
      sensors(sensor_params(config), asic),
      programmer(mcu.uart),
      config_(config),
      body_temperature_c_(config.body_temperature_c) {
  mcu.set_wake_hook([this] { refresh_board(); });
  // A lost supply (a disconnected cell) takes the ASIC down with the MCU: it restarts from
  // its reset state, its step counter at zero, when power returns.
  mcu.set_power_hook([this](bool powered) { asic.set_powered(powered); });
  SC_METHOD(on_asic_irq);
  sensitive << asic.irq.posedge_event();
  dont_initialize();
  SC_METHOD(periodic_refresh);
}

void Platform::run(std::function<void()> script) {
  sc_core::sc_spawn([script = std::move(script)] {
    script();
    sc_core::sc_stop();
  });
  sc_core::sc_start();
}

void Platform::set_body_temperature_c(double temperature_c) {
  body_temperature_c_ = temperature_c;
  refresh_board();
}

void Platform::on_asic_irq() {
  // The IRQ rises at the end of every move (MOVE_DONE, or the fault that stopped it); the
  // rotor has settled by then.
  const double displaced_ul = drive_train.displaced_volume_ul();
  if (displaced_ul > last_displaced_ul_) {
    patient.deliver_stroke(displaced_ul - last_displaced_ul_);
    stroke_volume_ul_ += displaced_ul - last_displaced_ul_;
    last_displaced_ul_ = displaced_ul;
    ++strokes_;
  }
  sync_patient();
  refresh_board();
}

void Platform::periodic_refresh() {
  sync_patient();
  refresh_board();
  next_trigger(sc_core::sc_time(config_.board_refresh_period_s, sc_core::SC_SEC));
}

void Platform::sync_patient() {
  outlet_pressure_mmhg_ = patient.outlet_pressure_mmhg();
  drive_train.set_outlet_pressure_mmhg(outlet_pressure_mmhg_);
  reservoir_pressure_mmhg_ =
      config_.reservoir_pressure_empty_mmhg +
      config_.reservoir_pressure_mmhg_per_ml * patient.twin().reservoir().volume_ml();
}

void Platform::refresh_board() {
  power.update(body_temperature_c_);
  sensors.apply(
      {power.terminal_v(), body_temperature_c_, reservoir_pressure_mmhg_, outlet_pressure_mmhg_});
}

}  // namespace pumptwin::platform
