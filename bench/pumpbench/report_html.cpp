// report.html: one self-contained page for a reviewer (no script, no external file): the
// verdict, each expectation's signal with its window and bound drawn, the timeline with its
// parameters and notes, the other key signals with the events on their time axis, the figures.
// Axes, units and precision come from bench/plot (the viewer draws with the same).
#include "report_html.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "catalogue.h"
#include "hazards.h"
#include "plot_axes.h"
#include "recorder.h"

namespace pumpbench {

namespace plot = pumptwin::plot;
using nlohmann::json;

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

std::string run_verdict(const json& result, int exit_code) {
  if (result.is_object() && result.contains("verdict") && result["verdict"].is_string()) {
    return result["verdict"].get<std::string>();
  }
  const std::string status =
      result.is_object() ? result.value("status", std::string()) : std::string();
  if (status.empty()) return exit_code == 130 ? "interrupted" : "error";
  return status;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What the run recorded: signals.csv by column, events.log by line.
struct Recorded {
  std::vector<std::string> names;
  std::vector<double> times_s;
  std::vector<std::vector<double>> columns;
  int index(const std::string& name) const {
    const auto found = std::find(names.begin(), names.end(), name);
    return found == names.end() ? -1 : static_cast<int>(found - names.begin());
  }
};
struct EventLine {
  double time_s;
  std::string source;
  std::string text;
};

Recorded read_signals(const std::string& out_dir) {
  Recorded recorded;
  std::ifstream csv(out_dir + "/signals.csv");
  std::string line;
  if (!std::getline(csv, line)) return recorded;
  std::istringstream header(line);
  std::string name;
  std::getline(header, name, ',');  // time_s
  while (std::getline(header, name, ',')) recorded.names.push_back(name);
  recorded.columns.resize(recorded.names.size());
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::string field;
    if (!std::getline(fields, field, ',')) continue;
    recorded.times_s.push_back(std::strtod(field.c_str(), nullptr));
    for (std::vector<double>& column : recorded.columns) {
      column.push_back(std::getline(fields, field, ',') ? std::strtod(field.c_str(), nullptr)
                                                        : kNaN);
    }
  }
  return recorded;
}

std::vector<EventLine> read_events(const std::string& out_dir) {
  std::vector<EventLine> events;
  std::ifstream log(out_dir + "/events.log");
  std::string line;
  while (std::getline(log, line)) {
    std::istringstream fields(line);
    EventLine event{};
    if (!(fields >> event.time_s >> event.source)) continue;
    std::getline(fields, event.text);
    if (!event.text.empty() && event.text.front() == ' ') event.text.erase(0, 1);
    events.push_back(std::move(event));
  }
  return events;
}

std::string unit_of(const std::string& signal) {
  const SignalDefinition* definition = find_signal(signal);
  return definition != nullptr ? definition->unit : "";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string colour_of(const plot::MarkerStyle& style) {
  char text[16];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", style.red, style.green, style.blue);
  return text;
}

// A marker's shape centred on (x, y).
std::string marker_shape(const plot::MarkerStyle& style, double x, double y) {
  const std::string colour = colour_of(style);
  std::ostringstream svg;
  switch (style.shape) {
    case plot::MarkerShape::kTriangleDown:
      svg << "<path d=\"M" << number(x - 5) << ' ' << number(y - 4) << " L" << number(x + 5) << ' '
          << number(y - 4) << " L" << number(x) << ' ' << number(y + 5) << "Z\" fill=\"" << colour
          << "\"/>";
      break;
    case plot::MarkerShape::kTriangleUp:
      svg << "<path d=\"M" << number(x - 5) << ' ' << number(y + 4) << " L" << number(x + 5) << ' '
          << number(y + 4) << " L" << number(x) << ' ' << number(y - 5) << "Z\" fill=\"" << colour
          << "\"/>";
      break;
    case plot::MarkerShape::kDiamond:
      svg << "<path d=\"M" << number(x) << ' ' << number(y - 5) << " L" << number(x + 5) << ' '
          << number(y) << " L" << number(x) << ' ' << number(y + 5) << " L" << number(x - 5) << ' '
          << number(y) << "Z\" fill=\"" << colour << "\"/>";
      break;
    case plot::MarkerShape::kCircle:
      svg << "<circle cx=\"" << number(x) << "\" cy=\"" << number(y) << "\" r=\"4\" fill=\""
          << colour << "\"/>";
      break;
    case plot::MarkerShape::kCross:
      svg << "<path d=\"M" << number(x - 4) << ' ' << number(y - 4) << " L" << number(x + 4) << ' '
          << number(y + 4) << " M" << number(x - 4) << ' ' << number(y + 4) << " L" << number(x + 4)
          << ' ' << number(y - 4) << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>";
      break;
    case plot::MarkerShape::kSquare:
      svg << "<rect x=\"" << number(x - 4) << "\" y=\"" << number(y - 4)
          << "\" width=\"8\" height=\"8\" fill=\"" << colour << "\"/>";
      break;
  }
  return svg.str();
}

// What an expectation's plot draws besides the signal: its bound, its window, the time it was
// judged at and what was measured there.
struct Annotations {
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> window_from_s;
  std::optional<double> window_to_s;
  std::optional<double> at_s;
  std::optional<double> measured_time_s;
  std::optional<double> measured;
  bool failed = false;
  // Events drawn: every kind with a marker, or only those whose text holds this word.
  std::string only_events_with;
};

struct Line {
  std::string signal;
  const char* colour;
};

constexpr double kWidth = 900.0;
constexpr double kLeft = 74.0;
constexpr double kRight = 16.0;
constexpr double kTop = 28.0;  // the event lane above the plot area: two rows of markers

// An inline SVG plot of `lines` (one unit, one scale) over [0, end_s] with time ticks, value
// ticks, the signal's reference band, `notes` and the events as markers on the lane above.
std::string svg_plot(const Recorded& recorded, const std::vector<Line>& lines,
                     const Annotations& notes, const std::vector<EventLine>& events, double end_s,
                     double height = 190.0) {
  const double bottom = height - 34.0;  // the plot area's bottom; time labels below
  const double plot_width = kWidth - kLeft - kRight;
  end_s = std::max(end_s, 1.0);
  auto x_of = [&](double t) { return kLeft + plot_width * std::clamp(t / end_s, 0.0, 1.0); };
  const std::string unit = lines.empty() ? "" : unit_of(lines.front().signal);
  double low = INFINITY;
  double high = -INFINITY;
  for (const Line& line : lines) {
    const int column = recorded.index(line.signal);
    if (column < 0) continue;
    for (double value : recorded.columns[static_cast<size_t>(column)]) {
      if (std::isnan(value)) continue;
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  for (const std::optional<double>& bound : {notes.min, notes.max, notes.measured}) {
    if (bound && std::isfinite(*bound)) {
      low = std::min(low, *bound);
      high = std::max(high, *bound);
    }
  }
  // The clinical reference band of the first line's signal (the registry's).
  const SignalDefinition* first = lines.empty() ? nullptr : find_signal(lines.front().signal);
  const std::optional<plot::ReferenceBand> band =
      first != nullptr ? first->reference : std::nullopt;
  const plot::Range range = plot::plot_range(low, high, unit, band);
  auto y_of = [&](double v) {
    return bottom - (bottom - kTop) * (v - range.low) / (range.high - range.low);
  };
  std::ostringstream svg;
  svg << "<svg class=\"plot\" width=\"" << kWidth << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << kWidth << ' ' << height
      << "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" font-family=\"sans-serif\">\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << plot_width << "\" height=\""
      << bottom - kTop << "\" fill=\"#fcfcfc\" stroke=\"#bbb\"/>\n";
  auto clip_y = [&](double v) { return std::clamp(y_of(v), kTop, bottom); };
  if (band) {
    svg << "<rect class=\"reference\" x=\"" << kLeft << "\" y=\"" << number(clip_y(band->high))
        << "\" width=\"" << plot_width << "\" height=\""
        << number(clip_y(band->low) - clip_y(band->high)) << "\" fill=\"#e3effa\"><title>"
        << markup_escape(band->label) << "</title></rect>\n<text x=\"" << kWidth - kRight - 4
        << "\" y=\"" << number(clip_y(band->high) + 11)
        << "\" text-anchor=\"end\" fill=\"#4a7bb0\">" << markup_escape(band->label) << "</text>\n";
  }
  // The window checked, and the allowed band inside it.
  const double window_from = notes.window_from_s.value_or(notes.at_s.value_or(0.0));
  const double window_to = notes.window_to_s.value_or(notes.at_s.value_or(end_s));
  if (notes.window_from_s || notes.window_to_s) {
    svg << "<rect class=\"window\" x=\"" << number(x_of(window_from)) << "\" y=\"" << kTop
        << "\" width=\"" << number(std::max(1.0, x_of(window_to) - x_of(window_from)))
        << "\" height=\"" << bottom - kTop << "\" fill=\"#fff4d6\"><title>window checked: "
        << markup_escape(plot::format_duration(window_from) + " to " +
                         plot::format_duration(window_to))
        << "</title></rect>\n";
  }
  for (const auto& [bound, label] : {std::make_pair(notes.min, std::string("min")),
                                     std::make_pair(notes.max, std::string("max"))}) {
    if (!bound) continue;
    const double y = clip_y(*bound);
    svg << "<line class=\"bound\" x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\""
        << number(y) << "\" y2=\"" << number(y)
        << "\" stroke=\"#c62828\" stroke-dasharray=\"6,3\"/>\n<text x=\"" << kLeft + 4 << "\" y=\""
        << number(label == "min" ? y + 12 : y - 3) << "\" fill=\"#c62828\">" << label << ' '
        << markup_escape(plot::format_value(*bound, unit)) << "</text>\n";
  }
  if (notes.at_s) {
    svg << "<line class=\"at\" x1=\"" << number(x_of(*notes.at_s)) << "\" x2=\""
        << number(x_of(*notes.at_s)) << "\" y1=\"" << kTop << "\" y2=\"" << bottom
        << "\" stroke=\"#555\" stroke-dasharray=\"2,2\"/>\n";
  }
  // Value ticks and grid.
  for (const plot::Tick& tick : plot::value_ticks(range.low, range.high, 5)) {
    const double y = y_of(tick.value);
    svg << "<line x1=\"" << kLeft - 4 << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << number(y)
        << "\" y2=\"" << number(y) << "\" stroke=\"#e4e4e4\"/><text class=\"ytick\" x=\""
        << kLeft - 6 << "\" y=\"" << number(y + 4) << "\" text-anchor=\"end\">"
        << markup_escape(tick.label) << "</text>\n";
  }
  svg << "<text x=\"" << 4 << "\" y=\"" << kTop + 10 << "\" fill=\"#333\">"
      << markup_escape(plot::display_unit(unit)) << "</text>\n";
  // Time ticks.
  for (const plot::Tick& tick : plot::time_ticks(0.0, end_s, 8)) {
    const double x = x_of(tick.value);
    svg << "<line x1=\"" << number(x) << "\" x2=\"" << number(x) << "\" y1=\"" << kTop << "\" y2=\""
        << bottom + 4 << "\" stroke=\"#e4e4e4\"/><text class=\"xtick\" x=\"" << number(x)
        << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\">" << markup_escape(tick.label)
        << "</text>\n";
  }
  svg << "<text x=\"" << kWidth - kRight << "\" y=\"" << bottom + 30
      << "\" text-anchor=\"end\" fill=\"#666\">simulated time</text>\n";
  // Events: a thin line through the plot and a marker on the lane above, hover for the label.
  std::vector<double> marker_x;
  for (const EventLine& event : events) {
    const plot::MarkerKind kind = plot::marker_kind(event.source, event.text);
    if (!notes.only_events_with.empty()) {
      if (event.text.find(notes.only_events_with) == std::string::npos ||
          event.source != "firmware") {
        continue;
      }
    } else if (kind == plot::MarkerKind::kNone) {
      continue;
    }
    const plot::MarkerStyle& style = plot::marker_style(kind);
    const double x = x_of(event.time_s);
    // Markers at the same place stack: the second row above the first.
    int row = 0;
    for (double placed : marker_x) row += std::fabs(placed - x) < 9.0 ? 1 : 0;
    marker_x.push_back(x);
    const double marker_y = kTop - 7.0 - 11.0 * (row % 2);
    svg << "<g class=\"event\"><title>"
        << markup_escape(plot::format_duration(event.time_s) + ": " +
                         plot::marker_label(event.text))
        << "</title><line x1=\"" << number(x) << "\" x2=\"" << number(x) << "\" y1=\"" << kTop
        << "\" y2=\"" << bottom << "\" stroke=\"" << colour_of(style)
        << "\" stroke-opacity=\"0.35\"/>" << marker_shape(style, x, marker_y) << "</g>\n";
  }
  // The lines, decimated to the minimum and maximum in each pixel column.
  static const char* const kNoColour = "#1565c0";
  for (const Line& line : lines) {
    const int column = recorded.index(line.signal);
    if (column < 0) continue;
    const std::vector<double>& values = recorded.columns[static_cast<size_t>(column)];
    svg << "<polyline class=\"signal\" fill=\"none\" stroke=\""
        << (line.colour != nullptr ? line.colour : kNoColour)
        << "\" stroke-width=\"1.5\" points=\"";
    int current_column = -1;
    double column_min = 0.0;
    double column_max = 0.0;
    double min_time = 0.0;
    double max_time = 0.0;
    auto flush = [&] {
      if (current_column < 0) return;
      const bool min_first = min_time <= max_time;
      const double first = min_first ? column_min : column_max;
      const double second = min_first ? column_max : column_min;
      svg << number(x_of(min_first ? min_time : max_time)) << ',' << number(y_of(first)) << ' ';
      if (second != first) {
        svg << number(x_of(min_first ? max_time : min_time)) << ',' << number(y_of(second)) << ' ';
      }
    };
    for (size_t i = 0; i < recorded.times_s.size() && i < values.size(); ++i) {
      if (std::isnan(values[i])) continue;
      const int pixel = static_cast<int>(x_of(recorded.times_s[i]));
      if (pixel != current_column) {
        flush();
        current_column = pixel;
        column_min = column_max = values[i];
        min_time = max_time = recorded.times_s[i];
      } else {
        if (values[i] < column_min) {
          column_min = values[i];
          min_time = recorded.times_s[i];
        }
        if (values[i] > column_max) {
          column_max = values[i];
          max_time = recorded.times_s[i];
        }
      }
    }
    flush();
    svg << "\"/>\n";
  }
  if (notes.measured && notes.measured_time_s && std::isfinite(*notes.measured)) {
    svg << "<circle class=\"measured\" cx=\"" << number(x_of(*notes.measured_time_s)) << "\" cy=\""
        << number(clip_y(*notes.measured)) << "\" r=\"5\" fill=\"none\" stroke=\""
        << (notes.failed ? "#c62828" : "#2e7d32") << "\" stroke-width=\"2.5\"><title>measured "
        << markup_escape(plot::format_value(*notes.measured, unit)) << " at "
        << markup_escape(plot::format_duration(*notes.measured_time_s)) << "</title></circle>\n";
  }
  svg << "</svg>\n";
  // The legend beside the plot's title: each line's colour, name and its last value.
  std::ostringstream legend;
  legend << "<div class=\"legend\">";
  for (const Line& line : lines) {
    const int column = recorded.index(line.signal);
    double last = kNaN;
    if (column >= 0) {
      for (double value : recorded.columns[static_cast<size_t>(column)]) {
        if (!std::isnan(value)) last = value;
      }
    }
    legend << "<span><i style=\"background:" << (line.colour != nullptr ? line.colour : kNoColour)
           << "\"></i>" << markup_escape(line.signal) << " (at the end "
           << markup_escape(plot::format_value(last, unit)) << ")</span>";
  }
  legend << "</div>\n";
  return legend.str() + svg.str();
}

// The events legend: what each marker means.
std::string marker_legend() {
  std::ostringstream html;
  html << "<p class=\"legend\">";
  for (plot::MarkerKind kind :
       {plot::MarkerKind::kAlarmRaised, plot::MarkerKind::kAlarmCleared,
        plot::MarkerKind::kFaultInjected, plot::MarkerKind::kFaultCleared,
        plot::MarkerKind::kPtmGranted, plot::MarkerKind::kPtmRefused, plot::MarkerKind::kRefill,
        plot::MarkerKind::kProgramChanged, plot::MarkerKind::kBolus}) {
    const plot::MarkerStyle& style = plot::marker_style(kind);
    html << "<span><svg width=\"14\" height=\"14\">" << marker_shape(style, 7, 7) << "</svg> "
         << style.legend << "</span>";
  }
  html << " (hover a marker for its time and detail)</p>\n";
  return html.str();
}

std::string quantity(double value, const std::string& unit) {
  return plot::format_value(value, unit);
}

std::string concentration(double ug_per_ml) {
  return ug_per_ml >= 1000.0 ? quantity(ug_per_ml / 1000.0, "mg/mL") : quantity(ug_per_ml, "ug/mL");
}

std::string rate(double rate_ug_per_day) {
  return rate_ug_per_day >= 1000.0 ? quantity(rate_ug_per_day / 1000.0, "mg/day")
                                   : quantity(rate_ug_per_day, "ug/day");
}

std::string program_text(const ProgramSpec& program) {
  std::string text;
  for (const ScheduleStep& step : program.steps) {
    text += (text.empty() ? "" : ", ") + std::string(program.flexible ? "from " : "") +
            (program.flexible ? plot::format_duration(step.start_minute * 60.0) + " " : "") +
            rate(step.rate_ug_per_day);
  }
  text = (program.flexible ? "flexible: " : "continuous ") + text;
  if (program.periodic.dose_ug > 0.0) {
    text += "; periodic bolus " + quantity(program.periodic.dose_ug, "ug") + " every " +
            plot::format_duration(program.periodic.interval_minutes * 60.0);
  }
  return text;
}

// A step's action with its parameters in their units.
std::string action_parameters(const Action& action) {
  if (const auto* refill = std::get_if<RefillAction>(&action)) {
    std::string text = quantity(refill->volume_ul / 1000.0, "mL") + " of " +
                       (refill->drug.empty() ? std::string("the same drug") : refill->drug) +
                       " at " + concentration(refill->concentration_ug_per_ml);
    if (refill->bridge_volume_ul > 0.0) {
      text += ", bridging " + quantity(refill->bridge_volume_ul, "uL");
    }
    if (refill->pocket_fill) text += " (pocket fill: under the skin)";
    return text;
  }
  if (const auto* program = std::get_if<ProgramAction>(&action)) {
    return program_text(program->program);
  }
  if (const auto* bolus = std::get_if<ClinicianBolusAction>(&action)) {
    return quantity(bolus->dose_ug, "ug") + " over " +
           plot::format_duration(bolus->duration_minutes * 60.0);
  }
  if (const auto* ptm = std::get_if<PtmConfigAction>(&action)) {
    return quantity(ptm->ptm.dose_ug, "ug") + " a press, lockout " +
           plot::format_duration(ptm->ptm.lockout_minutes * 60.0) + ", at most " +
           std::to_string(ptm->ptm.max_per_day) + " a day";
  }
  if (const auto* priming = std::get_if<PrimingBolusAction>(&action)) {
    return quantity(priming->volume_ul, "uL");
  }
  if (const auto* acknowledge = std::get_if<AcknowledgeAlarmsAction>(&action)) {
    return alarm_list(acknowledge->alarm_bits);
  }
  if (const auto* checkpoint = std::get_if<CheckpointAction>(&action)) return checkpoint->label;
  if (const auto* fault = std::get_if<InjectFaultAction>(&action)) {
    std::string text = fault->fault;
    std::string parameters;
    for (const auto& [name, value] : fault->values) {
      parameters += (parameters.empty() ? "" : ", ") + name + " " + plot::format_value(value, "1");
    }
    for (const auto& [name, value] : fault->text) {
      parameters += (parameters.empty() ? "" : ", ") + name + " " + value;
    }
    return parameters.empty() ? text : text + ": " + parameters;
  }
  if (const auto* clear = std::get_if<ClearFaultAction>(&action)) return clear->fault;
  return "";
}

const char* const kStyle =
    "body{font-family:sans-serif;margin:2em;max-width:960px;color:#222}"
    "table{border-collapse:collapse;margin:0.6em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left;font-size:13px;vertical-align:top}th{background:#f3f3f3}"
    "td:first-child{white-space:nowrap}"
    ".pass,.passed{background:#e6f4e6}.fail,.failed{background:#fbe3e3}"
    ".known_gap,.hazard_reproduced{background:#fff0cc}.not_evaluated,.error,.interrupted,.running{"
    "background:#ece6f4}"
    ".banner{padding:0.8em 1em;font-size:16px;border-radius:4px;margin:1em 0}"
    ".banner.passed{border-left:8px solid #2e7d32}.banner.failed{border-left:8px solid #c62828}"
    ".banner.known_gap{border-left:8px solid #e69500}.banner.error,.banner.interrupted{"
    "border-left:8px solid #6a1b9a}"
    "h3{margin:1.4em 0 0.2em;font-size:14px}.legend{font-size:12px;margin:0.2em 0}"
    ".legend span{margin-right:1.2em;white-space:nowrap}.legend i{display:inline-block;width:14px;"
    "height:3px;margin-right:4px;vertical-align:middle}.note{color:#555;font-style:italic}"
    ".why{color:#555;font-size:13px;margin:0.2em 0}";

const char* const kColours[] = {"#1565c0", "#e65100", "#2e7d32", "#6a1b9a"};

}  // namespace

std::vector<ReportSignalGroup> report_signal_groups(
    const std::vector<SignalDefinition>& catalogue) {
  std::vector<ReportSignalGroup> groups;
  for (const SignalDefinition& signal : catalogue) {
    if (!signal.report || signal.view.empty()) continue;
    const auto group = std::find_if(groups.begin(), groups.end(), [&](const ReportSignalGroup& g) {
      return g.view == signal.view && g.unit == signal.unit;
    });
    if (group != groups.end()) {
      group->signals.push_back(signal.name);
      continue;
    }
    // A view's plots stay together, in the order the view first appears.
    const auto last_of_view =
        std::find_if(groups.rbegin(), groups.rend(),
                     [&](const ReportSignalGroup& g) { return g.view == signal.view; });
    groups.insert(last_of_view == groups.rend() ? groups.end() : last_of_view.base(),
                  {signal.view, signal.unit, {signal.name}});
  }
  return groups;
}

const char* report_style() {
  return kStyle;
}

std::string verdict_banner(const std::string& verdict, const json& known_gaps,
                           const std::string& detail) {
  static const std::map<std::string, std::pair<const char*, const char*>> kText = {
      {"passed", {"PASSED", "every expectation met"}},
      {"failed", {"FAILED", "an expectation or a step was not met"}},
      {"known_gap",
       {"KNOWN GAP: NOT A PASS",
        "the run shows a hazard the firmware does not mitigate (an accepted residual "
        "risk); the requirement is NOT met"}},
      {"error", {"ERROR", "the simulation could not complete"}},
      {"interrupted", {"INTERRUPTED", "the run was stopped before its end; results so far"}},
      {"running", {"RUNNING", "the run has not finished"}},
  };
  const auto found = kText.find(verdict);
  std::string html = "<div class=\"banner " + markup_escape(verdict) + "\"><b>" +
                     markup_escape(found != kText.end() ? found->second.first : verdict) +
                     "</b> &mdash; " +
                     markup_escape(found != kText.end() ? found->second.second : "") +
                     (detail.empty() ? "" : "; " + markup_escape(detail));
  for (const json& reason : known_gaps) {
    html += "<br>accepted residual risk: " + markup_escape(reason.get<std::string>());
  }
  return html + "</div>\n";
}

void write_run_report(const std::string& out_dir, const json& result, const Scenario& scenario) {
  const Recorded recorded = read_signals(out_dir);
  const std::vector<EventLine> events = read_events(out_dir);
  const double end_s = std::max(result.value("simulated_s", 0.0), 1.0);
  std::map<std::string, std::string> requirement_text;
  if (const auto file = find_requirements_file(scenario.file)) {
    for (const Requirement& requirement : load_requirements(*file).requirements) {
      requirement_text[requirement.id] = requirement.text;
    }
  }
  const std::string verdict = run_verdict(result, -1);
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
       << markup_escape(scenario.name) << " &mdash; " << markup_escape(verdict)
       << "</title>\n<style>" << kStyle << "</style></head><body>\n"
       << "<h1>" << markup_escape(scenario.name) << "</h1>\n"
       << verdict_banner(verdict, result.value("known_gaps", json::array()), "") << "<p>"
       << markup_escape(scenario.description) << "</p>\n<p>file " << markup_escape(scenario.file)
       << " &middot; seed " << markup_escape(result.value("seed", json()).dump()) << " &middot; "
       << markup_escape(result.value("mode", "")) << " &middot; simulated "
       << markup_escape(plot::format_duration(result.value("simulated_s", 0.0))) << " of "
       << markup_escape(plot::format_duration(scenario.duration_s)) << "</p>\n";
  if (!scenario.requirements.empty()) {
    html << "<table><tr><th>requirement</th><th>text</th></tr>\n";
    for (const std::string& id : scenario.requirements) {
      html << "<tr><td>" << markup_escape(id) << "</td><td>"
           << markup_escape(requirement_text.count(id) != 0 ? requirement_text[id]
                                                            : "(not in requirements.yaml)")
           << "</td></tr>\n";
    }
    html << "</table>\n";
  }
  if (result.contains("error")) {
    html << "<p class=\"banner error\">error: " << markup_escape(json(result["error"]).dump())
         << "</p>\n";
  }

  // Expectations: the table, then what each one checks.
  const json expectations = result.value("expectations", json::array());
  html << "<h2>Expectations</h2>\n<table><tr><th>id</th><th>requirement</th><th>check</th>"
       << "<th>verdict</th><th>at</th><th>measured</th><th>expected</th></tr>\n";
  std::set<std::string> plotted;
  std::ostringstream checks;
  for (size_t i = 0; i < expectations.size() && i < scenario.expectations.size(); ++i) {
    const json& outcome = expectations[i];
    const Expectation& spec = scenario.expectations[i];
    const std::string expectation_verdict = outcome.value("verdict", "");
    std::string unit;
    std::string expected = outcome.value("expected", "");
    if (spec.kind == Expectation::Kind::kSignalAt ||
        spec.kind == Expectation::Kind::kSignalBounded) {
      unit = unit_of(spec.signal);
      expected.clear();
      if (spec.min) expected += "\u2265 " + quantity(*spec.min, unit);
      if (spec.min && spec.max) expected += " and ";
      if (spec.max) expected += "\u2264 " + quantity(*spec.max, unit);
    } else if (spec.kind == Expectation::Kind::kDelivered) {
      unit = "uL";
    }
    const json& measured = outcome["measured"];
    const std::string measured_text =
        measured.is_number()
            ? quantity(measured.get<double>(), unit)
            : (measured.is_string() ? measured.get<std::string>() : std::string("-"));
    const bool has_time = outcome["time_s"].is_number();
    html << "<tr class=\"" << markup_escape(expectation_verdict) << "\"><td>"
         << markup_escape(spec.id) << "</td><td>" << markup_escape(spec.requirement) << "</td><td>"
         << markup_escape(outcome.value("check", "")) << "</td><td>"
         << markup_escape(expectation_verdict) << "</td><td>"
         << (has_time ? markup_escape(plot::format_duration(outcome["time_s"].get<double>())) : "")
         << "</td><td>" << markup_escape(measured_text) << "</td><td>" << markup_escape(expected)
         << "</td></tr>\n";

    Annotations notes;
    notes.failed = expectation_verdict != "pass";
    if (has_time) notes.measured_time_s = outcome["time_s"].get<double>();
    if (measured.is_number()) notes.measured = measured.get<double>();
    std::vector<Line> lines;
    double height = 190.0;
    switch (spec.kind) {
      case Expectation::Kind::kSignalAt:
        lines.push_back({spec.signal, kColours[0]});
        notes.min = spec.min;
        notes.max = spec.max;
        notes.at_s = spec.at_s;
        break;
      case Expectation::Kind::kSignalBounded:
        lines.push_back({spec.signal, kColours[0]});
        notes.min = spec.min;
        notes.max = spec.max;
        notes.window_from_s = spec.from_s;
        notes.window_to_s = spec.to_s.value_or(end_s);
        break;
      case Expectation::Kind::kDelivered:
        lines.push_back({"delivered_volume_ul", kColours[0]});
        notes.window_from_s = spec.from_s;
        notes.window_to_s = spec.to_s.value_or(end_s);
        notes.measured.reset();  // a volume over the window, not a point on the line
        break;
      case Expectation::Kind::kAlarmAt:
        notes.at_s = spec.at_s;
        notes.only_events_with = spec.alarm;
        notes.measured.reset();
        height = 90.0;
        break;
      case Expectation::Kind::kNeverAlarm:
        notes.window_from_s = spec.from_s;
        notes.window_to_s = spec.to_s.value_or(end_s);
        notes.only_events_with = spec.alarm;
        notes.measured.reset();
        height = 90.0;
        break;
      case Expectation::Kind::kEventBy:
        notes.window_from_s = 0.0;
        notes.window_to_s = spec.at_s;
        notes.only_events_with = " " + spec.event;
        notes.measured.reset();
        height = 90.0;
        break;
    }
    for (const Line& line : lines) plotted.insert(line.signal);
    checks << "<h3 class=\"" << markup_escape(expectation_verdict) << "\">"
           << markup_escape(spec.id) << ": " << markup_escape(outcome.value("check", ""))
           << " &mdash; " << markup_escape(expectation_verdict) << "</h3>\n<p class=\"why\">"
           << markup_escape(spec.requirement) << ' '
           << markup_escape(requirement_text.count(spec.requirement) != 0
                                ? requirement_text[spec.requirement]
                                : std::string())
           << (spec.description.empty() ? "" : " &middot; " + markup_escape(spec.description))
           << " &mdash; expected " << markup_escape(expected) << ", measured "
           << markup_escape(measured_text) << "</p>\n";
    if (!spec.known_gap.empty()) {
      checks << "<p class=\"why\"><b>Known gap:</b> " << markup_escape(spec.known_gap) << "</p>\n";
    }
    checks << svg_plot(recorded, lines, notes, events, end_s, height);
  }
  html << "</table>\n";
  if (!expectations.empty()) {
    html << "<h2>What each expectation checks</h2>\n"
         << "<p class=\"why\">The signal it reads; shaded: the window checked; red dashes: the "
            "bound; circle: what was measured (green met, red not); blue band: the clinical "
            "reference.</p>\n"
         << marker_legend() << checks.str();
  }

  html << "<h2>Timeline</h2>\n<table><tr><th>at</th><th>step</th><th>parameters</th>"
       << "<th>answer</th><th>verdict</th><th>note</th></tr>\n";
  const json steps = result.value("steps", json::array());
  for (const json& step : steps) {
    const json index = step.value("index", json());
    const Step* spec = index.is_number() && index.get<size_t>() < scenario.timeline.size()
                           ? &scenario.timeline[index.get<size_t>()]
                           : nullptr;
    const std::string step_verdict = step.value("verdict", "");
    std::string parameters = spec != nullptr ? action_parameters(spec->action) : "";
    if (spec == nullptr && step.value("action", "") == "setup program" && scenario.setup.program) {
      parameters = program_text(*scenario.setup.program);
    } else if (spec == nullptr && step.value("action", "") == "setup refill") {
      parameters = quantity(scenario.setup.reservoir_fill_ul / 1000.0, "mL") + " of " +
                   scenario.setup.drug + " at " +
                   concentration(scenario.setup.concentration_ug_per_ml);
    } else if (spec == nullptr && step.value("action", "") == "setup ptm_config" &&
               scenario.setup.ptm) {
      parameters = action_parameters(PtmConfigAction{*scenario.setup.ptm});
    }
    html << "<tr class=\"" << markup_escape(step_verdict) << "\"><td>"
         << markup_escape(plot::format_duration(step.value("time_s", 0.0))) << "</td><td>"
         << markup_escape(step.value("action", "")) << "</td><td>" << markup_escape(parameters)
         << "</td><td>" << markup_escape(step.value("answer", "")) << "</td><td>"
         << markup_escape(step_verdict) << "</td><td class=\"note\">"
         << (spec != nullptr ? markup_escape(spec->note) : "") << "</td></tr>\n";
  }
  html << "</table>\n";

  html << "<h2>Signals</h2>\n" << marker_legend();
  for (const ReportSignalGroup& group : report_signal_groups(signal_catalogue())) {
    std::vector<Line> lines;
    for (const std::string& signal : group.signals) {
      if (plotted.count(signal) == 0 && recorded.index(signal) >= 0) {
        lines.push_back({signal, kColours[lines.size() % 4]});
      }
    }
    if (lines.empty()) continue;
    // Titled like the viewer's plot of the view: its name and unit.
    const std::string unit = plot::display_unit(group.unit);
    html << "<h3>" << markup_escape(group.view + (unit.empty() ? "" : " [" + unit + "]"))
         << "</h3>\n"
         << svg_plot(recorded, lines, Annotations{}, events, end_s);
  }

  html << "<h2>Key figures</h2>\n<table>\n";
  const json figures = result.value("figures", json::object());
  for (const auto& [name, value] : figures.items()) {
    std::string text;
    if (value.is_number()) {
      // The unit is the figure's name's suffix (units in names).
      std::string unit;
      for (const auto& [suffix, figure_unit] :
           {std::make_pair("_ul", "uL"), std::make_pair("_ml", "mL"), std::make_pair("_v", "V"),
            std::make_pair("_mah", "mAh")}) {
        const std::string ending = suffix;
        if (name.size() > ending.size() &&
            name.compare(name.size() - ending.size(), ending.size(), ending) == 0) {
          unit = figure_unit;
        }
      }
      text = quantity(value.get<double>(), unit);
    } else if (value.is_array()) {
      for (const json& item : value) {
        text +=
            (text.empty() ? "" : "; ") + (item.is_string() ? item.get<std::string>() : item.dump());
      }
      if (text.empty()) text = "none";
    } else {
      text = value.is_string() ? value.get<std::string>() : value.dump();
    }
    html << "<tr><td>" << markup_escape(name) << "</td><td>" << markup_escape(text)
         << "</td></tr>\n";
  }
  html << "</table>\n<h2>Event log</h2>\n<details><summary>" << events.size()
       << " events (events.log)</summary>\n<table><tr><th>at</th><th>source</th><th>event</th>"
          "</tr>\n";
  for (const EventLine& event : events) {
    html << "<tr><td>" << markup_escape(plot::format_duration(event.time_s)) << "</td><td>"
         << markup_escape(event.source) << "</td><td>" << markup_escape(event.text)
         << "</td></tr>\n";
  }
  html << "</table></details>\n</body></html>\n";
  std::ofstream file(out_dir + "/report.html", std::ios::trunc);
  file << html.str();
}

void write_sweep_report(const std::string& out_dir, const json& group) {
  std::ostringstream html;
  const json& outcomes = group["outcomes"];
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
       << markup_escape(group.value("scenario", "")) << "</title>\n<style>" << report_style()
       << "</style></head><body>\n"
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
  for (const json& e : group["expectations"]) {
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
  for (const json& failing : group["failing_runs"]) {
    const std::string run = failing.value("run", "");
    html << "<p><a href=\"" << markup_escape(run) << "/report.html\">" << markup_escape(run)
         << "</a> " << markup_escape(failing.value("status", "")) << ": <code>"
         << markup_escape(failing.value("reproduce", "")) << "</code></p>\n";
  }
  html << "</body></html>\n";
  std::ofstream file(out_dir + "/report.html", std::ios::trunc);
  file << html.str();
}

void write_suite_report(const std::string& path, const std::string& title,
                        const std::vector<Requirement>& requirements,
                        const std::vector<ReportRun>& runs, const json& groups,
                        const std::vector<RequirementNotMet>& not_met, bool campaign,
                        const HazardAnalysis* hazards, const json& screening) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << markup_escape(title)
       << "</title>\n<style>" << kStyle << "</style></head><body>\n<h1>" << markup_escape(title)
       << "</h1>\n";
  // The worst of the groups' verdicts, as the exit code has it.
  const std::string what = campaign ? "scenario x fault cells" : "scenarios";
  auto rank = [](const std::string& status) {
    return status == "error" ? 3 : status == "failed" ? 2 : status == "known_gap" ? 1 : 0;
  };
  std::string overall = "passed";
  json known_gaps = json::array();
  for (const json& group : groups) {
    const std::string status = group["status"].get<std::string>();
    if (rank(status) > rank(overall)) overall = status;
    for (const json& reason : group["known_gaps"]) {
      if (std::find(known_gaps.begin(), known_gaps.end(), reason) == known_gaps.end()) {
        known_gaps.push_back(reason);
      }
    }
  }
  std::string not_met_list;
  for (const RequirementNotMet& requirement : not_met) {
    if (requirement.verdict == "NOT VERIFIED") continue;
    not_met_list += (not_met_list.empty() ? "" : ", ") + requirement.id;
  }
  html << verdict_banner(overall, known_gaps,
                         verdict_counts(groups, what) + "; requirements NOT MET: " +
                             (not_met_list.empty() ? "none" : not_met_list));

  // Each scenario's (campaign: cell's) verdict over its runs, and its checks not held in all.
  html << "<h2>" << (campaign ? "Cells" : "Scenarios")
       << "</h2>\n<table><tr><th>name</th><th>verdict</th><th>runs passed</th>"
       << "<th>checks not held in every run (k of N held; 95 % lower bound on the pass "
       << "probability)</th></tr>\n";
  for (const json& group : groups) {
    const std::string status = group["status"].get<std::string>();
    std::string checks;
    for (const json& e : group["expectations"]) {
      if (e["verdict"] == "pass") continue;
      checks +=
          (checks.empty() ? "" : "<br>") +
          markup_escape(e["id"].get<std::string>() + " " + e["verdict"].get<std::string>() + ": " +
                        e["holds"].dump() + " of " + e["runs"].dump() + " (" +
                        format_number(e["pass_probability_lower_bound_95"].get<double>()) + ")");
    }
    for (const json& step : group["failed_steps"]) {
      checks += (checks.empty() ? "" : "<br>") +
                markup_escape(step["step"].get<std::string>() + " failed in " +
                              std::to_string(step["failed_in"].size()));
    }
    html << "<tr class=\"" << markup_escape(status) << "\"><td>"
         << markup_escape(group["name"].get<std::string>()) << "</td><td>" << markup_escape(status)
         << "</td><td>" << group["outcomes"]["passed"].dump() << " of " << group["runs"].dump()
         << "</td><td>" << checks << "</td></tr>\n";
  }
  html << "</table>\n";

  // Traceability: hazard (or user need) -> requirement -> runs -> verdicts.
  auto requirement_cells = [&](const std::string& id) {
    std::string text;
    for (const Requirement& requirement : requirements) {
      if (requirement.id == id) text = requirement.text;
    }
    std::string cells;
    for (const ReportRun& run : runs) {
      std::vector<std::string> checks;
      std::string worst = "pass";
      for (const json& e : run.result.value("expectations", json::array())) {
        if (e.value("requirement", "") != id) continue;
        const std::string v = e.value("verdict", "");
        checks.push_back(e.value("id", "") + " " + v);
        if (v == "known_gap" && worst == "pass") worst = "known_gap";
        if (v != "pass" && v != "known_gap") worst = "fail";
      }
      const json listed = run.result.value("requirements", json::array());
      const bool lists = std::find(listed.begin(), listed.end(), id) != listed.end();
      if (checks.empty() && !lists) continue;
      if (checks.empty()) {
        const std::string v = run_verdict(run.result, run.exit_code);
        worst = v == "passed" ? "pass" : v == "known_gap" ? "known_gap" : "fail";
        checks.push_back("scenario " + v);
      }
      std::string joined;
      for (const std::string& check : checks) joined += (joined.empty() ? "" : ", ") + check;
      cells += "<div class=\"" + worst + "\"><a href=\"" + markup_escape(run.report_link) + "\">" +
               markup_escape(run.id) + "</a>: " + markup_escape(joined) + "</div>";
    }
    // The requirement's verdict is the traceability matrix's (workers.h).
    std::string verdict = "PASS";
    for (const RequirementNotMet& requirement_not_met : not_met) {
      if (requirement_not_met.id == id) verdict = requirement_not_met.verdict;
    }
    const char* cls = verdict == "PASS"           ? "pass"
                      : verdict == "NOT VERIFIED" ? "not_evaluated"
                      : verdict == "FAIL"         ? "fail"
                                                  : "known_gap";
    return "<td>" + markup_escape(id) + "</td><td>" + markup_escape(text) + "</td><td class=\"" +
           cls + "\">" + markup_escape(verdict) + "</td><td>" + cells + "</td>";
  };
  html << "<h2>Traceability</h2>\n";
  if (hazards == nullptr) {
    html << "<table><tr><th>requirement</th><th>text</th><th>verdict</th><th>verified "
            "by</th></tr>\n";
    for (const Requirement& requirement : requirements) {
      html << "<tr>" << requirement_cells(requirement.id) << "</tr>\n";
    }
  } else {
    html << "<p class=\"why\">Each hazard of " << markup_escape(hazards->file)
         << " with what this run showed of it (hazards.md), the requirements that mitigate its "
            "causes, and the runs that verify them; then the requirements that come from a user "
            "need.</p>\n<table><tr><th>hazard or user need</th><th>requirement</th><th>text</th>"
            "<th>verdict</th><th>verified by</th></tr>\n";
    // One group of rows: the first carries the hazard's (need's) cell across the group.
    auto group = [&](const std::string& head, const char* cls, const std::vector<std::string>& ids,
                     const std::vector<std::string>& extra) {
      const size_t rows = std::max<size_t>(ids.size() + extra.size(), 1);
      std::string first =
          "<td rowspan=\"" + std::to_string(rows) + "\" class=\"" + cls + "\">" + head + "</td>";
      for (const std::string& id : ids) {
        html << "<tr>" << first << requirement_cells(id) << "</tr>\n";
        first.clear();
      }
      for (const std::string& row : extra) {
        html << "<tr>" << first << row << "</tr>\n";
        first.clear();
      }
      if (!first.empty()) html << "<tr>" << first << "<td colspan=\"4\">none</td></tr>\n";
    };
    std::set<std::string> traced;
    for (const Hazard& hazard : hazards->hazards) {
      const HazardStatus status = hazard_status(hazard, not_met);
      std::vector<std::string> ids;
      std::vector<std::string> uncovered;
      for (const HazardCause& cause : hazard.causes) {
        for (const std::string& id : cause.requirements) {
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
          traced.insert(id);
        }
        if (cause.requirements.empty()) {
          // The runs of the scenarios that show the cause, beside the risk accepted.
          std::string shown;
          for (const ReportRun& run : runs) {
            for (const std::string& scenario : cause.scenarios) {
              if (run.id != scenario && run.id.rfind(scenario + "/", 0) != 0) continue;
              shown += "<div><a href=\"" + markup_escape(run.report_link) + "\">" +
                       markup_escape(run.id) +
                       "</a>: " + markup_escape(run_verdict(run.result, run.exit_code)) + "</div>";
            }
          }
          uncovered.push_back("<td>none</td><td>" + markup_escape(cause.cause) +
                              " (no mitigation in the pump)</td><td class=\"known_gap\">" +
                              (hazard.residual_risk.empty() ? "UNMITIGATED" : "residual risk") +
                              "</td><td>" + markup_escape(hazard.residual_risk) + shown + "</td>");
        }
      }
      const char* cls = status.verdict == "mitigated"      ? "pass"
                        : status.verdict == "UNMITIGATED"  ? "fail"
                        : status.verdict == "not verified" ? "not_evaluated"
                                                           : "known_gap";
      group("<b>" + markup_escape(hazard.id) + "</b> " + markup_escape(hazard.hazard) +
                "<br><span class=\"hazard-status\">" + markup_escape(status.verdict) +
                (status.detail.empty() ? "" : ": " + markup_escape(status.detail)) + "</span>",
            cls, ids, uncovered);
    }
    for (const UserNeed& need : hazards->user_needs) {
      for (const std::string& id : need.requirements) traced.insert(id);
      group("<b>" + markup_escape(need.id) + "</b> " + markup_escape(need.need) +
                "<br><span class=\"hazard-status\">user need</span>",
            "", need.requirements, {});
    }
    std::vector<std::string> untraced;
    for (const Requirement& requirement : requirements) {
      if (traced.count(requirement.id) == 0) untraced.push_back(requirement.id);
    }
    if (!untraced.empty()) group("traces to no hazard and no user need", "fail", untraced, {});
  }
  html << "</table>\n";

  if (campaign) {
    // Scenario x fault: runs passed of the runs in each cell.
    std::vector<std::string> scenarios;
    std::vector<std::string> faults;
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> cells;
    for (const ReportRun& run : runs) {
      const std::string fault = run.fault.empty() ? "none" : run.fault;
      if (std::find(scenarios.begin(), scenarios.end(), run.scenario) == scenarios.end()) {
        scenarios.push_back(run.scenario);
      }
      if (std::find(faults.begin(), faults.end(), fault) == faults.end()) faults.push_back(fault);
      auto& cell = cells[{run.scenario, fault}];
      cell.first += run_verdict(run.result, run.exit_code) == "passed" ? 1 : 0;
      ++cell.second;
    }
    html << "<h2>Scenario &times; fault</h2>\n<p class=\"why\">Runs passed of the runs in each "
            "cell (cohort members).</p>\n<table><tr><th>scenario</th>";
    for (const std::string& fault : faults) html << "<th>" << markup_escape(fault) << "</th>";
    html << "</tr>\n";
    for (const std::string& scenario : scenarios) {
      html << "<tr><td>" << markup_escape(scenario) << "</td>";
      for (const std::string& fault : faults) {
        const auto found = cells.find({scenario, fault});
        if (found == cells.end()) {
          html << "<td></td>";
          continue;
        }
        const auto [ok, total] = found->second;
        html << "<td class=\"" << (ok == total ? "pass" : "fail") << "\">" << ok << " of " << total
             << "</td>";
      }
      html << "</tr>\n";
    }
    html << "</table>\n";
  }
  if (!screening.is_null()) {
    html << "<h2>Sensitivity (Morris)</h2>\n<p class=\"why\">" << screening["trajectories"]
         << " trajectories of " << screening["levels"] << " levels (seed " << screening["seed"]
         << "): factors ranked by mu* (mean absolute elementary effect over the whole range), "
            "sigma the standard deviation of the effects.</p>\n";
    std::map<std::string, json> factors;
    for (const json& factor : screening["factors"]) factors[factor["id"]] = factor;
    for (const json& cell : screening["cells"]) {
      const std::string where =
          cell["scenario"].get<std::string>() + " [" + cell["variant"].get<std::string>() + "]";
      if (cell.contains("missing_points")) {
        html << "<h3>" << markup_escape(where) << "</h3>\n<p class=\"fail\">No ranking: design "
             << "points without every output " << markup_escape(cell["missing_points"].dump())
             << "</p>\n";
        continue;
      }
      for (const json& output : cell["outputs"]) {
        html << "<h3>" << markup_escape(where) << ": "
             << markup_escape(output["output"].get<std::string>())
             << "</h3>\n<table><tr><th>rank</th><th>factor</th><th>status</th><th>range</th>"
                "<th>mu*</th><th>sigma</th></tr>\n";
        int rank = 0;
        for (const json& entry : output["ranking"]) {
          const json& factor = factors.at(entry["factor"].get<std::string>());
          html << "<tr><td>" << ++rank << "</td><td>"
               << markup_escape(factor["name"].get<std::string>()) << "</td><td>"
               << markup_escape(factor["status"].get<std::string>()) << "</td><td>"
               << format_number(factor["low"].get<double>()) << "-"
               << format_number(factor["high"].get<double>()) << "</td><td>"
               << format_number(entry["mu_star"].get<double>()) << "</td><td>"
               << format_number(entry["sigma"].get<double>()) << "</td></tr>\n";
        }
        html << "</table>\n";
      }
    }
  }

  html << "<h2>Runs</h2>\n<table><tr><th>run</th><th>scenario</th>"
       << (campaign ? "<th>fault</th>" : "") << "<th>verdict</th><th>simulated</th>"
       << "<th>expectations met</th></tr>\n";
  for (const ReportRun& run : runs) {
    const std::string verdict = run_verdict(run.result, run.exit_code);
    int met = 0;
    int total = 0;
    for (const json& e : run.result.value("expectations", json::array())) {
      ++total;
      met += e.value("verdict", "") == "pass" ? 1 : 0;
    }
    html << "<tr class=\"" << markup_escape(verdict) << "\"><td><a href=\""
         << markup_escape(run.report_link) << "\">" << markup_escape(run.id) << "</a></td><td>"
         << markup_escape(run.scenario) << "</td>"
         << (campaign ? "<td>" + markup_escape(run.fault.empty() ? "none" : run.fault) + "</td>"
                      : "")
         << "<td>" << markup_escape(verdict) << "</td><td>"
         << markup_escape(plot::format_duration(run.result.value("simulated_s", 0.0)))
         << "</td><td>" << met << " of " << total << "</td></tr>\n";
  }
  html << "</table>\n</body></html>\n";
  std::ofstream file(path, std::ios::trunc);
  file << html.str();
}

}  // namespace pumpbench
