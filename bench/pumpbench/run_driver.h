// An agent that acts on the pump and the patient during a run and decides as it goes (the
// clinical pathway's clinician and patient, pathway.h). The run wakes it at the times it asks
// for, shows it the signals and the pump's active alarms, performs the
// steps it returns exactly as it performs the timeline's (through the programmer's and the
// PTM's telemetry commands: the firmware accepts or refuses them), and tells it each answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario.h"

namespace pumpbench {

struct RunView {
  double time_s = 0.0;
  // A signal of the catalogue (`pumpbench list signals`) now, in its unit.
  std::function<double(const std::string&)> signal;
  uint16_t alarm_bits = 0;  // the firmware's active alarms
};

class RunDriver {
 public:
  virtual ~RunDriver() = default;
  // When to wake next (s from the start of the run); each wake must ask for a later time.
  virtual double next_wake_s() const = 0;
  virtual std::vector<Step> wake(const RunView& view) = 0;
  // The pump's answer to a step wake() returned ("accepted", "refused: ...", "no answer").
  virtual void answered(const Step& step, const std::string& answer) = 0;
  // Numeric key figures for result.json's `figures` (a campaign aggregates them per cell).
  virtual nlohmann::json figures() const = 0;
  // The driver's own record for result.json (its key, and the value).
  virtual std::string report_key() const = 0;
  virtual nlohmann::json report() const = 0;
};

}  // namespace pumpbench
