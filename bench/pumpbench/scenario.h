// A scenario as the bench runs it: what the pump and the patient are at the start (setup), what
// happens to them (the timeline) and what must hold (expectations), each expectation tracing to
// a requirement. Loaded from YAML by scenario_loader.h; quantities are in the units their names
// carry. docs/scenarios.md is the format's reference.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pathway_spec.h"

namespace pumpbench {

// Where a scenario element was written, for messages.
struct SourceLocation {
  int line = 0;  // 1-based
  int column = 0;
};

struct ScheduleStep {
  uint16_t start_minute = 0;
  double rate_ug_per_day = 0.0;
};

struct PeriodicBolusSpec {
  double dose_ug = 0.0;
  uint16_t first_minute = 0;
  uint16_t interval_minutes = 0;
  uint16_t duration_minutes = 0;
};

// A therapy programme as the clinician programmer sends it.
struct ProgramSpec {
  bool flexible = false;
  std::vector<ScheduleStep> steps;  // one step from minute 0 when continuous
  PeriodicBolusSpec periodic;       // dose 0: none
};

struct PtmSpec {
  double dose_ug = 0.0;
  uint16_t lockout_minutes = 0;
  uint16_t duration_minutes = 0;
  uint8_t max_per_day = 0;
};

struct Setup {
  uint64_t seed = 1;
  std::string patient = "reference_adult";
  // A member of a generated cohort instead of a reference patient.
  std::optional<uint64_t> cohort_seed;
  uint64_t cohort_index = 0;
  // setup.cohort: {seed, size}: a campaign over `size` generated patients (members 0..size-1);
  // the suite runs each member in its own worker (`pumpbench run --member I`). 0: no campaign.
  uint64_t cohort_size = 0;
  std::string drug = "morphine";
  double concentration_ug_per_ml = 10000.0;
  double reservoir_capacity_ul = 20000.0;
  double reservoir_fill_ul = 20000.0;
  double low_reservoir_alarm_ul = 2000.0;
  double catheter_length_cm = 70.0;
  double catheter_inner_diameter_mm = 0.53;
  std::optional<std::string> catheter_tip_level;  // the patient's own when absent
  double calibration_nl_per_step = 250.0;
  double battery_depth_of_discharge = 0.0;
  double body_temperature_c = 37.0;
  std::optional<ProgramSpec> program;
  std::optional<PtmSpec> ptm;
  double sample_period_s = 600.0;
};

// Clinician and patient actions, all through the telemetry link.
struct RefillAction {
  std::string drug;  // setup's when empty
  double concentration_ug_per_ml = 0.0;
  double volume_ul = 0.0;
  std::optional<double> low_reservoir_alarm_ul;
  double bridge_volume_ul = 0.0;
  bool pocket_fill = false;  // the needle missed the septum: the drug goes under the skin
};
struct ProgramAction {
  ProgramSpec program;
};
struct ClinicianBolusAction {
  double dose_ug = 0.0;
  uint16_t duration_minutes = 0;
};
struct PtmConfigAction {
  PtmSpec ptm;
};
struct PtmPressAction {};
struct PrimingBolusAction {
  double volume_ul = 0.0;
};
struct AcknowledgeAlarmsAction {
  uint16_t alarm_bits = 0;
};
struct AlarmTestAction {};
struct InterrogateAction {};
// A pause to checkpoint: key figures go to the event log under a label.
struct CheckpointAction {
  std::string label;
};

// A fault of the twin's registry (twin/faults/fault_registry.h) with its parameters: numbers
// in the parameter's base unit (integers and booleans as numbers), choices and levels as text.
struct InjectFaultAction {
  std::string fault;
  std::map<std::string, double> values;
  std::map<std::string, std::string> text;
};
struct ClearFaultAction {
  std::string fault;
};

using Action =
    std::variant<RefillAction, ProgramAction, ClinicianBolusAction, PtmConfigAction, PtmPressAction,
                 PrimingBolusAction, AcknowledgeAlarmsAction, AlarmTestAction, InterrogateAction,
                 CheckpointAction, InjectFaultAction, ClearFaultAction>;

// When a step happens: at an absolute time from the start, a delay after the previous step,
// or when a condition first holds (within a time limit).
struct StepCondition {
  std::string alarm;   // an alarm becomes active, or
  std::string signal;  // a signal crosses a threshold (in the signal's unit)
  std::optional<double> above;
  std::optional<double> below;
  double within_s = 0.0;
};

struct Step {
  SourceLocation location;
  enum class Timing { kAt, kAfter, kWhen } timing = Timing::kAt;
  double time_s = 0.0;  // absolute for kAt, delay for kAfter
  StepCondition condition;
  Action action;
  std::string action_name;
  // Whether the pump must accept the command: "accepted", "refused" or "any".
  std::string expect_answer = "accepted";
  std::string requirement;  // checked by the step's answer, if any
  std::string note;         // why the step is there, for the reader of the report
};

struct Expectation {
  SourceLocation location;
  std::string id;
  std::string requirement;
  std::string description;
  // The firmware as built does not meet this check (docs/hazards.md says why): the check still
  // runs; its failure is reported as `known_gap` (the requirement NOT MET, the run a known gap,
  // never passed), and a pass as a failure, so that a closed gap cannot go unnoticed.
  std::string known_gap;
  // Checks that the scenario's hazard is reproduced (a harm, named in `reproduces.harm`): when it
  // holds it reads "hazard_reproduced", never a pass; it verifies no requirement.
  bool harm = false;
  enum class Kind {
    kSignalAt,       // signal within [min, max] at a time
    kAlarmAt,        // alarm active (or not) at a time
    kEventBy,        // firmware event count by a time
    kDelivered,      // delivered volume over a window within tolerance of the programme
    kNeverAlarm,     // invariant: the alarm is never raised in the window
    kSignalBounded,  // invariant: the signal stays within [min, max] in the window
  } kind = Kind::kSignalAt;
  double at_s = 0.0;  // kSignalAt, kAlarmAt, kEventBy
  double from_s = 0.0;
  std::optional<double> to_s;  // invariants and kDelivered; end of the run when absent
  std::string signal;
  std::optional<double> min;  // signal unit
  std::optional<double> max;
  std::string alarm;
  bool alarm_active = true;
  std::string event;
  std::optional<uint32_t> at_least;
  std::optional<uint32_t> at_most;
  double tolerance_fraction = 0.0;  // kDelivered: one of the two
  double tolerance_ul = 0.0;
  bool tolerance_labelled = false;  // kDelivered: tolerance_fraction is the pump's label
};

// `reproduces:`: the scenario shows a hazard of scenarios/hazards.yaml happening to the patient.
// Its harm checks read "hazard_reproduced"; a run whose harm is reproduced is a known gap (an
// accepted residual risk, with this reason), never passed.
struct HazardReproduction {
  std::string hazard;             // id in scenarios/hazards.yaml
  std::vector<std::string> harm;  // ids of the expectations that check the harm
  std::string residual_risk;      // why the harm is accepted (what the pump cannot do)
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> requirements;
  std::vector<std::string> tags;
  double duration_s = 0.0;
  Setup setup;
  std::vector<Step> timeline;
  std::vector<Expectation> expectations;
  // `sweep: {seeds: N}`: the run draws on random streams, so its verdict is over N seeds
  // (setup.seed .. setup.seed + N - 1), each run in its own process. 0: one run.
  uint64_t sweep_seeds = 0;
  std::optional<HazardReproduction> reproduces;
  // The clinical pathway the bench plays instead of a fixed programme (pathway.h).
  std::optional<PathwaySpec> pathway;
};

}  // namespace pumpbench
