// report.html: one self-contained page for a reviewer (no script, no external file): the
// scenario, its verdicts and key figures, and an inline SVG plot per key signal with the alarms
// (red) and timeline steps (grey) marked on the time axis.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "recorder.h"
#include "units.h"

namespace pumpbench {

std::string markup_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string json_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return format_number(value.get<double>());
  if (value.is_null()) return "";
  return value.dump();
}

constexpr double kPlotWidth = 860.0;
constexpr double kPlotHeight = 150.0;
constexpr double kMarginLeft = 70.0;
constexpr double kMarginBottom = 22.0;

std::string plot(const std::vector<double>& times_s, const PlotSeries& series,
                 const std::vector<PlotMarker>& markers, double end_s) {
  double low = INFINITY;
  double high = -INFINITY;
  for (double value : series.values) {
    if (std::isnan(value)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  if (!std::isfinite(low)) return "";
  if (high - low < 1e-12) {
    high += 0.5 * std::max(1e-9, std::fabs(high));
    low -= 0.5 * std::max(1e-9, std::fabs(low));
  }
  const double width = kPlotWidth - kMarginLeft;
  const double height = kPlotHeight - kMarginBottom;
  auto x = [&](double t) { return kMarginLeft + width * t / std::max(end_s, 1e-9); };
  auto y = [&](double v) { return height - height * (v - low) / (high - low) + 2.0; };
  std::ostringstream svg;
  svg << "<h3>" << markup_escape(series.name) << " (" << markup_escape(series.unit) << ")</h3>\n"
      << "<svg width=\"" << kPlotWidth << "\" height=\"" << kPlotHeight + 4
      << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\n"
      << "<rect x=\"" << kMarginLeft << "\" y=\"2\" width=\"" << width << "\" height=\"" << height
      << "\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n";
  for (const PlotMarker& marker : markers) {
    svg << "<line x1=\"" << x(marker.time_s) << "\" x2=\"" << x(marker.time_s)
        << "\" y1=\"2\" y2=\"" << height + 2 << "\" stroke=\"" << (marker.alarm ? "#d22" : "#aaa")
        << "\" stroke-dasharray=\"" << (marker.alarm ? "none" : "3,3") << "\"><title>"
        << markup_escape(format_duration(marker.time_s) + ": " + marker.label)
        << "</title></line>\n";
  }
  svg << "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"";
  for (size_t i = 0; i < times_s.size() && i < series.values.size(); ++i) {
    if (std::isnan(series.values[i])) continue;
    svg << format_number(x(times_s[i])) << ',' << format_number(y(series.values[i])) << ' ';
  }
  svg << "\"/>\n"
      << "<text x=\"" << kMarginLeft - 4 << "\" y=\"12\" text-anchor=\"end\">"
      << format_number(high) << "</text>\n"
      << "<text x=\"" << kMarginLeft - 4 << "\" y=\"" << height << "\" text-anchor=\"end\">"
      << format_number(low) << "</text>\n"
      << "<text x=\"" << kMarginLeft << "\" y=\"" << kPlotHeight << "\">0</text>\n"
      << "<text x=\"" << kPlotWidth << "\" y=\"" << kPlotHeight << "\" text-anchor=\"end\">"
      << markup_escape(format_duration(end_s)) << "</text>\n</svg>\n";
  return svg.str();
}

}  // namespace

void RunRecorder::write_report(const nlohmann::json& result,
                               const std::vector<double>& sample_times_s,
                               const std::vector<PlotSeries>& series,
                               const std::vector<PlotMarker>& markers) {
  std::ostringstream html;
  const std::string status = result.value("status", "");
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
       << markup_escape(result.value("scenario", "")) << "</title>\n<style>\n"
       << "body{font-family:sans-serif;margin:2em;max-width:960px}"
       << "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
       << "text-align:left;font-size:13px}.pass{background:#e6f4e6}.fail{background:#fbe3e3}"
       << ".not_evaluated{background:#f4f0d8}.known_gap,.hazard_reproduced{background:#fdf0d5}"
       << "h3{margin:1.2em 0 0.2em;font-size:14px}\n"
       << "</style></head><body>\n"
       << "<h1>" << markup_escape(result.value("scenario", "")) << "</h1>\n<p>"
       << markup_escape(result.value("description", "")) << "</p>\n"
       << verdict_banner(status, result.value("known_gaps", nlohmann::json::array()), "")
       << "<p>file " << markup_escape(result.value("file", "")) << " &middot; seed "
       << json_text(result["seed"]) << " &middot; " << markup_escape(result.value("mode", ""))
       << " &middot; simulated " << markup_escape(format_duration(result.value("simulated_s", 0.0)))
       << "</p>\n";
  html << "<h2>Expectations</h2>\n<table><tr><th>id</th><th>requirement</th><th>check</th>"
       << "<th>verdict</th><th>time</th><th>measured</th><th>expected</th></tr>\n";
  for (const nlohmann::json& expectation : result["expectations"]) {
    const std::string verdict = expectation.value("verdict", "");
    html << "<tr class=\"" << markup_escape(verdict) << "\"><td>"
         << markup_escape(expectation.value("id", "")) << "</td><td>"
         << markup_escape(expectation.value("requirement", "")) << "</td><td>"
         << markup_escape(expectation.value("check", "")) << "</td><td>" << markup_escape(verdict)
         << "</td><td>"
         << (expectation["time_s"].is_number()
                 ? markup_escape(format_duration(expectation["time_s"].get<double>()))
                 : "")
         << "</td><td>" << markup_escape(json_text(expectation["measured"])) << "</td><td>"
         << markup_escape(expectation.value("expected", "")) << "</td></tr>\n";
  }
  html << "</table>\n<h2>Timeline</h2>\n<table><tr><th>time</th><th>step</th><th>answer</th>"
       << "<th>verdict</th></tr>\n";
  for (const nlohmann::json& step : result["steps"]) {
    const std::string verdict = step.value("verdict", "");
    html << "<tr class=\"" << markup_escape(verdict) << "\"><td>"
         << markup_escape(format_duration(step.value("time_s", 0.0))) << "</td><td>"
         << markup_escape(step.value("action", "")) << "</td><td>"
         << markup_escape(step.value("answer", "")) << "</td><td>" << markup_escape(verdict)
         << "</td></tr>\n";
  }
  html << "</table>\n<h2>Key figures</h2>\n<table>\n";
  for (const auto& [name, value] : result["figures"].items()) {
    html << "<tr><td>" << markup_escape(name) << "</td><td>" << markup_escape(json_text(value))
         << "</td></tr>\n";
  }
  html << "</table>\n<h2>Signals</h2>\n<p>Red: alarm raised; grey dashes: timeline steps "
       << "(hover for labels).</p>\n";
  const double end_s = result.value("simulated_s", 0.0);
  for (const PlotSeries& one : series) html << plot(sample_times_s, one, markers, end_s);
  html << "</body></html>\n";
  std::ofstream file(out_dir_ + "/report.html", std::ios::trunc);
  file << html.str();
}

}  // namespace pumpbench
