#include "twin/physio/patient_module.h"

namespace pumptwin::physio {

PatientModule::PatientModule(const sc_core::sc_module_name& name, const PatientTwinConfig& config)
    : sc_core::sc_module(name), twin_(config), publish_period_(sc_core::SC_ZERO_TIME) {
  SC_HAS_PROCESS(PatientModule);
  SC_METHOD(publish);
  dont_initialize();
  sensitive << publish_tick_;
}

void PatientModule::set_publish_period(const sc_core::sc_time& period) {
  publish_period_ = period;
}

void PatientModule::start_of_simulation() {
  if (publish_period_ != sc_core::SC_ZERO_TIME) publish_tick_.notify(publish_period_);
}

void PatientModule::sync() {
  const WorkMeter::Span work(work_meter_);
  twin_.advance_to(sc_core::sc_time_stamp().to_seconds());
}

void PatientModule::publish() {
  sync();
  updated.notify(sc_core::SC_ZERO_TIME);
  publish_tick_.notify(publish_period_);
}

StrokeOutcome PatientModule::deliver_stroke(double nominal_volume_ul) {
  const WorkMeter::Span work(work_meter_);
  return twin_.deliver_stroke(sc_core::sc_time_stamp().to_seconds(), nominal_volume_ul);
}

double PatientModule::outlet_pressure_mmhg() {
  sync();
  return twin_.outlet_pressure_mmhg();
}

fluid::RefillOutcome PatientModule::refill(double volume_ml, double concentration_ug_per_ml,
                                           fluid::RefillRoute route) {
  return twin_.refill(sc_core::sc_time_stamp().to_seconds(), volume_ml, concentration_ug_per_ml,
                      route);
}

fluid::Parcel PatientModule::empty_reservoir() {
  return twin_.empty_reservoir(sc_core::sc_time_stamp().to_seconds());
}

void PatientModule::set_pump_wear_fraction(double wear_fraction) {
  twin_.set_pump_wear_fraction(sc_core::sc_time_stamp().to_seconds(), wear_fraction);
}

void PatientModule::add_obstruction(const fluid::Obstruction& obstruction) {
  twin_.add_obstruction(sc_core::sc_time_stamp().to_seconds(), obstruction);
}

void PatientModule::clear_obstructions() {
  twin_.clear_obstructions(sc_core::sc_time_stamp().to_seconds());
}

void PatientModule::set_leak(double position_fraction, double leak_fraction) {
  twin_.set_leak(sc_core::sc_time_stamp().to_seconds(), position_fraction, leak_fraction);
}

void PatientModule::clear_leak() {
  twin_.clear_leak(sc_core::sc_time_stamp().to_seconds());
}

void PatientModule::migrate_tip(const std::string& level, bool intrathecal) {
  twin_.migrate_tip(sc_core::sc_time_stamp().to_seconds(), level, intrathecal);
}

double PatientModule::signal(std::string_view name) {
  sync();
  return twin_.signal(name);
}

double PatientModule::signal(std::size_t index) {
  sync();
  return twin_.signal(index);
}

std::vector<double> PatientModule::sample() {
  sync();
  return twin_.sample();
}

const PatientTwin& PatientModule::twin() {
  sync();
  return twin_;
}

}  // namespace pumptwin::physio
