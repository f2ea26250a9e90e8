// Runs one scenario on the whole pump (twin/platform): builds the platform from the setup,
// programs the pump over telemetry as a clinician would, plays the timeline, checks the
// expectations and records everything (recorder.h). One run per process: SystemC elaborates
// once. Call from sc_main.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "programmer_port.h"
#include "run_interrupt.h"
#include "scenario.h"
#include "serve_options.h"

namespace pumpbench {

// Exit codes of `pumpbench run` (and of each suite worker).
inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitSimulationFailed = 3;
// Every check held except those that show an accepted residual risk: an expectation marked
// `known_gap`, or a harm the scenario `reproduces`. Never a pass: a requirement is not met.
inline constexpr int kExitKnownGap = 4;
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT/SIGTERM; reports complete

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides setup.seed
  std::string out_dir = "pumpbench-out";
  bool lockstep = false;
  // Paces simulated time at this multiple of wall time (0: as fast as possible). Only the pace
  // changes: results are the same.
  double realtime_factor = 0.0;
  bool quiet = false;  // no summary on stdout
  // Wall-time budget of the run (s, 0: none): a run that has not finished by then is stopped
  // as a failed simulation (exit 3), so a hung or runaway twin cannot stall a CI job.
  double wall_limit_s = 0.0;
  // The ASIC's waveform is written to OUT/asic.vcd between these simulated times (s).
  std::optional<std::pair<double, double>> trace_window_s;
  std::string trace_format = "vcd";  // or "fst": OUT/asic.<format>
  // Serves the run live (--serve, docs/protocol.md); the live server then paces the run.
  std::optional<pumptwin::live::ServeOptions> serve;
  // Brings the telemetry link out on TCP for an external programmer (--programmer-port).
  std::optional<ProgrammerPortOptions> programmer;
  // The member of a cohort scenario (setup.cohort) to run; member 0 when absent.
  std::optional<uint64_t> member;
  // Measures where the wall time goes (run_profile.h): OUT/profile.json and figures on stdout.
  bool profile = false;
  // The firmware image (ELF) to run on the Cortex-M0+ ISS instead of the host build
  // (--firmware); empty: the host build.
  std::string firmware;
  // A GDB stub on the image's core (--gdb [HOST:]PORT, loopback unless a host is given).
  std::optional<std::pair<std::string, uint16_t>> gdb;
  // Writes the image's executed instruction ranges here at the end of the run
  // (--image-coverage, docs/coverage.md); empty: not recorded.
  std::string image_coverage;
  // A sensitivity campaign's design point: each factor of
  // physio::validation::uncertain_factors() (by index) at a fraction of its range, applied to
  // the patient and the drug.
  std::vector<std::pair<std::size_t, double>> design_point;
};

int run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace pumpbench
