"""`suite` and `campaign`: pumpbench's batch commands, their results as data.

Each runs `pumpbench suite` / `pumpbench campaign` (one worker process per run, as on the
command line) and reads the reports they write; a row per run, as a pandas DataFrame when
pandas is importable, else a list of dicts. Exit 1 (some runs failed their expectations) or 4
(a known gap) is a result, not an error: the rows say which; bad input (exit 2) raises TwinError
with pumpbench's messages.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from ._pumpbench import find_pumpbench
from .errors import TwinError

# pumpbench's exit codes (docs/scenarios.md): 0 passed, 1 failed, 3 a simulation failed, 4 a
# known gap (not a pass), 130 interrupted; each leaves complete reports. 2 is bad input, and
# nothing ran.
_REPORTED_EXIT_CODES = (0, 1, 3, 4, 130)


def _run(arguments, pumpbench):
    executable = find_pumpbench(pumpbench)
    completed = subprocess.run([executable] + arguments, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               check=False)
    if completed.returncode not in _REPORTED_EXIT_CODES:
        raise TwinError(f"{executable} {' '.join(arguments)} exited with "
                        f"{completed.returncode}:\n{completed.stderr.strip()}")
    return completed.returncode


def _out_dir(out, prefix):
    return Path(out) if out is not None else Path(tempfile.mkdtemp(prefix=prefix))


def _table(rows, as_frame):
    if as_frame is False:
        return rows
    try:
        import pandas  # noqa: PLC0415 (optional: python3-pandas)
    except ImportError:
        if as_frame:
            raise
        return rows
    return pandas.DataFrame(rows)


def _flat_figures(row, figures, prefix=""):
    for name, value in figures.items():
        if isinstance(value, dict):
            _flat_figures(row, value, prefix + name + ".")
        else:
            row[prefix + name] = value


def suite(*paths, jobs=None, out=None, filter=None,  # noqa: A002 (pumpbench's --filter)
          firmware=None, pumpbench=None, as_frame=None):
    """Runs scenario files or folders with `pumpbench suite`: a row per run (scenario, or
    cohort member) with its id, scenario, file, seed, cohort member, status, simulated time,
    the ids of its failing expectations, and its key figures (`figures.*`)."""
    if not paths:
        raise ValueError("suite(): name at least one scenario file or folder")
    out_dir = _out_dir(out, "pumptwin-suite-")
    arguments = ["suite"] + [str(p) for p in paths] + ["--out", str(out_dir)]
    if jobs is not None:
        arguments += ["-j", str(jobs)]
    if filter is not None:
        arguments += ["--filter", filter]
    if firmware is not None:
        arguments += ["--firmware", str(firmware)]
    _run(arguments, pumpbench)
    rows = []
    for result_file in sorted(out_dir.rglob("result.json")):
        result = json.loads(result_file.read_text())
        row = {
            "id": result_file.parent.relative_to(out_dir).as_posix(),
            "scenario": result["scenario"],
            "file": result["file"],
            "seed": result["seed"],
            "cohort_member": result.get("cohort_member"),
            "status": result["status"],
            "simulated_s": result["simulated_s"],
            "failing": [e["id"] for e in result.get("expectations", [])
                        if e.get("verdict") == "fail"],
            "out_dir": str(result_file.parent),
        }
        _flat_figures(row, result.get("figures", {}), "figures.")
        rows.append(row)
    return _table(rows, as_frame)


def campaign(file, *, jobs=None, shard=None, out=None, firmware=None, pumpbench=None,
             as_frame=None):
    """Runs a campaign file (docs/campaigns.md) with `pumpbench campaign`, whole or one shard
    ("I/N"): a row per run of campaign.json's (its index, id, scenario, variant, member, seed,
    exit code, status, failing expectations, key figures `figures.*`). A shard writes no
    campaign.json: its rows come from shard.json (index, id, exit code, status)."""
    out_dir = _out_dir(out, "pumptwin-campaign-")
    arguments = ["campaign", str(file), "--out", str(out_dir)]
    if jobs is not None:
        arguments += ["-j", str(jobs)]
    if shard is not None:
        arguments += ["--shard", str(shard)]
    if firmware is not None:
        arguments += ["--firmware", str(firmware)]
    _run(arguments, pumpbench)
    rows = []
    summary = out_dir / "campaign.json"
    if summary.exists():
        for run in json.loads(summary.read_text())["runs"]:
            row = {key: value for key, value in run.items() if key != "figures"}
            _flat_figures(row, run.get("figures", {}), "figures.")
            rows.append(row)
    else:
        for run in json.loads((out_dir / "shard.json").read_text())["runs"]:
            result = run.get("result") or {}
            rows.append({"index": run["index"], "id": run["id"], "exit_code": run["exit_code"],
                         "status": result.get("status")})
    return _table(rows, as_frame)
