// What the viewer knows of a run, live or recorded: the signal catalogue, every sample, the
// events, the last state snapshot and the connection's state. Filled by the live client's
// thread (live_client.h) or by loading a run directory (signals.csv, events.log, result.json);
// read by the UI under `mutex`.
#pragma once

#include <cmath>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plot_axes.h"
#include "protocol.h"

namespace pumpviewer {

using pumptwin::live::Json;

// A signal as the live hello and signals.json list it (docs/protocol.md, "hello").
struct Signal {
  std::string name;
  std::string unit;
  std::string view;  // the plot it is drawn in, with the rest of its view ("": none)
  std::optional<pumptwin::plot::ReferenceBand> reference = std::nullopt;  // drawn behind it
  std::string label = {};  // short, for a row of the spine map ("": the name)
};

// The signal list of a hello or of signals.json, one Signal per entry (a sample's values are
// by position in it); a field missing or of another type is empty, a reference band without
// finite low and high is none.
std::vector<Signal> signals_from_json(const Json& list);

// One plot: a view's signals, by index in the catalogue given to plot_groups.
struct PlotGroup {
  std::string view;
  std::vector<int> signals;
};
// The viewer's plots: the catalogue's views in the order they first appear, each with its
// signals in catalogue order; a derived view (the delivery rate) right after the view of the
// signal it is derived from. The neuraxis view is the spine map, not a plot.
std::vector<PlotGroup> plot_groups(const std::vector<Signal>& catalogue);
// The spine map's rows: the catalogue's signals of the neuraxis view (twin/physio/neuraxis.h),
// from the sacrum up to the brain.
std::vector<int> spine_signals(const std::vector<Signal>& catalogue);

struct Event {
  double time_s;
  std::string source;
  std::string kind;  // alarm_raised, alarm_cleared, fault, step, verdict, firmware, log
  std::string text;
};

// One signal's values, one per sample row (NaN: not measured at that row), with a min/max
// pyramid over blocks of kBlock, 2 kBlock, 4 kBlock... rows, kept up to date as rows are
// added, so that the minimum and maximum over any row range costs O(kBlock + log rows).
class Column {
 public:
  static constexpr std::size_t kBlock = 16;
  struct Range {
    float min = INFINITY;
    float max = -INFINITY;
    bool empty() const { return !(min <= max); }
  };
  void push(float value);
  std::size_t size() const { return values_.size(); }
  float operator[](std::size_t row) const { return values_[row]; }
  // Min and max of the measured values in rows [begin, end).
  Range range(std::size_t begin, std::size_t end) const;
  float peak() const { return peak_; }

 private:
  std::vector<float> values_;
  std::vector<std::vector<Range>> levels_;  // levels_[k]: blocks of kBlock << k rows
  float peak_ = -INFINITY;
};

struct RunData {
  // The delivery rate (uL/h), derived by the viewer, not a signal of the bench's registry: from
  // the strokes, each stroke's volume over the time since the one before (a steady basal rate
  // is a flat line, a bolus a step up), not from differences of samples, whose teeth would look
  // like the pump pulsing. Live: a stroke is where the server's `strokes` count goes up (its
  // `displaced_volume_ul` then is the volume so far); recorded: strokes.csv. Drawn in its own
  // view, after the view of the volume it is derived from.
  static constexpr const char* kDeliveryRate = "delivery_rate_ul_per_h";
  static constexpr const char* kDeliveryRateView = "delivery rate (from strokes)";
  // The registry's signals the rate is derived from (live).
  static constexpr const char* kStrokeCountSignal = "strokes";
  static constexpr const char* kStrokeVolumeSignal = "displaced_volume_ul";

  std::mutex mutex;
  std::vector<Signal> signals;
  std::vector<double> times;   // one per sample row, non-decreasing
  std::vector<Column> values;  // [signal], one value per row
  std::vector<Event> events;
  std::vector<std::pair<double, Json>> snapshots;  // time order
  Json run;                                        // the hello's run description
  Json faults = Json::array();
  Json status;  // last status message (live)
  Json result;  // result.json (offline) or the end message (live)
  std::string connection = "not connected";
  std::string last_error;
  bool live = false;
  bool ended = false;
  double duration_s = 0.0;
  bool has_history = false;
  std::vector<std::pair<std::vector<double>, std::vector<double>>> history;  // until end_history
  // Strokes: the end time of each and the rate over the interval that it ends.
  std::vector<double> stroke_times;
  Column stroke_rate;
  double last_stroke_time_s = NAN;
  double last_stroke_total_ul = NAN;
  int strokes_signal_ = -1;  // live: the server's stroke count
  int displaced_signal_ = -1;
  double last_stroke_count_ = NAN;

  int signal_index(const std::string& name) const;
  void set_catalogue(const std::vector<Signal>& catalogue);
  // A row of values in the catalogue's order; a row older than the latest is merged in order.
  void add_sample(double time_s, const std::vector<double>& row);
  // A stroke ending at `time_s`, `total_ul` delivered by all strokes so far (non-decreasing).
  void add_stroke(double time_s, double total_ul);
  // The strokes [first, last) whose end times are in [from_s, to_s].
  std::pair<std::size_t, std::size_t> strokes_between(double from_s, double to_s) const;
  // A live server's history (docs/protocol.md): one signal's points; rows are built from all
  // of them at end_history (their times merged), before the live samples that follow.
  void add_history(std::size_t signal, std::vector<double> times_s, std::vector<double> values);
  void end_history();
  // The rows [first, last) whose times are in [from_s, to_s].
  std::pair<std::size_t, std::size_t> rows_between(double from_s, double to_s) const;
  double latest_time() const { return times.empty() ? 0.0 : times.back(); }
  // The last measured value of a signal at or before `time_s` (NaN: none).
  double value_at(int signal, double time_s) const;
  // The snapshot in force at `time_s` (null: none).
  Json snapshot_at(double time_s) const;
  // Every row (time, values), leaving none.
  std::vector<std::pair<double, std::vector<double>>> take_rows();
};

// Loads signals.csv (units and views from signals.json), events.log, result.json, snapshots.jsonl
// and strokes.csv from a run directory. Returns the problem.
std::string load_run_directory(const std::string& directory, RunData& data);

// "90", "90 s", "2.5 h", "1 d 8 h", "30 min": simulated seconds; NaN when not a time.
double parse_time(const std::string& text);

}  // namespace pumpviewer
