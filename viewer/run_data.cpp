#include "run_data.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "twin/physio/neuraxis.h"

namespace pumpviewer {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The indices [first, last) of the sorted `times` in [from_s, to_s].
std::pair<std::size_t, std::size_t> indices_between(const std::vector<double>& times, double from_s,
                                                    double to_s) {
  const auto first = std::lower_bound(times.begin(), times.end(), from_s);
  const auto last = std::upper_bound(first, times.end(), to_s);
  return {static_cast<std::size_t>(first - times.begin()),
          static_cast<std::size_t>(last - times.begin())};
}

}  // namespace

std::vector<Signal> signals_from_json(const Json& list) {
  std::vector<Signal> signals;
  if (!list.is_array()) return signals;
  for (const Json& entry : list) {
    auto text = [&](const char* key) {
      if (!entry.is_object()) return std::string();
      const auto found = entry.find(key);
      return found != entry.end() && found->is_string() ? found->get<std::string>() : "";
    };
    Signal signal{text("name"), text("unit"), text("view")};
    signal.label = text("label");
    const Json band = entry.is_object() ? entry.value("reference", Json()) : Json();
    if (band.is_object() && band.value("low", Json()).is_number() &&
        band.value("high", Json()).is_number()) {
      const double low = band["low"].get<double>();
      const double high = band["high"].get<double>();
      const Json label = band.value("label", Json());
      if (std::isfinite(low) && std::isfinite(high) && low <= high) {
        signal.reference = {low, high, label.is_string() ? label.get<std::string>() : ""};
      }
    }
    signals.push_back(std::move(signal));
  }
  return signals;
}

std::vector<int> spine_signals(const std::vector<Signal>& catalogue) {
  std::vector<int> rows;
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    if (catalogue[i].view == pumptwin::physio::kNeuraxisView) rows.push_back(static_cast<int>(i));
  }
  return rows;
}

std::vector<PlotGroup> plot_groups(const std::vector<Signal>& catalogue) {
  std::vector<PlotGroup> groups;
  std::string derived_from;  // the view the delivery rate's volume is drawn in
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    const Signal& signal = catalogue[i];
    if (signal.name == RunData::kStrokeVolumeSignal) derived_from = signal.view;
    if (signal.view.empty() || signal.view == pumptwin::physio::kNeuraxisView) continue;
    const auto group = std::find_if(groups.begin(), groups.end(),
                                    [&](const PlotGroup& g) { return g.view == signal.view; });
    if (group != groups.end()) {
      group->signals.push_back(static_cast<int>(i));
    } else {
      groups.push_back({signal.view, {static_cast<int>(i)}});
    }
  }
  const auto rate = std::find_if(groups.begin(), groups.end(), [](const PlotGroup& g) {
    return g.view == RunData::kDeliveryRateView;
  });
  const auto source = std::find_if(groups.begin(), groups.end(),
                                   [&](const PlotGroup& g) { return g.view == derived_from; });
  if (rate != groups.end() && source != groups.end() && rate > source) {
    std::rotate(source + 1, rate, rate + 1);
  }
  return groups;
}

int RunData::signal_index(const std::string& name) const {
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (signals[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void Column::push(float value) {
  const std::size_t row = values_.size();
  values_.push_back(value);
  if (value > peak_) peak_ = value;
  if (levels_.empty()) levels_.emplace_back();
  for (std::size_t k = 0;; ++k) {
    const std::size_t block = row / (kBlock << k);
    if (k == levels_.size()) {
      if (block == 0) break;
      // A new level, as the rows outgrow the one below: its first block sums up the first
      // two below.
      Range first = levels_[k - 1][0];
      first.min = std::min(first.min, levels_[k - 1][1].min);
      first.max = std::max(first.max, levels_[k - 1][1].max);
      levels_.emplace_back(1, first);
    }
    std::vector<Range>& level = levels_[k];
    if (block == level.size()) level.emplace_back();
    if (!std::isnan(value)) {
      level[block].min = std::min(level[block].min, value);
      level[block].max = std::max(level[block].max, value);
    }
  }
}

Column::Range Column::range(std::size_t begin, std::size_t end) const {
  Range out;
  end = std::min(end, values_.size());
  auto take = [&out](const Range& r) {
    out.min = std::min(out.min, r.min);
    out.max = std::max(out.max, r.max);
  };
  auto take_value = [&out](float value) {
    if (!std::isnan(value)) {
      out.min = std::min(out.min, value);
      out.max = std::max(out.max, value);
    }
  };
  std::size_t row = begin;
  // Raw rows up to the first block boundary, then the largest aligned blocks that fit.
  while (row < end && row % kBlock != 0) take_value(values_[row++]);
  while (row + kBlock <= end) {
    std::size_t k = 0;
    while (k + 1 < levels_.size() && row % (kBlock << (k + 1)) == 0 &&
           row + (kBlock << (k + 1)) <= end) {
      ++k;
    }
    take(levels_[k][row / (kBlock << k)]);
    row += kBlock << k;
  }
  while (row < end) take_value(values_[row++]);
  return out;
}

void RunData::set_catalogue(const std::vector<Signal>& catalogue) {
  signals = catalogue;
  // The delivery rate is drawn from the strokes (stroke_times, stroke_rate); its catalogue
  // entry gives it a name and a unit, its sample column stays unmeasured.
  if (signal_index(kDeliveryRate) < 0)
    signals.push_back({kDeliveryRate, "uL/h", kDeliveryRateView});
  strokes_signal_ = signal_index(kStrokeCountSignal);
  displaced_signal_ = signal_index(kStrokeVolumeSignal);
  times.clear();
  values.assign(signals.size(), {});
  stroke_times.clear();
  stroke_rate = Column();
  last_stroke_time_s = last_stroke_total_ul = last_stroke_count_ = kNaN;
}

void RunData::add_sample(double time_s, const std::vector<double>& row) {
  if (!times.empty() && time_s < times.back()) {
    // Rows out of order (a live sample before the history ended): rebuild in time order.
    std::vector<std::pair<double, std::vector<double>>> rows = take_rows();
    rows.emplace_back(time_s, row);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, r] : rows) {
      times.push_back(t);
      for (std::size_t i = 0; i < values.size(); ++i) {
        values[i].push(i < r.size() ? static_cast<float>(r[i]) : NAN);
      }
    }
    return;
  }
  times.push_back(time_s);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].push(i < row.size() ? static_cast<float>(row[i]) : NAN);
  }
  // Live: a stroke where the server's stroke count goes up.
  if (strokes_signal_ >= 0 && displaced_signal_ >= 0 &&
      static_cast<std::size_t>(std::max(strokes_signal_, displaced_signal_)) < row.size()) {
    const double count = row[static_cast<std::size_t>(strokes_signal_)];
    const double displaced = row[static_cast<std::size_t>(displaced_signal_)];
    if (!std::isnan(count) && !std::isnan(displaced)) {
      if (!std::isnan(last_stroke_count_) && count > last_stroke_count_) {
        add_stroke(time_s, displaced);
      } else if (std::isnan(last_stroke_count_)) {
        last_stroke_time_s = time_s;
        last_stroke_total_ul = displaced;
      }
      last_stroke_count_ = count;
    }
  }
}

std::vector<std::pair<double, std::vector<double>>> RunData::take_rows() {
  std::vector<std::pair<double, std::vector<double>>> rows;
  for (std::size_t r = 0; r < times.size(); ++r) {
    std::vector<double> row(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) row[i] = values[i][r];
    rows.emplace_back(times[r], std::move(row));
  }
  times.clear();
  values.assign(signals.size(), {});
  return rows;
}

void RunData::add_stroke(double time_s, double total_ul) {
  if (!std::isnan(last_stroke_time_s) && time_s > last_stroke_time_s &&
      total_ul >= last_stroke_total_ul) {
    stroke_times.push_back(time_s);
    stroke_rate.push(static_cast<float>((total_ul - last_stroke_total_ul) /
                                        (time_s - last_stroke_time_s) * 3600.0));
  }
  last_stroke_time_s = time_s;
  last_stroke_total_ul = total_ul;
}

std::pair<std::size_t, std::size_t> RunData::strokes_between(double from_s, double to_s) const {
  return indices_between(stroke_times, from_s, to_s);
}

void RunData::add_history(std::size_t signal, std::vector<double> times_s,
                          std::vector<double> history_values) {
  if (history.size() < signals.size()) history.resize(signals.size());
  if (signal >= history.size() || times_s.size() != history_values.size()) return;
  history[signal] = {std::move(times_s), std::move(history_values)};
}

void RunData::end_history() {
  // Rows at the union of the signals' times, each signal measured at its own.
  std::vector<double> all;
  for (const auto& [signal_times, unused] : history) {
    all.insert(all.end(), signal_times.begin(), signal_times.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  // Live rows that came before the history ended go after it (they are newer).
  const std::vector<std::pair<double, std::vector<double>>> live_rows = take_rows();
  // A signal may have two points at one time (a bucket's minimum and maximum): as many rows
  // there as the most any signal has, so that no point is lost and none holds up the rest.
  std::vector<std::size_t> next(history.size(), 0);
  std::vector<std::size_t> count(history.size(), 0);
  std::vector<double> row(signals.size(), kNaN);
  for (double time_s : all) {
    std::size_t rows_here = 1;
    for (std::size_t i = 0; i < history.size(); ++i) {
      const std::vector<double>& signal_times = history[i].first;
      count[i] = 0;
      while (next[i] + count[i] < signal_times.size() &&
             signal_times[next[i] + count[i]] == time_s) {
        ++count[i];
      }
      rows_here = std::max(rows_here, count[i]);
    }
    for (std::size_t k = 0; k < rows_here; ++k) {
      std::fill(row.begin(), row.end(), kNaN);
      for (std::size_t i = 0; i < history.size(); ++i) {
        if (k < count[i]) row[i] = history[i].second[next[i] + k];
      }
      add_sample(time_s, row);
    }
    for (std::size_t i = 0; i < history.size(); ++i) next[i] += count[i];
  }
  for (const auto& [time_s, live_row] : live_rows) {
    if (times.empty() || time_s >= times.back()) add_sample(time_s, live_row);
  }
  history.clear();
  has_history = true;
}

std::pair<std::size_t, std::size_t> RunData::rows_between(double from_s, double to_s) const {
  return indices_between(times, from_s, to_s);
}

double RunData::value_at(int signal, double time_s) const {
  if (signal < 0 || times.empty()) return kNaN;
  const Column& series = values[static_cast<std::size_t>(signal)];
  auto end = std::upper_bound(times.begin(), times.end(), time_s);
  for (auto i = static_cast<std::ptrdiff_t>(end - times.begin()) - 1; i >= 0; --i) {
    if (!std::isnan(series[static_cast<std::size_t>(i)]))
      return series[static_cast<std::size_t>(i)];
  }
  return kNaN;
}

Json RunData::snapshot_at(double time_s) const {
  const auto after = std::upper_bound(
      snapshots.begin(), snapshots.end(), time_s,
      [](double t, const std::pair<double, Json>& snapshot) { return t < snapshot.first; });
  return after == snapshots.begin() ? Json() : std::prev(after)->second;
}

double parse_time(const std::string& text) {
  std::istringstream in(text);
  double total = 0.0;
  bool any = false;
  double number = 0.0;
  while (in >> number) {
    any = true;
    std::string unit;
    const auto position = in.tellg();
    if (!(in >> unit) || std::isdigit(static_cast<unsigned char>(unit[0])) != 0) {
      in.clear();
      if (position != std::streampos(-1)) in.seekg(position);
      unit = "s";
    }
    if (unit == "s") {
      total += number;
    } else if (unit == "ms") {
      total += number / 1e3;
    } else if (unit == "min") {
      total += number * 60.0;
    } else if (unit == "h") {
      total += number * 3600.0;
    } else if (unit == "d" || unit == "day" || unit == "days") {
      total += number * 86400.0;
    } else {
      return kNaN;
    }
  }
  return any ? total : kNaN;
}

std::string load_run_directory(const std::string& directory, RunData& data) {
  std::ifstream csv(directory + "/signals.csv");
  if (!csv) return "no signals.csv in '" + directory + "'";
  std::string line;
  if (!std::getline(csv, line)) return "signals.csv is empty";
  std::vector<Signal> catalogue;
  {
    std::istringstream header(line);
    std::string name;
    std::getline(header, name, ',');  // time_s
    while (std::getline(header, name, ',')) catalogue.push_back({name, "", ""});
  }
  // The units and views from signals.json (the bench's catalogue), when the run has one.
  std::ifstream described_file(directory + "/signals.json");
  const std::vector<Signal> described =
      signals_from_json(described_file ? Json::parse(described_file, nullptr, false) : Json());
  for (Signal& signal : catalogue) {
    for (const Signal& entry : described) {
      if (entry.name == signal.name) signal = entry;
    }
  }
  std::lock_guard lock(data.mutex);
  data.set_catalogue(catalogue);
  std::vector<double> row(catalogue.size());
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::string field;
    if (!std::getline(fields, field, ',')) continue;
    const double time_s = std::strtod(field.c_str(), nullptr);
    for (double& value : row) {
      value = std::getline(fields, field, ',') ? std::strtod(field.c_str(), nullptr) : kNaN;
    }
    data.add_sample(time_s, row);
  }
  std::ifstream events(directory + "/events.log");
  while (std::getline(events, line)) {
    std::istringstream fields(line);
    Event event{};
    fields >> event.time_s >> event.source;
    std::getline(fields, event.text);
    if (!event.text.empty() && event.text.front() == ' ') event.text.erase(0, 1);
    event.kind = pumptwin::live::event_kind(event.source, event.text);
    data.events.push_back(event);
  }
  std::ifstream snapshots(directory + "/snapshots.jsonl");
  while (std::getline(snapshots, line)) {
    Json snapshot = Json::parse(line, nullptr, false);
    if (snapshot.is_object()) data.snapshots.emplace_back(snapshot.value("t", 0.0), snapshot);
  }
  std::ifstream strokes(directory + "/strokes.csv");
  std::getline(strokes, line);  // header
  while (std::getline(strokes, line)) {
    const std::size_t comma = line.find(',');
    if (comma == std::string::npos) continue;
    data.add_stroke(std::strtod(line.c_str(), nullptr),
                    std::strtod(line.c_str() + comma + 1, nullptr));
  }
  std::ifstream result(directory + "/result.json");
  if (result) {
    data.result = Json::parse(result, nullptr, false);
    if (data.result.is_discarded()) data.result = Json();
  }
  if (data.result.is_object()) {
    data.run = {{"scenario", data.result.value("scenario", "")},
                {"seed", data.result.value("seed", Json())}};
    // The patient and the catheter tip are the run's, from its recorded state.
    if (!data.snapshots.empty()) {
      const Json patient = data.snapshots.front().second.value("patient", Json::object());
      data.run["catheter_tip_level"] = patient.value("catheter_tip_level", "");
      data.run["catheter_tip_signal"] = patient.value("catheter_tip_signal", "");
      data.run["patient"] = patient.value("name", "");
    }
    data.duration_s = data.result.value("duration_s", data.latest_time());
  } else {
    data.duration_s = data.latest_time();
  }
  data.connection = "offline: " + directory;
  data.ended = true;
  return "";
}

}  // namespace pumpviewer
