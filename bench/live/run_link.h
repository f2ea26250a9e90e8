// The simulation's side of the live server: what a running scenario publishes (signal samples,
// events, state snapshots) and how clients steer it (pause, step, speed, faults, PTM, refill,
// program). Runs on the simulation thread only, at the run's sync points; it reads the
// platform through getters that change nothing, so a run with observe-only clients gives the
// same results as a run without (tests/live). docs/protocol.md.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "catalogue.h"
#include "protocol.h"
#include "scenario.h"
#include "serve_options.h"
#include "server.h"
#include "wall_pacer.h"

namespace pumptwin::platform {
class Platform;
}

namespace pumptwin::live {

// A client's command turned into a timeline step for the run to perform.
struct LiveAction {
  uint64_t client = 0;
  Json id;
  pumpbench::Step step;
};

// The state of the pump and its board at `time_s` (docs/protocol.md, "snapshot"): firmware
// therapy state, ASIC registers decoded, reservoir (from `last_full_sample`, a row of
// signals.csv; NaN before the first), battery. The live server sends it; the recorder keeps it
// in snapshots.jsonl for the viewer's recorded runs.
Json state_snapshot(const platform::Platform& platform, const pumpbench::Scenario& scenario,
                    double time_s, const std::vector<double>& last_full_sample);

class RunLink {
 public:
  RunLink(const ServeOptions& options, const pumpbench::Scenario& scenario, uint64_t seed,
          const std::string& out_dir, platform::Platform& platform, pumpbench::WallPacer& pacer,
          std::function<bool()> stop_requested);
  ~RunLink();

  // Listens; prints "serving on HOST:PORT" on stderr. Returns the problem, empty on success.
  std::string start();
  unsigned short port() const { return server_.port(); }

  // --- simulation thread ---
  // A row of signals.csv (the bench's catalogue, in its order).
  void full_sample(double time_s, const std::vector<double>& values);
  // Any other sync point: publishes what can be read without advancing a model, drains the
  // clients' commands. True when the live process has something to do (an action, a pause).
  bool sync_point(double time_s);
  // The live process: paces the run, holds it while a client has paused it, and returns the
  // actions to perform now; `wake_after_s` is when to come back (0: on the next sync point).
  std::vector<LiveAction> next(double time_s, double& wake_after_s);
  // Whether a fault is injected now (a client may clear only those).
  void set_fault_injected(std::function<bool(const std::string&)> fault_injected) {
    fault_injected_ = std::move(fault_injected);
  }
  // After the run performed an action: the client's answer.
  void performed(const LiveAction& action, const std::string& answer);
  // The run has ended: the last events, an "end" message, then (linger) serving until stopped.
  void end(double time_s, int exit_code);

 private:
  void handle(const Command& command, double time_s);
  void publish_events();
  void publish_status(double time_s, bool force);
  void publish_snapshot(double time_s);
  Json snapshot(double time_s) const;
  std::vector<double> fast_values() const;
  bool parse_action(const Command& command, LiveAction& action, std::string& error) const;
  // A pause whose clients have all disconnected is released.
  void release_abandoned_pause(double time_s);
  std::string tip_level() const;

  ServeOptions options_;
  const pumpbench::Scenario& scenario_;
  uint64_t seed_;
  platform::Platform& platform_;
  pumpbench::WallPacer& pacer_;  // paces the run at speed_ (the run's one pacer)
  std::function<bool()> stop_requested_;
  std::function<bool(const std::string&)> fault_injected_;
  Server server_;
  std::vector<pumpbench::SignalDefinition> catalogue_;  // bench + extras
  std::size_t bench_signals_ = 0;
  std::vector<double> last_full_;  // the last full row (NaN before the first)
  std::ifstream events_;
  std::string events_path_;
  std::string partial_line_;
  std::vector<LiveAction> pending_;

  bool paused_ = false;
  std::set<uint64_t> pausers_;  // the clients holding the run paused
  bool waiting_for_client_ = false;
  double speed_ = 0.0;          // simulated s per wall s; 0: as fast as possible
  double step_until_s_ = -1.0;  // a step in progress ends (and pauses) here
  pumpbench::WallPacer::Clock::time_point last_status_wall_;
  pumpbench::WallPacer::Clock::time_point last_snapshot_wall_;
  bool snapshot_requested_ = false;
  double last_time_s_ = 0.0;
};

}  // namespace pumptwin::live
