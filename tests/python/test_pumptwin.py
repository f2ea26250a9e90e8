"""The pumptwin package against this build's pumpbench: starting, refusing, errors as
exceptions with the twin's message, seeds, signals, outputs, and the batch wrappers."""

import json
import socket
import subprocess
import sys
import threading
import types
from pathlib import Path

import numpy as np
import pytest

import pumptwin
from pumptwin import (HOUR, MINUTE, IncompatibleServer, PumpbenchNotFound, Twin, TwinError,
                      TwinStartError)
from pumptwin.protocol import Connection

REPOSITORY = Path(__file__).resolve().parents[2]
SHORT_RUN = REPOSITORY / "tests" / "bench" / "scenarios" / "short_run.yaml"
BAD_SCENARIOS = REPOSITORY / "tests" / "bench" / "bad_scenarios"


def test_the_version_is_the_protocol_revision_it_speaks():
    assert pumptwin.__version__.startswith(
        f"{pumptwin.PROTOCOL_VERSION}.{pumptwin.PROTOCOL_REVISION}.")


def test_an_unset_pumpbench_is_reported_with_every_place_tried(monkeypatch, tmp_path):
    monkeypatch.setenv("PUMPTWIN_PUMPBENCH", str(tmp_path / "nowhere" / "pumpbench"))
    with pytest.raises(PumpbenchNotFound, match="PUMPTWIN_PUMPBENCH=.*nowhere.*not an executable"):
        Twin(SHORT_RUN)
    monkeypatch.delenv("PUMPTWIN_PUMPBENCH")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pumptwin._pumpbench, "_CHECKOUT_BUILD", tmp_path / "build" / "pumpbench")
    with pytest.raises(PumpbenchNotFound) as raised:
        pumptwin.find_pumpbench()
    message = str(raised.value)
    assert "$PUMPTWIN_PUMPBENCH (not set)" in message
    assert str(tmp_path / "build" / "pumpbench") in message
    assert "`pumpbench` on PATH (none)" in message


def test_a_pumpbench_that_cannot_run_names_itself(tmp_path, monkeypatch):
    fake = tmp_path / "pumpbench"
    fake.write_text("not a program\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PUMPTWIN_PUMPBENCH", str(fake))
    with pytest.raises(TwinStartError, match=f"cannot start {fake}"):
        Twin(SHORT_RUN, out=tmp_path / "out")


def test_a_bad_scenario_raises_with_the_twins_located_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration: 2 h\nsetup:\n  concentration: 10 mg/mL\n"
                   "  drug: morphin\n")
    with pytest.raises(TwinStartError) as raised:
        Twin(bad, out=tmp_path / "out")
    assert f"{bad}:5:" in str(raised.value)
    assert "morphin" in str(raised.value)
    assert "exited with 2" in str(raised.value)


def test_arguments_are_checked_before_anything_starts():
    with pytest.raises(ValueError, match="seed=-1"):
        Twin(SHORT_RUN, seed=-1)
    with pytest.raises(ValueError, match="seed=True"):
        Twin(SHORT_RUN, seed=True)


def test_a_firmware_image_goes_to_pumpbench_which_answers_for_it(tmp_path):
    # An image that is not there: pumpbench refuses it (or, without --firmware, the option),
    # and its message is the exception's.
    with pytest.raises(TwinStartError, match="firmware") as raised:
        Twin(SHORT_RUN, firmware=tmp_path / "missing.elf", out=tmp_path / "out")
    assert "exited with 2" in str(raised.value)


def serve_once(hello):
    """A one-connection stand-in server that says `hello` and records what it is sent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = []

    def serve():
        connection, _ = listener.accept()
        connection.sendall((json.dumps(hello) + "\n").encode())
        connection.settimeout(2)
        try:
            received.append(connection.recv(4096))
        except OSError:
            pass
        connection.close()
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1], received


@pytest.mark.parametrize("hello, why", [
    ({"type": "hello", "protocol": "pumptwin-live", "version": 1, "revision": 4},
     "version 1 revision 4; this pumptwin needs version 1, revision 5 or later"),
    ({"type": "hello", "protocol": "pumptwin-live", "version": 2, "revision": 0},
     "version 2 revision 0"),
    ({"type": "hello", "protocol": "something-else", "version": 1, "revision": 2},
     "not a pumptwin-live server"),
])
def test_an_incompatible_server_is_refused_before_the_client_says_hello(hello, why):
    port, received = serve_once(hello)
    with pytest.raises(IncompatibleServer, match=why):
        Connection("127.0.0.1", port, "test", timeout_s=5)
    assert received in ([], [b""])  # it never answered the hello


def test_a_later_revision_is_accepted():
    port, received = serve_once({"type": "hello", "protocol": "pumptwin-live", "version": 1,
                                 "revision": 9, "new_field": True})
    # The stand-in closes after the client's hello, unanswered: accepted, then the twin left.
    with pytest.raises(pumptwin.TwinExited):
        Connection("127.0.0.1", port, "test", timeout_s=5)
    assert json.loads(received[0])["version"] == 1


def test_refused_commands_raise_with_the_twins_message_and_the_twin_goes_on(twin):
    pump = twin(SHORT_RUN)
    with pytest.raises(TwinError, match="nonexistent_fault"):
        pump.inject("nonexistent_fault")
    with pytest.raises(TwinError, match="torque"):
        pump.inject("shaft_load", torque="3 mL")
    with pytest.raises(TwinError, match="'fast' is not a number with a unit: expected a dose rate"):
        pump.program("fast")
    with pytest.raises(TwinError) as raised:
        pump.step("ten minutes")
    assert raised.value.code is None  # refused (ack ok false), not a protocol error
    assert pump.step("10 min") == pytest.approx(10 * MINUTE)


def test_the_seed_reaches_the_run_and_close_leaves_complete_outputs(twin):
    pump = twin(SHORT_RUN, seed=77)
    assert pump.hello["run"]["seed"] == 77
    pump.run_until(30 * MINUTE)
    outputs = pump.close()
    assert outputs.status == "interrupted"
    assert outputs.result["seed"] == 77
    # Interrupted where the bench next looked at the pump, a second or so on.
    assert 30 * MINUTE <= outputs.result["simulated_s"] < 31 * MINUTE
    assert outputs.signals_csv.read_text().count("\n") == 1 + 7  # header, 0..30 min every 5 min
    with pytest.raises(TwinError, match="ended"):
        pump.press_ptm()


def test_signals_are_the_full_samples_with_units_in_their_names(twin):
    pump = twin(SHORT_RUN)
    pump.run_until(1 * HOUR)
    signals = pump.signals
    # The sample due at 1 h is taken when the run goes on: a pause at a time sees the pump
    # before that time's sample, as a scenario's step does.
    assert np.allclose(signals["t_s"], [k * 5 * MINUTE for k in range(12)])
    for name, _, _, _ in pump.signal_catalogue:
        assert signals[name].shape == (12,), name
    # Each signal's view (revision 4): the registry's, as the viewer and the report group them.
    views = {name: view for name, _, _, view in pump.signal_catalogue}
    assert views["reservoir_volume_ml"] == views["firmware_reservoir_volume_ml"] == "reservoir"
    assert views["supply_current_ma"] == views["motor_phase_current_ma"] == "current"
    assert views["strokes"] == ""
    assert "battery_terminal_v" in signals and "firmware_reservoir_volume_ml" in signals
    assert np.all((signals["battery_terminal_v"] > 2.5) & (signals["battery_terminal_v"] < 3.3))
    # A live-only signal, from the stream: not measured before the first stroke, then counting.
    strokes = signals["strokes"]
    assert np.isnan(strokes[0]) and np.all(np.diff(strokes[1:]) >= 0) and strokes[-1] > 30
    with pytest.raises(KeyError, match="battery_terminal_v"):
        pump.signal("battery_voltage")
    with pytest.raises(AssertionError, match="battery_terminal_v at 3300 s = .*expected <= 1"):
        pump.expect_signal("battery_terminal_v", at_s=HOUR, max=1.0)


def test_a_run_to_its_end_gives_the_scenarios_verdicts(twin):
    pump = twin(SHORT_RUN)
    outputs = pump.finish()
    assert pump.ended and pump.time_s == pytest.approx(2 * HOUR)
    assert outputs.status == "passed" and outputs.exit_code == 0
    assert {e["id"]: e["verdict"] for e in outputs.expectations} == {
        "delivered": "pass", "ptm": "pass", "no-alarm": "pass", "reservoir": "pass"}
    assert outputs.report_html.exists()
    assert pump.expect_event("ptm_bolus", at_least=1, at_most=1) == 1


def test_a_run_stepped_from_python_records_what_pumpbench_run_records(twin, tmp_path):
    # Holding the run at odd times and reading it changes none of its outputs.
    pump = twin(SHORT_RUN, out=tmp_path / "twin")
    for t_s in (7.5, 20 * MINUTE, 20 * MINUTE, 31 * MINUTE + 0.25, 90 * MINUTE):
        assert pump.run_until(t_s) == pytest.approx(t_s, abs=1e-6)
        pump.snapshot()
    pump.step("7 min")
    pump.finish()
    completed = subprocess.run([pumptwin.find_pumpbench(), "run", str(SHORT_RUN), "--quiet",
                                "--out", str(tmp_path / "run")], check=False)
    assert completed.returncode == 0
    for name in ("events.log", "signals.csv", "result.json"):
        assert (tmp_path / "twin" / name).read_bytes() == (tmp_path / "run" / name).read_bytes()


def test_two_twins_at_once_each_with_its_seed(twin):
    first, second = twin(SHORT_RUN, seed=1), twin(SHORT_RUN, seed=2)
    first.run_until(HOUR)
    second.run_until(HOUR)
    assert first.close().result["seed"] == 1 and second.close().result["seed"] == 2


def test_expectations_that_do_not_hold_say_what_was_measured(twin):
    pump = twin(SHORT_RUN)
    pump.run_until(45 * MINUTE)  # the scenario's PTM presses: 30 min granted, 40 min refused
    with pytest.raises(AssertionError, match="alarm motor_stall not raised between 0 s and"):
        pump.expect_alarm_raised("motor_stall")
    with pytest.raises(AssertionError, match="event ptm_bolus: 1 by inf s, expected at least 2"):
        pump.expect_event("ptm_bolus", at_least=2)
    with pytest.raises(AssertionError, match="alarm reservoir_low not active at 600 s"):
        pump.expect_alarm("reservoir_low", at_s=10 * MINUTE)
    assert pump.expect_alarm("reservoir_low", at_s=10 * MINUTE, active=False) is False
    low, high = pump.expect_signal_within("reservoir_volume_ml", min=19.0, max=20.0)
    assert 19.0 < low < high <= 20.0
    with pytest.raises(AssertionError, match="reservoir_volume_ml at .* expected >= 20"):
        pump.expect_signal_within("reservoir_volume_ml", min=20.0, from_s=10 * MINUTE)


def test_suite_returns_a_row_per_scenario(tmp_path):
    rows = pumptwin.suite(SHORT_RUN, out=tmp_path / "suite", as_frame=False)
    assert len(rows) == 1
    (row,) = rows
    assert row["status"] == "passed" and row["failing"] == []
    assert row["scenario"] == "short run for the bench's own tests"
    assert row["seed"] == 11
    assert row["figures.delivered_volume_ul"] > 90


def test_campaign_returns_a_row_per_run_and_a_dataframe_when_pandas_is_there(tmp_path,
                                                                                monkeypatch):
    campaign_file = tmp_path / "c.yaml"
    campaign_file.write_text(f"name: two members\nscenarios: [{SHORT_RUN}]\n"
                             "cohort: {seed: 42, size: 2}\n")
    rows = pumptwin.campaign(campaign_file, jobs=2, out=tmp_path / "c", as_frame=False)
    assert [r["id"] for r in rows] == ["short_run/none/member-0", "short_run/none/member-1"]
    assert all(r["status"] == "passed" for r in rows)
    shard = pumptwin.campaign(campaign_file, shard="1/2", out=tmp_path / "s", as_frame=False)
    assert shard == [{"index": 1, "id": "short_run/none/member-1", "exit_code": 0,
                      "status": "passed"}]

    fake_pandas = types.ModuleType("pandas")
    fake_pandas.DataFrame = lambda records: ("DataFrame", records)
    monkeypatch.setitem(sys.modules, "pandas", fake_pandas)
    table = pumptwin.campaign(campaign_file, shard="0/2", out=tmp_path / "s0")
    assert table[0] == "DataFrame" and table[1][0]["id"] == "short_run/none/member-0"


def test_bad_batch_input_raises_with_pumpbenchs_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    with pytest.raises(TwinError, match="scenarios"):
        pumptwin.campaign(bad, out=tmp_path / "c")


def test_actions_reach_the_pump_and_return_its_answers(twin):
    pump = twin(SHORT_RUN)
    pump.run_until(10 * MINUTE)
    assert pump.program("6 mg/day") == "accepted"
    assert pump.snapshot()["firmware"]["schedule"] == [
        {"rate_ug_per_day": 6000.0, "start_minute": 0}]
    assert pump.clinician_bolus("0.1 mg", "10 min") == "accepted"
    assert pump.alarm_test() == "accepted"
    assert pump.acknowledge_alarms("reservoir_low") == "refused: bad argument"  # none to acknowledge
    assert pump.inject("catheter_kink", open_area=0) == "injected catheter_kink"
    assert pump.clear("catheter_kink") == "cleared catheter_kink"
    assert pump.refill("1 mL", route="pocket") == "accepted"
    live = [step["action"] for step in pump.close().result["steps"]
            if step["action"].startswith("live ")]
    assert live == ["live program", "live clinician_bolus", "live alarm_test",
                    "live acknowledge_alarms", "live inject", "live clear", "live refill"]
