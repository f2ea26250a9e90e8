// `pumpbench merge`: assembles the shard reports of a campaign (campaign.h) into the report the
// unsharded campaign writes, from the same code: campaign.json (summary), campaign.md (readable
// verdict matrix), junit.xml, traceability.md and .csv. None holds a wall-clock time or a path
// (but the campaign file and the firmware image as given, in the commands that reproduce a
// failing run and in campaign.json's `firmware`),
// so the merged files are byte-identical to the unsharded campaign's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pumpbench {

inline constexpr const char* kShardFile = "shard.json";
inline constexpr const char* kShardFormat = "pumpbench-campaign-shard/2";

// Refuses (exit 2, the reason on stderr) shards of different campaigns, inputs or firmware, of
// different splits, a shard given twice, overlapping runs and missing shards; else writes the
// report to `out_dir` and returns the worst exit code of the runs (0, 1 or 3). Each shard comes
// with where it was read from, for messages.
int assemble_campaign_report(const std::vector<std::pair<std::string, nlohmann::json>>& shards,
                             const std::string& out_dir);

// Reads DIR/shard.json of each folder and assembles them.
int merge_campaign_shards(const std::vector<std::string>& shard_dirs, const std::string& out_dir);

}  // namespace pumpbench
