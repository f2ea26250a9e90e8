// The whole pump on the bench, as one SystemC module: the firmware running on the MCU model,
// the motor-driver ASIC (Verilated RTL) and the drive train it turns, the lithium cell and the
// analog front end, and the patient (reservoir, catheter, CSF and drug), with a clinician
// programmer on the telemetry link.
//
//   firmware (Pump) ─HAL─ Mcu ─SPI/IRQ/reset─ MotorDriverAsic ─phases─ DriveTrain
//        telemetry UART ─ ClinicianProgrammer        │ ADC inputs         │ strokes, load
//   PowerSupply (cell) ─ supply, undervoltage ─┘ AnalogFrontEnd     PatientModule
//
// Couplings, all changed from SystemC processes (the ASIC's run-ahead rule):
//  - at each end of a motor move (the ASIC's IRQ rising edge) the volume the mechanism
//    displaced since the last move goes to the patient as one stroke, and the catheter's outlet
//    pressure comes back as the mechanism's load;
//  - at each MCU wake-up, each end of a move and every board_refresh_period_s the supply is
//    brought up to date (cell drained by the bridges, the MCU and the board) and the sensors
//    are sampled onto the ADC inputs.
//
// Call Platform::use_time_resolution() before any sc_time exists (before building one).
#pragma once

#include <cstdint>
#include <functional>

#include <systemc>

#include "analog_front_end.h"
#include "clinician_programmer.h"
#include "drive_train.h"
#include "mcu.h"
#include "motor_driver_asic.h"
#include "power_supply.h"
#include "twin/physio/patient_module.h"

namespace pumptwin::platform {

struct PlatformConfig {
  // The run's seed: every random stream of the platform derives from it.
  uint64_t seed = 1;
  asic::SimulationMode mode = asic::SimulationMode::kDecoupled;
  mech::StepperMotorParams motor{};
  mech::GearTrainParams gear{};
  mech::PumpMechanismParams mechanism{};
  // The patient, the drug in the reservoir and the catheter (default: reference adult,
  // morphine 10 mg/mL, 20 mL reservoir, 70 cm catheter to T10).
  physio::PatientTwinConfig patient{};
  mcu::McuConfig mcu{};
  power::PowerConfig power{};
  sensors::AnalogFrontEndParams sensors{};
  double body_temperature_c = 37.0;
  // Gauge pressure in the drug reservoir, from its fill: a bellows whose spring presses
  // harder the fuller it is (a modelling assumption; docs/platform.md).
  double reservoir_pressure_empty_mmhg = 0.0;
  double reservoir_pressure_mmhg_per_ml = 2.0;
  // Longest time the supply and the sensors go without an update.
  double board_refresh_period_s = 60.0;
  // The ASIC's waveform window (VCD); no path: no waveform.
  asic::TraceWindow asic_trace{};
};

class Platform : public sc_core::sc_module {
 public:
  // The 1 ns resolution the ASIC model counts in. Call before any sc_time exists.
  static void use_time_resolution() { sc_core::sc_set_time_resolution(1, sc_core::SC_NS); }

  SC_HAS_PROCESS(Platform);
  explicit Platform(const sc_core::sc_module_name& name, const PlatformConfig& config = {});

  // Runs `script` in a SystemC thread from the current time; the simulation stops when it
  // returns. A script waits with sc_core::wait(...), talks to the pump through `programmer`
  // and injects faults (drive_train.set_extra_shaft_load_nm, mcu.hang_firmware,
  // power.set_parasitic_load_a, patient faults) at the times it chooses. Once per process:
  // SystemC cannot restart a stopped simulation.
  void run(std::function<void()> script);

  // The displaced volume and the strokes given to the patient so far (up to the last end of
  // a move).
  double stroke_volume_ul() const { return stroke_volume_ul_; }
  uint64_t strokes() const { return strokes_; }
  // What the platform was built with (the patient, the catheter, the ASIC's trace window...).
  const PlatformConfig& config() const { return config_; }
  double body_temperature_c() const { return body_temperature_c_; }
  // From a SystemC process: a fever, or the pump out of the body on the bench.
  void set_body_temperature_c(double temperature_c);
  // From a SystemC process: brings the supply and the ADC inputs up to date now (after a fault
  // changed the cell's load or a sensor).
  void update_board() { refresh_board(); }

  mech::DriveTrain drive_train;
  asic::MotorDriverAsic asic;
  physio::PatientModule patient;
  mcu::Mcu mcu;
  power::PowerSupply power;
  sensors::AnalogFrontEnd sensors;
  ClinicianProgrammer programmer;

 private:
  void on_asic_irq();
  void periodic_refresh();
  // The patient's side brought to now: pressures for the load and the transducers.
  void sync_patient();
  // The supply and the ADC inputs brought to now.
  void refresh_board();

  PlatformConfig config_;
  double body_temperature_c_;
  double last_displaced_ul_ = 0.0;
  double stroke_volume_ul_ = 0.0;
  uint64_t strokes_ = 0;
  double outlet_pressure_mmhg_ = 0.0;
  double reservoir_pressure_mmhg_ = 0.0;
};

}  // namespace pumptwin::platform
