// libFuzzer target: the scenario loader (bench/pumpbench/scenario_loader.h) on arbitrary bytes,
// as `pumpbench validate` reads a file: strict YAML, then every field against the catalogues,
// the units and the firmware's own acceptance checks. The harness aborts if the loader accepts
// a scenario while reporting a problem, reports a problem without a place in the file, or
// accepts a quantity that is not finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A path with no requirements.yaml above it: the requirement IDs are not checked (a note).
  const pumpbench::LoadResult loaded =
      pumpbench::load_scenario_text("/nonexistent/fuzz/scenario.yaml", text);
  if (loaded.scenario.has_value() != loaded.diagnostics.empty()) std::abort();
  for (const pumpbench::Diagnostic& diagnostic : loaded.diagnostics) {
    if (diagnostic.location.line < 1 || diagnostic.location.column < 1) std::abort();
  }
  if (loaded.scenario) {
    const pumpbench::Scenario& scenario = *loaded.scenario;
    if (!std::isfinite(scenario.duration_s) || !std::isfinite(scenario.setup.sample_period_s)) {
      std::abort();
    }
    for (const pumpbench::Step& step : scenario.timeline) {
      if (!std::isfinite(step.time_s) || !std::isfinite(step.condition.within_s)) std::abort();
    }
  }
  return 0;
}
