// The patient side of the twin as one plain C++ object: reservoir -> pump-mechanism efficiency ->
// catheter -> CSF, drug and effects. Every call takes the simulation time it happens at; the
// model advances lazily to it (idle costs nothing: the ODE takes steps as long as the dynamics
// allow, minutes to hours when nothing happens). PatientModule (patient_module.h) wraps it for
// SystemC.
//
// Mechanism interface (twin/mech): for each stroke call deliver_stroke(time, nominal_volume_ul);
// read outlet_pressure_mmhg() (after advance_to or any call at that time) as the back-pressure
// that loads the mechanism.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twin/fluid/catheter.h"
#include "twin/fluid/pump_efficiency.h"
#include "twin/fluid/reservoir.h"
#include "twin/physio/patient_model.h"

namespace pumptwin::physio {

struct PatientTwinConfig {
  PatientParameters patient;
  // The library's drug, or a sensitivity campaign's with uncertain parameters set
  // (twin/physio/validation/sensitivity.h).
  DrugParameters drug = physio::drug(DrugId::kMorphine);
  double reservoir_capacity_ml = 20.0;
  double reservoir_volume_ml = 20.0;
  double reservoir_concentration_ug_per_ml = 10000.0;
  // The tip level is taken from patient.catheter_tip_level; the catheter starts primed with the
  // reservoir's solution.
  fluid::CatheterParameters catheter;
  fluid::PumpEfficiency efficiency;
  // The default (refined around the tip) is grid-converged to < 5 % for the signals
  // (docs/models.md, "Transport grid"); finer grids cost time.
  TransportGrid transport_grid;
};

struct StrokeOutcome {
  double back_pressure_mmhg = 0.0;
  double delivered_ul = 0.0;  // what really left the pump for the catheter
};

// A band of a signal's values with a clinical meaning, drawn behind its line.
struct SignalReference {
  double low;
  double high;
  std::string label;
};

// A signal of the patient's catalogue, as the bench's signal registry carries it
// (bench/pumpbench/platform_signals.def has the platform's): its name and unit, the view (the
// plot) the viewer and the run report draw it in ("": none), whether the run report shows it
// among its key signals, its clinical reference band if it has one, and a short label where the
// name is too long for a plot's row ("": the name).
struct SignalInfo {
  std::string name;
  std::string unit;
  std::string view;
  bool report = false;
  std::optional<SignalReference> reference = std::nullopt;
  std::string label = {};
};

// The concentration signal of a neuraxis segment (kNeuraxis index), and of the segment that
// holds a level ("T10" -> "concentration_ug_per_ml.T10_T12"); "" for no level. Throws
// std::invalid_argument for a name that is not a level (neuraxis.h).
std::string segment_concentration_signal(std::size_t segment);
std::string segment_concentration_signal(std::string_view level);

// The patient's signals by catalogue index, for readers that want one by id rather than by
// name; the neuraxis segments' concentrations close the catalogue, from kFirstSegmentConcentration
// in kNeuraxis order.
namespace patient_signal {
enum Id : std::size_t {
  kCsfPressure,
  kOutletPressure,
  kPlasmaConcentration,
  kAnalgesia,
  kPainScore,
  kAntispasticity,
  kRespiratoryDepression,
  kSedation,
  kWithdrawalRisk,
  kReservoirVolume,
  kReservoirConcentration,
  kDeliveredVolume,
  kDrugToCsf,
  kDrugToTissue,
  kTissueDrug,
  kTipConcentration,
  kToleranceFactor,
  kVentilation,
  kTipCsfConcentration,
  kFirstSegmentConcentration,
};
}  // namespace patient_signal

// Drug accounting over the whole chain, in micrograms.
struct ChainMassBalance {
  double initial_ug = 0.0;    // reservoir and primed catheter at t = 0
  double refilled_ug = 0.0;   // into the reservoir
  double pocket_ug = 0.0;     // pocket fills
  double aspirated_ug = 0.0;  // emptied from the reservoir
  double reservoir_ug = 0.0;
  double catheter_ug = 0.0;
  MassBalance patient;

  double inputs_ug() const { return initial_ug + refilled_ug + pocket_ug; }
  double accounted_ug() const {
    return aspirated_ug + reservoir_ug + catheter_ug + patient.present_ug() + patient.eliminated_ug;
  }
};

class PatientTwin {
 public:
  explicit PatientTwin(const PatientTwinConfig& config);

  void advance_to(double time_s);
  StrokeOutcome deliver_stroke(double time_s, double nominal_volume_ul);
  fluid::RefillOutcome refill(double time_s, double volume_ml, double concentration_ug_per_ml,
                              fluid::RefillRoute route);
  fluid::Parcel empty_reservoir(double time_s);

  // Faults of the mechanism and the catheter, effective from time_s.
  void set_pump_wear_fraction(double time_s, double wear_fraction);
  void add_obstruction(double time_s, const fluid::Obstruction& obstruction);
  void clear_obstructions(double time_s);
  void set_leak(double time_s, double position_fraction, double leak_fraction);
  void clear_leak(double time_s);
  void migrate_tip(double time_s, const std::string& level, bool intrathecal);

  double time_s() const { return model_.time_s(); }
  double outlet_pressure_mmhg() const { return catheter_.outlet_pressure_mmhg(); }
  double delivered_volume_ul() const { return delivered_ul_; }
  const fluid::Reservoir& reservoir() const { return reservoir_; }
  const fluid::Catheter& catheter() const { return catheter_; }
  const PatientModel& model() const { return model_; }
  // The patient's opioid status and the current multiplier of the opioid EC50s (tolerance).
  bool opioid_tolerant() const { return model_.patient().opioid_tolerant; }
  double opioid_tolerance_factor() const { return model_.tolerance_factor(); }
  ChainMassBalance mass_balance() const;

  // Named signals for the recorder, values at time_s().
  const std::vector<SignalInfo>& signal_catalogue() const { return catalogue_; }
  // Index in the catalogue; throws std::out_of_range for an unknown name.
  std::size_t signal_index(std::string_view name) const;
  double signal(std::size_t index) const;
  double signal(std::string_view name) const { return signal(signal_index(name)); }
  // All signals in catalogue order.
  std::vector<double> sample() const;

 private:
  void deliver_outflow(const fluid::CatheterOutflow& outflow, double time_constant_s);

  fluid::Reservoir reservoir_;
  fluid::Catheter catheter_;
  fluid::PumpEfficiency efficiency_;
  PatientModel model_;
  double wear_fraction_ = 0.0;
  double delivered_ul_ = 0.0;
  double to_csf_ug_ = 0.0;
  double to_tissue_ug_ = 0.0;
  ChainMassBalance inputs_;
  std::vector<SignalInfo> catalogue_;
};

}  // namespace pumptwin::physio
