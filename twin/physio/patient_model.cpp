#include "twin/physio/patient_model.h"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <stdexcept>

namespace pumptwin::physio {
namespace {

namespace odeint = boost::numeric::odeint;

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kPi = 3.14159265358979323846;
constexpr double kReferenceCsfVolumeMl = 150.0;
constexpr double kReferenceFormationMlPerMin = 0.35;
// Pulsatile mixing along the spine (docs/models.md, "Drug transport"). The cardiac CSF stroke
// volume is largest at the foramen magnum and falls to zero at the closed caudal end of the
// thecal sac: the spinal canal is a compliant tube closed caudally, and the volume oscillating
// through a level is the volume change of the compliance caudal of it (Loth et al. 2001, J
// Biomech Eng 123:71; Sincomb et al. 2022, J Fluid Mech, a 1-D model of that flow).
// ASSUMPTION: spinal compliance uniform per mL of spinal CSF, so the stroke volume through a
// level is proportional to the spinal CSF caudal of it.
// Stroke volume at C2 ~1 mL per beat (Greitz 1993, Neuroradiology 35:204) at ~72 beats/min: a
// peak oscillation velocity pi f SV / A at C2 (~4.4 cm/s over a 0.86 cm^2 cross section).
constexpr double kStrokeVolumeAtC2Ml = 1.0;
constexpr double kHeartRateHz = 1.2;
// Effective dispersion grows with the local displacement amplitude (stroke volume / cross
// section). Mechanical dispersion around the fine structure (nerve roots, trabeculae), which
// dominates spinal dispersion (Stockman 2007, J Biomech Eng 129:666: 5-10x a bare annulus), is
// linear in the oscillating velocity like dispersion in porous media; Taylor-Aris dispersion
// and steady streaming would be quadratic (Lawrence et al. 2019, J Fluid Mech 861:679).
// ASSUMPTION: exponent 1.
constexpr double kDispersionAmplitudeExponent = 1.0;
// Respiratory CSF motion, comparable to the cardiac at thoracic and lumbar levels, does not
// vanish at the caudal end as the cardiac does. ASSUMPTION: dispersion never falls below this
// share of its C2 value.
constexpr double kDispersionFloorFraction = 0.05;
// Share of the craniospinal compliance in the spinal canal: about a third (Loefgren &
// Zwetnow 1973, Acta Neurol Scand 49:575). ASSUMPTION on the value 0.3.
constexpr double kSpinalComplianceShare = 0.3;
// Near-tip jet (docs/models.md, "Near-tip mixing"): a round jet's centreline velocity falls as
// B U0 d / x with B ~ 6 (Pope 2000, Turbulent Flows, ch. 5) and it entrains 0.32 x / d times
// its own flow by distance x (Ricou & Spalding 1961, J Fluid Mech 11:21). It mixes until its
// velocity falls to the ambient CSF oscillation, and at most within this reach: the jet is
// confined by the 2-5 mm subarachnoid gap and its trabeculae (ASSUMPTION: 2 cm).
constexpr double kJetVelocityDecay = 6.0;
constexpr double kJetEntrainmentPerDiameter = 0.32;
constexpr double kJetReachMaxCm = 2.0;
// An injected flow is smoothed over this time before it moves the CSF (numerical: much longer
// than the 3-min stroke interval, much shorter than transport along the spine).
constexpr double kInjectedFlowSmoothingS = 1800.0;
// Tolerances of the adaptive stepper: absolute in ug (masses) and mmHg (pressure), relative.
// Drug masses span 1e-3 ug (ziconotide far from the tip) to 1e5 ug (morphine pocket fill).
constexpr double kAbsoluteTolerance = 1e-12;
constexpr double kRelativeTolerance = 1e-7;

double hill(double c, double ec50, double n) {
  if (c <= 0.0 || ec50 <= 0.0) return 0.0;
  const double r = std::pow(c / ec50, n);
  return r / (1.0 + r);
}

}  // namespace

PatientModel::PatientModel(const PatientParameters& patient, const DrugParameters& drug,
                           TransportGrid grid)
    : patient_(patient), drug_(drug), target_segment_(segment_for_level(patient.target_level)) {
  const double scale = patient.csf_volume_ml / kReferenceCsfVolumeMl;
  const std::size_t tip = segment_for_level(patient.catheter_tip_level);
  double spinal_volume = 0.0;
  for (std::size_t i = 0; i < kSegmentCount; ++i) {
    segment_volume_ml_[i] = kNeuraxis[i].volume_ml * scale;
    if (kNeuraxis[i].spinal) spinal_volume += segment_volume_ml_[i];
    const bool near_tip = (i + 1 >= tip && i <= tip + 1);
    const int count = i == kIntracranial ? 1
                                         : std::max(1, grid.cells_per_segment) *
                                               (near_tip ? std::max(1, grid.near_tip_factor) : 1);
    first_cell_[i] = cells_.size();
    for (int k = 0; k < count; ++k) {
      cells_.push_back({i, segment_volume_ml_[i] / count, kNeuraxis[i].length_cm / count, 0.0});
    }
  }
  first_cell_[kSegmentCount] = cells_.size();
  spinal_volume_ml_ = spinal_volume;
  double start_cm = 0.0;
  double start_ml = 0.0;
  for (Cell& cell : cells_) {
    cell.spinal_absorption_share =
        kNeuraxis[cell.segment].spinal ? cell.volume_ml / spinal_volume : 0.0;
    cell.start_cm = start_cm;
    cell.start_ml = start_ml;
    start_cm += cell.length_cm;
    start_ml += cell.volume_ml;
  }
  // Stroke volume share / cross section at C2: the displacement the dispersion is scaled from.
  const std::size_t c1_c4 = segment_for_level("C2");
  c2_stroke_share_ =
      std::min(1.0, volume_coordinate_ml(c1_c4, position_in_segment("C2")) / spinal_volume);
  reference_displacement_per_ml_ =
      c2_stroke_share_ * kNeuraxis[c1_c4].length_cm / segment_volume_ml_[c1_c4];
  // Exchange flow Q = D A / dx between neighbouring cells, with the harmonic mean of their
  // cross sections (volume / length) and the distance between their centres; D follows the
  // local displacement amplitude of the cardiac oscillation, relative to C2.
  for (std::size_t i = 0; i + 1 < cells_.size(); ++i) {
    const double a0 = cells_[i].volume_ml / cells_[i].length_cm;
    const double a1 = cells_[i + 1].volume_ml / cells_[i + 1].length_cm;
    const double area = 2.0 * a0 * a1 / (a0 + a1);
    const double distance = 0.5 * (cells_[i].length_cm + cells_[i + 1].length_cm);
    const double caudal_spinal_ml = std::min(cells_[i + 1].start_ml, spinal_volume);
    const double relative =
        caudal_spinal_ml / spinal_volume / area / reference_displacement_per_ml_;
    const double d =
        patient.dispersion_cm2_per_s *
        std::max(kDispersionFloorFraction, std::pow(relative, kDispersionAmplitudeExponent));
    dispersion_cm2_per_s_.push_back(d);
    exchange_ml_per_s_.push_back(d * area / distance);
    compliance_caudal_share_.push_back(kSpinalComplianceShare * caudal_spinal_ml / spinal_volume);
  }
  state_.assign(kFirstCell + cells_.size(), 0.0);
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
  // Opioid tolerance over weeks (drug_library.h): EC50(t) = EC50_0 * F0 * (1 + x_tol), x_tol
  // following C_target / K_I, K_I a multiple of the patient's EC50 at the start of therapy.
  if (drug.tolerance_time_constant_d > 0.0 && drug.tolerance_potency_ratio > 0.0) {
    tolerance_per_s_ = 1.0 / (drug.tolerance_time_constant_d * 86400.0);
    const double initial = patient.opioid_tolerant ? patient.initial_tolerance_factor : 1.0;
    tolerance_potency_ug_per_ml_ =
        drug.tolerance_potency_ratio * drug.ec50_csf_ug_per_ml * initial / patient.sensitivity;
  }
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
  double mass = 0.0;
  for (std::size_t i = first_cell_[segment]; i < first_cell_[segment + 1]; ++i) {
    mass += state_[kFirstCell + i];
  }
  return mass / segment_volume_ml_[segment];
}

double PatientModel::cell_concentration_ug_per_ml(std::size_t cell) const {
  return state_[kFirstCell + cell] / cells_[cell].volume_ml;
}

std::size_t PatientModel::cell_at(std::string_view level) const {
  const std::size_t segment = segment_for_level(level);
  const std::size_t count = first_cell_[segment + 1] - first_cell_[segment];
  const auto k = static_cast<std::size_t>(position_in_segment(level) * static_cast<double>(count));
  return first_cell_[segment] + std::min(k, count - 1);
}

double PatientModel::volume_coordinate_ml(std::size_t segment, double fraction) const {
  const Cell& first = cells_[first_cell_[segment]];
  return first.start_ml + fraction * segment_volume_ml_[segment];
}

double PatientModel::position_cm(std::string_view level) const {
  const std::size_t segment = segment_for_level(level);
  return cells_[first_cell_[segment]].start_cm +
         position_in_segment(level) * kNeuraxis[segment].length_cm;
}

double PatientModel::relative_oscillation(double at_ml) const {
  std::size_t cell = 0;
  while (cell + 1 < cells_.size() && cells_[cell + 1].start_ml <= at_ml) ++cell;
  const double area = cells_[cell].volume_ml / cells_[cell].length_cm;
  return std::min(at_ml, spinal_volume_ml_) / spinal_volume_ml_ / area /
         reference_displacement_per_ml_;
}

double PatientModel::oscillation_velocity_at(double at_ml) const {
  // Peak of a sinusoidal flow of stroke volume SV per beat is pi f SV; SV is kStrokeVolumeAtC2Ml
  // at C2 and scales with the compliance caudal of the level.
  return kPi * kHeartRateHz * kStrokeVolumeAtC2Ml / c2_stroke_share_ *
         reference_displacement_per_ml_ * relative_oscillation(at_ml);
}

double PatientModel::oscillation_velocity_cm_per_s(std::string_view level) const {
  const std::size_t segment = segment_for_level(level);
  return oscillation_velocity_at(volume_coordinate_ml(segment, position_in_segment(level)));
}

double PatientModel::plasma_concentration_ng_per_ml() const {
  // ug/mL to ng/mL.
  return state_[kPlasma] / plasma_volume_ml_ * 1e3;
}

void PatientModel::derivative(const State& x, State& dxdt) const {
  std::fill(dxdt.begin(), dxdt.end(), 0.0);
  const double pressure = x[kPressure];
  const double absorption_ml_per_s =
      std::max(0.0, pressure - patient_.sagittal_sinus_pressure_mmhg) /
      patient_.outflow_resistance_mmhg_min_per_ml / 60.0;
  const double formation_ml_per_s = patient_.csf_production_ml_per_min / 60.0;
  dxdt[kPressure] =
      patient_.elastance_per_ml * pressure * (formation_ml_per_s - absorption_ml_per_s);

  const std::size_t n = cells_.size();
  const auto c = [&](std::size_t i) { return x[kFirstCell + i] / cells_[i].volume_ml; };

  const double spinal_absorption = patient_.spinal_absorption_fraction * absorption_ml_per_s;
  const double cranial_absorption = absorption_ml_per_s - spinal_absorption;
  double to_plasma = 0.0;
  // Bulk flow across the interface above cell i feeds the spinal absorption below it.
  double caudal_flow = 0.0;
  // The injected flow leaves its cell both ways, each side taking the share of the compliance
  // beyond the interface. Hybrid differencing: central (second order, no numerical diffusion
  // on coarse cells) while the dispersive exchange is at least half the flow, which keeps the
  // matrix Metzler (no negative concentrations); upwind beyond.
  const double injected = x[kInjectedFlow];
  for (std::size_t i = 0; i + 1 < n; ++i) {
    caudal_flow += spinal_absorption * cells_[i].spinal_absorption_share;
    double flux = exchange_ml_per_s_[i] * (c(i + 1) - c(i)) + caudal_flow * c(i + 1);
    if (injected > 0.0) {
      const bool rostral = i >= flow_source_cell_;
      const double q =
          injected * (rostral ? 1.0 - compliance_caudal_share_[i] : compliance_caudal_share_[i]);
      const double upwind = rostral ? c(i) : c(i + 1);
      const double carried = exchange_ml_per_s_[i] >= 0.5 * q ? 0.5 * (c(i) + c(i + 1)) : upwind;
      flux += rostral ? -q * carried : q * carried;
    }
    dxdt[kFirstCell + i] += flux;
    dxdt[kFirstCell + i + 1] -= flux;
  }
  dxdt[kInjectedFlow] = -injected / kInjectedFlowSmoothingS;
  for (std::size_t i = 0; i < n; ++i) {
    const double bulk = (cells_[i].segment == kIntracranial
                             ? cranial_absorption
                             : spinal_absorption * cells_[i].spinal_absorption_share) *
                        c(i);
    const double transfer = membrane_clearance_per_s_ * x[kFirstCell + i];
    dxdt[kFirstCell + i] -= bulk + transfer;
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
  double target_mass = 0.0;
  for (std::size_t i = first_cell_[target_segment_]; i < first_cell_[target_segment_ + 1]; ++i) {
    target_mass += x[kFirstCell + i];
  }
  const double target = target_mass / segment_volume_ml_[target_segment_];
  const double cranial = c(first_cell_[kIntracranial]);
  dxdt[kAdapted] = adaptation_per_s_ * (target - x[kAdapted]);
  dxdt[kEffectSiteTarget] = therapeutic_ke0_per_s_ * (target - x[kEffectSiteTarget]);
  dxdt[kEffectSiteCranial] = supraspinal_ke0_per_s_ * (cranial - x[kEffectSiteCranial]);
  dxdt[kEffectSitePlasma] =
      plasma_ke0_per_s_ * (x[kPlasma] / plasma_volume_ml_ * 1e3 - x[kEffectSitePlasma]);
  dxdt[kToleranceExposure] =
      tolerance_per_s_ * (target / tolerance_potency_ug_per_ml_ - x[kToleranceExposure]);
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

void PatientModel::inject(std::size_t segment, double volume_ml, double drug_ug, OutletJet jet) {
  if (segment >= kSegmentCount) throw std::invalid_argument("PatientModel::inject: bad segment");
  inject_at_volume(volume_coordinate_ml(segment, 0.5), volume_ml, drug_ug, jet);
}

void PatientModel::inject_at(std::string_view level, double volume_ml, double drug_ug,
                             OutletJet jet) {
  const std::size_t segment = segment_for_level(level);
  inject_at_volume(volume_coordinate_ml(segment, position_in_segment(level)), volume_ml, drug_ug,
                   jet);
}

void PatientModel::inject_at_volume(double at_ml, double volume_ml, double drug_ug, OutletJet jet) {
  if (drug_ug < 0.0 || volume_ml < 0.0) {
    throw std::invalid_argument("PatientModel::inject: negative drug or volume");
  }
  std::size_t cell = 0;
  while (cell + 1 < cells_.size() && cells_[cell + 1].start_ml <= at_ml) ++cell;
  // The jet mixes until its centreline velocity falls to the CSF's own oscillation, within its
  // confined reach, and entrains 0.32 x / d times the injected volume by then, at most the CSF
  // within that reach.
  double entrained_ml = 0.0;
  if (jet.velocity_cm_per_s > 0.0 && jet.diameter_cm > 0.0) {
    const double ambient_cm_per_s = oscillation_velocity_at(at_ml);
    const double reach_cm = std::min(kJetReachMaxCm, kJetVelocityDecay * jet.diameter_cm *
                                                         jet.velocity_cm_per_s / ambient_cm_per_s);
    const double area = cells_[cell].volume_ml / cells_[cell].length_cm;
    entrained_ml = std::min(kJetEntrainmentPerDiameter * reach_cm / jet.diameter_cm * volume_ml,
                            2.0 * reach_cm * area);
  }
  // The drug fills the mixing volume centred on the outlet, kept inside the CSF spaces; each
  // cell takes its overlap with it.
  const double total_ml = cells_.back().start_ml + cells_.back().volume_ml;
  const double mixing_ml = std::min(volume_ml + entrained_ml, total_ml);
  if (mixing_ml <= 0.0) {
    state_[kFirstCell + cell] += drug_ug;
  } else {
    const double low = std::clamp(at_ml - 0.5 * mixing_ml, 0.0, total_ml - mixing_ml);
    const double high = low + mixing_ml;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const double overlap = std::min(high, cells_[i].start_ml + cells_[i].volume_ml) -
                             std::max(low, cells_[i].start_ml);
      if (overlap > 0.0) state_[kFirstCell + i] += drug_ug * overlap / mixing_ml;
    }
  }
  administered_ug_ += drug_ug;
  state_[kInjectedFlow] += volume_ml / kInjectedFlowSmoothingS;
  flow_source_cell_ = cell;
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
  for (std::size_t i = 0; i < cells_.size(); ++i) balance.in_csf_ug += state_[kFirstCell + i];
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
  const double emax = drug_.drug_class == DrugClass::kOpioid
                          ? std::min(drug_.emax, patient_.opioid_relief_ceiling)
                          : drug_.emax;
  const double effect = emax * hill(state_[kEffectSiteTarget], ec50, drug_.hill);
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
