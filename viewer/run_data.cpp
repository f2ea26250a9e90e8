#include "run_data.h"

#include <algorithm>
#include <fstream>
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

void RunData::set_catalogue(const std::vector<Signal>& catalogue) {
  signals = catalogue;
  times.clear();
  values.assign(signals.size(), {});
}

void RunData::add_sample(double time_s, const std::vector<double>& row) {
  times.push_back(time_s);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].push_back(i < row.size() ? row[i] : kNaN);
  }
}

double RunData::value_at(int signal, double time_s) const {
  if (signal < 0 || times.empty()) return kNaN;
  const auto& series = values[static_cast<std::size_t>(signal)];
  auto end = std::upper_bound(times.begin(), times.end(), time_s);
  for (auto i = static_cast<std::ptrdiff_t>(end - times.begin()) - 1; i >= 0; --i) {
    if (!std::isnan(series[static_cast<std::size_t>(i)]))
      return series[static_cast<std::size_t>(i)];
  }
  return kNaN;
}

Json RunData::snapshot_at(double time_s) const {
  Json found;
  for (const auto& [time, snapshot] : snapshots) {
    if (time > time_s) break;
    found = snapshot;
  }
  return found;
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
