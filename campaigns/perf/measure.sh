#!/bin/bash
# The campaign figure of docs/performance.md: the wall time of the 100-patient managed-pathway campaign
# (campaigns/perf/cohort_week.yaml) on J worker processes, printed as `campaign_pathway_100_s VALUE s`.
#
#   campaigns/perf/measure.sh PUMPBENCH OUT [J]
#
# PUMPBENCH is the executable (e.g. build/default/bench/pumpbench/pumpbench), OUT a scratch
# folder for the campaign's outputs, J the worker processes (default 2).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PUMPBENCH OUT [J]" >&2
  exit 2
fi
pumpbench=$1
out=$2
jobs=${3:-2}
campaign="$(dirname "$0")/cohort_week.yaml"
start=$(date +%s.%N)
code=0
"$pumpbench" campaign "$campaign" -j "$jobs" --out "$out" >"$out.log" 2>&1 || code=$?
end=$(date +%s.%N)
# 0 or 1 (some runs failed their expectations) is a finished campaign; anything else is not.
if [ "$code" -gt 1 ]; then
  echo "$0: the campaign failed (exit $code), see $out.log" >&2
  exit "$code"
fi
awk -v s="$start" -v e="$end" 'BEGIN { printf "campaign_pathway_100_s %.1f s\n", e - s }'
