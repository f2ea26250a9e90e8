// What the viewer knows of a run, live or recorded: the signal catalogue, every sample, the
// events, the last state snapshot and the connection's state. Filled by the live client's
// thread (live_client.h) or by loading a run directory (signals.csv, events.log, result.json);
// read by the UI under `mutex`.
#pragma once

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "protocol.h"

namespace pumpviewer {

using pumptwin::live::Json;

struct Signal {
  std::string name;
  std::string unit;
};

struct Event {
  double time_s;
  std::string source;
  std::string kind;  // alarm_raised, alarm_cleared, fault, step, verdict, firmware, log
  std::string text;
};

struct RunData {
  std::mutex mutex;
  std::vector<Signal> signals;
  std::vector<double> times;                // one per sample
  std::vector<std::vector<double>> values;  // [signal][sample], NaN when not measured
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

  int signal_index(const std::string& name) const;
  void set_catalogue(const std::vector<Signal>& catalogue);
  void add_sample(double time_s, const std::vector<double>& row);
  double latest_time() const { return times.empty() ? 0.0 : times.back(); }
  // The last measured value of a signal at or before `time_s` (NaN: none).
  double value_at(int signal, double time_s) const;
  // The snapshot in force at `time_s` (null: none).
  Json snapshot_at(double time_s) const;
};

// Loads signals.csv, events.log and result.json from a run directory. Returns the problem.
std::string load_run_directory(const std::string& directory, RunData& data);

// "90", "90 s", "2.5 h", "1 d 8 h", "30 min": simulated seconds; NaN when not a time.
double parse_time(const std::string& text);

}  // namespace pumpviewer
