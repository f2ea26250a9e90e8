#include "plot_axes.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "bench_lines.h"
#include "firmware_vocabulary.h"

namespace pumptwin::plot {

namespace {

constexpr double kMinute = 60.0;
constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;

std::string trim_number(double value, int significant) {
  if (value == 0.0) return "0";
  char text[48];
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // Fixed notation with as many decimals as `significant` digits need, zeros dropped.
    const int integer_digits = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
    const int decimals = std::clamp(significant - integer_digits, 0, 9);
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    std::string out = text;
    if (out.find('.') != std::string::npos) {
      while (out.back() == '0') out.pop_back();
      if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? "0" : out;
  }
  std::snprintf(text, sizeof text, "%.*g", significant, value);
  return text;
}

}  // namespace

std::vector<Tick> value_ticks(double low, double high, int target) {
  std::vector<Tick> ticks;
  if (!std::isfinite(low) || !std::isfinite(high) || high <= low || target < 1) return ticks;
  const double raw = (high - low) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = factor * power;
    if (step >= raw) break;
  }
  // Labels with as many decimals as the step has.
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)) +
                                       (std::fabs(step / power - 2.5) < 1e-9 ? 1 : 0));
  for (double value = std::ceil(low / step - 1e-9) * step; value <= high + step * 1e-9;
       value += step) {
    char text[48];
    const double shown = std::fabs(value) < step * 1e-6 ? 0.0 : value;
    if (std::fabs(shown) >= 1e7 || (shown != 0.0 && std::fabs(shown) < 1e-4)) {
      std::snprintf(text, sizeof text, "%.3g", shown);
    } else {
      std::snprintf(text, sizeof text, "%.*f", std::min(decimals, 9), shown);
    }
    ticks.push_back({shown, text});
  }
  return ticks;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  const bool negative = seconds < 0;
  double rest = std::fabs(seconds);
  std::string out = negative ? "-" : "";
  if (rest < kMinute) return out + trim_number(rest, 3) + " s";
  // Rounded to the smaller of the two parts shown.
  const double unit = rest >= kDay ? kHour : rest >= kHour ? kMinute : 1.0;
  rest = std::round(rest / unit) * unit;
  const long days = static_cast<long>(rest / kDay);
  const long hours = static_cast<long>(std::fmod(rest, kDay) / kHour);
  const long minutes = static_cast<long>(std::fmod(rest, kHour) / kMinute);
  const long secs = static_cast<long>(std::fmod(rest, kMinute));
  char text[64];
  if (days > 0) {
    std::snprintf(text, sizeof text, hours > 0 ? "%ld d %ld h" : "%ld d", days, hours);
  } else if (hours > 0) {
    std::snprintf(text, sizeof text, minutes > 0 ? "%ld h %ld min" : "%ld h", hours, minutes);
  } else {
    std::snprintf(text, sizeof text, secs > 0 ? "%ld min %ld s" : "%ld min", minutes, secs);
  }
  return out + text;
}

std::string format_duration_exact(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  const std::string sign = seconds < 0 ? "-" : "";
  // Whole microseconds, so that parts add up exactly (no 59.9999999 s).
  const long long total_us = std::llround(std::fabs(seconds) * 1e6);
  constexpr long long kUsPerMinute = 60'000'000;
  constexpr long long kUsPerHour = 60 * kUsPerMinute;
  constexpr long long kUsPerDay = 24 * kUsPerHour;
  const long long parts[] = {total_us / kUsPerDay, total_us % kUsPerDay / kUsPerHour,
                             total_us % kUsPerHour / kUsPerMinute, total_us % kUsPerMinute};
  const char* units[] = {"d", "h", "min", "s"};
  int first = 0;
  while (first < 3 && parts[first] == 0) ++first;
  int last = 3;
  while (last > first && parts[last] == 0) --last;
  std::string out = sign;
  for (int i = first; i <= last; ++i) {
    char text[48];
    if (i == 3) {
      std::snprintf(text, sizeof text, "%lld.%06lld", parts[3] / 1'000'000, parts[3] % 1'000'000);
      std::string value = text;
      while (value.back() == '0') value.pop_back();
      if (value.back() == '.') value.pop_back();
      out += (i == first ? "" : " ") + value + " s";
    } else {
      std::snprintf(text, sizeof text, "%s%lld %s", i == first ? "" : " ", parts[i], units[i]);
      out += text;
    }
  }
  return out == "-0 s" ? "0 s" : out;
}

std::vector<Tick> time_ticks(double from_s, double to_s, int target) {
  std::vector<Tick> ticks;
  if (!std::isfinite(from_s) || !std::isfinite(to_s) || to_s <= from_s || target < 1) return ticks;
  static const double kSteps[] = {
      1,          2,           5,           10,           15,           30,
      kMinute,    2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute,
      kHour,      2 * kHour,   3 * kHour,   6 * kHour,    12 * kHour,   kDay,
      2 * kDay,   7 * kDay,    14 * kDay,   28 * kDay,    56 * kDay,    91 * kDay,
      182 * kDay, 364 * kDay};
  const double raw = (to_s - from_s) / target;
  double step = kSteps[std::size(kSteps) - 1];
  for (double candidate : kSteps) {
    if (candidate >= raw) {
      step = candidate;
      break;
    }
  }
  for (double t = std::ceil(from_s / step - 1e-9) * step; t <= to_s + step * 1e-9; t += step) {
    ticks.push_back({t, t == 0.0 ? "0" : format_duration(t)});
  }
  return ticks;
}

std::string display_unit(const std::string& unit) {
  if (unit == "1") return "";
  if (unit == "degC") return "\u00b0C";
  std::string out;
  for (std::size_t i = 0; i < unit.size(); ++i) {
    // A "u" that starts a unit word is the micro prefix (uL, ug/mL, uL/h), not "u" in "mmHg".
    const bool starts_word = i == 0 || unit[i - 1] == '/' || unit[i - 1] == ' ';
    if (unit[i] == 'u' && starts_word && i + 1 < unit.size() &&
        std::isalpha(static_cast<unsigned char>(unit[i + 1])) != 0) {
      out += "\u00b5";
    } else {
      out += unit[i];
    }
  }
  return out;
}

std::string format_value(double value, const std::string& unit) {
  if (std::isnan(value)) return "-";
  const std::string shown = display_unit(unit);
  return trim_number(value, 4) + (shown.empty() ? "" : " " + shown);
}

double minimum_span(const std::string& unit) {
  struct Span {
    const char* unit;
    double span;
  };
  static const Span kSpans[] = {
      {"mmHg", 5.0}, {"mL", 1.0},     {"uL", 5.0},  {"uL/h", 1.0},      {"V", 0.2},
      {"mA", 1.0},   {"ng/mL", 1.0},  {"1", 0.5},   {"NRS 0-10", 10.0}, {"degC", 2.0},
      {"ug", 1.0},   {"ug/mL", 1e-3}, {"mAh", 1.0},
  };
  for (const Span& span : kSpans) {
    if (unit == span.unit) return span.span;
  }
  return 0.0;
}

Range plot_range(double low, double high, const std::string& unit,
                 const std::optional<ReferenceBand>& band) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    low = 0.0;
    high = 1.0;
  }
  if (band) {
    low = std::min(low, band->low);
    high = std::max(high, band->high);
  }
  // At least the unit's minimum, and 2 % of the magnitude (10 000 ug/mL in a catheter is not
  // drawn to the nanogram).
  double span =
      std::max({minimum_span(unit), high - low, 0.02 * std::max(std::fabs(low), std::fabs(high))});
  if (span <= 0.0) span = std::max(1e-9, 0.1 * std::fabs(high));
  const double middle = 0.5 * (low + high);
  const bool non_negative = low >= 0.0;
  if (high - low < span) {
    low = middle - 0.5 * span;
    high = middle + 0.5 * span;
    // Data that are not negative are not drawn over negative values.
    if (non_negative && low < 0.0) {
      high -= low;
      low = 0.0;
    }
  }
  const double pad = 0.05 * (high - low);
  return {low - pad, high + pad};
}

MarkerKind marker_kind(const std::string& source, const std::string& text) {
  if (source == "bench") {
    // What the line is, as the bench words it (bench/vocabulary/bench_lines.h).
    switch (bench_lines::line_kind(text)) {
      case bench_lines::LineKind::kFaultInjected:
        return MarkerKind::kFaultInjected;
      case bench_lines::LineKind::kFaultCleared:
        return MarkerKind::kFaultCleared;
      case bench_lines::LineKind::kStep:
      case bench_lines::LineKind::kVerdict:
        return MarkerKind::kNone;
    }
    return MarkerKind::kNone;
  }
  if (source != "firmware") return MarkerKind::kNone;
  // What the event is, as the firmware defines it (firmware/app/events.def).
  const firmware_vocabulary::Event* event = firmware_vocabulary::event_in_line(text);
  if (!event) return MarkerKind::kNone;
  using firmware_vocabulary::EventKind;
  switch (event->kind) {
    case EventKind::kAlarmRaised:
      return MarkerKind::kAlarmRaised;
    case EventKind::kAlarmCleared:
    case EventKind::kAlarmsAcknowledged:
      return MarkerKind::kAlarmCleared;
    case EventKind::kPtmGranted:
      return MarkerKind::kPtmGranted;
    case EventKind::kPtmRefused:
      return MarkerKind::kPtmRefused;
    case EventKind::kRefill:
      return MarkerKind::kRefill;
    case EventKind::kProgramChanged:
      return MarkerKind::kProgramChanged;
    case EventKind::kBolus:
      return MarkerKind::kBolus;
    // Hourly periodic boluses would hide the markers that tell what changed.
    case EventKind::kScheduledBolus:
    case EventKind::kOther:
      return MarkerKind::kNone;
  }
  return MarkerKind::kNone;
}

const MarkerStyle& marker_style(MarkerKind kind) {
  static const MarkerStyle kStyles[] = {
      {"", 128, 128, 128, MarkerShape::kCircle},
      {"alarm raised", 220, 40, 40, MarkerShape::kTriangleDown},
      {"alarm cleared", 60, 170, 60, MarkerShape::kTriangleUp},
      {"fault injected", 240, 140, 20, MarkerShape::kDiamond},
      {"fault cleared", 150, 150, 150, MarkerShape::kDiamond},
      {"PTM bolus granted", 40, 120, 230, MarkerShape::kCircle},
      {"PTM press refused", 40, 120, 230, MarkerShape::kCross},
      {"refill", 150, 80, 200, MarkerShape::kSquare},
      {"programme changed", 0, 150, 150, MarkerShape::kSquare},
      {"bolus", 40, 120, 230, MarkerShape::kTriangleUp},
  };
  return kStyles[static_cast<int>(kind)];
}

std::string marker_label(const std::string& text) {
  if (text.rfind("seq=", 0) == 0) {
    const std::size_t space = text.find(' ');
    if (space != std::string::npos) return text.substr(space + 1);
  }
  // "step 2 inject_fault: injected catheter_kink" -> "injected catheter_kink"
  const std::size_t colon = text.find(": ");
  return colon == std::string::npos ? text : text.substr(colon + 2);
}

}  // namespace pumptwin::plot
