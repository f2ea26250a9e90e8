#include "recorder.h"

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

std::string verdict_banner(const std::string& status, const nlohmann::json& known_gaps,
                           const std::string& detail) {
  const std::string headline = status == "passed" ? "PASSED"
                               : status == "known_gap"
                                   ? "KNOWN GAP: NOT A PASS (requirement NOT MET)"
                               : status == "failed" ? "FAILED"
                                                    : "ERROR: " + status;
  std::ostringstream html;
  // Styled in place, so that every page that shows a verdict shows it alike.
  const char* colour = status == "passed"      ? "#2e7d32"
                       : status == "known_gap" ? "#ef8f00"
                                               : "#c62828";
  html << "<div class=\"banner " << markup_escape(status)
       << "\" style=\"padding:0.6em 1em;font-size:18px;border-radius:4px;color:#fff;background:"
       << colour << "\"><b>" << markup_escape(headline) << "</b>"
       << (detail.empty() ? "" : " &middot; " + markup_escape(detail));
  for (const nlohmann::json& reason : known_gaps) {
    html << "<br>accepted residual risk: " << markup_escape(reason.get<std::string>());
  }
  html << "</div>\n";
  return html.str();
}

void write_sweep_report(const std::string& out_dir, const nlohmann::json& group) {
  std::ostringstream html;
  const nlohmann::json& outcomes = group["outcomes"];
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
       << markup_escape(group.value("scenario", "")) << "</title>\n<style>\n"
       << "body{font-family:sans-serif;margin:2em;max-width:960px}"
       << "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
       << "text-align:left;font-size:13px}.pass{background:#e6f4e6}.fail{background:#fbe3e3}"
       << ".known_gap,.hazard_reproduced{background:#fdf0d5}"
       << "\n</style></head><body>\n"
       << "<h1>" << markup_escape(group.value("scenario", "")) << "</h1>\n<p>"
       << markup_escape(group.value("description", "")) << "</p>\n"
       << verdict_banner(group.value("status", ""), group["known_gaps"],
                         outcomes["passed"].dump() + " of " + group["runs"].dump() +
                             " seeds passed (" + outcomes["failed"].dump() + " failed, " +
                             outcomes["known_gap"].dump() + " known gap, " +
                             outcomes["error"].dump() + " error)")
       << "<p>file " << markup_escape(group.value("file", "")) << " &middot; seeds "
       << group["seeds"][0].dump() << " to " << group["seeds"][1].dump() << "</p>\n"
       << "<h2>Expectations over the seeds</h2>\n<table><tr><th>id</th><th>requirement</th>"
       << "<th>check</th><th>verdict</th><th>held</th><th>95 % lower bound on the pass "
       << "probability</th><th>measured (min - max)</th></tr>\n";
  for (const nlohmann::json& e : group["expectations"]) {
    const std::string verdict = e.value("verdict", "");
    const std::string trace = e.value("requirement", "").empty()
                                  ? "harm of " + e.value("hazard", "")
                                  : e.value("requirement", "");
    html << "<tr class=\"" << markup_escape(verdict) << "\"><td>"
         << markup_escape(e.value("id", "")) << "</td><td>" << markup_escape(trace) << "</td><td>"
         << markup_escape(e.value("check", "")) << "</td><td>" << markup_escape(verdict)
         << "</td><td>" << e["holds"].dump() << " of " << e["runs"].dump() << "</td><td>"
         << format_number(e["pass_probability_lower_bound_95"].get<double>()) << "</td><td>"
         << (e.contains("measured_min") ? format_number(e["measured_min"].get<double>()) + " - " +
                                              format_number(e["measured_max"].get<double>())
                                        : "")
         << "</td></tr>\n";
  }
  html << "</table>\n<h2>Failing seeds</h2>\n";
  if (group["failing_runs"].empty()) html << "<p>None.</p>\n";
  for (const nlohmann::json& failing : group["failing_runs"]) {
    const std::string run = failing.value("run", "");
    html << "<p><a href=\"" << markup_escape(run) << "/report.html\">" << markup_escape(run)
         << "</a> " << markup_escape(failing.value("status", "")) << ": <code>"
         << markup_escape(failing.value("reproduce", "")) << "</code></p>\n";
  }
  html << "</body></html>\n";
  std::ofstream file(out_dir + "/report.html", std::ios::trunc);
  file << html.str();
}

}  // namespace pumpbench
