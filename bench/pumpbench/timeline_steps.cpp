#include "timeline_steps.h"

#include <algorithm>
#include <cmath>

#include "app/pump.h"
#include "bench_lines.h"
#include "catalogue.h"
#include "firmware_commands.h"
#include "platform.h"
#include "recorder.h"
#include "units.h"

namespace pumpbench {

namespace {

using nlohmann::json;
using pumptwin::platform::TelemetryReply;

double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

std::string answer_text(const TelemetryReply& reply) {
  if (!reply.received) return "no answer";
  if (reply.accepted()) return "accepted";
  return refused_answer(reply.refusal);
}

}  // namespace

TimelineSteps::TimelineSteps(const Scenario& scenario, uint64_t seed,
                             pumptwin::platform::Platform& platform, RunRecorder& recorder,
                             ProgrammeLedger& ledger, PumpProbe& probe, Hooks& hooks)
    : scenario_(scenario),
      platform_(platform),
      recorder_(recorder),
      ledger_(ledger),
      probe_(probe),
      hooks_(hooks),
      injector_(platform, seed) {}

void TimelineSteps::record(std::optional<size_t> index, const Step& step, const std::string& answer,
                           const std::string& verdict) {
  // The firmware's own log of the command goes first.
  hooks_.observe();
  json record = {{"index", index ? json(*index) : json()},
                 {"line", step.location.line},
                 {"action", step.action_name},
                 {"time_s", now_s()},
                 {"answer", answer},
                 {"expect", step.expect_answer},
                 {"verdict", verdict},
                 {"requirement", step.requirement}};
  steps_.push_back(record);
  hooks_.record_snapshot();
  recorder_.event(
      now_s(), "bench",
      pumptwin::bench_lines::step_line(
          index, step.action_name,
          answer + (verdict == "fail" ? " (FAILED: expected " + step.expect_answer + ")" : "")));
  hooks_.result_changed();
}

void TimelineSteps::record_answer(std::optional<size_t> index, const Step& step,
                                  const TelemetryReply& reply) {
  bool ok = true;
  if (step.expect_answer == "accepted") ok = reply.accepted();
  if (step.expect_answer == "refused") ok = reply.received && !reply.accepted();
  record(index, step, answer_text(reply), ok ? "pass" : "fail");
}

TelemetryReply TimelineSteps::send(const std::vector<uint8_t>& payload) {
  return platform_.programmer.transact(payload);
}

void TimelineSteps::set_up() {
  const Setup& setup = scenario_.setup;
  Step refill;
  refill.action_name = "setup refill";
  const DrugInfo* drug = find_drug(setup.drug);
  const TelemetryReply filled = platform_.programmer.refill(
      drug->firmware_id, firmware_whole(setup.concentration_ug_per_ml, UINT32_MAX, "ug/mL"),
      firmware_whole(setup.reservoir_fill_ul, UINT32_MAX, "uL"),
      firmware_whole(setup.low_reservoir_alarm_ul, UINT32_MAX, "uL"));
  record_answer(std::nullopt, refill, filled);
  if (setup.program) {
    Step program;
    program.action_name = "setup program";
    const TelemetryReply reply = send(program_payload(*setup.program));
    if (reply.accepted()) ledger_.programmed(now_s(), *setup.program);
    record_answer(std::nullopt, program, reply);
  }
  if (setup.ptm) {
    Step ptm;
    ptm.action_name = "setup ptm_config";
    record_answer(std::nullopt, ptm, send(ptm_payload(*setup.ptm)));
  }
}

void TimelineSteps::perform(std::optional<size_t> index, const Step& step) {
  using pumpfw::app::Command;
  if (const auto* refill = std::get_if<RefillAction>(&step.action)) {
    const std::string drug_name = refill->drug.empty() ? scenario_.setup.drug : refill->drug;
    // The clinician aspirates what is left, then injects the new drug through the septum,
    // or, in a pocket fill, into the tissue around the pump.
    // Refill faults armed in the timeline (twin/faults): a pocket fill, a syringe of another
    // strength, more than the reservoir holds (the excess is forced into the pocket).
    const pumptwin::faults::RefillFault armed = injector_.take_refill_fault();
    const double actual_ug_per_ml = refill->concentration_ug_per_ml * armed.concentration_factor;
    const double capacity_ul = scenario_.setup.reservoir_capacity_ul;
    const double syringe_ul = refill->volume_ul + armed.excess_fraction_of_capacity * capacity_ul;
    const double into_reservoir_ul = std::min(syringe_ul, capacity_ul);
    const bool pocket = refill->pocket_fill || armed.pocket;
    platform_.patient.empty_reservoir();
    platform_.patient.refill(
        (pocket ? syringe_ul : into_reservoir_ul) / 1e3, actual_ug_per_ml,
        pocket ? pumptwin::fluid::RefillRoute::kPocket : pumptwin::fluid::RefillRoute::kReservoir);
    if (!pocket && syringe_ul > into_reservoir_ul) {
      platform_.patient.refill((syringe_ul - into_reservoir_ul) / 1e3, actual_ug_per_ml,
                               pumptwin::fluid::RefillRoute::kPocket);
    }
    // The clinician tells the pump the syringe's volume to the microlitre, the programmer's
    // resolution (an overfill's excess is a fraction of the capacity, not a whole volume).
    const TelemetryReply reply = send(refill_payload(
        find_drug(drug_name)->firmware_id, refill->concentration_ug_per_ml, std::round(syringe_ul),
        refill->low_reservoir_alarm_ul.value_or(scenario_.setup.low_reservoir_alarm_ul),
        refill->bridge_volume_ul));
    if (reply.accepted()) ledger_.refilled(now_s(), refill->concentration_ug_per_ml);
    record_answer(index, step, reply);
  } else if (const auto* program = std::get_if<ProgramAction>(&step.action)) {
    const TelemetryReply reply = send(program_payload(program->program));
    if (reply.accepted()) ledger_.programmed(now_s(), program->program);
    record_answer(index, step, reply);
  } else if (const auto* bolus = std::get_if<ClinicianBolusAction>(&step.action)) {
    record_answer(index, step,
                  send(clinician_bolus_payload(bolus->dose_ug, bolus->duration_minutes)));
  } else if (const auto* ptm = std::get_if<PtmConfigAction>(&step.action)) {
    record_answer(index, step, send(ptm_payload(ptm->ptm)));
  } else if (std::holds_alternative<PtmPressAction>(step.action)) {
    record_answer(index, step, send(command_payload(Command::kPtmBolus)));
  } else if (const auto* prime = std::get_if<PrimingBolusAction>(&step.action)) {
    record_answer(index, step, send(priming_bolus_payload(prime->volume_ul)));
  } else if (const auto* acknowledge = std::get_if<AcknowledgeAlarmsAction>(&step.action)) {
    record_answer(index, step, platform_.programmer.acknowledge_alarms(acknowledge->alarm_bits));
  } else if (std::holds_alternative<AlarmTestAction>(step.action)) {
    record_answer(index, step, send(command_payload(Command::kAlarmTest)));
  } else if (std::holds_alternative<InterrogateAction>(step.action)) {
    pumptwin::platform::PumpStatus status;
    const TelemetryReply reply = platform_.programmer.interrogate(status);
    if (reply.accepted()) {
      recorder_.event(now_s(), "bench",
                      "interrogate alarms=" + std::to_string(status.alarms) +
                          " reservoir_nl=" + std::to_string(status.reservoir_nl) +
                          " battery_mv=" + std::to_string(status.battery_mv) +
                          " undriven_microsteps=" + std::to_string(status.undriven_microsteps) +
                          " ptm_last_day=" + std::to_string(status.ptm_last_day));
    }
    record_answer(index, step, reply);
  } else if (const auto* checkpoint = std::get_if<CheckpointAction>(&step.action)) {
    hooks_.observe();
    recorder_.event(
        now_s(), "bench",
        "checkpoint " + checkpoint->label +
            ": delivered_ul=" + format_number(platform_.patient.twin().delivered_volume_ul()) +
            " reservoir_ml=" + format_number(platform_.patient.twin().reservoir().volume_ml()) +
            " battery_v=" + format_number(platform_.power.terminal_v()) +
            " alarms=" + std::to_string(probe_.alarm_bits()));
    record(index, step, "done", "pass");
  } else if (const auto* fault = std::get_if<InjectFaultAction>(&step.action)) {
    injector_.inject({fault->fault, fault->values, fault->text});
    record(index, step, pumptwin::bench_lines::injected_answer(fault->fault), "pass");
  } else if (const auto* clear = std::get_if<ClearFaultAction>(&step.action)) {
    injector_.clear(clear->fault);
    record(index, step, pumptwin::bench_lines::cleared_answer(clear->fault), "pass");
  }
}

}  // namespace pumpbench
