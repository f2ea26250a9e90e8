// The files of a run, written as it goes so that a run stopped half-way (Ctrl-C, a crash of the
// twin) leaves everything up to that moment: events.log, signals.csv, snapshots.jsonl and
// strokes.csv are flushed line by line, result.json is replaced atomically (written aside, then
// renamed) at every verdict, and report.html is written at the end from what was recorded
// (report_html.h). Nothing in them depends on the wall clock, so the same scenario and seed give
// the same bytes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pumpbench {

// Text made safe inside HTML and XML markup and attribute values (< > & ").
std::string markup_escape(const std::string& text);

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
  // The header of signals.csv, and signals.json: the columns' units, sources and views.
  void signals_header(const std::vector<std::string>& names);
  void signals_row(double time_s, const std::vector<double>& values);
  void write_result(const nlohmann::json& result);
  // snapshots.jsonl: the pump's state (firmware, ASIC registers, reservoir, battery), one JSON
  // object a line, for the viewer's recorded runs.
  void snapshot(const nlohmann::json& state);
  // strokes.csv: each stroke's end time and the volume given by all strokes so far, from which
  // the viewer draws the delivery rate.
  void stroke(double time_s, double total_volume_ul);

 private:
  std::string out_dir_;
  std::FILE* events_ = nullptr;
  std::FILE* signals_ = nullptr;
  std::FILE* snapshots_ = nullptr;
  std::FILE* strokes_ = nullptr;
};

// "%.9g": enough digits to tell runs apart, the same text on every machine.
std::string format_number(double value);

}  // namespace pumpbench
