"""Field report: "the pump alarmed two-tone the morning after the patient fell on it".

Reproduction on the twin: the demonstration week (morphine 10 mg/mL at 3 mg/day), and from
day 2, 08:00 a load on the pump's shaft that the motor cannot turn. The firmware must try the
stroke again, give up, raise the motor-stall alarm and stop delivering. The alarm's time is
the run's own: the same on every machine for the same scenario, seed and firmware.
"""

from pathlib import Path

import numpy as np
import pytest

from pumptwin import DAY, HOUR, SECOND

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.yaml"
FAULT_AT_S = 2 * DAY + 8 * HOUR


def test_a_jammed_shaft_raises_the_motor_stall_alarm_after_three_tries(twin):
    pump = twin(DEMO)  # the scenario's own seed (2024)
    pump.run_until(FAULT_AT_S)
    pump.expect_never_alarm("motor_stall")

    assert pump.inject("shaft_load", torque="0.05 N.m") == "injected shaft_load"
    pump.run_until(FAULT_AT_S + 2 * HOUR)

    # The stroke due at 08:00:01 stalls, and so do its two retries 10 s apart: the alarm comes
    # with the third, 21 s after the fault.
    raised_s = pump.expect_alarm_raised("motor_stall", from_s=FAULT_AT_S)
    assert raised_s == pytest.approx(FAULT_AT_S + 21 * SECOND, abs=0.1)
    assert pump.expect_event("motor_fault", by_s=raised_s, at_least=3, at_most=3) == 3
    pump.expect_alarm("motor_stall", at_s=FAULT_AT_S + 2 * HOUR)
    assert pump.snapshot()["firmware"]["alarms"] == ["motor_stall"]

    # Nothing left the pump after the alarm (the stall probes every 10 min do not turn the
    # jammed shaft): the samples every 15 min of the two hours after it hold one volume.
    t_s, delivered_ul = pump.signal("delivered_volume_ul")
    after = delivered_ul[t_s > raised_s]
    assert len(after) >= 7 and np.ptp(after) == 0.0

    outputs = pump.close()
    assert outputs.status == "interrupted"  # stopped at 2 d 10 h of its week
    assert "alarm_raised alarm=motor_stall" in outputs.events_log.read_text()
