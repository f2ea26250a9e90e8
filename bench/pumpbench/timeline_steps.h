// The clinician's and the scenario's hands on the pump: the setup (fill, programme, PTM) and
// each timeline or live step performed as the step says — a telemetry command through the
// twin's clinician programmer, a refill through the septum or into the pocket, a fault
// injected or cleared — with the pump's answer checked against what the step expects and
// recorded (result.json "steps", events.log).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fault_injector.h"
#include "programme_ledger.h"
#include "pump_probe.h"
#include "scenario.h"

namespace pumptwin::platform {
class Platform;
struct TelemetryReply;
}  // namespace pumptwin::platform

namespace pumpbench {

class RunRecorder;

class TimelineSteps {
 public:
  // What the run does around a step: reads the pump's new events before the step is recorded,
  // records a state snapshot after it, rewrites result.json.
  struct Hooks {
    virtual ~Hooks() = default;
    virtual void observe() = 0;
    virtual void record_snapshot() = 0;
    virtual void result_changed() = 0;
  };
  TimelineSteps(const Scenario& scenario, uint64_t seed, pumptwin::platform::Platform& platform,
                RunRecorder& recorder, ProgrammeLedger& ledger, PumpProbe& probe, Hooks& hooks);

  // The clinician fills and programmes the pump (setup.*).
  void set_up();
  // A step of the timeline (`index`: its place) or of a live client (no index).
  void perform(std::optional<size_t> index, const Step& step);
  // A step that did not happen (its condition did not come true), with its answer and verdict.
  void record(std::optional<size_t> index, const Step& step, const std::string& answer,
              const std::string& verdict);

  bool fault_injected(const std::string& name) const { return injector_.injected(name); }
  // result.json's "steps".
  const nlohmann::json& steps() const { return steps_; }

 private:
  void record_answer(std::optional<size_t> index, const Step& step,
                     const pumptwin::platform::TelemetryReply& reply);
  pumptwin::platform::TelemetryReply send(const std::vector<uint8_t>& payload);

  const Scenario& scenario_;
  pumptwin::platform::Platform& platform_;
  RunRecorder& recorder_;
  ProgrammeLedger& ledger_;
  PumpProbe& probe_;
  Hooks& hooks_;
  pumptwin::faults::FaultInjector injector_;
  nlohmann::json steps_ = nlohmann::json::array();
};

}  // namespace pumpbench
