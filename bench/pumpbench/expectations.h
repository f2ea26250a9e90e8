// The scenario's expectations as the run checks them: each one's check and expected value as
// the report words them, an agenda of the instants at which they are decided (a value at a
// time, the start and end of a delivered-volume window, the end of an invariant's window), the
// invariants checked at every sample and every observation, and the verdicts, with known gaps
// and reproduced harms never reading as passes. Every verdict goes to events.log at once.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "firmware_log.h"
#include "programme_ledger.h"
#include "pump_probe.h"
#include "scenario.h"

namespace pumptwin::platform {
class Platform;
}

namespace pumpbench {

class RunRecorder;

class Expectations {
 public:
  // What the checks read: the pump, its event log, the programme. `on_verdict` is called
  // after every verdict (the run rewrites result.json).
  struct Sources {
    pumptwin::platform::Platform& platform;
    PumpProbe& probe;
    const FirmwareLog& log;
    const ProgrammeLedger& ledger;
  };
  Expectations(const Scenario& scenario, const Sources& sources, RunRecorder& recorder,
               std::function<void()> on_verdict);

  // The agenda: the next instant an expectation is decided at (infinity: none left).
  double next_check_s() const;
  // Takes the next agenda item; the run observes (and, when `samples_first`, samples) the
  // pump before it decides it with `decide`.
  struct AgendaItem {
    double time_s;
    size_t order;
    enum class What { kSnapshot, kEvaluate, kCloseWindow } what;
    size_t expectation;
  };
  AgendaItem take_next() { return agenda_[next_agenda_++]; }
  bool samples_first(const AgendaItem& item) const;
  void decide(const AgendaItem& item, double now_s);

  // Invariants: a forbidden alarm raised or active, a signal out of bounds at a sample.
  void observed(double now_s, uint16_t alarm_bits);
  void sampled(double now_s, const std::vector<double>& values);
  // At the scenario's end: invariants whose window is still open held.
  void close_open_windows(double now_s);
  // After an interrupted or failed run: what could not be decided.
  void leave_undecided();

  // result.json's "expectations"; `known_gaps` gets each accepted residual risk once, and
  // `all_held` turns false when a check neither passed nor showed a residual risk.
  nlohmann::json to_json(nlohmann::json& known_gaps, bool& all_held) const;

 private:
  struct State {
    explicit State(const Expectation* expectation) : spec(expectation) {}
    const Expectation* spec;
    std::string verdict = "pending";  // pass, fail, not_evaluated
    double time_s = std::numeric_limits<double>::quiet_NaN();
    nlohmann::json measured;
    std::string unit;  // of `measured` when it is a number, as the catalogue writes it
    std::string expected;
    std::string check;
    double delivered_at_from_ul = 0.0;
  };
  void describe(State& state);
  void build_agenda();
  void close(State& state, double now_s);
  void verdict(State& state, const std::string& raw_verdict, double time_s,
               const nlohmann::json& measured);

  const Scenario& scenario_;
  Sources sources_;
  RunRecorder& recorder_;
  std::function<void()> on_verdict_;
  std::vector<State> states_;
  std::vector<AgendaItem> agenda_;
  size_t next_agenda_ = 0;
};

}  // namespace pumpbench
