"""Test plan PTM-01: the patient therapy manager grants a bolus, then refuses one inside its
lockout; the reservoir runs down at the programmed rate (requirements PUMP-PTM-001,
PUMP-PTM-002, PUMP-DEL-001 of scenarios/requirements.yaml).

The setup is written here, as a scenario without a timeline (the twin checks it as it checks a
scenario file): morphine 10 mg/mL at 12 mg/day, PTM 0.2 mg with a 1 h lockout. The test drives
the PTM itself, step by step, as a tester with the patient's handset would.
"""

import numpy as np

from pumptwin import HOUR, MINUTE

PLAN = {
    "name": "PTM-01 bolus and lockout",
    "duration": "2 h",
    "requirements": ["PUMP-PTM-001", "PUMP-PTM-002", "PUMP-DEL-001"],
    "setup": {
        "seed": 11,
        "drug": "morphine",
        "concentration": "10 mg/mL",
        "program": {"continuous": "12 mg/day"},
        "ptm": {"dose": "0.2 mg", "lockout": "1 h", "duration": "10 min", "max_per_day": 4},
        "sample_period": "5 min",
    },
    # What the bench itself checks at the end, as in a scenario file.
    "expect": [
        {"id": "one-bolus", "requirement": "PUMP-PTM-001", "event": "ptm_bolus", "by": "2 h",
         "at_least": 1, "at_most": 1},
        {"id": "lockout", "requirement": "PUMP-PTM-002", "event": "ptm_refused", "by": "2 h",
         "at_least": 1, "at_most": 1},
        {"id": "basal", "requirement": "PUMP-DEL-001", "delivered": {
            "from": "5 min", "to": "115 min", "tolerance": "3 %"}},
    ],
}


def test_ptm_bolus_then_lockout(twin):
    pump = twin(PLAN)

    # Step 1: before any press, the pump delivers its basal rate and nothing alarms.
    pump.run_until(20 * MINUTE)
    pump.expect_never_alarm("reservoir_low")
    pump.expect_event("ptm_bolus", at_least=0, at_most=0)

    # Step 2: a press is granted.
    assert pump.press_ptm() == "accepted"
    pump.run_until(25 * MINUTE)
    pump.expect_event("ptm_bolus", at_least=1, at_most=1)

    # Step 3: a press 10 minutes later falls in the 1 h lockout.
    pump.step("10 min")
    assert pump.press_ptm().startswith("refused")
    pump.run_until(2 * HOUR)
    pump.expect_event("ptm_bolus", by_s=2 * HOUR, at_least=1, at_most=1)

    # Step 4: the firmware's reservoir estimate (known from its first sample, at 5 min) fell
    # by what the pump delivered: 12 mg/day at 10 mg/mL (0.83 uL/min) and the 0.2 mg bolus
    # (20 uL), within 5 %.
    t_s, reservoir_ml = pump.signal("firmware_reservoir_volume_ml")
    known = t_s >= 5 * MINUTE
    assert np.all(np.diff(reservoir_ml[known]) < 0)
    last_ml = pump.expect_signal("firmware_reservoir_volume_ml", at_s=2 * HOUR)
    used_ul = (reservoir_ml[known][0] - last_ml) * 1000
    expected_ul = 12000 / 10000 * 1000 / (24 * 60) * (t_s[-1] - 5 * MINUTE) / MINUTE + 20
    assert abs(used_ul - expected_ul) < 0.05 * expected_ul

    # The run's outputs, with the steps the test took recorded as live steps.
    outputs = pump.finish()
    assert outputs.status == "passed", outputs.expectations
    live = [step for step in outputs.result["steps"] if step["action"].startswith("live ")]
    assert [(step["action"], step["answer"]) for step in live] == \
        [("live ptm_press", "accepted"), ("live ptm_press", "refused: PTM lockout")]
