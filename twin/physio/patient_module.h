// SystemC face of the patient side of the twin (reservoir, catheter, CSF, drug, effects).
//
// The module keeps no clock of its own: every call advances the plain C++ PatientTwin lazily to
// sc_time_stamp(), so a sleeping pump costs nothing however long it sleeps. Optionally it
// publishes at a coarse period (set_publish_period): it then advances at that period and
// notifies `updated`, for a recorder that wants regular samples or a live viewer.
//
// Calls come from the other modules' processes at the current simulation time:
//   mechanism:  deliver_stroke(nominal_volume_ul) per stroke; outlet_pressure_mmhg() as load.
//   scenario:   refill(...), empty_reservoir(), faults (add_obstruction, set_leak, ...).
//   recorder:   signal_catalogue(), signal(name) or signal(index), sample().
#pragma once

#include <string>
#include <string_view>
#include <systemc>
#include <vector>

#include "twin/physio/patient_twin.h"
#include "work_meter.h"

namespace pumptwin::physio {

class PatientModule : public sc_core::sc_module {
 public:
  // Notified after each periodic publication (never, unless a publish period is set).
  sc_core::sc_event updated;

  PatientModule(const sc_core::sc_module_name& name, const PatientTwinConfig& config);

  // Zero (the default) disables periodic publication. Call before the simulation starts.
  void set_publish_period(const sc_core::sc_time& period);

  // Mechanism interface.
  StrokeOutcome deliver_stroke(double nominal_volume_ul);
  double outlet_pressure_mmhg();

  // Clinic and fault interface, effective now.
  fluid::RefillOutcome refill(double volume_ml, double concentration_ug_per_ml,
                              fluid::RefillRoute route);
  fluid::Parcel empty_reservoir();
  void set_pump_wear_fraction(double wear_fraction);
  void add_obstruction(const fluid::Obstruction& obstruction);
  void clear_obstructions();
  void set_leak(double position_fraction, double leak_fraction);
  void clear_leak();
  void migrate_tip(const std::string& level, bool intrathecal);

  // Recorder interface: values at the current simulation time.
  const std::vector<SignalInfo>& signal_catalogue() const { return twin_.signal_catalogue(); }
  double signal(std::string_view name);
  double signal(std::size_t index);
  std::vector<double> sample();

  // The model brought up to the current simulation time, for anything not wrapped above.
  const PatientTwin& twin();

  // Wall time spent integrating the patient (when metering is on).
  WorkMeter& work_meter() { return work_meter_; }

 private:
  void start_of_simulation() override;
  void sync();
  void publish();

  PatientTwin twin_;
  sc_core::sc_time publish_period_;
  sc_core::sc_event publish_tick_;
  WorkMeter work_meter_;
};

}  // namespace pumptwin::physio
