#!/usr/bin/env python3
"""Classifies the runs of campaigns/fault_search.yaml (docs/hazards.md, "Fault search").

    pumpbench campaign campaigns/fault_search.yaml -j 2 --out OUT
    campaigns/fault_search.py OUT

One line per fault variant, the worst of its seeds: what the pump drove (displaced, uL) against
the 600 uL the programme asks in 12 h, what reached the patient, the error of the firmware's
reservoir estimate against the reservoir (uL, + = the firmware believes more is left than there
is), MCU boots, the alarms raised, and a class:
  ok          delivered within 5 %, estimate right, no alarm
  alarmed     an alarm raised, no over-delivery, estimate not high (the pump saw the fault)
  OVER        drove over 5 % more than programmed
  SILENT      drove over 5 % less than programmed and raised no alarm
  ESTIMATE    the estimate is over 5 uL high: the reservoir would run dry before the empty
              alarm (low is the safe side, and the no-fault run is 9 uL low: the mechanism's
              volumetric efficiency)
  PATIENT     drove the programme, no alarm, but the patient received over 5 % less (catheter)
  ERROR       the run did not complete
Exit status 0; the classes are findings, judged in docs/hazards.md.
"""
import json
import pathlib
import sys

PROGRAMMED_UL = 600.0  # 12 mg/day of 10 mg/mL for 12 h


def classify(result):
    if result.get("status") not in ("passed", "failed"):
        return "ERROR", {}
    f = result["figures"]
    displaced = f["displaced_volume_ul"]
    estimate_error_ul = (f["firmware_reservoir_volume_ml"] - f["reservoir_volume_ml"]) * 1000
    alarms = [a.split(" at ")[0] for a in f["alarms_raised"]]
    row = {
        "displaced": displaced,
        "patient": f["delivered_volume_ul"],
        "estimate_error": estimate_error_ul,
        "boots": f["mcu_boots"],
        "alarms": sorted(set(alarms)),
    }
    if estimate_error_ul > 5.0:
        return "ESTIMATE", row
    if displaced > PROGRAMMED_UL * 1.05:
        return "OVER", row
    if alarms:
        return "alarmed", row
    if displaced < PROGRAMMED_UL * 0.95:
        return "SILENT", row
    if f["delivered_volume_ul"] < displaced * 0.95:
        return "PATIENT", row
    return "ok", row


SEVERITY = ["ok", "alarmed", "PATIENT", "SILENT", "ESTIMATE", "OVER", "ERROR"]


def main():
    if len(sys.argv) != 2:
        print("usage: campaigns/fault_search.py CAMPAIGN_OUT", file=sys.stderr)
        return 2
    runs = pathlib.Path(sys.argv[1]) / "runs"
    variants = {}
    for result_file in sorted(runs.glob("*/*/seed-*/result.json")):
        variant = result_file.parent.parent.name
        cls, row = classify(json.loads(result_file.read_text()))
        variants.setdefault(variant, []).append((cls, row, result_file.parent.name))
    print(f"{'variant':34} {'class':9} {'drove uL':>17} {'patient uL':>17} {'est.err':>7} {'boots':>5}  alarms")
    for variant, seeds in variants.items():
        worst = max(seeds, key=lambda s: SEVERITY.index(s[0]))
        rows = [s[1] for s in seeds if s[1]]

        def span(key):
            values = [r[key] for r in rows]
            return f"{min(values):7.1f}-{max(values):<7.1f}" if values else "-"

        alarms = sorted({a for r in rows for a in r["alarms"]})
        est = max((r["estimate_error"] for r in rows), key=abs, default=0.0)
        boots = max((r["boots"] for r in rows), default=0)
        print(f"{variant:34} {worst[0]:9} {span('displaced'):>17} {span('patient'):>17} "
              f"{est:7.1f} {boots:5}  {','.join(alarms) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
