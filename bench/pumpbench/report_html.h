// The HTML reports for a reviewer: one self-contained page (inline SVG and CSS, no script, no
// external file) per run, and one per suite or campaign that links to its runs' pages.
// docs/scenarios.md ("Reports") describes what they show.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue.h"
#include "hazards.h"
#include "scenario.h"
#include "scenario_loader.h"
#include "workers.h"

namespace pumpbench {

// OUT/report.html of a run, from its result (result.json's content plus "mode"), the scenario it
// ran, and what the run recorded in `out_dir` (signals.csv, events.log). First the verdict, then
// for each expectation the signal it checks with its window and bound drawn, then the timeline,
// the other key signals, the figures and the event log.
void write_run_report(const std::string& out_dir, const nlohmann::json& result,
                      const Scenario& scenario);

// OUT/report.html of a seed sweep (suite.h, run_seed_sweep): the verdict banner, "k of N" per
// expectation with the 95 % lower bound, and the failing seeds with their commands and reports.
void write_sweep_report(const std::string& out_dir, const nlohmann::json& group);

// One run of a suite or campaign as its HTML report lists it.
struct ReportRun {
  std::string id;           // the run's name in the reports, e.g. "faults/catheter_kink"
  std::string scenario;     // the scenario's name
  std::string fault;        // campaign: the fault variant ("" or "none": no fault)
  std::string report_link;  // relative to the suite report, e.g. "faults/catheter_kink/report.html"
  int exit_code = -1;
  nlohmann::json result;  // result.json (empty object: it did not run)
};

// OUT/report.html of a suite or campaign: the banner of the worst of the groups' verdicts
// (group_verdicts) with their counts and the requirements NOT MET, each group's verdict with its
// checks not held in every run ("k of N"), the traceability matrix (with `hazards`: each hazard,
// its status as hazard_status gives it, then its requirements; then each user need with its
// requirements; each requirement with its text, its verdict from `not_met` and the runs that
// check it), for a campaign the scenario x fault grid with the runs passed in each cell and, for
// a sensitivity campaign, its screening (campaign.json's "sensitivity": factors ranked by mu*
// per cell and output), and the runs; every run links to its own report.
void write_suite_report(const std::string& path, const std::string& title,
                        const std::vector<Requirement>& requirements,
                        const std::vector<ReportRun>& runs, const nlohmann::json& groups,
                        const std::vector<RequirementNotMet>& not_met, bool campaign,
                        const HazardAnalysis* hazards, const nlohmann::json& screening = nullptr);

// The run report's key signals (its "Signals" section, after those its expectations check):
// the catalogue's signals marked `report`, by view, one plot per unit within a view, views in
// the order they first appear in the catalogue.
struct ReportSignalGroup {
  std::string view;
  std::string unit;
  std::vector<std::string> signals;
};
std::vector<ReportSignalGroup> report_signal_groups(const std::vector<SignalDefinition>& catalogue);

// The reports' style sheet: every page that shows a verdict shows it alike.
const char* report_style();

// The verdict's banner: passed, failed, known gap (NOT A PASS, with the accepted residual risks
// `known_gaps` lists), error, interrupted or running, with `detail` (e.g. "17 of 20 seeds
// passed") after its explanation; one HTML block.
std::string verdict_banner(const std::string& verdict, const nlohmann::json& known_gaps,
                           const std::string& detail);

// The verdict a run reads as: "passed", "failed", "known_gap" (an accepted residual risk shows: the
// requirement is not met), "error" or "interrupted". Taken from the
// result's "verdict" when it has one.
std::string run_verdict(const nlohmann::json& result, int exit_code);

}  // namespace pumpbench
