// The axes both the run report and the viewer draw (bench/plot/plot_axes.h): round ticks,
// time ticks in d/h/min, durations and values a reader can read, spans that do not magnify
// noise, the clinical reference bands, event markers by kind.
#include "plot_axes.h"

#include <gtest/gtest.h>

namespace pumptwin::plot {
namespace {

std::vector<std::string> labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> out;
  for (const Tick& tick : ticks) out.push_back(tick.label);
  return out;
}

TEST(PlotAxes, ValueTicksAreRoundNumbersWithTheirDecimals) {
  EXPECT_EQ(labels(value_ticks(0.0, 10.0, 5)),
            (std::vector<std::string>{"0", "2", "4", "6", "8", "10"}));
  EXPECT_EQ(labels(value_ticks(4.93, 5.07, 4)), (std::vector<std::string>{"4.95", "5.00", "5.05"}));
  EXPECT_EQ(labels(value_ticks(0.0, 0.5, 2)), (std::vector<std::string>{"0.00", "0.25", "0.50"}));
  EXPECT_TRUE(value_ticks(1.0, 1.0, 5).empty());
}

TEST(PlotAxes, TimeTicksFollowTheViewInDaysHoursMinutes) {
  EXPECT_EQ(labels(time_ticks(0.0, 7 * 86400.0, 7)),
            (std::vector<std::string>{"0", "1 d", "2 d", "3 d", "4 d", "5 d", "6 d", "7 d"}));
  EXPECT_EQ(labels(time_ticks(86400.0, 86400.0 + 4 * 3600.0, 4)),
            (std::vector<std::string>{"1 d", "1 d 1 h", "1 d 2 h", "1 d 3 h", "1 d 4 h"}));
  EXPECT_EQ(labels(time_ticks(3600.0, 3600.0 + 1800.0, 3)),
            (std::vector<std::string>{"1 h", "1 h 10 min", "1 h 20 min", "1 h 30 min"}));
}

TEST(PlotAxes, DurationsAndValuesReadAsAReaderWritesThem) {
  EXPECT_EQ(format_duration(2.417 * 86400.0), "2 d 10 h");  // not "2.417 d"
  EXPECT_EQ(format_duration(3 * 3600.0 + 20 * 60.0), "3 h 20 min");
  EXPECT_EQ(format_duration(45 * 60.0), "45 min");
  EXPECT_EQ(format_duration(12.5), "12.5 s");
  // The exact form, for messages about input: nothing rounded away.
  EXPECT_EQ(format_duration_exact(6 * 86400.0 + 23 * 3600.0 + 30), "6 d 23 h 0 min 30 s");
  EXPECT_EQ(format_duration(6 * 86400.0 + 23 * 3600.0 + 30), "6 d 23 h");
  EXPECT_EQ(format_duration_exact(7200.0), "2 h");
  EXPECT_EQ(format_duration_exact(3600.25), "1 h 0 min 0.25 s");
  EXPECT_EQ(format_duration_exact(35 * 60.0), "35 min");
  EXPECT_EQ(format_duration_exact(0.0), "0 s");
  EXPECT_EQ(format_duration_exact(-90.0), "-1 min 30 s");
  EXPECT_EQ(format_value(0.5, "1"), "0.5");  // not "0.5 1"
  EXPECT_EQ(format_value(11.3049, "mmHg"), "11.3 mmHg");
  EXPECT_EQ(format_value(4.99, "mL"), "4.99 mL");
  EXPECT_EQ(format_value(7.9, "uL"), "7.9 \u00b5L");
  EXPECT_EQ(format_value(0.000123456, "ug/mL"), "0.0001235 \u00b5g/mL");
  EXPECT_EQ(format_value(12345.678, "ng"), "12346 ng");  // no nine digits
  EXPECT_EQ(display_unit("degC"), "\u00b0C");
  EXPECT_EQ(display_unit("mmHg"), "mmHg");
}

TEST(PlotAxes, RangesDoNotMagnifyNoiseAndShowTheReferenceBand) {
  // CSF pressure 11.30 -> 11.31 mmHg: at least the 10-15 mmHg band, not a crisis.
  const Range csf = plot_range(11.30, 11.31, "mmHg", ReferenceBand{10.0, 15.0, "normal"});
  EXPECT_LE(csf.low, 10.0);
  EXPECT_GE(csf.high, 15.0);
  // Reservoir 4.99 -> 5.00 mL: a span of at least 1 mL, so the two lines sit together.
  const Range reservoir = plot_range(4.99, 5.00, "mL");
  EXPECT_GE(reservoir.high - reservoir.low, 1.0);
  EXPECT_LT(reservoir.low, 4.99);
  EXPECT_GT(reservoir.high, 5.00);
  // A respiratory index of 0.15 -> 0.24 is drawn with its intervention threshold (0.5).
  const Range respiratory = plot_range(0.15, 0.24, "1", ReferenceBand{0.5, 1.0, "intervention"});
  EXPECT_GE(respiratory.high, 1.0);
  EXPECT_GE(respiratory.low, -0.06);  // not drawn below zero beyond the padding
  // A wide range is the data's, padded.
  const Range wide = plot_range(0.0, 50.0, "uL");
  EXPECT_NEAR(wide.low, -2.5, 1e-9);
  EXPECT_NEAR(wide.high, 52.5, 1e-9);
}

TEST(PlotAxes, EventsAreMarkedByKind) {
  EXPECT_EQ(marker_kind("firmware", "seq=9 alarm_raised alarm=motor_stall"),
            MarkerKind::kAlarmRaised);
  EXPECT_EQ(marker_kind("firmware", "seq=12 ptm_bolus 50 ug"), MarkerKind::kPtmGranted);
  EXPECT_EQ(marker_kind("firmware", "seq=13 ptm_refused reason=PTM lockout"),
            MarkerKind::kPtmRefused);
  EXPECT_EQ(marker_kind("firmware", "seq=4 refill 20000 uL"), MarkerKind::kRefill);
  EXPECT_EQ(marker_kind("firmware", "seq=5 program_changed 3 mg/day"), MarkerKind::kProgramChanged);
  EXPECT_EQ(marker_kind("bench", "step 2 inject: injected catheter_kink"),
            MarkerKind::kFaultInjected);
  EXPECT_EQ(marker_kind("bench", "step 3 clear: cleared catheter_kink"), MarkerKind::kFaultCleared);
  EXPECT_EQ(marker_kind("bench", "step 1 refill: accepted"), MarkerKind::kNone);
  EXPECT_EQ(marker_kind("firmware", "seq=1 boot power-on"), MarkerKind::kNone);
  EXPECT_EQ(marker_label("seq=12 ptm_bolus 50 ug"), "ptm_bolus 50 ug");
  EXPECT_NE(marker_style(MarkerKind::kAlarmRaised).red, marker_style(MarkerKind::kRefill).red);
}

}  // namespace
}  // namespace pumptwin::plot
