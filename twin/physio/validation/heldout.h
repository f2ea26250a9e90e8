// Held-out validation of the patient model: published observations that no parameter was fitted
// to (docs/models.md, "Calibration"), each simulated as the study dosed and sampled, with the
// model's prediction error and an acceptance band. One definition serves the tests
// (tests/twin/physio_heldout_validation_test.cpp), the table and the SVG plots in docs/validation/
// (written by bench/physio/physio_validation).
#pragma once

#include <string>
#include <vector>

namespace pumptwin::physio::validation {

// A model time course (hours, value) drawn as one line.
struct Series {
  std::string name;
  std::vector<double> time_h;
  std::vector<double> value;
};

enum class Comparison {
  kValueAt,     // the model's value at time_h against the observed value
  kPeak,        // the model's maximum of the series against the observed peak
  kUpperBound,  // the model's maximum must not exceed the observed bound
  kSummary,     // a summary quantity (clearance, half-life...) against the observed value
};

struct Observation {
  std::string label;  // e.g. "0.5 mg, 1 h" or "CL, mL/min"
  Comparison comparison = Comparison::kValueAt;
  std::size_t series = 0;  // the model series it is read from (not for kSummary)
  double time_h = 0.0;     // where it is drawn (kValueAt, kPeak, kUpperBound)
  double observed = 0.0;
  double observed_low = 0.0;  // the study's spread (SD, SEM or range, named in `spread`)
  double observed_high = 0.0;
  double predicted = 0.0;  // filled by the simulation
};

struct Comparator {
  std::string id;  // file name of the plot: docs/validation/<id>.svg
  std::string title;
  std::string unit;  // of every observation of a time-course comparator
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

  // Signed relative error (predicted / observed - 1) of one observation.
  static double relative_error(const Observation& o) { return o.predicted / o.observed - 1.0; }
  bool accepted(const Observation& o) const;
  bool accepted() const;
};

// Every held-out comparator, simulated now (about a second in all).
std::vector<Comparator> heldout_comparators();

// The markdown table of docs/validation/heldout.md: one row per observation.
std::string heldout_table_markdown(const std::vector<Comparator>& comparators);
// The SVG plot of one comparator: model series as lines, observations with their spread.
std::string comparator_svg(const Comparator& comparator);

}  // namespace pumptwin::physio::validation
