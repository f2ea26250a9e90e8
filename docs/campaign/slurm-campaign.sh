#!/bin/bash
# Runs a pumpbench campaign on a Slurm cluster (docs/campaigns.md): a job array of SHARDS tasks,
# task I running `pumpbench campaign FILE --shard I/SHARDS` into OUT/shards/I, and a merge job
# that starts when every task has ended (afterany: a shard whose runs failed verdicts still
# counts; `pumpbench merge` refuses a missing or broken shard) and writes OUT/report.
#
#   docs/campaign/slurm-campaign.sh FILE SHARDS OUT
#
# OUT must be on a file system every node sees. Environment: PUMPBENCH (the executable,
# default `pumpbench` on PATH), CPUS_PER_TASK (cores per shard, default 2), SBATCH_PARTITION and
# the other SBATCH_* variables sbatch reads itself.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 CAMPAIGN_FILE SHARDS OUT" >&2
  exit 2
fi
campaign=$1
shards=$2
out=$3
pumpbench=${PUMPBENCH:-pumpbench}
cpus=${CPUS_PER_TASK:-2}
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SHARDS must be a whole number of at least 1, not '$shards'" >&2
  exit 2
fi
# A bad campaign file fails here, before anything is queued.
"$pumpbench" campaign "$campaign" --list >/dev/null
mkdir -p "$out/shards" "$out/logs"

array_job=$(sbatch --parsable \
  --job-name=pumpbench-campaign \
  --array="0-$((shards - 1))" \
  --cpus-per-task="$cpus" \
  --output="$out/logs/shard-%a.log" \
  --wrap="\"$pumpbench\" campaign \"$campaign\" --shard \"\$SLURM_ARRAY_TASK_ID/$shards\" -j \"\$SLURM_CPUS_PER_TASK\" --out \"$out/shards/\$SLURM_ARRAY_TASK_ID\"")
array_job=${array_job%%;*}  # "id;cluster" on a multi-cluster site

merge_job=$(sbatch --parsable \
  --job-name=pumpbench-merge \
  --dependency="afterany:$array_job" \
  --cpus-per-task=1 \
  --output="$out/logs/merge.log" \
  --wrap="\"$pumpbench\" merge \"$out\"/shards/* --out \"$out/report\"")

echo "campaign $campaign: array job $array_job ($shards shards), merge job ${merge_job%%;*}; report in $out/report"
