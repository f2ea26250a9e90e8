// A valid scenario that the validation tests break one mistake at a time (validation_test.cpp,
// malformed_corpus_test.cpp), and the requirements list it traces to.
#pragma once

inline constexpr const char* kValidationRequirements = R"(requirements:
  - {id: BENCH-001, text: the bench checks what it is given}
)";

inline constexpr const char* kValidationBase = R"(name: base
description: a valid scenario that each test breaks in one place
requirements: [BENCH-001]
duration: 2 h
setup:
  seed: 3
  drug: morphine
  concentration: 10 mg/mL
  reservoir: {capacity: 20 mL, fill: 18 mL, low_alarm: 2 mL}
  catheter: {length: 70 cm, tip_level: T10}
  calibration_per_step: 250 nL
  body_temperature: 37 degC
  program:
    continuous: 12 mg/day
    periodic_bolus: {dose: 0.1 mg, first: "06:00", every: 6 h, duration: 10 min}
  ptm: {dose: 50 ug, lockout: 1 h, duration: 5 min, max_per_day: 4}
  sample_period: 5 min
timeline:
  - at: 10 min
    inject: {fault: shaft_load, torque: 0.01 N.m}
  - after: 5 min
    clear: shaft_load
  - at: 50 min
    clinician_bolus: {dose: 0.2 mg, duration: 20 min}
  - at: 70 min
    refill: {volume: 15 mL, concentration: 10 mg/mL, low_alarm: 3 mL}
  - when: {alarm: motor_stall, within: 1 h}
    acknowledge_alarms: [motor_stall]
    expect: any
expect:
  - id: reservoir
    requirement: BENCH-001
    at: 1 h
    signal: reservoir_volume_ml
    min: 15 mL
    max: 18 mL
  - id: events
    requirement: BENCH-001
    event: clinician_bolus
    by: 2 h
    at_least: 1
    at_most: 3
  - id: delivered
    requirement: BENCH-001
    delivered: {from: 0 s, to: 40 min, tolerance: 5 %}
)";
