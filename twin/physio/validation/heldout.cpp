#include "twin/physio/validation/heldout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "twin/physio/patient_model.h"
#include "twin/physio/validation/format.h"
#include "twin/physio/validation/spread.h"

namespace pumptwin::physio::validation {
namespace {

constexpr double kHour = 3600.0;
// Where a lumbar puncture or a lumbar catheter injects and samples.
const std::size_t kLumbar = segment_for_level("L2");

// Samples a quantity of the model every step_h up to duration_h, after dosing at t = 0 (the
// dosing callback may itself advance the model, e.g. for a 1-h infusion).
template <typename Dose, typename Read>
Series course(const std::string& name, PatientModel& model, Dose dose, Read read, double duration_h,
              double step_h) {
  Series s;
  s.name = name;
  dose(model);
  for (double t = std::max(step_h, model.time_s() / kHour); t <= duration_h + 1e-9; t += step_h) {
    model.advance_to(t * kHour);
    s.time_h.push_back(t);
    s.value.push_back(read(model));
  }
  return s;
}

double lumbar_ng_per_ml(const PatientModel& m) {
  return m.concentration_ug_per_ml(kLumbar) * 1e3;
}
double plasma_ng_per_ml(const PatientModel& m) {
  return m.plasma_concentration_ng_per_ml();
}

double value_at(const Series& s, double time_h) {
  for (std::size_t i = 1; i < s.time_h.size(); ++i) {
    if (s.time_h[i] >= time_h) {
      const double f = (time_h - s.time_h[i - 1]) / (s.time_h[i] - s.time_h[i - 1]);
      return s.value[i - 1] + f * (s.value[i] - s.value[i - 1]);
    }
  }
  return s.value.back();
}

// Moments of a lumbar bolus, as non-compartmental analysis computes them: CL = dose / AUC,
// MRT = AUMC / AUC, Vss = CL * MRT, with the tails extrapolated from the last 12 h.
struct Moments {
  double clearance_ml_per_min;
  double mrt_min;
  double vss_ml;
  double terminal_half_life_h;
};

Moments lumbar_moments(const DrugParameters& d, double dose_ug, double volume_ml) {
  PatientModel m(PatientParameters{}, d);
  m.inject(kLumbar, volume_ml, dose_ug);
  const double step_s = 60.0;
  double auc = 0.0, aumc = 0.0, previous = m.concentration_ug_per_ml(kLumbar), c12 = 0.0;
  const double end_s = 36.0 * kHour;
  for (double t = step_s; t <= end_s + 1e-6; t += step_s) {
    m.advance_to(t);
    const double c = m.concentration_ug_per_ml(kLumbar);
    auc += 0.5 * (c + previous) * step_s;
    aumc += 0.5 * (c * t + previous * (t - step_s)) * step_s;
    previous = c;
    if (std::abs(t - 24.0 * kHour) < 1e-6) c12 = c;
  }
  const double lambda = std::log(c12 / previous) / (12.0 * kHour);
  auc += previous / lambda;
  aumc += previous * end_s / lambda + previous / (lambda * lambda);
  Moments r{};
  r.clearance_ml_per_min = dose_ug / auc * 60.0;
  r.mrt_min = aumc / auc / 60.0;
  r.vss_ml = r.clearance_ml_per_min * r.mrt_min;
  r.terminal_half_life_h = std::log(2.0) / lambda / kHour;
  return r;
}

Comparator nordberg_intrathecal_lumbar() {
  Comparator c;
  c.id = "morphine_it_lumbar_csf";
  c.title = "Morphine in lumbar CSF after a lumbar intrathecal bolus";
  c.unit = "ng/mL";
  c.log_y = true;
  c.source = "Nordberg et al. 1984, Anesthesiology 60:448 (15 patients, L2-L4)";
  c.protocol = "0.25 and 0.5 mg in 1 mL into L1-L3, reference adult; L1-L3 concentration";
  c.spread = "mean +/- SEM";
  c.independence =
      "same study as the morphine clearance fit, different quantity: the fit used the terminal "
      "half-life and clearance, not these absolute 1-h levels";
  for (const double dose : {250.0, 500.0}) {
    PatientModel m(PatientParameters{}, drug(DrugId::kMorphine));
    c.series.push_back(course(
        format("%.2f mg", dose / 1e3), m, [dose](PatientModel& p) { p.inject(kLumbar, 1.0, dose); },
        lumbar_ng_per_ml, 24.0, 0.25));
  }
  c.observations = {{"0.25 mg, 1 h", Comparison::kValueAt, 0, 1.0, 4228.0, 3867.0, 4589.0},
                    {"0.5 mg, 1 h", Comparison::kValueAt, 1, 1.0, 10447.0, 8909.0, 11985.0}};
  return c;
}

Comparator ionescu_intradural_moments() {
  Comparator c;
  c.id = "morphine_it_moments";
  c.title = "Morphine lumbar CSF disposition after 0.05 mg/kg intradural";
  c.source =
      "The pharmacokinetics of intradural morphine in major abdominal surgery (Ionescu et al., 21 "
      "patients, 0.05 mg/kg)";
  c.protocol = "3.5 mg (0.05 mg/kg, 70 kg) in 1 mL into L1-L3; moments of the L1-L3 concentration";
  c.spread = "mean +/- SD";
  c.independence = "different study and dose from the fit (Nordberg 1984)";
  const Moments m = lumbar_moments(drug(DrugId::kMorphine), 3500.0, 1.0);
  c.observations = {
      {"CL, mL/min", Comparison::kSummary, 0, 0.0, 0.34, 0.16, 0.52, m.clearance_ml_per_min},
      {"Vss, mL", Comparison::kSummary, 0, 0.0, 42.0, 23.75, 60.25, m.vss_ml},
      {"MRT, min", Comparison::kSummary, 0, 0.0, 137.0, 82.1, 191.9, m.mrt_min}};
  return c;
}

Comparator depot_plasma(const std::string& id, const std::string& title, double dose_ug,
                        Observation peak, const std::string& source, const std::string& route) {
  Comparator c;
  c.id = id;
  c.title = title;
  c.unit = "ng/mL";
  c.source = source;
  c.protocol = format("%.0f mg", dose_ug / 1e3) + " morphine into the tissue depot (" + route +
               "), reference adult 70 kg; plasma";
  c.spread = peak.observed_low == peak.observed_high ? "range of peaks" : "as reported";
  c.independence =
      "absorption and distribution were fitted to Stuart-Harris 2000 (s.c. and i.v.); this "
      "route and study were not used";
  PatientModel m(PatientParameters{}, drug(DrugId::kMorphine));
  c.series.push_back(course(
      "model", m, [dose_ug](PatientModel& p) { p.deposit_in_tissue(dose_ug); }, plasma_ng_per_ml,
      6.0, 1.0 / 60.0));
  c.observations = {peak};
  return c;
}

Comparator intrathecal_plasma() {
  Comparator c;
  c.id = "morphine_it_plasma";
  c.title = "Plasma morphine after 0.5 mg lumbar intrathecal";
  c.unit = "ng/mL";
  c.source = "Nordberg et al. 1984, Anesthesiology 60:448: plasma generally under 1 ng/mL";
  c.protocol = "0.5 mg in 1 mL into L1-L3, reference adult; plasma";
  c.spread = "upper bound";
  c.independence = "plasma after intrathecal dosing was not used by any fit";
  c.acceptance_fold = 1.0;
  PatientModel m(PatientParameters{}, drug(DrugId::kMorphine));
  c.series.push_back(course(
      "model", m, [](PatientModel& p) { p.inject(kLumbar, 1.0, 500.0); }, plasma_ng_per_ml, 24.0,
      0.25));
  c.observations = {{"peak", Comparison::kUpperBound, 0, 4.0, 1.0, 1.0, 1.0}};
  return c;
}

Comparator ziconotide_infusion_peak() {
  Comparator c;
  c.id = "ziconotide_it_cmax";
  c.title = "Ziconotide in lumbar CSF, 1-h lumbar infusion";
  c.unit = "ng/mL";
  c.log_y = true;
  c.source = "Prialt labeling (23 patients, 1-h infusion of 1-10 ug): Cmax 16.4-132 ng/mL";
  c.protocol = "1 and 10 ug over 1 h into L1-L3, reference adult; L1-L3 concentration";
  c.spread = "the label's range, taken as the 1-ug and 10-ug ends";
  c.independence =
      "same study as the clearance fit (medians of CL and V), different quantity (peak)";
  for (const double dose : {1.0, 10.0}) {
    PatientModel m(PatientParameters{}, drug(DrugId::kZiconotide));
    const auto infuse = [dose](PatientModel& p) {
      for (int i = 0; i < 60; ++i) {
        p.inject(kLumbar, 1e-3, dose / 60.0);
        p.advance_to((i + 1) * 60.0);
      }
    };
    c.series.push_back(course(format("%.0f ug", dose), m, infuse, lumbar_ng_per_ml, 24.0, 0.25));
  }
  c.observations = {{"1 ug, Cmax", Comparison::kPeak, 0, 1.0, 16.4, 16.4, 16.4},
                    {"10 ug, Cmax", Comparison::kPeak, 1, 1.0, 132.0, 132.0, 132.0}};
  return c;
}

Comparator mueller_baclofen() {
  Comparator c;
  c.id = "baclofen_it_ranges";
  c.title = "Baclofen lumbar CSF disposition after a lumbar bolus";
  c.source =
      "CSF baclofen levels after intrathecal administration in severe spasticity, Eur J Clin "
      "Pharmacol, doi 10.1007/BF00265844 (4 patients): t1/2 0.9-5 h, CL 0.013-0.08 L/h";
  c.protocol = "50 ug in 1 mL into L1-L3, reference adult; L1-L3 concentration";
  c.spread = "range over patients; observed = its geometric mid-point; accepted within range";
  c.independence = "the baclofen clearance was fitted to the Lioresal labeling only";
  const Moments m = lumbar_moments(drug(DrugId::kBaclofen), 50.0, 1.0);
  c.observations = {{"t1/2, h", Comparison::kSummary, 0, 0.0, std::sqrt(0.9 * 5.0), 0.9, 5.0,
                     m.terminal_half_life_h},
                    {"CL, mL/min", Comparison::kSummary, 0, 0.0, std::sqrt(0.217 * 1.333), 0.217,
                     1.333, m.clearance_ml_per_min}};
  c.acceptance_fold = 0.0;  // within the range instead
  return c;
}

void predict(Comparator& c) {
  for (Observation& o : c.observations) {
    if (o.comparison == Comparison::kSummary || o.comparison == Comparison::kLowerBound) continue;
    const Series& s = c.series.at(o.series);
    o.predicted = o.comparison == Comparison::kValueAt
                      ? value_at(s, o.time_h)
                      : *std::max_element(s.value.begin(), s.value.end());
  }
}

}  // namespace

bool Comparator::accepted(const Observation& o) const {
  if (o.comparison == Comparison::kUpperBound) return o.predicted <= o.observed;
  if (o.comparison == Comparison::kLowerBound) return o.predicted >= o.observed;
  if (acceptance_fold == 0.0)
    return o.predicted >= o.observed_low && o.predicted <= o.observed_high;
  const double fold = o.predicted / o.observed;
  return fold <= acceptance_fold && fold >= 1.0 / acceptance_fold;
}

double Comparator::rms_log10_error() const {
  double sum = 0.0;
  for (const Observation& o : observations) {
    const double e = std::log10(o.predicted / o.observed);
    sum += e * e;
  }
  return std::sqrt(sum / static_cast<double>(observations.size()));
}

bool Comparator::accepted() const {
  return std::all_of(observations.begin(), observations.end(),
                     [this](const Observation& o) { return accepted(o); });
}

std::vector<Comparator> heldout_comparators() {
  std::vector<Comparator> list = {
      nordberg_intrathecal_lumbar(),
      ionescu_intradural_moments(),
      intrathecal_plasma(),
      depot_plasma("morphine_im_plasma", "Plasma morphine after 10 mg intramuscular", 10000.0,
                   {"peak", Comparison::kPeak, 0, 0.25, 56.5, 51.0, 62.0},
                   "Stanski, Greenblatt & Lowenstein 1978, Kinetics of intravenous and "
                   "intramuscular morphine, Clin Pharmacol Ther 24:52: peak 51-62 ng/mL within "
                   "20 min (8 volunteers)",
                   "intramuscular, absorbed like s.c."),
      depot_plasma("morphine_epidural_plasma", "Plasma morphine after 6 mg epidural", 6000.0,
                   {"peak", Comparison::kPeak, 0, 0.2, 66.0, 58.0, 74.0},
                   "Pharmacokinetics of epidural morphine in man (Nordberg et al., 6 mg, 5 "
                   "patients): Cmax 66 +/- 8 (SEM) ng/mL at 12 +/- 3 min",
                   "epidural, absorbed like s.c."),
      ziconotide_infusion_peak(),
      mueller_baclofen(),
  };
  for (Comparator& c : spread_comparators()) list.push_back(std::move(c));
  for (Comparator& c : list) predict(c);
  return list;
}

std::string heldout_table_markdown(const std::vector<Comparator>& comparators) {
  std::string out =
      "# Held-out validation: the patient model against data no parameter was fitted to\n\n"
      "Generated by `build/default/bench/physio/physio_validation docs/validation` (see "
      "[README.md](README.md)); error = model / observed - 1. Click a comparator for its plot "
      "(model time course against the data).\n\n"
      "| comparator | observation | observed (spread) | model | error | accepted when | pass |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const Comparator& c : comparators) {
    for (const Observation& o : c.observations) {
      std::string observed = format("%.4g", o.observed);
      if (o.observed_low != o.observed_high) {
        observed +=
            " (" + format("%.4g", o.observed_low) + "-" + format("%.4g", o.observed_high) + ")";
      }
      std::string band;
      if (o.comparison == Comparison::kUpperBound) {
        band = "model <= observed";
      } else if (o.comparison == Comparison::kLowerBound) {
        band = "model >= observed";
      } else if (c.acceptance_fold == 0.0) {
        band = "within the range";
      } else {
        band = "within " + format("%.3g", c.acceptance_fold) + "-fold";
      }
      // A summary quantity or a bound carries its unit in its label.
      const bool curve_value =
          o.comparison != Comparison::kSummary && o.comparison != Comparison::kLowerBound;
      out += "| [" + c.id + "](" + c.id + ".svg) | " + o.label + " | " + observed +
             (curve_value ? " " + c.unit : std::string()) + " | " + format("%.4g", o.predicted) +
             " | " + format("%+.0f %%", 100.0 * Comparator::relative_error(o)) + " | " + band +
             " | " + (c.accepted(o) ? "pass" : "FAIL") + " |\n";
    }
  }
  out +=
      "\nPrediction error per comparator: the root mean square of log10(model / observed) over "
      "its observations (0.301 is a factor of 2), and the largest single error.\n\n"
      "| comparator | observations | RMS log10 error | as a factor | largest error |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (const Comparator& c : comparators) {
    double largest = 0.0;
    for (const Observation& o : c.observations) {
      const double e = Comparator::relative_error(o);
      if (std::abs(e) > std::abs(largest)) largest = e;
    }
    const double rms = c.rms_log10_error();
    out += "| " + c.id + " | " + std::to_string(c.observations.size()) + " | " +
           format("%.3f", rms) + " | " + format("%.2f", std::pow(10.0, rms)) + " | " +
           format("%+.0f %%", 100.0 * largest) + " |\n";
  }
  out += "\nSources, protocols and why each is held out:\n\n";
  for (const Comparator& c : comparators) {
    out += "- `" + c.id + "`: " + c.title + ". Source: " + c.source + ". Simulated: " + c.protocol +
           ". Spread: " + c.spread + ". Held out: " + c.independence + ".\n";
  }
  return out;
}

namespace {

constexpr double kWidth = 640.0;
constexpr double kHeight = 400.0;
constexpr double kLeft = 80.0;
constexpr double kRight = 20.0;
constexpr double kTop = 40.0;
constexpr double kBottom = 50.0;
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

std::string num(double v) {
  return format("%.1f", v);
}

struct Axis {
  double low;
  double high;
  bool log;
  double map(double v, double from, double to) const {
    const double f = log ? (std::log10(v) - std::log10(low)) / (std::log10(high) - std::log10(low))
                         : (v - low) / (high - low);
    return from + f * (to - from);
  }
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double d = std::pow(10.0, std::floor(std::log10(low))); d <= high * 1.0001; d *= 10.0) {
        if (d >= low * 0.9999) t.push_back(d);
      }
      return t;
    }
    const double raw = (high - low) / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
      if (m * magnitude >= raw) {
        step = m * magnitude;
        break;
      }
    }
    for (double v = std::ceil(low / step) * step; v <= high + 1e-9 * step; v += step)
      t.push_back(v + 0.0);  // + 0.0: a tick at -0 reads 0
    return t;
  }
};

std::string text(double x, double y, const std::string& s, const char* anchor = "middle",
                 int size = 12) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) +
         "\" text-anchor=\"" + anchor + "\">" + s + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const char* colour,
                 const char* extra = "") {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" stroke=\"" + colour + "\" " + extra + "/>\n";
}

std::string header(const Comparator& c) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
         num(kHeight) +
         "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" "
         "fill=\"white\"/>\n" +
         text(kWidth / 2, 22, c.title, "middle", 14);
}

// Observed/predicted ratios of summary quantities on a log axis with the acceptance band.
std::string summary_svg(const Comparator& c) {
  std::string out = header(c);
  const Axis x{0.25, 4.0, true};
  const double x0 = kLeft + 60.0;
  const double x1 = kWidth - kRight;
  const double row = (kHeight - kTop - kBottom) / static_cast<double>(c.observations.size());
  for (const double t : x.ticks()) {
    const double px = x.map(t, x0, x1);
    out += line(px, kTop, px, kHeight - kBottom, "#dddddd");
    out += text(px, kHeight - kBottom + 16, format("%g", t));
  }
  out += text((x0 + x1) / 2, kHeight - 12, "value / observed (log scale; bar: observed spread)");
  for (std::size_t i = 0; i < c.observations.size(); ++i) {
    const Observation& o = c.observations[i];
    const double y = kTop + (static_cast<double>(i) + 0.5) * row;
    out += text(x0 - 8, y + 4, o.label, "end");
    out += line(x.map(o.observed_low / o.observed, x0, x1), y,
                x.map(o.observed_high / o.observed, x0, x1), y, "black", "stroke-width=\"2\"");
    out += "<circle cx=\"" + num(x.map(1.0, x0, x1)) + "\" cy=\"" + num(y) +
           "\" r=\"4\" fill=\"black\"/>\n";
    const double ratio = std::clamp(o.predicted / o.observed, 0.25, 4.0);
    out += "<rect x=\"" + num(x.map(ratio, x0, x1) - 5) + "\" y=\"" + num(y - 5) +
           "\" width=\"10\" height=\"10\" fill=\"" + kColours[0] + "\"/>\n";
  }
  out += text(kWidth - kRight, kTop - 6, "black: observed; blue square: model", "end", 11);
  return out + "</svg>\n";
}

// Summary quantities and lower bounds are in the table, not points on the model's curves.
bool drawn(const Observation& o) {
  return o.comparison != Comparison::kSummary && o.comparison != Comparison::kLowerBound;
}

std::string course_svg(const Comparator& c) {
  std::string out = header(c);
  double t_min = 0.0, t_max = 0.0, y_min = 1e300, y_max = 0.0;
  for (const Series& s : c.series) {
    t_min = std::min(t_min, s.time_h.front());
    t_max = std::max(t_max, s.time_h.back());
    for (const double v : s.value) {
      if (v > 0.0) y_min = std::min(y_min, v);
      y_max = std::max(y_max, v);
    }
  }
  for (const Observation& o : c.observations) {
    if (!drawn(o)) continue;
    y_max = std::max(y_max, o.observed_high);
    y_min = std::min(y_min, o.observed_low);
  }
  const Axis x{t_min, t_max, false};
  const Axis y = c.log_y
                     ? Axis{std::pow(10.0, std::floor(std::log10(std::max(y_min, y_max * 1e-4)))),
                            std::pow(10.0, std::ceil(std::log10(y_max))), true}
                     : Axis{0.0, y_max * 1.1, false};
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  for (const double t : x.ticks()) {
    out += line(x.map(t, x0, x1), y0, x.map(t, x0, x1), y1, "#dddddd");
    out += text(x.map(t, x0, x1), y0 + 16, format("%g", t));
  }
  for (const double t : y.ticks()) {
    out += line(x0, y.map(t, y0, y1), x1, y.map(t, y0, y1), "#dddddd");
    out += text(x0 - 6, y.map(t, y0, y1) + 4, format("%g", t), "end");
  }
  out += text((x0 + x1) / 2, kHeight - 12, c.x_label);
  out += "<text x=\"16\" y=\"" + num((y0 + y1) / 2) +
         "\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 " +
         num((y0 + y1) / 2) + ")\">" + c.unit + (c.log_y ? " (log scale)" : "") + "</text>\n";
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    out += "<polyline fill=\"none\" stroke=\"" + std::string(kColours[i % 4]) +
           "\" stroke-width=\"2\" points=\"";
    for (std::size_t k = 0; k < s.time_h.size(); ++k) {
      if (c.log_y && s.value[k] < y.low) continue;
      out += num(x.map(s.time_h[k], x0, x1)) + "," + num(y.map(s.value[k], y0, y1)) + " ";
    }
    out += "\"/>\n";
    out += text(x1 - 4, y1 + 14 + 14 * static_cast<double>(i), "model " + s.name, "end", 11);
    out += line(x1 - 130, y1 + 10 + 14 * static_cast<double>(i), x1 - 110,
                y1 + 10 + 14 * static_cast<double>(i), kColours[i % 4], "stroke-width=\"2\"");
  }
  double note_y = y1 + 14.0;
  for (const Observation& o : c.observations) {
    if (!drawn(o)) {
      // Not a point on the curves: the observation and the model's value as text.
      out += text(x0 + 6, note_y,
                  o.label + ": observed >= " + format("%.3g", o.observed) + ", model " +
                      format("%.3g", o.predicted),
                  "start", 11);
      note_y += 14.0;
      continue;
    }
    const double px = x.map(o.time_h, x0, x1);
    const double py = y.map(o.observed, y0, y1);
    if (o.comparison == Comparison::kUpperBound) {
      out += line(x0, py, x1, py, "black", "stroke-dasharray=\"6 4\"");
      out += text(x0 + 6, py - 6, "observed upper bound", "start", 11);
      continue;
    }
    out += line(px, y.map(o.observed_low, y0, y1), px, y.map(o.observed_high, y0, y1), "black",
                "stroke-width=\"2\"");
    out += "<circle cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"4\" fill=\"black\"/>\n";
    out += text(px + 8, py - 6, o.label + (o.comparison == Comparison::kPeak ? " (peak)" : ""),
                "start", 11);
  }
  return out + "</svg>\n";
}

}  // namespace

std::string comparator_svg(const Comparator& comparator) {
  return comparator.series.empty() ? summary_svg(comparator) : course_svg(comparator);
}

}  // namespace pumptwin::physio::validation
