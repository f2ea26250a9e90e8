#include "expectations.h"

#include <algorithm>
#include <cmath>

#include "app/pump.h"
#include "bench_lines.h"
#include "catalogue.h"
#include "platform.h"
#include "plot_axes.h"
#include "recorder.h"

namespace pumpbench {

namespace {

using nlohmann::json;
constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace

Expectations::Expectations(const Scenario& scenario, const Sources& sources, RunRecorder& recorder,
                           std::function<void()> on_verdict)
    : scenario_(scenario),
      sources_(sources),
      recorder_(recorder),
      on_verdict_(std::move(on_verdict)) {
  for (const Expectation& expectation : scenario.expectations) states_.emplace_back(&expectation);
  for (State& state : states_) describe(state);
  build_agenda();
}

double Expectations::next_check_s() const {
  return next_agenda_ < agenda_.size() ? agenda_[next_agenda_].time_s : kNever;
}

void Expectations::describe(State& state) {
  const Expectation& spec = *state.spec;
  // Values as the report shows them (plot::format_value): "<= 0.5", ">= 4.5 mL".
  auto bounds = [&](const std::string& unit) {
    state.unit = unit;
    std::string text;
    if (spec.min) text += ">= " + pumptwin::plot::format_value(*spec.min, unit);
    if (spec.min && spec.max) text += " and ";
    if (spec.max) text += "<= " + pumptwin::plot::format_value(*spec.max, unit);
    return text;
  };
  const std::string window =
      "from " + pumptwin::plot::format_duration(spec.from_s) + " to " +
      (spec.to_s ? pumptwin::plot::format_duration(*spec.to_s) : std::string("the end"));
  switch (spec.kind) {
    case Expectation::Kind::kSignalAt:
      state.check = spec.signal + " at " + pumptwin::plot::format_duration(spec.at_s);
      state.expected = bounds(find_signal(spec.signal)->unit);
      break;
    case Expectation::Kind::kSignalBounded:
      state.check = spec.signal + " " + window + " (at each sample)";
      state.expected = bounds(find_signal(spec.signal)->unit);
      break;
    case Expectation::Kind::kAlarmAt:
      state.check = "alarm " + spec.alarm + " at " + pumptwin::plot::format_duration(spec.at_s);
      state.expected = spec.alarm_active ? "active" : "not active";
      break;
    case Expectation::Kind::kEventBy:
      state.check =
          "firmware event " + spec.event + " by " + pumptwin::plot::format_duration(spec.at_s);
      state.expected = (spec.at_least ? "at least " + std::to_string(*spec.at_least) : "") +
                       (spec.at_least && spec.at_most ? ", " : "") +
                       (spec.at_most ? "at most " + std::to_string(*spec.at_most) : "");
      break;
    case Expectation::Kind::kDelivered:
      state.check = "delivered volume " + window;
      state.unit = "uL";
      state.expected = "programme +/- " +
                       (spec.tolerance_ul > 0.0
                            ? pumptwin::plot::format_value(spec.tolerance_ul, "uL")
                            : pumptwin::plot::format_value(spec.tolerance_fraction * 100, "%")) +
                       (spec.tolerance_labelled ? " (labelled accuracy)" : "");
      break;
    case Expectation::Kind::kNeverAlarm:
      state.check = "alarm " + spec.alarm + " never raised " + window;
      state.expected = "never";
      break;
  }
}

void Expectations::build_agenda() {
  for (size_t i = 0; i < states_.size(); ++i) {
    const Expectation& spec = *states_[i].spec;
    switch (spec.kind) {
      case Expectation::Kind::kSignalAt:
      case Expectation::Kind::kAlarmAt:
      case Expectation::Kind::kEventBy:
        agenda_.push_back({spec.at_s, agenda_.size(), AgendaItem::What::kEvaluate, i});
        break;
      case Expectation::Kind::kDelivered:
        agenda_.push_back({spec.from_s, agenda_.size(), AgendaItem::What::kSnapshot, i});
        agenda_.push_back({*spec.to_s, agenda_.size(), AgendaItem::What::kEvaluate, i});
        break;
      case Expectation::Kind::kSignalBounded:
      case Expectation::Kind::kNeverAlarm:
        if (spec.to_s) {
          agenda_.push_back({*spec.to_s, agenda_.size(), AgendaItem::What::kCloseWindow, i});
        }
        break;
    }
  }
  std::sort(agenda_.begin(), agenda_.end(), [](const AgendaItem& a, const AgendaItem& b) {
    return a.time_s != b.time_s ? a.time_s < b.time_s : a.order < b.order;
  });
}

bool Expectations::samples_first(const AgendaItem& item) const {
  return item.what == AgendaItem::What::kCloseWindow &&
         states_[item.expectation].spec->kind == Expectation::Kind::kSignalBounded;
}

void Expectations::decide(const AgendaItem& item, double now) {
  State& state = states_[item.expectation];
  const Expectation& spec = *state.spec;
  switch (item.what) {
    case AgendaItem::What::kSnapshot:
      state.delivered_at_from_ul = sources_.platform.patient.twin().delivered_volume_ul();
      return;
    case AgendaItem::What::kCloseWindow:
      if (state.verdict == "pending") close(state, now);
      return;
    case AgendaItem::What::kEvaluate:
      break;
  }
  switch (spec.kind) {
    case Expectation::Kind::kSignalAt: {
      const double value = sources_.probe.signal_value(spec.signal);
      const bool ok = !std::isnan(value) && (!spec.min || value >= *spec.min) &&
                      (!spec.max || value <= *spec.max);
      verdict(state, ok ? "pass" : "fail", now, value);
      break;
    }
    case Expectation::Kind::kAlarmAt: {
      const bool active = (sources_.probe.alarm_bits() & *alarm_bit(spec.alarm)) != 0;
      verdict(state, active == spec.alarm_active ? "pass" : "fail", now,
              active ? "active" : "not active");
      break;
    }
    case Expectation::Kind::kEventBy: {
      const uint8_t code = *event_code(spec.event);
      const std::vector<FirmwareEvent>& events = sources_.log.events();
      const auto count = static_cast<uint32_t>(std::count_if(
          events.begin(), events.end(),
          [&](const FirmwareEvent& event) { return event.code == code && event.time_s <= now; }));
      const bool ok =
          (!spec.at_least || count >= *spec.at_least) && (!spec.at_most || count <= *spec.at_most);
      verdict(state, ok ? "pass" : "fail", now, count);
      break;
    }
    case Expectation::Kind::kDelivered: {
      const double measured_ul =
          sources_.platform.patient.twin().delivered_volume_ul() - state.delivered_at_from_ul;
      const double programme_ul =
          sources_.ledger.volume_ul(spec.from_s, now, sources_.log.events());
      // The pump delivers whole strokes while the programme accrues continuously: a window's
      // edges cut at most one stroke, whatever the patient, so the check allows it on top of
      // the tolerance written.
      const double stroke_ul = pumpfw::app::PumpConfig{}.min_full_steps_per_stroke *
                               scenario_.setup.calibration_nl_per_step / 1000.0;
      const double written_ul =
          spec.tolerance_ul > 0.0 ? spec.tolerance_ul : spec.tolerance_fraction * programme_ul;
      const double tolerance_ul = written_ul + stroke_ul;
      auto volume = [](double ul) { return pumptwin::plot::format_value(ul, "uL"); };
      state.expected = volume(programme_ul) + " +/- " + volume(tolerance_ul) + " (programme; " +
                       volume(written_ul) + (spec.tolerance_labelled ? " labelled accuracy" : "") +
                       " and one " + volume(stroke_ul) + " stroke)";
      verdict(state, std::fabs(measured_ul - programme_ul) <= tolerance_ul ? "pass" : "fail", now,
              measured_ul);
      break;
    }
    case Expectation::Kind::kSignalBounded:
    case Expectation::Kind::kNeverAlarm:
      break;
  }
}

void Expectations::observed(double now, uint16_t bits) {
  for (State& state : states_) {
    const Expectation& spec = *state.spec;
    if (spec.kind != Expectation::Kind::kNeverAlarm || state.verdict != "pending") continue;
    const uint16_t bit = *alarm_bit(spec.alarm);
    const double to_s = spec.to_s.value_or(kNever);
    for (const FirmwareEvent& event : sources_.log.events()) {
      if (event.code == static_cast<uint8_t>(pumpfw::app::EventCode::kAlarmRaised) &&
          (1u << event.argument) == bit && event.time_s >= spec.from_s && event.time_s <= to_s) {
        verdict(state, "fail", event.time_s, "raised");
        break;
      }
    }
    if (state.verdict == "pending" && (bits & bit) != 0 && now >= spec.from_s && now <= to_s) {
      verdict(state, "fail", now, "active");
    }
  }
}

void Expectations::sampled(double now, const std::vector<double>& values) {
  const std::vector<SignalDefinition>& catalogue = signal_catalogue();
  for (State& state : states_) {
    const Expectation& spec = *state.spec;
    if (spec.kind != Expectation::Kind::kSignalBounded || state.verdict != "pending") continue;
    if (now < spec.from_s || now > spec.to_s.value_or(kNever)) continue;
    const size_t column = static_cast<size_t>(
        std::find_if(catalogue.begin(), catalogue.end(),
                     [&](const SignalDefinition& s) { return s.name == spec.signal; }) -
        catalogue.begin());
    const double value = values[column];
    if ((spec.min && value < *spec.min) || (spec.max && value > *spec.max)) {
      verdict(state, "fail", now, value);
    }
  }
}

void Expectations::close_open_windows(double now) {
  for (State& state : states_) {
    if (state.verdict == "pending") close(state, now);
  }
}

void Expectations::leave_undecided() {
  for (State& state : states_) {
    if (state.verdict == "pending") state.verdict = "not_evaluated";
  }
}

// An invariant whose window has ended without a violation.
void Expectations::close(State& state, double now) {
  const Expectation& spec = *state.spec;
  if (spec.kind == Expectation::Kind::kSignalBounded ||
      spec.kind == Expectation::Kind::kNeverAlarm) {
    verdict(state, "pass", now,
            spec.kind == Expectation::Kind::kNeverAlarm ? json("never raised")
                                                        : json("within bounds at every sample"));
  }
}

void Expectations::verdict(State& state, const std::string& raw_verdict, double time_s,
                           const json& measured) {
  // A known gap (docs/hazards.md): its failure is the documented hazard; a pass means the gap
  // is closed and the scenario must be updated.
  std::string verdict = raw_verdict;
  if (!state.spec->known_gap.empty()) {
    verdict = raw_verdict == "fail" ? "known_gap" : "fail";
    if (raw_verdict == "pass") {
      state.expected +=
          " (a known gap that passed: remove known_gap and update scenarios/hazards.yaml)";
    }
  }
  // A harm check: the hazard happening is what it shows, never a pass; its absence means the
  // scenario no longer shows its hazard.
  if (state.spec->harm) {
    verdict = raw_verdict == "pass" ? "hazard_reproduced" : "fail";
    if (raw_verdict == "fail") {
      state.expected += " (the hazard " + scenario_.reproduces->hazard +
                        " was not reproduced: update the scenario and scenarios/hazards.yaml)";
    }
  }
  state.verdict = verdict;
  state.time_s = time_s;
  state.measured = measured;
  recorder_.event(time_s, "bench",
                  pumptwin::bench_lines::verdict_line(
                      state.spec->id + " [" + state.spec->requirement + "] " + verdict + ": " +
                      state.check + ", measured " +
                      (measured.is_number()   ? format_number(measured.get<double>())
                       : measured.is_string() ? measured.get<std::string>()
                                              : measured.dump())));
  on_verdict_();
}

json Expectations::to_json(json& known_gaps, bool& all_held) const {
  json expectations = json::array();
  for (const State& state : states_) {
    if (state.verdict == "known_gap") {
      known_gaps.push_back(state.spec->requirement + " " + state.spec->id + ": " +
                           state.spec->known_gap);
    } else if (state.verdict == "hazard_reproduced") {
      const std::string reason = "hazard " + scenario_.reproduces->hazard +
                                 " reproduced: " + scenario_.reproduces->residual_risk;
      if (std::find(known_gaps.begin(), known_gaps.end(), reason) == known_gaps.end()) {
        known_gaps.push_back(reason);
      }
    } else if (state.verdict != "pass") {
      all_held = false;
    }
    expectations.push_back({{"id", state.spec->id},
                            {"requirement", state.spec->requirement},
                            {"hazard", state.spec->harm ? scenario_.reproduces->hazard : ""},
                            {"description", state.spec->description},
                            {"known_gap", state.spec->known_gap},
                            {"check", state.check},
                            {"expected", state.expected},
                            {"verdict", state.verdict},
                            {"time_s", std::isnan(state.time_s) ? json() : json(state.time_s)},
                            {"measured", state.measured},
                            {"unit", state.unit},
                            {"line", state.spec->location.line}});
  }
  return expectations;
}

}  // namespace pumpbench
