// The HTML reports for a reviewer: one self-contained page (inline SVG and CSS, no script, no
// external file) per run, and one per suite or campaign that links to its runs' pages.
// docs/scenarios.md ("Reports") describes what they show.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario.h"
#include "scenario_loader.h"

namespace pumpbench {

// OUT/report.html of a run, from its result (result.json's content plus "mode"), the scenario it
// ran, and what the run recorded in `out_dir` (signals.csv, events.log). First the verdict, then
// for each expectation the signal it checks with its window and bound drawn, then the timeline,
// the other key signals, the figures and the event log.
void write_run_report(const std::string& out_dir, const nlohmann::json& result,
                      const Scenario& scenario);

// One run of a suite or campaign as its HTML report lists it.
struct ReportRun {
  std::string id;           // the run's name in the reports, e.g. "faults/catheter_kink"
  std::string scenario;     // the scenario's name
  std::string fault;        // campaign: the fault variant ("" or "none": no fault)
  std::string report_link;  // relative to the suite report, e.g. "faults/catheter_kink/report.html"
  int exit_code = -1;
  nlohmann::json result;  // result.json (empty object: it did not run)
};

// OUT/report.html of a suite or campaign: the runs' verdicts, the traceability matrix
// (requirement -> scenario -> verdict, with its text), and for a campaign the scenario x fault
// grid with the number of runs passed in each cell; every run links to its own report.
void write_suite_report(const std::string& path, const std::string& title,
                        const std::vector<Requirement>& requirements,
                        const std::vector<ReportRun>& runs, bool campaign);

// The verdict a run reads as: "passed", "failed", "known_gap" (an expectation marked as a known
// gap failed as expected: the requirement is not met), "error" or "interrupted". Taken from the
// result's "verdict" when it has one.
std::string run_verdict(const nlohmann::json& result, int exit_code);

}  // namespace pumpbench
