#include "twin/fluid/catheter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pumptwin::fluid {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846;
constexpr double kPascalPerMmhg = 133.322;

// Series and parallel combination that tolerate infinite (occluded) branches.
double parallel(double a, double b) {
  if (std::isinf(a)) return b;
  if (std::isinf(b)) return a;
  if (a + b == 0.0) return 0.0;
  return a * b / (a + b);
}

}  // namespace

double Obstruction::open_area_fraction(double time_s) const {
  if (time_s < start_time_s) return 1.0;
  if (growth_duration_s <= 0.0) return final_open_area_fraction;
  const double progress = std::min(1.0, (time_s - start_time_s) / growth_duration_s);
  return 1.0 + (final_open_area_fraction - 1.0) * progress;
}

Catheter::Catheter(const CatheterParameters& parameters, double prime_concentration_ug_per_ml)
    : parameters_(parameters), leak_resistance_mmhg_s_per_ul_(kInfinity) {
  if (parameters.length_cm <= 0.0 || parameters.inner_diameter_mm <= 0.0 ||
      parameters.viscosity_mpa_s <= 0.0 || parameters.compliance_ul_per_mmhg_per_m <= 0.0) {
    throw std::invalid_argument("Catheter: geometry, viscosity and compliance must be positive");
  }
  downstream_.push_back({dead_volume_ul(), prime_concentration_ug_per_ml});
}

double Catheter::dead_volume_ul() const {
  const double radius_cm = 0.05 * parameters_.inner_diameter_mm;
  return kPi * radius_cm * radius_cm * parameters_.length_cm * 1e3;  // 1 cm^3 = 1000 uL
}

double Catheter::compliance_ul_per_mmhg() const {
  return parameters_.compliance_ul_per_mmhg_per_m * parameters_.length_cm * 1e-2;
}

double Catheter::lumen_resistance_mmhg_s_per_ul() const {
  // Poiseuille: R = 8 mu L / (pi r^4), in SI then to mmHg s / uL (1 uL = 1e-9 m^3).
  const double radius_m = 0.5e-3 * parameters_.inner_diameter_mm;
  const double length_m = 1e-2 * parameters_.length_cm;
  const double mu_pa_s = 1e-3 * parameters_.viscosity_mpa_s;
  const double r_si = 8.0 * mu_pa_s * length_m / (kPi * std::pow(radius_m, 4));
  return r_si * 1e-9 / kPascalPerMmhg;
}

Catheter::Resistances Catheter::resistances(double time_s) const {
  const double per_cm = lumen_resistance_mmhg_s_per_ul() / parameters_.length_cm;
  Resistances r;
  r.upstream = per_cm * parameters_.length_cm * leak_position_fraction_;
  r.downstream = per_cm * parameters_.length_cm * (1.0 - leak_position_fraction_);
  r.leak = leak_resistance_mmhg_s_per_ul_;
  for (const Obstruction& o : obstructions_) {
    const double area = o.open_area_fraction(time_s);
    // Poiseuille resistance scales with 1/area^2 over the narrowed stretch.
    const double added =
        area <= 0.0 ? kInfinity : per_cm * o.length_cm * (1.0 / (area * area) - 1.0);
    if (o.position_fraction < leak_position_fraction_) {
      r.upstream += added;
    } else {
      r.downstream += added;
    }
  }
  return r;
}

double Catheter::leak_share(const Resistances& r) const {
  if (std::isinf(r.leak)) return 0.0;
  if (std::isinf(r.downstream)) return 1.0;
  return r.downstream / (r.downstream + r.leak);
}

double Catheter::total_resistance_mmhg_s_per_ul(double time_s) const {
  const Resistances r = resistances(time_s);
  return r.upstream + parallel(r.downstream, r.leak);
}

double Catheter::time_constant_s(double time_s) const {
  return total_resistance_mmhg_s_per_ul(time_s) * compliance_ul_per_mmhg();
}

double Catheter::outlet_pressure_mmhg() const {
  return rest_pressure_mmhg_ + stored_volume_ul_ / compliance_ul_per_mmhg();
}

double Catheter::tip_concentration_ug_per_ml() const {
  return downstream_.volume_ul() > 0.0 ? downstream_.outlet_concentration_ug_per_ml()
                                       : upstream_.outlet_concentration_ug_per_ml();
}

void Catheter::push(const Parcel& parcel) {
  upstream_.push_back(parcel);
  stored_volume_ul_ += parcel.volume_ul;
}

CatheterOutflow Catheter::advance(double time_s, double duration_s, double csf_pressure_mmhg) {
  const Resistances r = resistances(time_s);
  const double share = leak_share(r);
  // The wall relaxes towards CSF pressure at the tip, or towards tissue pressure (taken as 0
  // gauge) through a leak; CSF flowing back out through a leak is not modelled.
  rest_pressure_mmhg_ = (1.0 - share) * csf_pressure_mmhg;
  CatheterOutflow out;
  const double tau = (r.upstream + parallel(r.downstream, r.leak)) * compliance_ul_per_mmhg();
  if (std::isinf(tau) || duration_s <= 0.0 || stored_volume_ul_ <= 0.0) return out;
  const double remaining = stored_volume_ul_ * std::exp(-duration_s / tau);
  const double drained_ul = stored_volume_ul_ - remaining;
  stored_volume_ul_ = remaining;

  const bool tip_in_csf = tip_intrathecal_;
  for (const Parcel& p : upstream_.pop_front(drained_ul)) {
    const Parcel leaked{p.volume_ul * share, p.concentration_ug_per_ml};
    out.to_tissue_ul += leaked.volume_ul;
    out.to_tissue_ug += leaked.drug_ug();
    downstream_.push_back({p.volume_ul - leaked.volume_ul, p.concentration_ug_per_ml});
  }
  const double through_ul = drained_ul * (1.0 - share);
  for (const Parcel& p : downstream_.pop_front(through_ul)) {
    if (tip_in_csf) {
      out.to_csf_ul += p.volume_ul;
      out.to_csf_ug += p.drug_ug();
    } else {
      out.to_tissue_ul += p.volume_ul;
      out.to_tissue_ug += p.drug_ug();
    }
  }
  return out;
}

void Catheter::add_obstruction(const Obstruction& obstruction) {
  obstructions_.push_back(obstruction);
}

void Catheter::clear_obstructions() {
  obstructions_.clear();
}

void Catheter::set_leak(double position_fraction, double leak_fraction) {
  // A hole at the very tip would just be the tip: positions stop short of it.
  if (position_fraction < 0.0 || position_fraction >= 1.0 || leak_fraction <= 0.0 ||
      leak_fraction > 1.0) {
    throw std::invalid_argument("Catheter::set_leak: position in [0,1), fraction in (0,1]");
  }
  resplit(position_fraction);
  // Size the hole so it takes leak_fraction of the flow of an otherwise patent catheter.
  const double downstream_patent = lumen_resistance_mmhg_s_per_ul() * (1.0 - position_fraction);
  leak_resistance_mmhg_s_per_ul_ = downstream_patent * (1.0 - leak_fraction) / leak_fraction;
}

void Catheter::clear_leak() {
  resplit(0.0);
  leak_resistance_mmhg_s_per_ul_ = kInfinity;
}

void Catheter::set_tip(const std::string& level, bool intrathecal) {
  parameters_.tip_level = level;
  tip_intrathecal_ = intrathecal;
}

void Catheter::resplit(double position_fraction) {
  // Rejoin both stretches (upstream's outlet end adjoins downstream's inlet end), then cut the
  // combined content again so that upstream holds the new leak's share of the dead volume plus
  // the volume stored in the wall.
  const std::vector<Parcel> upstream_content = upstream_.pop_front(upstream_.volume_ul());
  for (const Parcel& p : upstream_content) downstream_.push_back(p);
  leak_position_fraction_ = position_fraction;
  const double upstream_ul = dead_volume_ul() * position_fraction + stored_volume_ul_;
  for (const Parcel& p : downstream_.pop_back(upstream_ul)) upstream_.push_back(p);
}

}  // namespace pumptwin::fluid
