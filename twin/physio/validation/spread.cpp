#include "twin/physio/validation/spread.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

#include "twin/physio/validation/format.h"

namespace pumptwin::physio::validation {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kHour = 3600.0;
// 22-gauge spinal needle, inner diameter ~0.41 mm (ASSUMPTION: the CFD study's needle is not
// modelled; the jet is confined either way, so the gauge barely matters).
constexpr double kNeedleDiameterCm = 0.041;
// Intrathecal catheter, 0.53 mm inner diameter (Ascenda labeling), as the bench's catheter.
constexpr double kCatheterDiameterCm = 0.053;

double lumen_cm2(double diameter_cm) {
  return 0.25 * kPi * diameter_cm * diameter_cm;
}

// Outflow of `volume_ml` at `rate_ml_per_s` through a lumen, in 10 portions as it happens.
void deliver(PatientModel& m, const std::string& level, double volume_ml, double drug_ug,
             double rate_ml_per_s, double diameter_cm) {
  constexpr int kPortions = 10;
  const double duration_s = volume_ml / rate_ml_per_s;
  const OutletJet jet{rate_ml_per_s / lumen_cm2(diameter_cm), diameter_cm};
  const double start_s = m.time_s();
  for (int i = 0; i < kPortions; ++i) {
    m.inject_at(level, volume_ml / kPortions, drug_ug / kPortions, jet);
    m.advance_to(start_s + duration_s * (i + 1) / kPortions);
  }
}

}  // namespace

double spread_width_cm(const PatientModel& m) {
  const std::size_t n = m.cell_count() - 1;  // the intracranial cell is not part of the canal
  const auto c = [&m](std::size_t i) { return m.cell_concentration_ug_per_ml(i); };
  const auto x = [&m](std::size_t i) { return m.cell_position_cm(i); };
  std::size_t peak = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (c(i) > c(peak)) peak = i;
  }
  const double half = 0.5 * c(peak);
  std::size_t low = peak;
  while (low > 0 && c(low - 1) >= half) --low;
  std::size_t high = peak;
  while (high + 1 < n && c(high + 1) >= half) ++high;
  const double from =
      low == 0 ? x(0)
               : x(low - 1) + (half - c(low - 1)) / (c(low) - c(low - 1)) * (x(low) - x(low - 1));
  const double to = high + 1 == n ? x(n - 1)
                                  : x(high) + (c(high) - half) / (c(high) - c(high + 1)) *
                                                  (x(high + 1) - x(high));
  return to - from;
}

double lumbar_bolus_intracranial_auc(double volume_ml, double rate_ml_per_min, TransportGrid grid,
                                     double dispersion_scale) {
  // A tracer: leaves the CSF only with the CSF (no transfer across the meninges).
  DrugParameters tracer = drug(DrugId::kMorphine);
  tracer.csf_clearance_ml_per_min = 0.35;
  PatientParameters patient;
  patient.catheter_tip_level = "L3";
  patient.dispersion_cm2_per_s *= dispersion_scale;
  PatientModel m(patient, tracer, grid);
  constexpr double kDoseUg = 1000.0;
  deliver(m, "L3", volume_ml, kDoseUg, rate_ml_per_min / 60.0, kNeedleDiameterCm);
  const double step_s = 60.0;
  double auc = 0.0;
  double previous = m.concentration_ug_per_ml(kIntracranial);
  for (double t = m.time_s() + step_s; t <= 3.0 * kHour + 1e-6; t += step_s) {
    m.advance_to(t);
    const double now = m.concentration_ug_per_ml(kIntracranial);
    auc += 0.5 * (previous + now) * step_s / kHour;
    previous = now;
  }
  return auc / (kDoseUg / 1e3);
}

PatientModel pig_protocol(PigDelivery delivery, TransportGrid grid, double dispersion_scale) {
  PatientParameters patient;
  patient.catheter_tip_level = "L2";
  patient.dispersion_cm2_per_s *= dispersion_scale;
  PatientModel m(patient, drug(DrugId::kBaclofen), grid);
  // The same solution in every group (2 mg/mL, as Flack & Bernards 2010); widths do not
  // depend on it.
  constexpr double kUgPerMl = 2000.0;
  for (int hour = 0; hour < 8; ++hour) {
    switch (delivery) {
      case PigDelivery::kSlowInfusion:
      case PigDelivery::kFastInfusion: {
        const double ml_per_h = delivery == PigDelivery::kSlowInfusion ? 0.02 : 1.0;
        deliver(m, "L2", ml_per_h, ml_per_h * kUgPerMl, ml_per_h / kHour, kCatheterDiameterCm);
        break;
      }
      case PigDelivery::kHourlyBolus:
        deliver(m, "L2", 1.0, kUgPerMl, 1.0 / 300.0, kCatheterDiameterCm);
        break;
    }
    m.advance_to((hour + 1) * kHour);
  }
  return m;
}

namespace {

// Intracranial exposure after each bolus (volume mL, rate mL/min) of `bolus(x)`, relative to
// 5 mL at 5 mL/min, against x.
template <typename Bolus>
Series relative_exposure(const std::string& name, std::initializer_list<double> xs, Bolus bolus) {
  const TransportGrid grid{};
  const double reference = lumbar_bolus_intracranial_auc(5.0, 5.0, grid);
  Series s;
  s.name = name;
  for (const double x : xs) {
    const auto [volume_ml, rate_ml_per_min] = bolus(x);
    s.time_h.push_back(x);
    s.value.push_back(lumbar_bolus_intracranial_auc(volume_ml, rate_ml_per_min, grid) / reference);
  }
  return s;
}

Comparator bolus_volume() {
  Comparator c;
  c.id = "spread_vs_bolus_volume";
  c.title = "Intracranial exposure after a lumbar bolus against its volume";
  c.unit = "AUC / AUC of 5 mL";
  c.x_label = "bolus volume, mL (same dose, 5 mL/min)";
  c.source =
      "Khani et al. 2022, Fluids Barriers CNS 19:8 (CFD of an anatomically idealised human CSF "
      "system, verified in vitro), abstract: a 3x bolus volume (15 against 5 mL) increased the "
      "intracranial AUC over 3 h up to 2x";
  c.protocol =
      "tracer (no transfer across the meninges) at L3 through a 22-gauge needle at 5 mL/min, "
      "same dose at every volume (ASSUMPTION: the abstract does not say), reference adult; "
      "intracranial AUC 0-3 h relative to 5 mL";
  c.spread = "'up to 2x' read as the range 1-2";
  c.independence =
      "no transport parameter was fitted to bolus volumes: the dispersion was fitted to the "
      "baclofen lumbar:cisternal ratio (Kroin 1993), the jet constants come from free-jet data";
  c.acceptance_fold = 0.0;
  c.series = {relative_exposure("(same dose)", {1.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 20.0},
                                [](double volume) {
                                  return std::pair{volume, 5.0};
                                })};
  c.observations = {{"15 mL / 5 mL", Comparison::kValueAt, 0, 15.0, 2.0, 1.0, 2.0}};
  return c;
}

Comparator bolus_rate() {
  Comparator c;
  c.id = "spread_vs_bolus_rate";
  c.title = "Intracranial exposure after a 5 mL lumbar bolus against its rate";
  c.unit = "AUC / AUC at 5 mL/min";
  c.x_label = "injection rate, mL/min (5 mL)";
  c.source =
      "Khani et al. 2022, Fluids Barriers CNS 19:8, abstract: a 5x bolus rate (25 against 5 "
      "mL/min) did not improve tracer exposure to the brain";
  c.protocol = "as spread_vs_bolus_volume, 5 mL at 1-25 mL/min";
  c.spread = "'did not improve' read as within 0.8-1.25 (ASSUMPTION on the band)";
  c.independence = "as spread_vs_bolus_volume";
  c.acceptance_fold = 0.0;
  c.series = {relative_exposure("(5 mL)", {1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 25.0}, [](double rate) {
    return std::pair{5.0, rate};
  })};
  c.observations = {{"25 / 5 mL/min", Comparison::kValueAt, 0, 25.0, 1.0, 0.8, 1.25}};
  return c;
}

// The CSF concentration profile along the canal, normalised to its peak, against the distance
// from the tip.
Series profile(const std::string& name, const PatientModel& m) {
  Series s;
  s.name = name;
  const std::size_t n = m.cell_count() - 1;
  double peak = 0.0;
  for (std::size_t i = 0; i < n; ++i) peak = std::max(peak, m.cell_concentration_ug_per_ml(i));
  const double tip_cm = m.position_cm("L2");
  for (std::size_t i = 0; i < n; ++i) {
    s.time_h.push_back(m.cell_position_cm(i) - tip_cm);
    s.value.push_back(m.cell_concentration_ug_per_ml(i) / peak);
  }
  return s;
}

// The spread widths of the three groups of Bernards 2006 in the human canal, cm.
struct PigWidths {
  double slow_cm, fast_cm, bolus_cm;
};
PigWidths pig_widths(double dispersion_scale) {
  const TransportGrid grid{};
  return {spread_width_cm(pig_protocol(PigDelivery::kSlowInfusion, grid, dispersion_scale)),
          spread_width_cm(pig_protocol(PigDelivery::kFastInfusion, grid, dispersion_scale)),
          spread_width_cm(pig_protocol(PigDelivery::kHourlyBolus, grid, dispersion_scale))};
}
// "28.8, 29.0 and 33.2 cm".
std::string widths_text(const PigWidths& w) {
  return format("%.1f", w.slow_cm) + ", " + format("%.1f", w.fast_cm) + " and " +
         format("%.1f", w.bolus_cm) + " cm";
}

Comparator infusion_rate() {
  Comparator c;
  c.id = "spread_vs_infusion_rate";
  c.title = "Baclofen along the canal after 8 h: slow, fast infusion, hourly bolus";
  c.unit = "CSF concentration / its peak";
  c.x_label = "distance from the catheter tip, cm (rostral > 0)";
  c.source =
      "Bernards 2006, Anesthesiology 105:169 (pigs, microdialysis along the neuraxis, 8 h of "
      "20 or 1000 uL/h or 1000 uL over 5 min every hour), abstract: in all groups CSF "
      "concentration fell rapidly with distance, with most drug within a few centimetres; "
      "distribution significantly more limited at 20 uL/h. The figures were not digitised";
  c.protocol =
      "baclofen 2 mg/mL at L2 through the 0.53 mm catheter as each group, reference adult "
      "(human canal, not a pig's); width = full width at half maximum of the CSF profile at 8 h";
  c.spread =
      "widths: 'a few centimetres' read as 2-5 cm (ASSUMPTION); ratios: 'significantly more "
      "limited at 20 uL/h' read as the other groups at least 1.25 times as wide (ASSUMPTION: "
      "the smallest difference a few pigs per group show as significant)";
  c.independence = "no transport parameter was fitted to infusion-rate data";
  c.acceptance_fold = 0.0;  // widths within the range, ratios above their bound
  const TransportGrid grid{};
  const PatientModel slow = pig_protocol(PigDelivery::kSlowInfusion, grid);
  const PatientModel fast = pig_protocol(PigDelivery::kFastInfusion, grid);
  const PatientModel bolus = pig_protocol(PigDelivery::kHourlyBolus, grid);
  c.series = {profile("20 uL/h", slow), profile("1000 uL/h", fast),
              profile("1000 uL / 5 min hourly", bolus)};
  const PigWidths human{spread_width_cm(slow), spread_width_cm(fast), spread_width_cm(bolus)};
  // A pig-like gradient (a few cm in 8 h) needs ~40 times less dispersion at the tip.
  const PigWidths low = pig_widths(1.0 / 40.0);
  const double few_cm = std::sqrt(2.0 * 5.0);
  c.observations = {
      {"width 20 uL/h, cm", Comparison::kSummary, 0, 0.0, few_cm, 2.0, 5.0, human.slow_cm},
      {"width 1000 uL/h, cm", Comparison::kSummary, 0, 0.0, few_cm, 2.0, 5.0, human.fast_cm},
      {"width hourly bolus, cm", Comparison::kSummary, 0, 0.0, few_cm, 2.0, 5.0, human.bolus_cm},
      {"width 1000 / 20 uL/h", Comparison::kLowerBound, 0, 0.0, 1.25, 1.25, 1.25,
       human.fast_cm / human.slow_cm},
      {"width bolus / 20 uL/h", Comparison::kLowerBound, 0, 0.0, 1.25, 1.25, 1.25,
       human.bolus_cm / human.slow_cm},
  };
  c.gap =
      "in the human canal with the dispersion fitted to human data (Kroin 1993) every group "
      "spreads over tens of cm (widths " +
      widths_text(human) +
      ") and the infusion rate barely matters: 8 h of 1000 uL/h move the drug ~5 cm "
      "rostrally against sqrt(2 D t) ~50 cm of dispersion at L2 (0.04 cm^2/s), and the CSF's "
      "own caudal flow to the spinal absorption (~0.05 mL/min at L2) is 3 times the infusion's. "
      "With 40 times less dispersion (a pig-like few cm in 8 h) the widths are " +
      widths_text(low) +
      ": the hourly bolus then spreads further, the fast infusion hardly. The human lumbar to "
      "cisternal ratio and the morphine respiratory delay need the human dispersion; the pigs' "
      "steep gradients (anaesthetised, prone, a smaller canal, anterior-posterior differences a "
      "cross-section-averaged model cannot hold) are not reproduced";
  return c;
}

}  // namespace

std::vector<Comparator> spread_comparators() {
  return {bolus_volume(), bolus_rate(), infusion_rate()};
}

}  // namespace pumptwin::physio::validation
