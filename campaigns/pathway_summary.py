#!/usr/bin/env python3
"""Outcomes of a managed-pathway campaign (docs/pathway.md), per patient and per fault arm.

    campaigns/pathway_summary.py OUT      # OUT: the `pumpbench campaign --out` folder

Reads every run's result.json (its `pathway` record and `pathway_*` figures), prints per arm
(scenario and fault variant, `morphine/none`) the trial responder rate, the implanted patients' starting, stable and final
doses, the time to a stable dose, the relief at the end, adverse events, device alarms, refills,
bridging boluses and PTM use, and writes the same with a table of every patient to
OUT/pathway.md. Each arm shows what applies to its drug, as its runs' records say: the opioid
status rows (tolerant at evaluation, responders and starting doses by status) for an opioid only,
relief on the drug's own measure (pain score or tone reduction), the adverse events the patient
model gives the drug, PTM use when the patients have a PTM. Exit 2 when OUT holds no pathway run.
"""
import json
import pathlib
import statistics
import sys


def quartiles(values):
    values = sorted(values)
    if not values:
        return "-"
    if len(values) < 4:
        return "{:.4g} ({:.4g}-{:.4g})".format(statistics.median(values), values[0], values[-1])
    q = statistics.quantiles(values, n=4)
    return "{:.4g} (IQR {:.4g}-{:.4g}, range {:.4g}-{:.4g})".format(q[1], q[0], q[2], values[0], values[-1])


def load(out):
    arms = {}
    for path in sorted(pathlib.Path(out, "runs").rglob("result.json")):
        result = json.loads(path.read_text())
        if "pathway" not in result:
            continue
        run = path.parent.relative_to(pathlib.Path(out, "runs")).as_posix()
        parts = run.split("/")
        arm = "/".join(parts[:2]) if len(parts) > 1 else parts[0]
        arms.setdefault(arm, []).append((run, result))
    return arms


def arm_summary(runs):
    figures = [r["figures"] for _, r in runs]
    records = [r["pathway"] for _, r in runs]
    n = len(figures)
    opioid = any(p["opioid"] for p in records)
    measure = " / ".join(sorted({p["relief_measure"] for p in records}))
    effects = {e for p in records for e in p["adverse_effects_modelled"]}
    ptm = any("pathway_ptm_presses" in f for f in figures)
    implanted = [f for f in figures if f.get("pathway_implanted")]
    stable = [f for f in implanted if f.get("pathway_stable_dose_reached")]
    at_target = [f for f in implanted if "pathway_days_to_target_relief" in f]
    tolerant = [f for f in figures if f.get("pathway_opioid_tolerant")]
    status = {}
    for _, r in runs:
        status[r["status"]] = status.get(r["status"], 0) + 1

    def total(name):
        return sum(f.get(name, 0) for f in figures)

    def patients_with(name):
        return sum(1 for f in figures if f.get(name, 0) > 0)

    def start_doses(group):
        return quartiles([f["pathway_start_dose_ug_per_day"] for f in group if f.get("pathway_implanted")])

    naive = [f for f in figures if not f.get("pathway_opioid_tolerant")]
    rows = [
        ("patients", str(n)),
        ("run verdicts", ", ".join("{} {}".format(v, k) for k, v in sorted(status.items()))),
    ]
    if opioid:
        rows.append(("opioid-tolerant at evaluation", "{} ({:.0%})".format(len(tolerant), len(tolerant) / n)))
    rows.append(("trial responders (implanted)", "{} ({:.0%})".format(len(implanted), len(implanted) / n)))
    if opioid:
        rows.append(("responders, naive / tolerant", "{} of {} / {} of {}".format(
            sum(1 for f in naive if f.get("pathway_implanted")), len(naive),
            sum(1 for f in tolerant if f.get("pathway_implanted")), len(tolerant))))
        # The patient model's relief ceiling (docs/models.md): 1 for a pain that responds well
        # to opioids, lower for one that responds poorly, whatever the dose.
        good = [f for f in figures if f.get("pathway_opioid_relief_ceiling", 1.0) >= 1.0]
        poor = [f for f in figures if f.get("pathway_opioid_relief_ceiling", 1.0) < 1.0]
        rows.append(("responders, good / poor opioid response", "{} of {} / {} of {}".format(
            sum(1 for f in good if f.get("pathway_implanted")), len(good),
            sum(1 for f in poor if f.get("pathway_implanted")), len(poor))))
    rows.append(("trial", ", ".join(sorted({p["trial"] for p in records}))))
    rows.append(("starting dose, ug/day", start_doses(figures)))
    if opioid:
        rows.append(("starting dose, ug/day, naive / tolerant", "{} / {}".format(start_doses(naive), start_doses(tolerant))))
    rows += [
        ("target relief reached at a visit", "{} of {} implanted".format(len(at_target), len(implanted))),
        ("days from implant to that visit", quartiles([f["pathway_days_to_target_relief"] for f in at_target])),
        ("dose at target relief, ug/day", quartiles([f["pathway_target_dose_ug_per_day"] for f in at_target])),
        ("final / target dose", quartiles([f["pathway_final_dose_ug_per_day"] / f["pathway_target_dose_ug_per_day"] for f in at_target])),
        ("stable dose reached", "{} of {} implanted".format(len(stable), len(implanted))),
        ("days from implant to stable dose", quartiles([f["pathway_days_to_stable_dose"] for f in stable])),
        ("stable dose, ug/day", quartiles([f["pathway_stable_dose_ug_per_day"] for f in stable])),
        ("final dose, ug/day", quartiles([f["pathway_final_dose_ug_per_day"] for f in implanted])),
        ("final / starting dose", quartiles([f["pathway_final_dose_ug_per_day"] / f["pathway_start_dose_ug_per_day"] for f in implanted])),
        ("relief at the end ({}, 3-day diary)".format(measure),
         quartiles([f["pathway_final_relief"] for f in implanted if "pathway_final_relief" in f])),
    ]
    for effect, label, figure in (
            ("respiratory_depression", "patients with respiratory depression (index > 0.5)", "pathway_respiratory_depression_events"),
            ("withdrawal", "patients with withdrawal (risk > 0.5)", "pathway_withdrawal_events"),
            ("sedation", "patients with sedation (index > 0.5)", "pathway_sedation_events")):
        if effect in effects:
            rows.append((label, str(patients_with(figure))))
    rows += [
        ("dose decreases for side effects", str(sum(1 for p in records for v in p["visits"] if v["decision"] == "decrease"))),
        ("patients with a device alarm / a critical alarm",
         "{} / {}".format(patients_with("pathway_device_alarms"), patients_with("pathway_critical_alarms"))),
        ("commands the pump refused", str(total("pathway_refused_commands"))),
        ("refills / with a bridging bolus", "{} / {}".format(total("pathway_refills"), total("pathway_bridging_boluses"))),
    ]
    if ptm:
        rows += [
            ("PTM presses / granted", "{} / {}".format(total("pathway_ptm_presses"), total("pathway_ptm_granted"))),
            ("PTM presses per patient-day", quartiles([f["pathway_ptm_presses_per_day"] for f in implanted if "pathway_ptm_presses_per_day" in f])),
            ("PTM boluses granted per patient-day", quartiles([f["pathway_ptm_granted_per_day"] for f in implanted if "pathway_ptm_granted_per_day" in f])),
        ]
    return rows


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = sys.argv[1]
    arms = load(out)
    if not arms:
        print("{}: no pathway run (runs/*/result.json with a `pathway` record)".format(out), file=sys.stderr)
        return 2
    names = sorted(arms, key=lambda a: (a.split("/")[0], a.split("/")[-1] != "none", a))
    summaries = {a: arm_summary(arms[a]) for a in names}
    md = ["# Pathway outcomes", "", "Written by `campaigns/pathway_summary.py {}`.".format(out), ""]
    md.append("| outcome | " + " | ".join(names) + " |")
    md.append("| --- |" + " --- |" * len(names))
    # Every arm's rows in their order; a row that does not apply to an arm's drug shows "-".
    labels = []
    for arm in names:
        at = 0
        for label, _ in summaries[arm]:
            if label in labels:
                at = labels.index(label) + 1
            else:
                labels.insert(at, label)
                at += 1
    for label in labels:
        cells = [dict(summaries[a]).get(label, "-") for a in names]
        md.append("| {} | ".format(label) + " | ".join(cells) + " |")
    md += ["", "## Patients", "",
           "| run | status | tolerant | baseline pain | trial relief | implanted | start | stable (day) | final dose | final relief | resp. dep. | withdrawal | alarms | refills | PTM granted/presses |",
           "| --- |" + " --- |" * 14]
    for arm in names:
        for run, r in arms[arm]:
            f = r["figures"]
            p = r["pathway"]
            effects = p["adverse_effects_modelled"]
            trial = max((t["relief"] for t in p["trial_attempts"]), default=0.0)
            stable = ("{:g} ({:.0f})".format(f["pathway_stable_dose_ug_per_day"], f["pathway_days_to_stable_dose"])
                      if "pathway_days_to_stable_dose" in f else "-")
            md.append("| {} | {} | {} | {:.1f} | {:.0%} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                run, r["status"], ("yes" if f["pathway_opioid_tolerant"] else "no") if p["opioid"] else "-",
                f["pathway_baseline_pain"], trial,
                "yes" if f["pathway_implanted"] else "no", "{:g}".format(f.get("pathway_start_dose_ug_per_day", 0)) if f["pathway_implanted"] else "-",
                stable, "{:g}".format(f["pathway_final_dose_ug_per_day"]) if f["pathway_implanted"] else "-",
                "{:.0%}".format(f["pathway_final_relief"]) if "pathway_final_relief" in f else "-",
                f["pathway_respiratory_depression_events"] if "respiratory_depression" in effects else "-",
                f["pathway_withdrawal_events"] if "withdrawal" in effects else "-", f["pathway_device_alarms"],
                f.get("pathway_refills", 0),
                "{}/{}".format(f["pathway_ptm_granted"], f["pathway_ptm_presses"]) if "pathway_ptm_presses" in f else "-"))
    pathlib.Path(out, "pathway.md").write_text("\n".join(md) + "\n")
    width = max(len(label) for label in labels)
    for arm in names:
        print("arm {}:".format(arm))
        for label, value in summaries[arm]:
            print("  {:<{}}  {}".format(label, width, value))
    print("per patient: {}/pathway.md".format(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
