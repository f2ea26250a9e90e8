// What a plot's axes say, for the run report (bench/pumpbench/report_html.cpp) and the viewer
// (viewer/): tick positions at round numbers, time ticks in d/h/min, values with a sensible
// precision and the unit as a reader writes it, the smallest span a signal is drawn over (so
// that noise is not magnified into a crisis) and the clinical reference bands. One definition
// for both, so that a report and the viewer draw the same signal on the same scale. Plain C++.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pumptwin::plot {

struct Tick {
  double value;  // seconds on a time axis, the signal's unit on a value axis
  std::string label;
};

// Round-number ticks (1, 2, 5 x 10^k) covering [low, high], about `target` of them.
std::vector<Tick> value_ticks(double low, double high, int target = 5);

// Ticks at whole minutes, hours or days covering [from_s, to_s], about `target` of them,
// labelled "0", "30 min", "6 h", "1 d 12 h".
std::vector<Tick> time_ticks(double from_s, double to_s, int target = 8);

// The one duration formatter of the project (reports, viewer, pumpbench's summaries and
// check texts). A duration for a reader: at most two parts, rounded to the smaller,
// "2 d 10 h", "3 h 20 min", "45 min", "12.5 s".
std::string format_duration(double seconds);

// A duration exactly, for messages about input where a rounded time would mislead (a step out
// of order, a time past the end of the run): every part from the largest to the smallest that
// is not zero, to the microsecond, "6 d 23 h 0 min 30 s", "1 h 0.25 s", "2 h".
std::string format_duration_exact(double seconds);

// A measured value: four significant digits, no exponent for everyday magnitudes, trailing
// zeros dropped, then the display unit ("0.5 mL", "11.31 mmHg", "0.24").
std::string format_value(double value, const std::string& unit);

// The unit as it is printed: "ug/mL" -> "µg/mL", "uL" -> "µL", "degC" -> "°C"; "1"
// (dimensionless) -> "".
std::string display_unit(const std::string& unit);

// The smallest span of values a plot of this unit shows: a change smaller than this is drawn
// small. Assumption (engineering judgement, docs/viewer.md): about the smallest change a
// reviewer should notice, e.g. 5 mmHg of CSF pressure (the width of its normal band).
double minimum_span(const std::string& unit);

// A band of values with a clinical meaning, drawn behind a signal's line: the signal
// registry's (the patient model's catalogue, twin/physio/patient_twin.cpp), as the live hello
// and signals.json carry it.
struct ReferenceBand {
  double low;
  double high;
  std::string label;
};

// The value range a plot draws: the data's [low, high] (NaN when none), widened to the unit's
// minimum span (and to 2 % of the values' magnitude) around its middle, to the reference band
// (if any), and padded by 5 %.
struct Range {
  double low;
  double high;
};
Range plot_range(double low, double high, const std::string& unit,
                 const std::optional<ReferenceBand>& band = std::nullopt);

// The events a plot marks on its time axis, by kind, from an event line's source and text as
// events.log and the live server give them ("firmware", "seq=7 ptm_bolus 50 ug"; "bench",
// "step 2 inject_fault: injected catheter_kink"). The pump's own log says what it did (alarms,
// PTM, refill, programme); the bench says which faults the twin had injected or cleared.
enum class MarkerKind {
  kNone,
  kAlarmRaised,
  kAlarmCleared,
  kFaultInjected,
  kFaultCleared,
  kPtmGranted,
  kPtmRefused,
  kRefill,
  kProgramChanged,
  kBolus,
};
enum class MarkerShape { kTriangleDown, kTriangleUp, kDiamond, kCircle, kCross, kSquare };
struct MarkerStyle {
  const char* legend;  // "alarm raised"
  unsigned char red, green, blue;
  MarkerShape shape;
};
MarkerKind marker_kind(const std::string& source, const std::string& text);
const MarkerStyle& marker_style(MarkerKind kind);
// The marker's hover label: the event's name and detail without the sequence number.
std::string marker_label(const std::string& text);

}  // namespace pumptwin::plot
