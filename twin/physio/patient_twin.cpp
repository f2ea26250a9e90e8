#include "twin/physio/patient_twin.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pumptwin::physio {
namespace {

// Below this the catheter's stored volume is left for a later advance instead of being drained
// in steps of its own: 1e-9 uL carries at most ~25 pg of the most concentrated drug.
constexpr double kNegligibleStoredUl = 1e-9;
// Shortest drainage step: a patent catheter empties within it (time constant ~0.03 s).
constexpr double kMinimumDrainStepS = 1.0;

using namespace patient_signal;
using Signal = patient_signal::Id;

fluid::CatheterParameters placed(fluid::CatheterParameters catheter,
                                 const PatientParameters& patient) {
  catheter.tip_level = patient.catheter_tip_level;
  return catheter;
}

}  // namespace

std::string segment_concentration_signal(std::size_t segment) {
  return "concentration_ug_per_ml." + std::string(kNeuraxis[segment].name);
}

std::string segment_concentration_signal(std::string_view level) {
  if (level.empty()) return "";
  return segment_concentration_signal(segment_for_level(level));
}

PatientTwin::PatientTwin(const PatientTwinConfig& config)
    : reservoir_(config.reservoir_capacity_ml, config.reservoir_volume_ml,
                 config.reservoir_concentration_ug_per_ml),
      catheter_(placed(config.catheter, config.patient), config.reservoir_concentration_ug_per_ml),
      efficiency_(config.efficiency),
      model_(config.patient, config.drug, config.transport_grid) {
  segment_for_level(catheter_.tip_level());  // rejects an unknown level now, not at a stroke
  inputs_.initial_ug = reservoir_.drug_ug() + catheter_.drug_ug();
  // In patient_signal::Id order. Views and report flags: docs/viewer.md, "Plots".
  catalogue_ = {
      // Normal lumbar CSF pressure supine (docs/models.md, "CSF hydrodynamics").
      {"csf_pressure_mmhg", "mmHg", "pressure", true,
       SignalReference{10.0, 15.0, "normal 10-15 mmHg"}},
      {"outlet_pressure_mmhg", "mmHg", "pressure", true},
      {"plasma_concentration_ng_per_ml", "ng/mL", "plasma", true},
      {"analgesia_fraction", "1", "", false},
      {"pain_score", "NRS 0-10", "effects", true},
      {"antispasticity_fraction", "1", "", false},
      // The index at which ventilation is halved and needs intervention (patient_model.h).
      {"respiratory_depression_index", "1", "effects", true,
       SignalReference{0.5, 1.0, "respiratory depression needs intervention (> 0.5)"}},
      {"sedation_index", "1", "effects", true},
      {"withdrawal_risk", "1", "", false},
      {"reservoir_volume_ml", "mL", "reservoir", true},
      {"reservoir_concentration_ug_per_ml", "ug/mL", "", false},
      {"delivered_volume_ul", "uL", "volume", true},
      {"drug_to_csf_ug", "ug", "", false},
      {"drug_to_tissue_ug", "ug", "", false},
      {"tissue_drug_ug", "ug", "", false},
      {"catheter_tip_concentration_ug_per_ml", "ug/mL", "catheter tip", true},
      {"opioid_tolerance_factor", "1", "", false},
      {"isohypercapnic_ventilation_fraction", "1", "", false},
      {"csf_concentration_at_tip_ug_per_ml", "ug/mL", "", false},
  };
  for (std::size_t segment = 0; segment < kSegmentCount; ++segment) {
    catalogue_.push_back({segment_concentration_signal(segment), "ug/mL",
                          std::string(kNeuraxisView), false, std::nullopt,
                          std::string(kNeuraxis[segment].label)});
  }
}

void PatientTwin::deliver_outflow(const fluid::CatheterOutflow& outflow, double time_constant_s) {
  if (outflow.to_csf_ul > 0.0) {
    // The stroke leaves the tip as a pulse of about the catheter's time constant: its mean
    // velocity through the lumen sets how much CSF its jet entrains.
    const double diameter_cm = catheter_.parameters().inner_diameter_mm * 0.1;
    const double lumen_cm2 = 0.25 * 3.14159265358979323846 * diameter_cm * diameter_cm;
    const OutletJet jet =
        time_constant_s > 0.0
            ? OutletJet{outflow.to_csf_ul * 1e-3 / (time_constant_s * lumen_cm2), diameter_cm}
            : OutletJet{};
    model_.inject_at(catheter_.tip_level(), outflow.to_csf_ul * 1e-3, outflow.to_csf_ug, jet);
    to_csf_ug_ += outflow.to_csf_ug;
  }
  if (outflow.to_tissue_ug > 0.0) {
    model_.deposit_in_tissue(outflow.to_tissue_ug);
    to_tissue_ug_ += outflow.to_tissue_ug;
  }
}

void PatientTwin::advance_to(double time_s) {
  // While the catheter wall still holds a stroke, drain it in steps of about half its time
  // constant so the drug reaches the CSF close to when it really leaves the tip; then let the
  // patient model run to time_s in one go.
  double t = model_.time_s();
  while (t < time_s && catheter_.stored_volume_ul() > kNegligibleStoredUl) {
    const double tau = catheter_.time_constant_s(t);
    if (std::isinf(tau)) break;
    const double step = std::min(time_s - t, std::max(kMinimumDrainStepS, 0.5 * tau));
    const double end = (step == time_s - t) ? time_s : t + step;
    model_.advance_to(end);
    deliver_outflow(catheter_.advance(t, end - t, model_.csf_pressure_mmhg()), tau);
    t = end;
  }
  model_.advance_to(time_s);
  // Keep the catheter's resting pressure in step with the CSF it drains into.
  catheter_.advance(time_s, 0.0, model_.csf_pressure_mmhg());
}

StrokeOutcome PatientTwin::deliver_stroke(double time_s, double nominal_volume_ul) {
  advance_to(time_s);
  StrokeOutcome outcome;
  outcome.back_pressure_mmhg = catheter_.outlet_pressure_mmhg();
  const double wanted_ul = nominal_volume_ul * efficiency_.delivered_fraction(
                                                   outcome.back_pressure_mmhg, wear_fraction_);
  const fluid::Parcel taken = reservoir_.withdraw(wanted_ul);
  catheter_.push(taken);
  outcome.delivered_ul = taken.volume_ul;
  delivered_ul_ += taken.volume_ul;
  return outcome;
}

fluid::RefillOutcome PatientTwin::refill(double time_s, double volume_ml,
                                         double concentration_ug_per_ml, fluid::RefillRoute route) {
  advance_to(time_s);
  const fluid::RefillOutcome outcome = reservoir_.refill(volume_ml, concentration_ug_per_ml, route);
  inputs_.refilled_ug += outcome.volume_to_reservoir_ml * concentration_ug_per_ml;
  if (outcome.drug_to_pocket_ug > 0.0) {
    inputs_.pocket_ug += outcome.drug_to_pocket_ug;
    model_.deposit_in_tissue(outcome.drug_to_pocket_ug);
  }
  return outcome;
}

fluid::Parcel PatientTwin::empty_reservoir(double time_s) {
  advance_to(time_s);
  const fluid::Parcel removed = reservoir_.empty();
  inputs_.aspirated_ug += removed.drug_ug();
  return removed;
}

void PatientTwin::set_pump_wear_fraction(double time_s, double wear_fraction) {
  advance_to(time_s);
  wear_fraction_ = wear_fraction;
}

void PatientTwin::add_obstruction(double time_s, const fluid::Obstruction& obstruction) {
  advance_to(time_s);
  catheter_.add_obstruction(obstruction);
}

void PatientTwin::clear_obstructions(double time_s) {
  advance_to(time_s);
  catheter_.clear_obstructions();
}

void PatientTwin::set_leak(double time_s, double position_fraction, double leak_fraction) {
  advance_to(time_s);
  catheter_.set_leak(position_fraction, leak_fraction);
}

void PatientTwin::clear_leak(double time_s) {
  advance_to(time_s);
  catheter_.clear_leak();
}

void PatientTwin::migrate_tip(double time_s, const std::string& level, bool intrathecal) {
  segment_for_level(level);
  advance_to(time_s);
  catheter_.set_tip(level, intrathecal);
}

ChainMassBalance PatientTwin::mass_balance() const {
  ChainMassBalance balance = inputs_;
  balance.reservoir_ug = reservoir_.drug_ug();
  balance.catheter_ug = catheter_.drug_ug();
  balance.patient = model_.mass_balance();
  return balance;
}

std::size_t PatientTwin::signal_index(std::string_view name) const {
  for (std::size_t i = 0; i < catalogue_.size(); ++i) {
    if (catalogue_[i].name == name) return i;
  }
  throw std::out_of_range("unknown signal " + std::string(name));
}

double PatientTwin::signal(std::size_t index) const {
  if (index >= catalogue_.size()) throw std::out_of_range("signal index out of range");
  switch (static_cast<Signal>(index)) {
    case kCsfPressure:
      return model_.csf_pressure_mmhg();
    case kOutletPressure:
      return catheter_.outlet_pressure_mmhg();
    case kPlasmaConcentration:
      return model_.plasma_concentration_ng_per_ml();
    case kAnalgesia:
      return model_.effects().analgesia_fraction;
    case kPainScore:
      return model_.effects().pain_score;
    case kAntispasticity:
      return model_.effects().antispasticity_fraction;
    case kRespiratoryDepression:
      return model_.effects().respiratory_depression_index;
    case kSedation:
      return model_.effects().sedation_index;
    case kWithdrawalRisk:
      return model_.effects().withdrawal_risk;
    case kReservoirVolume:
      return reservoir_.volume_ml();
    case kReservoirConcentration:
      return reservoir_.concentration_ug_per_ml();
    case kDeliveredVolume:
      return delivered_ul_;
    case kDrugToCsf:
      return to_csf_ug_;
    case kDrugToTissue:
      return to_tissue_ug_;
    case kTissueDrug:
      return model_.tissue_drug_ug();
    case kTipConcentration:
      return catheter_.tip_concentration_ug_per_ml();
    case kToleranceFactor:
      return model_.tolerance_factor();
    case kVentilation:
      return model_.effects().ventilation_fraction;
    case kTipCsfConcentration:
      return model_.cell_concentration_ug_per_ml(model_.cell_at(catheter_.tip_level()));
    case kFirstSegmentConcentration:
      break;
  }
  // The segment concentrations close the catalogue.
  return model_.concentration_ug_per_ml(index - kFirstSegmentConcentration);
}

std::vector<double> PatientTwin::sample() const {
  std::vector<double> values(catalogue_.size());
  const Effects effects = model_.effects();
  for (std::size_t i = 0; i < values.size(); ++i) {
    switch (i) {
      case kAnalgesia:
        values[i] = effects.analgesia_fraction;
        break;
      case kPainScore:
        values[i] = effects.pain_score;
        break;
      case kAntispasticity:
        values[i] = effects.antispasticity_fraction;
        break;
      case kRespiratoryDepression:
        values[i] = effects.respiratory_depression_index;
        break;
      case kSedation:
        values[i] = effects.sedation_index;
        break;
      case kWithdrawalRisk:
        values[i] = effects.withdrawal_risk;
        break;
      case kVentilation:
        values[i] = effects.ventilation_fraction;
        break;
      default:
        values[i] = signal(i);
        break;
    }
  }
  return values;
}

}  // namespace pumptwin::physio
