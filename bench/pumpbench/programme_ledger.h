// What the programmes sent to the pump should have delivered: the basal schedules in force (by
// the pump's clock, which starts with the simulation) and every bolus the firmware logged as
// started, at the concentration the pump was told. The `delivered` expectation compares the
// patient's delivered volume with it.
#pragma once

#include <vector>

#include "firmware_log.h"
#include "scenario.h"

namespace pumpbench {

class ProgrammeLedger {
 public:
  explicit ProgrammeLedger(double initial_concentration_ug_per_ml) {
    concentrations_.push_back({0.0, initial_concentration_ug_per_ml});
  }
  // A programme the pump accepted at `start_s`.
  void programmed(double start_s, const ProgramSpec& program) {
    programs_.push_back({start_s, program});
  }
  // A refill the pump accepted at `start_s`, at the concentration it was told.
  void refilled(double start_s, double concentration_ug_per_ml) {
    concentrations_.push_back({start_s, concentration_ug_per_ml});
  }
  // Volume (uL) due in [from_s, to_s).
  double volume_ul(double from_s, double to_s, const std::vector<FirmwareEvent>& events) const;

 private:
  struct ProgramSegment {
    double start_s;
    ProgramSpec program;
  };
  struct ConcentrationSegment {
    double start_s;
    double concentration_ug_per_ml;
  };
  std::vector<ProgramSegment> programs_;
  std::vector<ConcentrationSegment> concentrations_;
};

}  // namespace pumpbench
