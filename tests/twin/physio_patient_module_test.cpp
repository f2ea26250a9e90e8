#include "twin/physio/patient_module.h"

#include <gtest/gtest.h>

#include <systemc>

namespace pumptwin::physio {
namespace {

// A stand-in for the mechanism: one stroke every three minutes for a day.
struct StrokeDriver : sc_core::sc_module {
  PatientModule& patient;
  int strokes = 0;
  double last_back_pressure_mmhg = 0.0;

  StrokeDriver(const sc_core::sc_module_name& name, PatientModule& p)
      : sc_core::sc_module(name), patient(p) {
    SC_HAS_PROCESS(StrokeDriver);
    SC_THREAD(run);
  }

  void run() {
    for (int i = 0; i < 480; ++i) {
      wait(180.0, sc_core::SC_SEC);
      last_back_pressure_mmhg = patient.outlet_pressure_mmhg();
      patient.deliver_stroke(1.04);
      ++strokes;
    }
  }
};

TEST(PhysioModule, AdvancesLazilyWithSimulationTimeAndPublishesSignals) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
  PatientModule patient("patient", PatientTwinConfig{});
  StrokeDriver driver("driver", patient);
  int publications = 0;
  struct Counter : sc_core::sc_module {
    Counter(const sc_core::sc_module_name& name, PatientModule& p, int& n)
        : sc_core::sc_module(name), count(n) {
      SC_HAS_PROCESS(Counter);
      SC_METHOD(on_update);
      sensitive << p.updated;
      dont_initialize();
    }
    void on_update() { ++count; }
    int& count;
  } counter("counter", patient, publications);
  patient.set_publish_period(sc_core::sc_time(3600.0, sc_core::SC_SEC));

  // One second past the day, so that the events due at 24 h (last stroke, last publication)
  // have run.
  sc_core::sc_start(sc_core::sc_time(86401.0, sc_core::SC_SEC));
  EXPECT_EQ(driver.strokes, 480);
  EXPECT_EQ(publications, 24);
  EXPECT_NEAR(driver.last_back_pressure_mmhg, 11.3, 0.1);
  EXPECT_DOUBLE_EQ(patient.twin().time_s(), 86401.0);
  EXPECT_NEAR(patient.signal("delivered_volume_ul"), 480 * 1.04 * (1.0 - 11.3 / 750.0), 0.01);
  EXPECT_GT(patient.signal("concentration_ug_per_ml.T10_T12"),
            patient.signal("concentration_ug_per_ml.cisterna_magna"));
  EXPECT_GT(patient.signal("analgesia_fraction"), 0.0);
  EXPECT_EQ(patient.sample().size(), patient.signal_catalogue().size());
}

}  // namespace
}  // namespace pumptwin::physio
