// Intrathecal catheter from the pump's catheter port to its tip in the CSF.
//
// Hydraulics: a compliant tube (compliance C from the wall's elasticity) that a stroke inflates
// and that drains through the lumen's Poiseuille resistance R, plus any obstruction, into the
// CSF at the tip. Between events the excess volume decays exactly as exp(-t / RC); with a
// patent catheter RC is ~0.1 s, so a stroke reaches the CSF at once, while a growing tip mass
// makes RC minutes to hours and the outlet pressure rises stroke after stroke.
//
// Transport: plug flow through the lumen's dead volume (see lumen.h), split at a leak or a
// disconnection between the CSF and the tissue around the catheter.
//
// Interface to the pump mechanism: push() a stroke's delivered volume, read
// outlet_pressure_mmhg() as the back-pressure the mechanism works against.
#pragma once

#include <string>
#include <vector>

#include "twin/fluid/lumen.h"

namespace pumptwin::fluid {

struct CatheterParameters {
  // Implanted length after trimming; Ascenda 8780 is supplied at ~100 cm and trimmed.
  double length_cm = 70.0;
  // Ascenda 8780 / InDura 8709SC inner diameter 0.53 mm, i.e. 2.2 uL of dead volume per cm
  // (Medtronic catheter labeling).
  double inner_diameter_mm = 0.53;
  // Aqueous drug solution at 37 degC (water: 0.69 mPa s; CRC Handbook).
  double viscosity_mpa_s = 0.7;
  // Wall compliance per metre: thick-walled silicone tube, E ~2 MPa, ID 0.53 / OD 1.4 mm,
  // dV/dP = 2 pi r^2 L / (E t) ~ 0.018 uL/mmHg per metre (derived; see docs/models.md).
  double compliance_ul_per_mmhg_per_m = 0.018;
  // Level of the tip, one of twin/physio/neuraxis.h's ("T10", "L2", "cisterna_magna"...).
  std::string tip_level = "T10";
};

// A narrowing of the lumen: a kink (sudden) or a tip inflammatory mass (growing over weeks;
// Coffey & Burchiel 2002, Neurosurgery 50:78-86; Deer 2008, Pain Physician 11:S133).
struct Obstruction {
  // 0 at the pump's catheter port, 1 at the tip.
  double position_fraction = 1.0;
  double start_time_s = 0.0;
  // 0: the final narrowing is there from start_time_s on; otherwise it grows linearly.
  double growth_duration_s = 0.0;
  // Open lumen area left at the end; 0 is a complete occlusion.
  double final_open_area_fraction = 0.0;
  // Length of the narrowed stretch.
  double length_cm = 1.0;

  double open_area_fraction(double time_s) const;
};

// What left the catheter during an advance.
struct CatheterOutflow {
  double to_csf_ul = 0.0;
  double to_csf_ug = 0.0;
  double to_tissue_ul = 0.0;
  double to_tissue_ug = 0.0;
};

class Catheter {
 public:
  // The catheter starts primed: its dead volume full of solution at prime_concentration.
  Catheter(const CatheterParameters& parameters, double prime_concentration_ug_per_ml);

  // A stroke's delivered volume enters at the pump end and inflates the compliant wall.
  void push(const Parcel& parcel);
  // Lets the stored volume drain for duration_s starting at time_s, with the tip in CSF at
  // csf_pressure_mmhg. Resistances are taken at time_s: callers advance in steps shorter than
  // time_constant_s() when an obstruction grows (PatientTwin does).
  CatheterOutflow advance(double time_s, double duration_s, double csf_pressure_mmhg);

  // Faults.
  void add_obstruction(const Obstruction& obstruction);
  void clear_obstructions();
  // A hole at position_fraction (in [0, 1)) that, with the catheter otherwise patent, lets
  // leak_fraction of the flow out into the tissue; 1 is a disconnection (all of it). Replaces an
  // earlier leak.
  void set_leak(double position_fraction, double leak_fraction);
  void clear_leak();
  // Tip migration: new vertebral level, and whether the tip is still in the intrathecal space
  // (a tip that migrated out delivers into the tissue).
  void set_tip(const std::string& level, bool intrathecal);

  const CatheterParameters& parameters() const { return parameters_; }
  const std::string& tip_level() const { return parameters_.tip_level; }
  bool tip_intrathecal() const { return tip_intrathecal_; }
  double dead_volume_ul() const;
  double compliance_ul_per_mmhg() const;
  // Poiseuille resistance of the patent lumen over its whole length.
  double lumen_resistance_mmhg_s_per_ul() const;
  // Resistance seen by the stored volume at time_s (lumen, obstructions, leak in parallel);
  // infinite when completely occluded with no leak upstream of the occlusion.
  double total_resistance_mmhg_s_per_ul(double time_s) const;
  double time_constant_s(double time_s) const;
  // Excess volume stored in the wall above the resting state.
  double stored_volume_ul() const { return stored_volume_ul_; }
  // Pressure at the pump's catheter port: the back-pressure on the mechanism.
  double outlet_pressure_mmhg() const;
  double drug_ug() const { return upstream_.drug_ug() + downstream_.drug_ug(); }
  double volume_ul() const { return upstream_.volume_ul() + downstream_.volume_ul(); }
  double tip_concentration_ug_per_ml() const;

 private:
  struct Resistances {
    double upstream = 0.0;
    double downstream = 0.0;
    double leak = 0.0;  // infinite without a leak
  };
  Resistances resistances(double time_s) const;
  double leak_share(const Resistances& r) const;
  void resplit(double position_fraction);

  CatheterParameters parameters_;
  bool tip_intrathecal_ = true;
  std::vector<Obstruction> obstructions_;
  double leak_position_fraction_ = 0.0;
  double leak_resistance_mmhg_s_per_ul_;
  double stored_volume_ul_ = 0.0;
  // Pressure the catheter drains towards, from the last advance.
  double rest_pressure_mmhg_ = 0.0;
  // Pump port to leak (holds the stored volume too) and leak to tip.
  Lumen upstream_;
  Lumen downstream_;
};

}  // namespace pumptwin::fluid
