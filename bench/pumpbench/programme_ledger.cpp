#include "programme_ledger.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/pump.h"

namespace pumpbench {

namespace {

constexpr double kSecondsPerDay = 86400.0;

double basal_rate_ug_per_day(const ProgramSpec& program, double second_of_day) {
  double rate = 0.0;
  for (const ScheduleStep& step : program.steps) {
    if (step.start_minute * 60.0 <= second_of_day) rate = step.rate_ug_per_day;
  }
  return rate;
}

}  // namespace

double ProgrammeLedger::volume_ul(double from_s, double to_s,
                                  const std::vector<FirmwareEvent>& events) const {
  auto concentration_at = [&](double time_s) {
    double concentration = concentrations_.front().concentration_ug_per_ml;
    for (const ConcentrationSegment& segment : concentrations_) {
      if (segment.start_s <= time_s) concentration = segment.concentration_ug_per_ml;
    }
    return concentration;
  };
  double volume_ul = 0.0;
  for (size_t i = 0; i < programs_.size(); ++i) {
    const double start_s = std::max(from_s, programs_[i].start_s);
    const double end_s = std::min(to_s, i + 1 < programs_.size()
                                            ? programs_[i + 1].start_s
                                            : std::numeric_limits<double>::infinity());
    for (double t = start_s; t < end_s;) {
      double next = std::min(end_s, std::floor(t / 60.0) * 60.0 + 60.0);
      for (const ConcentrationSegment& segment : concentrations_) {
        if (segment.start_s > t && segment.start_s < next) next = segment.start_s;
      }
      const double rate =
          basal_rate_ug_per_day(programs_[i].program, std::fmod(t, kSecondsPerDay));
      volume_ul += rate * (next - t) / kSecondsPerDay / concentration_at(t) * 1e3;
      t = next;
    }
  }
  using pumpfw::app::EventCode;
  for (const FirmwareEvent& event : events) {
    if (event.time_s < from_s || event.time_s >= to_s) continue;
    const auto code = static_cast<EventCode>(event.code);
    if (code == EventCode::kClinicianBolus || code == EventCode::kPtmBolus ||
        code == EventCode::kPeriodicBolus) {
      volume_ul += event.argument / concentration_at(event.time_s);
    } else if (code == EventCode::kPrimingBolus || code == EventCode::kBridgingBolus) {
      volume_ul += event.argument / 1e3;
    }
  }
  return volume_ul;
}

}  // namespace pumpbench
