// Drug reservoir of the implanted pump: the volume and drug it holds, and the refill through
// the septum port. A refill needle that misses the septum ("pocket fill") deposits the dose in
// the subcutaneous pocket instead, from where it is absorbed into plasma (FDA safety
// communication on intrathecal pump pocket fills, 2008-2009; Medtronic urgent field notice
// "Inadvertent subcutaneous injection during refill", 2010).
#pragma once

#include "twin/fluid/lumen.h"

namespace pumptwin::fluid {

// Where a refill ends up.
enum class RefillRoute {
  kReservoir,  // needle through the septum into the reservoir
  kPocket,     // pocket fill: needle in the subcutaneous pocket around the pump
};

struct RefillOutcome {
  double volume_to_reservoir_ml = 0.0;
  double volume_to_pocket_ml = 0.0;
  double drug_to_pocket_ug = 0.0;
  // What the reservoir could not take (it was full); the clinician keeps it in the syringe.
  double volume_rejected_ml = 0.0;
};

class Reservoir {
 public:
  // capacity_ml: 20 or 40 mL (SynchroMed II models 8637-20 and 8637-40).
  Reservoir(double capacity_ml, double volume_ml, double concentration_ug_per_ml);

  // Adds a refill. The reservoir is well mixed: a residual at the old concentration and a refill
  // at a new one (including one different from what the clinician programmed) blend by volume.
  RefillOutcome refill(double volume_ml, double concentration_ug_per_ml, RefillRoute route);
  // Aspirates everything left, as done before a refill; returns what was removed.
  Parcel empty();
  // Takes up to volume_ul for a pump stroke; less if the reservoir runs dry.
  Parcel withdraw(double volume_ul);

  double capacity_ml() const { return capacity_ml_; }
  double volume_ml() const { return volume_ml_; }
  double concentration_ug_per_ml() const { return concentration_ug_per_ml_; }
  double drug_ug() const { return volume_ml_ * concentration_ug_per_ml_; }

 private:
  double capacity_ml_;
  double volume_ml_;
  double concentration_ug_per_ml_;
};

}  // namespace pumptwin::fluid
