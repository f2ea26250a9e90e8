"""`Twin`: one pump twin in a child process (`pumpbench serve`), driven over the live protocol.

SystemC elaborates once per process, so each Twin is its own pumpbench process; a test may
hold several at once. Times are simulated seconds (`pumptwin.HOUR` and friends make them
readable); quantities the pump is told (`"0.05 N.m"`, `"3 mg/day"`) are strings in the
scenario language, checked by the twin, which answers with its own message when they are wrong.
"""

import json
import math
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from ._pumpbench import find_pumpbench
from .errors import TwinError, TwinExited, TwinStartError
from .protocol import Connection

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0


class Event:
    """One line of the run's events.log as the server streamed it."""

    __slots__ = ("t_s", "source", "kind", "text")

    def __init__(self, message):
        self.t_s = message["t"]
        self.source = message["source"]
        self.kind = message["kind"]
        self.text = message["text"]

    def field(self, name):
        """The value of `name=value` in the event's text, or None."""
        for token in self.text.split():
            key, _, value = token.partition("=")
            if key == name and _:
                return value
        return None

    def __repr__(self):
        return f"Event({self.t_s:g} s, {self.source}, {self.kind}: {self.text})"


class Alarm:
    """An alarm raised or cleared by the firmware, from its event log."""

    __slots__ = ("t_s", "name", "raised")

    def __init__(self, t_s, name, raised):
        self.t_s = t_s
        self.name = name
        self.raised = raised

    def __repr__(self):
        return f"Alarm({self.name} {'raised' if self.raised else 'cleared'} at {self.t_s:g} s)"


class Outputs:
    """What a run leaves in its output folder (docs/scenarios.md, "Outputs of a run")."""

    def __init__(self, out_dir, end):
        self.out_dir = Path(out_dir)
        self.status = end.get("status")        # passed, failed, known_gap, interrupted, error
        self.exit_code = end.get("exit_code")
        self.result_json = self.out_dir / "result.json"
        self.events_log = self.out_dir / "events.log"
        self.signals_csv = self.out_dir / "signals.csv"
        self.report_html = self.out_dir / "report.html"
        self.result = json.loads(self.result_json.read_text())

    @property
    def passed(self):
        return self.status == "passed"

    @property
    def expectations(self):
        """The scenario's expectations with their verdicts, as in result.json."""
        return self.result.get("expectations", [])

    def __repr__(self):
        return f"Outputs({self.status}, exit {self.exit_code}, {self.out_dir})"


class Twin:
    """A pump twin running `scenario` (a scenario file, or a scenario as a dict) in a child
    `pumpbench serve` process, paused at t = 0 until told to run.

    seed: overrides the scenario's setup.seed. firmware: None for the firmware compiled for the
    host and linked into pumpbench, or a Cortex-M0+ firmware image (ELF) for pumpbench's
    instruction-set simulator (`pumpbench serve --firmware`). out: the output folder
    (default: a new temporary folder).
    pumpbench: the executable (default: see find_pumpbench). timeout_s: how long to wait for an
    answer from the twin (steps wait as long as the simulation takes).
    """

    def __init__(self, scenario, *, seed=None, firmware=None, out=None, pumpbench=None,
                 timeout_s=30.0, client_name="pumptwin-python"):
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
            raise ValueError(f"seed={seed!r}: a whole number >= 0")
        self.pumpbench = find_pumpbench(pumpbench)
        self.out_dir = Path(out) if out is not None else Path(
            tempfile.mkdtemp(prefix="pumptwin-"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.scenario_file = self._scenario_file(scenario)
        self.seed = seed
        self.firmware = firmware
        self.timeout_s = timeout_s
        self._outputs = None
        self._record = _SignalsRecord(self.out_dir / "signals.csv")
        self._process = None
        self._connection = None
        self._start(client_name)

    def _scenario_file(self, scenario):
        if isinstance(scenario, dict):
            # JSON is YAML: the twin's own loader checks it, with line numbers in this file.
            path = self.out_dir / "scenario.yaml"
            path.write_text(json.dumps(scenario, indent=2) + "\n")
            return path
        path = Path(scenario)
        if not path.is_file():
            raise TwinStartError(f"{scenario}: no such scenario file")
        return path

    def _start(self, client_name):
        port_file = self.out_dir / "live.port"
        port_file.unlink(missing_ok=True)
        self.log_file = self.out_dir / "pumpbench.log"
        command = [self.pumpbench, "serve", str(self.scenario_file), "--listen", "127.0.0.1:0",
                   "--port-file", str(port_file), "--speed", "0", "--out", str(self.out_dir)]
        if self.seed is not None:
            command += ["--seed", str(self.seed)]
        if self.firmware is not None:
            command += ["--firmware", str(self.firmware)]
        with open(self.log_file, "wb") as log:
            try:
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                                 stderr=subprocess.STDOUT)
            except OSError as error:
                raise TwinStartError(f"cannot start {self.pumpbench}: {error}") from error
        deadline = time.monotonic() + self.timeout_s
        port = None
        while port is None:
            if self._process.poll() is not None:
                raise TwinStartError(
                    f"{self.pumpbench} serve {self.scenario_file} exited with "
                    f"{self._process.returncode}:\n{self.log_file.read_text().strip()}")
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text.isdigit():
                port = int(text)
            elif time.monotonic() > deadline:
                self._kill()
                raise TwinStartError(f"{self.pumpbench} did not start serving within "
                                     f"{self.timeout_s:g} s")
            else:
                time.sleep(0.02)
        try:
            self._connection = Connection("127.0.0.1", port, client_name, self.timeout_s)
            self._connection.wait_for(lambda: self._connection.status is not None, "the status")
        except BaseException:
            self._kill()
            raise

    # --- the run ---------------------------------------------------------------------------

    @property
    def hello(self):
        """The server's hello: the run, the signal and fault catalogues, the limits."""
        return self._connection.hello

    @property
    def time_s(self):
        """Simulated time now (s)."""
        c = self._connection
        with c.locked():
            return c.end["t"] if c.end is not None else c.status["t"]

    @property
    def duration_s(self):
        return self.hello["run"]["duration_s"]

    @property
    def ended(self):
        return self._connection.end is not None

    def step(self, duration):
        """Runs for `duration` (simulated s, or a duration the twin parses: "10 min"), then
        holds. Returns the time reached (the scenario's end if it comes first)."""
        if self.ended:
            raise TwinError("the run has ended", "ended")
        c = self._connection
        field = {"duration": duration} if isinstance(duration, str) else {
            "duration_s": float(duration)}
        answered = c.request(dict({"type": "step"}, **field))
        # The first status after the answer that says paused with no step pending: the step's
        # end (the status the command itself forces says running).
        c.wait_for(lambda: c.end is not None or (
            c.statuses > answered["statuses_before"] and c.status["paused"] and
            c.status["step_until_s"] is None), "the step to end", timeout_s=math.inf)
        return self.time_s

    def run_until(self, t_s):
        """Runs until simulated time `t_s` (or the scenario's end, if earlier), then holds."""
        now = self.time_s
        # The twin counts time in nanoseconds (SystemC's resolution): within a microsecond of the
        # time asked is there already.
        if t_s - now > 1e-6 and not self.ended:
            self.step(t_s - now)
        return self.time_s

    def finish(self):
        """Runs to the scenario's end and returns its Outputs."""
        if not self.ended:
            self.run_until(self.duration_s + 1.0)
        return self.close()

    # --- what the pump and the bench are told ------------------------------------------------

    def _action(self, message):
        if self.ended:
            raise TwinError("the run has ended", "ended")
        return self._connection.request(message)["message"]

    def press_ptm(self):
        """The patient presses the PTM: returns the pump's answer ("accepted",
        "refused: PTM lockout", ...)."""
        return self._action({"type": "ptm_press"})

    def refill(self, volume, concentration=None, drug=None, low_alarm=None, route="reservoir"):
        """A refill (volume "20 mL"; route "reservoir" or "pocket"): returns the pump's answer."""
        message = {"type": "refill", "volume": volume, "route": route}
        for key, value in (("concentration", concentration), ("drug", drug),
                           ("low_alarm", low_alarm)):
            if value is not None:
                message[key] = value
        return self._action(message)

    def program(self, continuous=None, flexible=None, periodic_bolus=None):
        """Programs the pump as a scenario's `program` does: a continuous rate ("3 mg/day") or a
        flexible schedule ([{"start": "00:00", "rate": "2 mg/day"}, ...]), with an optional
        periodic bolus ({"dose": "1 mg", "first": "08:00", "every": "6 h", "duration":
        "10 min"}). Returns the pump's answer."""
        message = {"type": "program"}
        for key, value in (("continuous", continuous), ("flexible", flexible),
                           ("periodic_bolus", periodic_bolus)):
            if value is not None:
                message[key] = value
        return self._action(message)

    def clinician_bolus(self, dose, duration):
        return self._action({"type": "clinician_bolus", "dose": dose, "duration": duration})

    def acknowledge_alarms(self, *alarms):
        return self._action({"type": "acknowledge_alarms", "alarms": list(alarms)})

    def alarm_test(self):
        return self._action({"type": "alarm_test"})

    def inject(self, fault, **params):
        """Injects a fault of the registry (docs/faults.md, `pumpbench list faults`) now, with
        its parameters as keywords: inject("shaft_load", torque="0.05 N.m")."""
        return self._action({"type": "inject", "fault": fault, "params": params})

    def clear(self, fault):
        """Clears a clearable fault."""
        return self._action({"type": "clear", "fault": fault})

    # --- what the run shows ----------------------------------------------------------------

    @property
    def events(self):
        """Every event of the run so far (events.log's lines), in order."""
        with self._connection.locked():
            return [Event(message) for message in self._connection.events]

    @property
    def alarms(self):
        """The firmware's alarms raised and cleared so far, in order."""
        alarms = []
        for event in self.events:
            if event.kind in ("alarm_raised", "alarm_cleared"):
                name = event.field("alarm")
                if name is not None:
                    alarms.append(Alarm(event.t_s, name, event.kind == "alarm_raised"))
        return alarms

    def alarm_times(self, name):
        """When alarm `name` was raised (s), in order."""
        return [alarm.t_s for alarm in self.alarms if alarm.raised and alarm.name == name]

    def active_alarms(self, at_s=None):
        """The alarms active at `at_s` (default: now), from the raised and cleared events."""
        active = set()
        for alarm in self.alarms:
            if at_s is not None and alarm.t_s > at_s:
                break
            (active.add if alarm.raised else active.discard)(alarm.name)
        return sorted(active)

    def snapshot(self):
        """A fresh snapshot of the firmware, ASIC, reservoir and battery state (a dict)."""
        c = self._connection
        with c.locked():
            before = c.snapshot
        c.request({"type": "snapshot"})
        c.wait_for(lambda: c.snapshot is not before, "the snapshot")
        with c.locked():
            return c.snapshot

    @property
    def signal_catalogue(self):
        """[(name, unit, source, view)] of every signal, as the hello lists them; `view` is the
        plot the viewer and the run report draw it in ("" for none)."""
        return [(s["name"], s["unit"], s["source"], s["view"]) for s in self.hello["signals"]]

    @property
    def signals(self):
        """The full samples so far (at the scenario's sample period) as NumPy arrays by signal
        name, the unit in the name (`battery_terminal_v`); time is `t_s`. The bench's signals
        are the rows of the run's signals.csv (written and flushed row by row: the record, which
        the live stream may thin out for a client that falls behind); the live-only ones
        (`supply_current_ma`, `strokes`, ...) are the stream's full samples at the same times.
        NaN where the twin did not measure (or the stream dropped the sample)."""
        times, columns = self._record.read()
        arrays = {"t_s": np.array(times, dtype=float)}
        with self._connection.locked():
            live = {round(t, 3): values for t, values in self._connection.samples}
        rows = [live.get(round(t, 3)) for t in times]
        for index, entry in enumerate(self.hello["signals"]):
            name = entry["name"]
            if name in columns:
                arrays[name] = np.array(columns[name], dtype=float)
            else:
                arrays[name] = np.array(
                    [math.nan if row is None or row[index] is None else row[index]
                     for row in rows], dtype=float)
        return arrays

    def signal(self, name):
        """(t_s, values) of one signal; KeyError names the catalogue when `name` is not in it."""
        arrays = self.signals
        if name not in arrays or name == "t_s":
            raise KeyError(f"no signal {name!r}; the twin has: "
                           f"{', '.join(entry[0] for entry in self.signal_catalogue)}")
        return arrays["t_s"], arrays[name]

    # --- expectations, as a scenario's `expect:` checks them (docs/scenarios.md) --------------
    # Each raises AssertionError saying what was measured, and returns the measured value.

    def expect_signal(self, name, at_s, min=None, max=None):  # noqa: A002 (the scenario's words)
        """The signal's value at the last full sample at or before `at_s` is within
        [min, max] (in the unit of its name)."""
        t, values = self.signal(name)
        index = np.searchsorted(t, at_s, side="right") - 1
        if index < 0:
            raise AssertionError(f"{name}: no sample at or before {at_s:g} s")
        value = float(values[index])
        _check_range(f"{name} at {t[index]:g} s", value, min, max)
        return value

    def expect_signal_within(self, name, min=None, max=None,  # noqa: A002
                             from_s=0.0, to_s=math.inf):
        """Every full sample of the signal in [from_s, to_s] is within [min, max]."""
        t, values = self.signal(name)
        window = (t >= from_s) & (t <= to_s)
        if not window.any():
            raise AssertionError(f"{name}: no sample between {from_s:g} s and {to_s:g} s")
        for time_s, value in zip(t[window], values[window]):
            _check_range(f"{name} at {time_s:g} s", float(value), min, max)
        return float(values[window].min()), float(values[window].max())

    def expect_alarm(self, name, at_s, active=True):
        """Alarm `name` is (or, with active=False, is not) active at `at_s`."""
        is_active = name in self.active_alarms(at_s)
        if is_active != active:
            raise AssertionError(
                f"alarm {name} {'not ' if active else ''}active at {at_s:g} s; raised at "
                f"{self.alarm_times(name) or 'no time'}")
        return is_active

    def expect_alarm_raised(self, name, from_s=0.0, to_s=math.inf):
        """Alarm `name` was raised in [from_s, to_s]: returns the first time it was."""
        times = [t for t in self.alarm_times(name) if from_s <= t <= to_s]
        if not times:
            raise AssertionError(
                f"alarm {name} not raised between {from_s:g} s and {to_s:g} s; alarms so far: "
                f"{self.alarms or 'none'}")
        return times[0]

    def expect_never_alarm(self, name, from_s=0.0, to_s=math.inf):
        """Alarm `name` was never raised in [from_s, to_s]."""
        times = [t for t in self.alarm_times(name) if from_s <= t <= to_s]
        if times:
            raise AssertionError(f"alarm {name} raised at {times[0]:g} s")

    def expect_event(self, code, by_s=math.inf, at_least=1, at_most=None):
        """The firmware logged event `code` (`pumpbench list events`) at least / at most so
        many times by `by_s`: returns the count."""
        count = sum(1 for e in self.events
                    if e.source == "firmware" and e.t_s <= by_s and _event_code(e) == code)
        if count < at_least or (at_most is not None and count > at_most):
            bound = f"at least {at_least}" + (f", at most {at_most}" if at_most is not None
                                              else "")
            raise AssertionError(f"event {code}: {count} by {by_s:g} s, expected {bound}")
        return count

    # --- the end ---------------------------------------------------------------------------

    @property
    def outputs(self):
        """The run's outputs, once it has ended (after finish() or close())."""
        if self._outputs is None:
            raise TwinError("the run's outputs are complete once the twin is closed")
        return self._outputs

    def close(self):
        """Ends the twin: a run that has not reached its end is interrupted (its outputs are
        complete up to now, status `interrupted`). Returns the Outputs."""
        if self._outputs is not None:
            return self._outputs
        end = self._connection.end if self._connection is not None else None
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            if end is None and self._connection is not None:
                try:
                    self._connection.wait_for(lambda: self._connection.end is not None,
                                              "the end of the run")
                except TwinExited:
                    pass
                end = self._connection.end
            try:
                self._process.wait(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                self._kill()
        if self._connection is not None:
            self._connection.close()
        if end is None:
            raise TwinExited(f"the twin ended without finishing its run (exit "
                             f"{self._process.returncode}):\n{self.log_file.read_text()[-2000:]}")
        self._outputs = Outputs(self.out_dir, end)
        return self._outputs

    def _kill(self):
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            self.close()
        except TwinError:
            if exc_info[0] is None:
                raise
        return False

    def __del__(self):
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def __repr__(self):
        pid = self._process.pid if self._process is not None else None
        return f"Twin({self.scenario_file}, pid {pid})"


class _SignalsRecord:
    """Reads a run's signals.csv as it grows: complete lines only, each once."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.names = None
        self.times = []
        self.columns = {}

    def read(self):
        if self.path.exists():
            with open(self.path, "rb") as record:
                record.seek(self.offset)
                chunk = record.read()
            complete = chunk[:chunk.rfind(b"\n") + 1]
            self.offset += len(complete)
            for line in complete.decode().splitlines():
                fields = line.split(",")
                if self.names is None:
                    self.names = fields[1:]
                    self.columns = {name: [] for name in self.names}
                    continue
                self.times.append(float(fields[0]))
                for name, value in zip(self.names, fields[1:]):
                    self.columns[name].append(float(value))
        return self.times, self.columns


def _check_range(what, value, minimum, maximum):
    if minimum is not None and not value >= minimum:
        raise AssertionError(f"{what} = {value:g}, expected >= {minimum:g}")
    if maximum is not None and not value <= maximum:
        raise AssertionError(f"{what} = {value:g}, expected <= {maximum:g}")


def _event_code(event):
    """The event code of a firmware line (`seq=9 alarm_raised alarm=motor_stall`)."""
    for token in event.text.split():
        if "=" not in token:
            return token
    return None
