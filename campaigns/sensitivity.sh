#!/bin/bash
# Regenerates docs/sensitivity.md: runs the sensitivity campaign (campaigns/sensitivity.yaml) on
# J worker processes, then writes the document from its campaign.json and the patient
# variability (bench/physio/physio_sensitivity). Prints the campaign's wall time as
# `campaign_sensitivity_s VALUE s`. Run from the repository's root:
#
#   campaigns/sensitivity.sh BUILD OUT [J]
#
# BUILD is the build folder (e.g. build/default), OUT a scratch folder for the campaign's
# outputs, J the worker processes (default 2).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD OUT [J]" >&2
  exit 2
fi
build=$1
out=$2
jobs=${3:-2}
start=$(date +%s.%N)
code=0
"$build/bench/pumpbench/pumpbench" campaign campaigns/sensitivity.yaml -j "$jobs" --out "$out" \
  >"$out.log" 2>&1 || code=$?
end=$(date +%s.%N)
# 4: the pocket fill's harm is reproduced (a known gap, as intended); 0 and 1 are finished too.
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ] && [ "$code" -ne 4 ]; then
  echo "$0: the campaign failed (exit $code), see $out.log" >&2
  exit "$code"
fi
awk -v s="$start" -v e="$end" 'BEGIN { printf "campaign_sensitivity_s %.1f s\n", e - s }'
"$build/bench/physio/physio_sensitivity" "$out" docs/sensitivity.md
