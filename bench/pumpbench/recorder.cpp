#include "recorder.h"

#include <cmath>
#include <filesystem>
#include <fstream>

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
}

RunRecorder::~RunRecorder() {
  if (events_ != nullptr) std::fclose(events_);
  if (signals_ != nullptr) std::fclose(signals_);
}

void RunRecorder::event(double time_s, const std::string& source, const std::string& text) {
  if (events_ == nullptr) return;
  std::fprintf(events_, "%.6f %s %s\n", time_s, source.c_str(), text.c_str());
  std::fflush(events_);
}

void RunRecorder::signals_header(const std::vector<std::string>& names) {
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
