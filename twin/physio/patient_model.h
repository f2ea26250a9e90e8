// The patient's CSF, the drug in it and in plasma, and the drug's effects: plain C++, no
// SystemC. The state is advanced with an adaptive Runge-Kutta (Dormand-Prince 5(4), Boost.Odeint)
// between discrete events; a stroke's arrival is an event (inject()).
//
// - Hydrodynamics (Marmarou 1978): dP/dt = E P (I_formation - (P - P_ss) / R_out); a volume dV
//   injected at once multiplies P by exp(E dV).
// - Transport: drug mass per cell of the neuraxis segments (neuraxis.h; TransportGrid cuts them,
//   finer around the catheter tip); exchange between neighbouring cells by
//   pulsatile dispersion, caudal bulk flow feeding spinal absorption, bulk absorption with the
//   CSF, and first-order transfer across the meninges at a drug-specific rate.
// - Plasma: central (sampled) and peripheral compartments (one when the drug has no central
//   volume) receiving what leaves the CSF and what is absorbed from a subcutaneous/paraspinal
//   tissue depot (pocket fill, catheter leak), with first-order elimination.
// - Effects (effects() below): Emax/Hill of effect-site (biophase) concentrations that follow,
//   each with its drug's t1/2 ke0, the target segment (therapeutic), intracranial CSF and
//   plasma (respiratory depression, sedation); withdrawal withdrawal risk from the fall below the
//   level the patient has adapted to; opioid tolerance (tolerance_factor()) multiplies the opioid
//   EC50s.
//
// Drug mass is a linear invariant of the ODE (every outflow of one compartment is the inflow of
// another or of the eliminated sink), which Runge-Kutta methods preserve to rounding: infused =
// present + eliminated, see mass_balance().
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "twin/physio/drug_library.h"
#include "twin/physio/neuraxis.h"
#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio {

struct MassBalance {
  double administered_ug = 0.0;  // into CSF and tissue, all routes
  double in_csf_ug = 0.0;
  double in_tissue_ug = 0.0;
  double in_plasma_ug = 0.0;
  double eliminated_ug = 0.0;

  double present_ug() const { return in_csf_ug + in_tissue_ug + in_plasma_ug; }
};

struct Effects {
  double analgesia_fraction = 0.0;       // 0-1 at the target segment
  double pain_score = 0.0;               // numeric rating scale 0-10
  double antispasticity_fraction = 0.0;  // 0-1 at the target segment
  // Fractional depression of isohypercapnic ventilation (minute ventilation at a fixed
  // end-tidal CO2, the measure of opioid respiratory depression in Dahan et al. 2010,
  // Anesthesiology 112:226): 0.5 halves it and needs intervention.
  double respiratory_depression_index = 0.0;
  // The same as ventilation relative to the patient's own baseline: 1 - the index.
  double ventilation_fraction = 1.0;
  double sedation_index = 0.0;   // 0-1
  double withdrawal_risk = 0.0;  // 0-1, scaled by the drug's severity
};

// The transport grid: every neuraxis segment is cut into cells of equal volume, more of them
// in the segments around the catheter tip (a non-uniform grid). {1, 1} is one cell per segment.
// The intracranial segment is one well-mixed cell whatever the grid.
struct TransportGrid {
  int cells_per_segment = 1;
  // Extra factor for the tip's segment and its two neighbours.
  int near_tip_factor = 1;
};

class PatientModel {
 public:
  // [0] CSF pressure, then tissue depot, plasma (central and peripheral), eliminated, the
  // target-segment concentration the patient has adapted to (withdrawal), the opioid exposure
  // of the tolerance compartment (target concentration / K_I, lagged by weeks), the
  // effect-site concentrations, and from kFirstCell the drug mass of each transport cell,
  // caudal to rostral.
  static constexpr std::size_t kPressure = 0;
  static constexpr std::size_t kTissue = 1;
  static constexpr std::size_t kPlasma = kTissue + 1;
  static constexpr std::size_t kPeripheral = kPlasma + 1;
  static constexpr std::size_t kEliminated = kPeripheral + 1;
  static constexpr std::size_t kAdapted = kEliminated + 1;
  static constexpr std::size_t kToleranceExposure = kAdapted + 1;
  // Effect-site concentrations: target segment (ug/mL), intracranial (ug/mL), plasma (ng/mL).
  static constexpr std::size_t kEffectSiteTarget = kToleranceExposure + 1;
  static constexpr std::size_t kEffectSiteCranial = kEffectSiteTarget + 1;
  static constexpr std::size_t kEffectSitePlasma = kEffectSiteCranial + 1;
  static constexpr std::size_t kFirstCell = kEffectSitePlasma + 1;
  using State = std::vector<double>;

  // Starts at t = 0 with CSF at its equilibrium pressure and no drug.
  // The grid is refined around patient.catheter_tip_level.
  PatientModel(const PatientParameters& patient, const DrugParameters& drug,
               TransportGrid grid = {});

  // Integrates from time_s() to time_s (no-op if equal). Throws std::invalid_argument when
  // asked to go back in time.
  void advance_to(double time_s);
  // Adds volume and drug at the current time at a vertebral level (as segment_for_level reads
  // it): a stroke reaching the CSF, or a bolus. The drug fills the CSF the injected volume
  // displaces around the level's cell (ASSUMPTION, docs/models.md), at least that one cell.
  void inject_at(std::string_view level, double volume_ml, double drug_ug);
  // The same at the middle of a segment.
  void inject(std::size_t segment, double volume_ml, double drug_ug);
  // Adds drug to the subcutaneous/paraspinal tissue depot at the current time.
  void deposit_in_tissue(double drug_ug);
  // Withdraws CSF volume at the current time (lumbar drainage or a sampling tap).
  void withdraw_csf(double volume_ml);

  double time_s() const { return time_s_; }
  double csf_pressure_mmhg() const { return state_[kPressure]; }
  // Equilibrium pressure: P_ss + I_formation * R_out.
  double baseline_csf_pressure_mmhg() const;
  double absorption_ml_per_min() const;
  double segment_volume_ml(std::size_t segment) const { return segment_volume_ml_[segment]; }
  // Mean concentration over a segment's cells.
  double concentration_ug_per_ml(std::size_t segment) const;
  // The transport cells: count, the cell holding a vertebral level, a cell's concentration.
  std::size_t cell_count() const { return cells_.size(); }
  std::size_t cell_at(std::string_view level) const;
  double cell_concentration_ug_per_ml(std::size_t cell) const;
  double cell_length_cm(std::size_t cell) const { return cells_[cell].length_cm; }
  double plasma_concentration_ng_per_ml() const;
  double tissue_drug_ug() const { return state_[kTissue]; }
  std::size_t target_segment() const { return target_segment_; }
  MassBalance mass_balance() const;
  Effects effects() const;
  // Multiplier of the opioid EC50s now: the patient's initial tolerance factor (1 when
  // opioid-naive) times (1 + exposure of the tolerance compartment). 1 for non-opioids.
  double tolerance_factor() const;
  const State& state() const { return state_; }
  const PatientParameters& patient() const { return patient_; }
  const DrugParameters& drug() const { return drug_; }

  // Right-hand side of the ODE, public for the solver and for tests of its invariants.
  void derivative(const State& x, State& dxdt) const;

 private:
  void inject_into_cell(std::size_t cell, double volume_ml, double drug_ug);

  PatientParameters patient_;
  DrugParameters drug_;
  struct Cell {
    std::size_t segment;
    double volume_ml;
    double length_cm;
    // Share of spinal absorption taken up by the cell (by volume; 0 if not spinal).
    double spinal_absorption_share;
  };
  std::vector<Cell> cells_;
  // First cell of each segment, and one past the last.
  std::array<std::size_t, kSegmentCount + 1> first_cell_{};
  std::array<double, kSegmentCount> segment_volume_ml_{};
  // Dispersive exchange flow between cell i and i+1, mL/s.
  std::vector<double> exchange_ml_per_s_;
  double membrane_clearance_per_s_ = 0.0;
  double plasma_volume_ml_ = 0.0;  // central (sampled) volume
  double peripheral_volume_ml_ = 0.0;
  double plasma_elimination_per_s_ = 0.0;  // of the central amount
  double distribution_clearance_ml_per_s_ = 0.0;
  double therapeutic_ke0_per_s_ = 0.0;
  double supraspinal_ke0_per_s_ = 0.0;
  double plasma_ke0_per_s_ = 0.0;
  double tissue_absorption_per_s_ = 0.0;
  double adaptation_per_s_ = 0.0;
  double tolerance_per_s_ = 0.0;  // 0 for non-opioids: no tolerance process
  double tolerance_potency_ug_per_ml_ = 1.0;  // K_I
  std::size_t target_segment_ = 0;
  double administered_ug_ = 0.0;
  double time_s_ = 0.0;
  // Last accepted step, reused as the first guess of the next interval.
  double step_s_ = 1.0;
  State state_;
};

}  // namespace pumptwin::physio
