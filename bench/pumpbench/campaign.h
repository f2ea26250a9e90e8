// `pumpbench campaign`: a scenario x fault-variant x cohort-member (x seed) matrix from a
// campaign file (docs/campaigns.md), expanded into a stably ordered list of runs with stable ids,
// each run in a worker process of its own; `--shard I/N` runs only the runs whose index is I
// modulo N and writes a shard report that `pumpbench merge` (merge.h) assembles into the report
// the whole campaign would have written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario.h"
#include "scenario_loader.h"
#include "workers.h"

namespace pumpbench {

// A fault injected into every scenario of the campaign at a time, through the timeline's
// `inject` step; no fault for the variant `none`.
struct FaultVariant {
  std::string name;
  std::optional<InjectFaultAction> fault;
  double at_s = 0.0;
  SourceLocation location;  // in the campaign file
};

// Generated virtual patients (physio::CohortGenerator(seed)): members first..first+size-1.
struct CampaignCohort {
  uint64_t seed = 0;
  uint64_t first = 0;
  uint64_t size = 0;
};

// `sensitivity:` (docs/campaigns.md, "Sensitivity"): a Morris screening of the patient model's
// uncertain parameters (twin/physio/validation/sensitivity.h, the one registry of the factors
// and the one design) over whole-chain runs. Each scenario x fault variant runs once per point
// of the design, with the point's factor values applied to its patient and drug; the runs' key
// figures named as outputs give mu* and sigma per factor (merge.h).
struct CampaignSensitivity {
  uint64_t trajectories = 0;
  uint64_t levels = 4;
  uint64_t seed = 1;
  std::vector<size_t> factors;  // indices into uncertain_factors(), as listed
  std::vector<std::string> outputs;
};

struct CampaignScenario {
  std::string id;  // the scenario file's name relative to the folder listed, without ".yaml"
  Scenario scenario;
};

struct Campaign {
  std::string file;
  std::string name;
  std::string description;
  std::vector<CampaignScenario> scenarios;
  std::vector<FaultVariant> variants;
  std::optional<CampaignCohort> cohort;  // else each scenario's own patient or setup.cohort
  std::vector<uint64_t> seeds;           // empty: each scenario's sweep, else its setup.seed
  std::optional<CampaignSensitivity> sensitivity;  // then no cohort and no seeds
  std::vector<Requirement> requirements;
  std::string hazards_file;   // hazards.yaml beside the requirements file, when there is one
  std::string file_sha256;    // of the campaign file
  std::string inputs_sha256;  // of the campaign file, every scenario file and the requirements
};

struct CampaignLoad {
  std::optional<Campaign> campaign;  // set only when there are no diagnostics
  std::vector<Diagnostic> diagnostics;
};

CampaignLoad load_campaign(const std::string& path);

struct CampaignRun {
  size_t index = 0;  // in the campaign's order: scenario, variant, member, seed, design point
  // "<scenario>/<variant>[/member-<k>][/seed-<s>][/point-<j>]"
  std::string id;
  std::string name;  // "<scenario name> [<variant>, member <k>, seed <s>, point <j>]"
  size_t scenario = 0;
  size_t variant = 0;
  std::optional<uint64_t> member;
  std::optional<uint64_t> seed;
  std::optional<size_t> point;  // of the sensitivity design
};

std::vector<CampaignRun> campaign_runs(const Campaign& campaign);

// "<scenario>/<variant>": the cell of the verdict matrix a run counts towards ("k of N" over the
// cohort members and seeds).
std::string campaign_cell(const Campaign& campaign, const CampaignRun& run);

// A campaign sweeps at most this many seeds (`seeds: {first, count}`).
inline constexpr int64_t kMaxCampaignSeeds = 100000;

// The scenario a run runs: the campaign's patient and the variant's fault put in.
Scenario scenario_of_run(const Campaign& campaign, const CampaignRun& run);

struct Shard {
  unsigned index = 0;  // 0-based
  unsigned count = 1;
};

// "I/N" with 0 <= I < N; a message on stderr and nothing otherwise.
std::optional<Shard> parse_shard(const std::string& text);

struct CampaignOptions {
  std::string file;
  unsigned jobs = 0;  // 0: every core
  Shard shard;
  std::string out_dir = "pumpbench-campaign";
  std::string run_id;    // set: run this one run in this process (what each worker does)
  bool list = false;     // print the runs (index, shard, id) and run nothing
  std::string firmware;  // --firmware: every run runs this image
};

// The arguments after the executable that run one run of a campaign alone, into `out_dir`, on
// the image `firmware` (the host build when empty): what each worker is given and, in the
// report, the command that reproduces a failing run, so that the two cannot differ.
std::vector<std::string> campaign_run_arguments(const std::string& campaign_file,
                                                const std::string& run_id,
                                                const std::string& out_dir,
                                                const std::string& firmware);

// Exit codes as `pumpbench suite`: 0 every run passed, 1 some failed, 2 bad input, 3 some run's
// simulation failed.
int run_campaign(const std::string& self_executable, const CampaignOptions& options);

}  // namespace pumpbench
