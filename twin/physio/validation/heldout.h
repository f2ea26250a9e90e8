// Held-out validation of the patient model: published observations that no parameter was fitted
// to (docs/models.md, "Calibration"), each simulated as the study dosed and sampled, with the
// model's prediction error and an acceptance band. One definition serves the tests
// (tests/twin/physio_heldout_validation_test.cpp), the table and the SVG plots in docs/validation/
// (written by bench/physio/physio_validation).
#pragma once

#include <string>
#include <vector>

#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"

namespace pumptwin::physio::validation {

// Moments of a lumbar bolus in the reference adult (into L1-L3, sampled there every minute for
// 36 h), as non-compartmental analysis computes them: CL = dose / AUC, MRT = AUMC / AUC,
// Vss = CL * MRT, the tails extrapolated with the terminal slope of the last 12 h. The morphine
// CSF clearance is fitted on them (docs/models.md, "Calibration").
struct LumbarMoments {
  double clearance_ml_per_min;
  double mrt_min;
  double vss_ml;
  double terminal_half_life_h;
};
LumbarMoments lumbar_moments(const DrugParameters& drug, double dose_ug, double volume_ml);

// A model time course (hours, value) drawn as one line.
struct Series {
  std::string name;
  std::vector<double> time_h;  // or the comparator's x_label quantity
  std::vector<double> value;
};

enum class Comparison {
  kValueAt,     // the model's value at time_h against the observed value
  kPeak,        // the model's maximum of the series against the observed peak
  kUpperBound,  // the model's maximum must not exceed the observed bound
  kSummary,     // a summary quantity (clearance, half-life...) against the observed value
  kLowerBound,  // a summary quantity that must be at least the observed value
  kTimeOfPeak,  // when the series peaks, min, against the observed time of the peak
  kHalfLife,    // half-life, min, of a log-linear fit of the series from time_h to time_to_h
};

struct Observation {
  std::string label;  // e.g. "0.5 mg, 1 h" or "CL, mL/min"
  Comparison comparison = Comparison::kValueAt;
  std::size_t series = 0;  // the model series it is read from (not for kSummary)
  double time_h = 0.0;     // where it is drawn (kValueAt, kPeak); kHalfLife: fit from here
  double observed = 0.0;
  double observed_low = 0.0;  // the study's spread (SD, SEM or range, named in `spread`)
  double observed_high = 0.0;
  double predicted = 0.0;  // filled by the simulation
  double time_to_h = 0.0;  // kHalfLife: end of the fitted window
  // Drawn as a horizontal bar: the reported spread of the time (e.g. tmax +/- SEM).
  double time_low_h = 0.0;
  double time_high_h = 0.0;
  // Not a reported number but one computed from reported summary statistics (e.g. a 1-h level
  // carried forward by the terminal half-life): marked in the table, drawn as an open circle.
  bool reconstructed = false;
};

struct Comparator {
  std::string id;  // file name of the plot: docs/validation/<id>.svg
  std::string title;
  std::string unit;  // of every observation of a time-course comparator
  // What the series run against: time for a time course, else e.g. a bolus volume.
  std::string x_label = "time after the dose, h";
  bool log_y = false;
  std::string source;
  std::string protocol;      // what was simulated
  std::string spread;        // what observed_low/high mean
  std::string independence;  // why it is held out (and how far)
  // Accepted when every prediction lies within this fold of the observation (kUpperBound: at
  // most the bound). Two-fold is the usual acceptance for PK predictions.
  double acceptance_fold = 2.0;
  std::vector<Series> series;
  std::vector<Observation> observations;
  // Non-empty: the model misses this comparator's band and this says why. The miss is reported
  // (table, plot, docs/credibility.md) and its test asserts the measured error, so that a model
  // change that moves it is seen; no parameter is refitted to pass.
  std::string gap;

  // Signed relative error (predicted / observed - 1) of one observation.
  static double relative_error(const Observation& o) { return o.predicted / o.observed - 1.0; }
  // Root mean square of log10(predicted / observed) over the observations: the comparator's
  // prediction error as one number (0.301 is a factor of 2).
  double rms_log10_error() const;
  bool accepted(const Observation& o) const;
  bool accepted() const;
};

// Every held-out comparator, simulated now (a few seconds in all), with the spread comparators
// of spread.h.
std::vector<Comparator> heldout_comparators();

// The protocol of morphine_it_t10_course for any patient: morphine at T10-T12 every 5 min for
// 15 h after 2 mg in 2 mL at L5.
Series thoracic_course_after_lumbar_bolus(const PatientParameters& patient);

// The markdown table of docs/validation/heldout.md: one row per observation.
std::string heldout_table_markdown(const std::vector<Comparator>& comparators);
// The SVG plot of one comparator: model series as lines, observations with their spread.
std::string comparator_svg(const Comparator& comparator);

}  // namespace pumptwin::physio::validation
