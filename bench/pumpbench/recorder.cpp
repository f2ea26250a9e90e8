#include "recorder.h"

#include "catalogue.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pumpbench {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

RunRecorder::RunRecorder(const std::string& out_dir) : out_dir_(out_dir) {
  std::error_code error;
  std::filesystem::create_directories(out_dir_, error);
  events_ = std::fopen((out_dir_ + "/events.log").c_str(), "w");
  signals_ = std::fopen((out_dir_ + "/signals.csv").c_str(), "w");
  snapshots_ = std::fopen((out_dir_ + "/snapshots.jsonl").c_str(), "w");
  strokes_ = std::fopen((out_dir_ + "/strokes.csv").c_str(), "w");
  if (strokes_ != nullptr) std::fputs("time_s,total_volume_ul\n", strokes_);
}

RunRecorder::~RunRecorder() {
  if (events_ != nullptr) std::fclose(events_);
  if (signals_ != nullptr) std::fclose(signals_);
  if (snapshots_ != nullptr) std::fclose(snapshots_);
  if (strokes_ != nullptr) std::fclose(strokes_);
}

void RunRecorder::snapshot(const nlohmann::json& state) {
  if (snapshots_ == nullptr) return;
  std::fprintf(snapshots_, "%s\n", state.dump().c_str());
  std::fflush(snapshots_);
}

void RunRecorder::stroke(double time_s, double total_volume_ul) {
  if (strokes_ == nullptr) return;
  std::fprintf(strokes_, "%.6f,%s\n", time_s, format_number(total_volume_ul).c_str());
  std::fflush(strokes_);
}

void RunRecorder::event(double time_s, const std::string& source, const std::string& text) {
  if (events_ == nullptr) return;
  std::fprintf(events_, "%.6f %s %s\n", time_s, source.c_str(), text.c_str());
  std::fflush(events_);
}

void RunRecorder::signals_header(const std::vector<std::string>& names) {
  // signals.json: each column's unit, source and view, for readers of signals.csv (the viewer).
  nlohmann::json catalogue = nlohmann::json::array();
  for (const std::string& name : names) {
    const SignalDefinition* signal = find_signal(name);
    catalogue.push_back(
        signal_json(signal != nullptr ? *signal : SignalDefinition{name, "", "", "", false}));
  }
  std::ofstream(out_dir_ + "/signals.json", std::ios::trunc) << catalogue.dump(1) << '\n';
  if (signals_ == nullptr) return;
  std::fputs("time_s", signals_);
  for (const std::string& name : names) std::fprintf(signals_, ",%s", name.c_str());
  std::fputc('\n', signals_);
  std::fflush(signals_);
}

void RunRecorder::signals_row(double time_s, const std::vector<double>& values) {
  if (signals_ == nullptr) return;
  std::fprintf(signals_, "%.6f", time_s);
  for (double value : values) std::fprintf(signals_, ",%s", format_number(value).c_str());
  std::fputc('\n', signals_);
  std::fflush(signals_);
}

void RunRecorder::write_result(const nlohmann::json& result) {
  const std::string path = out_dir_ + "/result.json";
  const std::string aside = path + ".partial";
  {
    std::ofstream file(aside, std::ios::trunc);
    file << result.dump(2) << '\n';
  }
  std::error_code error;
  std::filesystem::rename(aside, path, error);
}

}  // namespace pumpbench
