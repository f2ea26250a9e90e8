// `pumpbench run --profile`: where a run's wall time went — the RTL and drive train, the
// firmware, the physiology, and the rest (the SystemC kernel, the bench, recording) — with the
// work each part did, for docs/performance.md and bench/perf/run-all. Written to
// OUT/profile.json and printed as `name value unit` lines; never part of result.json, whose
// content does not depend on the machine.
#pragma once

#include <string>

namespace pumptwin::platform {
class Platform;
}

namespace pumpbench {

// Turns on the parts' work meters with the pacer's clock (before the run starts).
void start_profile(pumptwin::platform::Platform& platform);

// Writes OUT/profile.json and prints the figures; `wall_s` is the run's wall time.
void finish_profile(pumptwin::platform::Platform& platform, double wall_s, double simulated_s,
                    const std::string& out_dir);

}  // namespace pumpbench
