#!/bin/bash
# Regenerates docs/sensitivity.md: runs every sensitivity campaign of campaigns/sensitivity/ (each
# *.yaml there is one safety question; their scenarios are in campaigns/sensitivity/scenarios/)
# on J worker processes, then writes the document from their campaign.json and the patient
# variability (bench/physio/physio_sensitivity). Prints each campaign's wall time and the total as
# `campaign_sensitivity_s VALUE s`. Run from the repository's root:
#
#   campaigns/sensitivity.sh BUILD OUT [J]
#
# BUILD is the build folder (e.g. build/default), OUT a scratch folder for the campaigns' outputs
# (OUT/<campaign>/), J the worker processes (default 2).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD OUT [J]" >&2
  exit 2
fi
build=$1
out=$2
jobs=${3:-2}
mkdir -p "$out"
folders=()
start=$(date +%s.%N)
for file in campaigns/sensitivity/*.yaml; do
  name=$(basename "$file" .yaml)
  begin=$(date +%s.%N)
  code=0
  "$build/bench/pumpbench/pumpbench" campaign "$file" -j "$jobs" --out "$out/$name" \
    >"$out/$name.log" 2>&1 || code=$?
  # 4: a scenario's harm is reproduced (a known gap, as intended); 0 and 1 are finished too.
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ] && [ "$code" -ne 4 ]; then
    echo "$0: the campaign $file failed (exit $code), see $out/$name.log" >&2
    exit "$code"
  fi
  awk -v s="$begin" -v e="$(date +%s.%N)" -v n="$name" \
    'BEGIN { printf "campaign_sensitivity_%s_s %.1f s\n", n, e - s }'
  folders+=("$out/$name")
done
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "campaign_sensitivity_s %.1f s\n", e - s }'
"$build/bench/physio/physio_sensitivity" "${folders[@]}" docs/sensitivity.md
