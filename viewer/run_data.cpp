#include "run_data.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace pumpviewer {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

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
  delivered_signal_ = signal_index("delivered_volume_ul");
  if (delivered_signal_ >= 0 && signal_index(kDeliveryRate) < 0) {
    signals.push_back({kDeliveryRate, "uL/h"});
  }
  times.clear();
  values.assign(signals.size(), {});
  rate_anchor_t_ = kNaN;
  rate_anchor_v_ = kNaN;
}

void RunData::add_sample(double time_s, const std::vector<double>& row) {
  times.push_back(time_s);
  const std::size_t rate = delivered_signal_ >= 0 ? values.size() - 1 : values.size();
  for (std::size_t i = 0; i < rate; ++i) {
    values[i].push(i < row.size() ? static_cast<float>(row[i]) : NAN);
  }
  if (rate == values.size()) return;
  // The delivery rate over the last kRateWindowS or more of delivered volume.
  const double delivered = static_cast<std::size_t>(delivered_signal_) < row.size()
                               ? row[static_cast<std::size_t>(delivered_signal_)]
                               : kNaN;
  double value = kNaN;
  if (!std::isnan(delivered)) {
    if (std::isnan(rate_anchor_t_)) {
      rate_anchor_t_ = time_s;
      rate_anchor_v_ = delivered;
    } else if (time_s - rate_anchor_t_ >= kRateWindowS) {
      value = (delivered - rate_anchor_v_) / (time_s - rate_anchor_t_) * 3600.0;
      rate_anchor_t_ = time_s;
      rate_anchor_v_ = delivered;
    }
  }
  values[rate].push(static_cast<float>(value));
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
  std::vector<std::size_t> next(history.size(), 0);
  std::vector<double> row(signals.size(), kNaN);
  for (double time_s : all) {
    std::fill(row.begin(), row.end(), kNaN);
    for (std::size_t i = 0; i < history.size(); ++i) {
      const auto& [signal_times, signal_values] = history[i];
      if (next[i] < signal_times.size() && signal_times[next[i]] == time_s) {
        row[i] = signal_values[next[i]++];
      }
    }
    add_sample(time_s, row);
  }
  history.clear();
  has_history = true;
}

std::pair<std::size_t, std::size_t> RunData::rows_between(double from_s, double to_s) const {
  const auto first = std::lower_bound(times.begin(), times.end(), from_s);
  const auto last = std::upper_bound(first, times.end(), to_s);
  return {static_cast<std::size_t>(first - times.begin()),
          static_cast<std::size_t>(last - times.begin())};
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
    while (std::getline(header, name, ',')) catalogue.push_back({name, ""});
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
  std::ifstream result(directory + "/result.json");
  if (result) {
    data.result = Json::parse(result, nullptr, false);
    if (data.result.is_discarded()) data.result = Json();
  }
  if (data.result.is_object()) {
    data.run = {{"scenario", data.result.value("scenario", "")},
                {"seed", data.result.value("seed", Json())}};
    data.duration_s = data.result.value("duration_s", data.latest_time());
  } else {
    data.duration_s = data.latest_time();
  }
  data.connection = "offline: " + directory;
  data.ended = true;
  return "";
}

}  // namespace pumpviewer
