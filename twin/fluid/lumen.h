// Plug-flow content of a catheter lumen: what is inside the tube, in order from the outlet
// (front) to the inlet (back). A drug change pushed in at the inlet reaches the outlet only
// after the lumen's dead volume has been displaced, as observed clinically after a refill with
// a new concentration (Medtronic SynchroMed II clinical reference guide, "catheter priming
// bolus"). Axial mixing inside a 0.5 mm lumen is negligible over the hours a parcel stays in it,
// so the content is a sequence of parcels, each at one concentration.
#pragma once

#include <deque>
#include <vector>

namespace pumptwin::fluid {

// A volume of solution at one concentration. Mass in micrograms is
// volume_ul * concentration_ug_per_ml / 1000.
struct Parcel {
  double volume_ul = 0.0;
  double concentration_ug_per_ml = 0.0;

  double drug_ug() const { return volume_ul * concentration_ug_per_ml * 1e-3; }
};

class Lumen {
 public:
  // Appends at the inlet; merges with the last parcel when the concentration is the same, so a
  // run of strokes from one reservoir fill stays one parcel.
  void push_back(const Parcel& parcel);
  // Prepends at the outlet (used to rejoin two lumens).
  void push_front(const Parcel& parcel);
  // Removes volume_ul from the outlet end and returns what left, in order. If the lumen holds
  // less, returns all of it.
  std::vector<Parcel> pop_front(double volume_ul);
  // Removes volume_ul from the inlet end and returns it in outlet-to-inlet order.
  std::vector<Parcel> pop_back(double volume_ul);

  double volume_ul() const;
  double drug_ug() const;
  // Concentration of the solution at the outlet; 0 when empty.
  double outlet_concentration_ug_per_ml() const;
  const std::deque<Parcel>& parcels() const { return parcels_; }

 private:
  std::deque<Parcel> parcels_;
};

// Sum of the drug in a set of parcels.
double total_drug_ug(const std::vector<Parcel>& parcels);
// Sum of the volume in a set of parcels.
double total_volume_ul(const std::vector<Parcel>& parcels);

}  // namespace pumptwin::fluid
