// The files of a run, written as it goes so that a run stopped half-way (Ctrl-C, a crash of the
// twin) leaves everything up to that moment: events.log and signals.csv are flushed line by
// line, result.json is replaced atomically (written aside, then renamed) at every verdict, and
// report.html is written at the end from what was recorded. Nothing in them depends on the wall
// clock, so the same scenario and seed give the same bytes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pumpbench {

// Text made safe inside HTML and XML markup and attribute values (< > & ").
std::string markup_escape(const std::string& text);

// A sampled key signal or marker for the report's plots.
struct PlotSeries {
  std::string name;
  std::string unit;
  std::vector<double> values;  // one per sample time
};
struct PlotMarker {
  double time_s;
  std::string label;
  bool alarm;  // alarms in red, timeline steps in grey
};

class RunRecorder {
 public:
  // Creates `out_dir` if needed and opens events.log and signals.csv in it.
  explicit RunRecorder(const std::string& out_dir);
  ~RunRecorder();
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;

  bool ok() const { return events_ != nullptr && signals_ != nullptr; }
  const std::string& out_dir() const { return out_dir_; }

  // "<time_s> <source> <text>", time with 6 decimals (1 µs).
  void event(double time_s, const std::string& source, const std::string& text);
  void signals_header(const std::vector<std::string>& names);
  void signals_row(double time_s, const std::vector<double>& values);
  void write_result(const nlohmann::json& result);
  void write_report(const nlohmann::json& result, const std::vector<double>& sample_times_s,
                    const std::vector<PlotSeries>& series, const std::vector<PlotMarker>& markers);

 private:
  std::string out_dir_;
  std::FILE* events_ = nullptr;
  std::FILE* signals_ = nullptr;
};

// OUT/report.html of a seed sweep (suite.h, run_seed_sweep): the verdict banner, "k of N" per
// expectation with the 95 % lower bound, and the failing seeds with their commands and reports.
void write_sweep_report(const std::string& out_dir, const nlohmann::json& group);

// The report's banner: passed (green), failed or error (red), known gap (amber, with the
// accepted residual risks), as one HTML block.
std::string verdict_banner(const std::string& status, const nlohmann::json& known_gaps,
                           const std::string& detail);

// "%.9g": enough digits to tell runs apart, the same text on every machine.
std::string format_number(double value);

}  // namespace pumpbench
