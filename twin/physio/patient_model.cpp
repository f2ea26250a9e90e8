#include "twin/physio/patient_model.h"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <stdexcept>

namespace pumptwin::physio {
namespace {

namespace odeint = boost::numeric::odeint;

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kReferenceCsfVolumeMl = 150.0;
constexpr double kReferenceFormationMlPerMin = 0.35;
// Opioid tolerance over weeks, as a tolerance compartment shifting the EC50 (competitive form of
// Porchet, Benowitz & Sheiner 1988, J Pharmacol Exp Ther 244:231): EC50(t) = EC50_0 * F0 *
// (1 + x_tol), x_tol following the target concentration / EC50 with this time constant.
// ASSUMPTION (docs/models.md): 3 weeks, so that steady exposure at the EC50 doubles it within
// 2-3 months, the period over which intrathecal morphine doses rise before stabilising.
constexpr double kToleranceTimeConstantS = 21.0 * 24.0 * 3600.0;
// Tolerances of the adaptive stepper: absolute in ug (masses) and mmHg (pressure), relative.
// Drug masses span 1e-3 ug (ziconotide far from the tip) to 1e5 ug (morphine pocket fill).
constexpr double kAbsoluteTolerance = 1e-12;
constexpr double kRelativeTolerance = 1e-9;

double hill(double c, double ec50, double n) {
  if (c <= 0.0 || ec50 <= 0.0) return 0.0;
  const double r = std::pow(c / ec50, n);
  return r / (1.0 + r);
}

}  // namespace

PatientModel::PatientModel(const PatientParameters& patient, const DrugParameters& drug)
    : patient_(patient), drug_(drug), target_segment_(segment_for_level(patient.target_level)) {
  const double scale = patient.csf_volume_ml / kReferenceCsfVolumeMl;
  double spinal_volume = 0.0;
  for (std::size_t i = 0; i < kSegmentCount; ++i) {
    volume_ml_[i] = kNeuraxis[i].volume_ml * scale;
    if (kNeuraxis[i].spinal) spinal_volume += volume_ml_[i];
  }
  for (std::size_t i = 0; i < kSegmentCount; ++i) {
    spinal_absorption_share_[i] = kNeuraxis[i].spinal ? volume_ml_[i] / spinal_volume : 0.0;
  }
  // Exchange flow Q = D A / dx between neighbours, with the harmonic mean of their cross
  // sections (volume / length) and the distance between their centres.
  for (std::size_t i = 0; i + 1 < kSegmentCount; ++i) {
    const double a0 = volume_ml_[i] / kNeuraxis[i].length_cm;
    const double a1 = volume_ml_[i + 1] / kNeuraxis[i + 1].length_cm;
    const double area = 2.0 * a0 * a1 / (a0 + a1);
    const double distance = 0.5 * (kNeuraxis[i].length_cm + kNeuraxis[i + 1].length_cm);
    exchange_ml_per_s_[i] = patient.dispersion_cm2_per_s * area / distance;
  }
  // The drug's CSF clearance beyond bulk CSF turnover leaves across the meninges and into the
  // cord, at the same rate per mL everywhere.
  const double transfer_ml_per_min =
      std::max(0.0, drug.csf_clearance_ml_per_min - kReferenceFormationMlPerMin);
  membrane_clearance_per_s_ =
      patient.clearance_scale * transfer_ml_per_min / kReferenceCsfVolumeMl / 60.0;
  // Clearance from the steady-state volume and the half-life, leaving the central compartment.
  const double total_volume_ml = drug.plasma_volume_l_per_kg * patient.body_weight_kg * 1e3;
  const double clearance_ml_per_s = total_volume_ml * kLn2 / (drug.plasma_half_life_h * 3600.0);
  if (drug.plasma_central_volume_l_per_kg > 0.0) {
    plasma_volume_ml_ = drug.plasma_central_volume_l_per_kg * patient.body_weight_kg * 1e3;
    peripheral_volume_ml_ = total_volume_ml - plasma_volume_ml_;
    distribution_clearance_ml_per_s_ =
        drug.plasma_distribution_clearance_l_per_h_per_kg * patient.body_weight_kg * 1e3 / 3600.0;
  } else {
    plasma_volume_ml_ = total_volume_ml;
    peripheral_volume_ml_ = 1.0;  // unused: no distribution clearance
  }
  plasma_elimination_per_s_ = clearance_ml_per_s / plasma_volume_ml_;
  therapeutic_ke0_per_s_ = kLn2 / (drug.therapeutic_equilibration_half_life_min * 60.0);
  supraspinal_ke0_per_s_ = kLn2 / (drug.supraspinal_equilibration_half_life_min * 60.0);
  plasma_ke0_per_s_ = kLn2 / (drug.plasma_effect_equilibration_half_life_min * 60.0);
  tissue_absorption_per_s_ = kLn2 / (drug.tissue_absorption_half_life_min * 60.0);
  adaptation_per_s_ = 1.0 / (drug.withdrawal_adaptation_time_constant_h * 3600.0);
  if (drug.drug_class == DrugClass::kOpioid) tolerance_per_s_ = 1.0 / kToleranceTimeConstantS;
  state_[kPressure] = baseline_csf_pressure_mmhg();
}

double PatientModel::baseline_csf_pressure_mmhg() const {
  return patient_.sagittal_sinus_pressure_mmhg +
         patient_.csf_production_ml_per_min * patient_.outflow_resistance_mmhg_min_per_ml;
}

double PatientModel::absorption_ml_per_min() const {
  return std::max(0.0, state_[kPressure] - patient_.sagittal_sinus_pressure_mmhg) /
         patient_.outflow_resistance_mmhg_min_per_ml;
}

double PatientModel::concentration_ug_per_ml(std::size_t segment) const {
  return state_[kFirstSegment + segment] / volume_ml_[segment];
}

double PatientModel::plasma_concentration_ng_per_ml() const {
  // ug/mL to ng/mL.
  return state_[kPlasma] / plasma_volume_ml_ * 1e3;
}

void PatientModel::derivative(const State& x, State& dxdt) const {
  dxdt.fill(0.0);
  const double pressure = x[kPressure];
  const double absorption_ml_per_s =
      std::max(0.0, pressure - patient_.sagittal_sinus_pressure_mmhg) /
      patient_.outflow_resistance_mmhg_min_per_ml / 60.0;
  const double formation_ml_per_s = patient_.csf_production_ml_per_min / 60.0;
  dxdt[kPressure] =
      patient_.elastance_per_ml * pressure * (formation_ml_per_s - absorption_ml_per_s);

  std::array<double, kSegmentCount> c{};
  for (std::size_t i = 0; i < kSegmentCount; ++i) c[i] = x[kFirstSegment + i] / volume_ml_[i];

  const double spinal_absorption = patient_.spinal_absorption_fraction * absorption_ml_per_s;
  const double cranial_absorption = absorption_ml_per_s - spinal_absorption;
  double to_plasma = 0.0;
  // Bulk flow across the interface above segment i feeds the spinal absorption below it.
  double caudal_flow = 0.0;
  for (std::size_t i = 0; i + 1 < kSegmentCount; ++i) {
    caudal_flow += spinal_absorption * spinal_absorption_share_[i];
    const double flux = exchange_ml_per_s_[i] * (c[i + 1] - c[i]) + caudal_flow * c[i + 1];
    dxdt[kFirstSegment + i] += flux;
    dxdt[kFirstSegment + i + 1] -= flux;
  }
  for (std::size_t i = 0; i < kSegmentCount; ++i) {
    const double bulk = (i == kIntracranial ? cranial_absorption
                                            : spinal_absorption * spinal_absorption_share_[i]) *
                        c[i];
    const double transfer = membrane_clearance_per_s_ * x[kFirstSegment + i];
    dxdt[kFirstSegment + i] -= bulk + transfer;
    to_plasma += bulk + transfer;
  }
  const double absorbed = tissue_absorption_per_s_ * x[kTissue];
  const double eliminated = plasma_elimination_per_s_ * x[kPlasma];
  const double distributed =
      distribution_clearance_ml_per_s_ *
      (x[kPlasma] / plasma_volume_ml_ - x[kPeripheral] / peripheral_volume_ml_);
  dxdt[kTissue] = -absorbed;
  dxdt[kPlasma] = to_plasma + absorbed - eliminated - distributed;
  dxdt[kPeripheral] = distributed;
  dxdt[kEliminated] = eliminated;
  dxdt[kAdapted] = adaptation_per_s_ * (c[target_segment_] - x[kAdapted]);
  dxdt[kEffectSiteTarget] = therapeutic_ke0_per_s_ * (c[target_segment_] - x[kEffectSiteTarget]);
  dxdt[kEffectSiteCranial] = supraspinal_ke0_per_s_ * (c[kIntracranial] - x[kEffectSiteCranial]);
  dxdt[kEffectSitePlasma] =
      plasma_ke0_per_s_ * (x[kPlasma] / plasma_volume_ml_ * 1e3 - x[kEffectSitePlasma]);
  dxdt[kToleranceExposure] =
      tolerance_per_s_ * (c[target_segment_] / drug_.ec50_csf_ug_per_ml - x[kToleranceExposure]);
}

void PatientModel::advance_to(double time_s) {
  if (time_s < time_s_) throw std::invalid_argument("PatientModel::advance_to: time went back");
  if (time_s == time_s_) return;
  // A fresh stepper each interval: the Dormand-Prince stepper caches the derivative at the end
  // of its last step (first-same-as-last), which an injection in between invalidates.
  auto stepper = odeint::make_controlled(kAbsoluteTolerance, kRelativeTolerance,
                                         odeint::runge_kutta_dopri5<State>());
  const auto system = [this](const State& x, State& dxdt, double /*t*/) { derivative(x, dxdt); };
  double t = time_s_;
  double step = step_s_;
  while (t < time_s) {
    const double remaining = time_s - t;
    const bool last = step >= remaining;
    double h = last ? remaining : step;
    if (stepper.try_step(system, state_, t, h) == odeint::success) {
      // h now holds the suggested next step; a step cut short to land on time_s says little.
      step = last ? std::max(step, h) : h;
      if (last) t = time_s;
    } else {
      step = h;
    }
  }
  step_s_ = step;
  time_s_ = time_s;
}

void PatientModel::inject(std::size_t segment, double volume_ml, double drug_ug) {
  if (segment >= kSegmentCount || drug_ug < 0.0) {
    throw std::invalid_argument("PatientModel::inject: bad segment or negative drug");
  }
  state_[kFirstSegment + segment] += drug_ug;
  administered_ug_ += drug_ug;
  // Marmarou: P - p0 = (P_b - p0) exp(E dV) with p0 = 0.
  state_[kPressure] *= std::exp(patient_.elastance_per_ml * volume_ml);
}

void PatientModel::deposit_in_tissue(double drug_ug) {
  if (drug_ug < 0.0) throw std::invalid_argument("PatientModel::deposit_in_tissue: negative");
  state_[kTissue] += drug_ug;
  administered_ug_ += drug_ug;
}

void PatientModel::withdraw_csf(double volume_ml) {
  state_[kPressure] *= std::exp(-patient_.elastance_per_ml * volume_ml);
}

MassBalance PatientModel::mass_balance() const {
  MassBalance balance;
  balance.administered_ug = administered_ug_;
  for (std::size_t i = 0; i < kSegmentCount; ++i) balance.in_csf_ug += state_[kFirstSegment + i];
  balance.in_tissue_ug = state_[kTissue];
  balance.in_plasma_ug = state_[kPlasma] + state_[kPeripheral];
  balance.eliminated_ug = state_[kEliminated];
  return balance;
}

double PatientModel::tolerance_factor() const {
  if (drug_.drug_class != DrugClass::kOpioid) return 1.0;
  const double initial = patient_.opioid_tolerant ? patient_.initial_tolerance_factor : 1.0;
  return initial * (1.0 + state_[kToleranceExposure]);
}

Effects PatientModel::effects() const {
  Effects e;
  // Tolerance lowers the patient's sensitivity to every opioid effect alike.
  const double sensitivity = patient_.sensitivity / tolerance_factor();
  // Effects act on the effect-site concentrations; withdrawal compares the target segment's
  // concentration with the level adapted to.
  const double target = concentration_ug_per_ml(target_segment_);
  const double ec50 = drug_.ec50_csf_ug_per_ml / sensitivity;
  const double effect = drug_.emax * hill(state_[kEffectSiteTarget], ec50, drug_.hill);
  if (drug_.effect == TherapeuticEffect::kAnalgesia) {
    e.analgesia_fraction = effect;
  } else {
    e.antispasticity_fraction = effect;
  }
  e.pain_score = patient_.baseline_pain_score * (1.0 - e.analgesia_fraction);

  const double cranial = state_[kEffectSiteCranial];
  const double plasma = state_[kEffectSitePlasma];
  const double resp_csf =
      hill(cranial, drug_.respiratory_ec50_csf_ug_per_ml / sensitivity, drug_.adverse_hill);
  const double resp_plasma =
      hill(plasma, drug_.respiratory_ec50_plasma_ng_per_ml / sensitivity, drug_.adverse_hill);
  e.ventilation_fraction = (1.0 - resp_csf) * (1.0 - resp_plasma);
  e.respiratory_depression_index = 1.0 - e.ventilation_fraction;
  const double sed_csf =
      hill(cranial, drug_.sedation_ec50_csf_ug_per_ml / sensitivity, drug_.adverse_hill);
  const double sed_plasma =
      hill(plasma, drug_.sedation_ec50_plasma_ng_per_ml / sensitivity, drug_.adverse_hill);
  e.sedation_index = 1.0 - (1.0 - sed_csf) * (1.0 - sed_plasma);

  // Risk grows with how far the concentration has fallen below the adapted level, weighted by
  // how much effect that adapted level carried.
  const double adapted = state_[kAdapted];
  if (adapted > 0.0) {
    const double fall = std::clamp((adapted - target) / adapted, 0.0, 1.0);
    e.withdrawal_risk = drug_.withdrawal_severity * fall * hill(adapted, ec50, drug_.hill);
  }
  return e;
}

}  // namespace pumptwin::physio
