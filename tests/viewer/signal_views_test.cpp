// The viewer's plots and the run report's key signals come from the bench's one signal registry
// (platform_signals.def and the patient model's catalogue): each signal's view groups it. A
// signal added to the registry with a view is drawn without touching the viewer or the report,
// and neither names a signal the registry does not define.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalogue.h"
#include "report_html.h"
#include "run_data.h"
#include "twin/physio/neuraxis.h"
#include "twin/physio/patient_twin.h"

namespace {

using pumpbench::SignalDefinition;
using pumpviewer::PlotGroup;
using pumpviewer::RunData;
using pumpviewer::Signal;

// The live server's catalogue as its hello lists it (bench/live/run_link.cpp).
std::vector<SignalDefinition> live_registry() {
  std::vector<SignalDefinition> catalogue = pumpbench::signal_catalogue();
  const std::vector<SignalDefinition>& extras = pumpbench::live_signal_catalogue();
  catalogue.insert(catalogue.end(), extras.begin(), extras.end());
  return catalogue;
}

// What the viewer reads from a hello's signal list, with its derived delivery rate.
std::vector<Signal> as_viewer_reads(const std::vector<SignalDefinition>& catalogue) {
  nlohmann::json list = nlohmann::json::array();
  for (const SignalDefinition& signal : catalogue) list.push_back(pumpbench::signal_json(signal));
  RunData data;
  data.set_catalogue(pumpviewer::signals_from_json(list));
  return data.signals;
}

// The viewer's plots by view: each view's signal names.
std::vector<std::pair<std::string, std::vector<std::string>>> viewer_plots(
    const std::vector<SignalDefinition>& catalogue) {
  const std::vector<Signal> signals = as_viewer_reads(catalogue);
  std::vector<std::pair<std::string, std::vector<std::string>>> plots;
  for (const PlotGroup& group : pumpviewer::plot_groups(signals)) {
    std::vector<std::string> names;
    for (const int index : group.signals) names.push_back(signals[static_cast<size_t>(index)].name);
    plots.emplace_back(group.view, names);
  }
  return plots;
}

const std::vector<std::string>* plot_of(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& plots,
    const std::string& view) {
  for (const auto& [name, signals] : plots) {
    if (name == view) return &signals;
  }
  return nullptr;
}

TEST(SignalViews, TheHelloAndSignalsJsonCarryEverySignalsView) {
  for (const SignalDefinition& signal : live_registry()) {
    const nlohmann::json entry = pumpbench::signal_json(signal);
    ASSERT_TRUE(entry.contains("view")) << signal.name;
    EXPECT_EQ(entry["view"], signal.view) << signal.name;
    EXPECT_EQ(entry["name"], signal.name);
    EXPECT_EQ(entry["unit"], signal.unit);
  }
}

// The clinical reference bands are the registry's too: the viewer reads them from the hello.
TEST(SignalViews, ReferenceBandsComeWithTheirSignals) {
  const std::vector<Signal> signals = as_viewer_reads(live_registry());
  std::vector<std::string> banded;
  for (const Signal& signal : signals) {
    if (signal.reference) banded.push_back(signal.name);
  }
  EXPECT_EQ(banded,
            (std::vector<std::string>{"csf_pressure_mmhg", "respiratory_depression_index"}));
  const auto csf = std::find_if(signals.begin(), signals.end(),
                                [](const Signal& s) { return s.name == "csf_pressure_mmhg"; });
  EXPECT_DOUBLE_EQ(csf->reference->low, 10.0);
  EXPECT_DOUBLE_EQ(csf->reference->high, 15.0);
  EXPECT_EQ(csf->reference->label, "normal 10-15 mmHg");
  // A band that is not two numbers is none, never a crash.
  const std::vector<Signal> odd = pumpviewer::signals_from_json(nlohmann::json::parse(
      R"([{"name":"a","reference":{"low":"x","high":2}},{"name":"b","reference":[1,2]},)"
      R"( 7, {"name":"c","reference":{"low":3,"high":1}}])"));
  ASSERT_EQ(odd.size(), 4u);
  for (const Signal& signal : odd) EXPECT_FALSE(signal.reference) << signal.name;
}

TEST(SignalViews, TheViewerDrawsTheRegistrysViews) {
  const auto plots = viewer_plots(live_registry());
  std::vector<std::string> views;
  for (const auto& [view, unused] : plots) views.push_back(view);
  // In the order the views first appear in the registry; the derived rate after the volume
  // it is derived from.
  EXPECT_EQ(views,
            (std::vector<std::string>{"battery", "volume", RunData::kDeliveryRateView, "reservoir",
                                      "current", "pressure", "plasma", "effects", "catheter tip"}));
  EXPECT_EQ(*plot_of(plots, "reservoir"),
            (std::vector<std::string>{"firmware_reservoir_volume_ml", "reservoir_volume_ml"}));
  EXPECT_EQ(*plot_of(plots, "current"),
            (std::vector<std::string>{"motor_phase_current_ma", "supply_current_ma"}));
  EXPECT_EQ(
      *plot_of(plots, "effects"),
      (std::vector<std::string>{"pain_score", "respiratory_depression_index", "sedation_index"}));
  EXPECT_EQ(*plot_of(plots, RunData::kDeliveryRateView),
            std::vector<std::string>{RunData::kDeliveryRate});
}

// The spine map's rows are the registry's neuraxis signals from the sacrum up, with their short
// labels; they are not a line plot; the catheter tip's row is found by its segment's signal.
TEST(SignalViews, TheSpineMapsRowsAreTheNeuraxisSegments) {
  const std::vector<Signal> signals = as_viewer_reads(live_registry());
  const std::vector<int> rows = pumpviewer::spine_signals(signals);
  ASSERT_EQ(rows.size(), pumptwin::physio::kSegmentCount);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Signal& row = signals[static_cast<size_t>(rows[i])];
    EXPECT_EQ(row.name, pumptwin::physio::segment_concentration_signal(i));
    EXPECT_EQ(row.label, pumptwin::physio::kNeuraxis[i].label);
    EXPECT_EQ(row.unit, "ug/mL");
  }
  EXPECT_EQ(signals[static_cast<size_t>(rows.front())].label, "S1-S5");
  EXPECT_EQ(signals[static_cast<size_t>(rows.back())].label, "brain");
  for (const PlotGroup& group : pumpviewer::plot_groups(signals)) {
    EXPECT_NE(group.view, pumptwin::physio::kNeuraxisView) << "the spine map is not a plot";
  }
  // A tip at T10 lies in T10-T12, the fourth row from the sacrum; L2 in L1-L3.
  EXPECT_EQ(pumptwin::physio::segment_concentration_signal("T10"),
            signals[static_cast<size_t>(rows[3])].name);
  EXPECT_EQ(pumptwin::physio::segment_concentration_signal("L2"),
            signals[static_cast<size_t>(rows[2])].name);
  EXPECT_EQ(pumptwin::physio::segment_concentration_signal(""), "");
}

TEST(SignalViews, ASignalAddedToTheRegistryIsDrawnByTheViewerAndTheReport) {
  std::vector<SignalDefinition> catalogue = live_registry();
  catalogue.push_back({"intrathecal_temperature_c", "degC", "patient", "pressure", true});
  catalogue.push_back({"catheter_strain_1", "1", "platform", "catheter strain", true});
  catalogue.push_back({"unplotted_signal_ul", "uL", "platform", "", true});
  catalogue.push_back({"viewer_only_mmhg", "mmHg", "platform", "pressure", false});

  const auto plots = viewer_plots(catalogue);
  EXPECT_EQ(*plot_of(plots, "pressure"),
            (std::vector<std::string>{"csf_pressure_mmhg", "outlet_pressure_mmhg",
                                      "intrathecal_temperature_c", "viewer_only_mmhg"}));
  ASSERT_NE(plot_of(plots, "catheter strain"), nullptr);
  EXPECT_EQ(plots.back().first, "catheter strain");
  for (const auto& [view, signals] : plots) {
    EXPECT_EQ(std::count(signals.begin(), signals.end(), "unplotted_signal_ul"), 0) << view;
  }

  const std::vector<pumpbench::ReportSignalGroup> report =
      pumpbench::report_signal_groups(catalogue);
  auto report_group = [&](const std::string& view, const std::string& unit) {
    const auto found = std::find_if(
        report.begin(), report.end(),
        [&](const pumpbench::ReportSignalGroup& g) { return g.view == view && g.unit == unit; });
    return found == report.end() ? std::vector<std::string>{} : found->signals;
  };
  // One plot per unit within a view, right after the view's other plots.
  EXPECT_EQ(report_group("pressure", "mmHg"),
            (std::vector<std::string>{"csf_pressure_mmhg", "outlet_pressure_mmhg"}));
  EXPECT_EQ(report_group("pressure", "degC"),
            std::vector<std::string>{"intrathecal_temperature_c"});
  EXPECT_EQ(report_group("catheter strain", "1"), std::vector<std::string>{"catheter_strain_1"});
  for (const pumpbench::ReportSignalGroup& group : report) {
    EXPECT_EQ(std::count(group.signals.begin(), group.signals.end(), "unplotted_signal_ul"), 0);
    EXPECT_EQ(std::count(group.signals.begin(), group.signals.end(), "viewer_only_mmhg"), 0);
  }
  const auto pressure = std::find_if(report.begin(), report.end(),
                                     [](const auto& g) { return g.view == "pressure"; });
  ASSERT_NE(pressure + 1, report.end());
  EXPECT_EQ((pressure + 1)->unit, "degC");
}

TEST(SignalViews, TheReportsKeySignalsAreTheRegistrysByViewAndUnit) {
  std::vector<std::string> plots;
  for (const pumpbench::ReportSignalGroup& group :
       pumpbench::report_signal_groups(pumpbench::signal_catalogue())) {
    std::string plot = group.view + " [" + group.unit + "]:";
    for (const std::string& name : group.signals) plot += " " + name;
    plots.push_back(plot);
  }
  EXPECT_EQ(plots, (std::vector<std::string>{
                       "battery [V]: battery_terminal_v",
                       "volume [uL]: displaced_volume_ul delivered_volume_ul",
                       "reservoir [mL]: firmware_reservoir_volume_ml reservoir_volume_ml",
                       "pressure [mmHg]: csf_pressure_mmhg outlet_pressure_mmhg",
                       "plasma [ng/mL]: plasma_concentration_ng_per_ml",
                       "effects [NRS 0-10]: pain_score",
                       "effects [1]: respiratory_depression_index sedation_index",
                       "catheter tip [ug/mL]: catheter_tip_concentration_ug_per_ml",
                   }));
}

// No reader names a signal the registry does not define: the viewer's groups (from the
// registry) and the signals its derived rate is computed from.
TEST(SignalViews, NoReaderNamesASignalOutsideTheRegistry) {
  const std::vector<SignalDefinition> registry = live_registry();
  auto defined = [&](const std::string& name) {
    return std::any_of(registry.begin(), registry.end(),
                       [&](const SignalDefinition& s) { return s.name == name; });
  };
  for (const auto& [view, signals] : viewer_plots(registry)) {
    for (const std::string& name : signals) {
      EXPECT_TRUE(defined(name) || name == RunData::kDeliveryRate) << view << ": " << name;
    }
  }
  for (const pumpbench::ReportSignalGroup& group :
       pumpbench::report_signal_groups(pumpbench::signal_catalogue())) {
    for (const std::string& name : group.signals) {
      EXPECT_NE(pumpbench::find_signal(name), nullptr) << group.view << ": " << name;
    }
  }
  EXPECT_TRUE(defined(RunData::kStrokeCountSignal));
  EXPECT_TRUE(defined(RunData::kStrokeVolumeSignal));
  // The derived rate is the viewer's, never a name the registry could also define.
  EXPECT_FALSE(defined(RunData::kDeliveryRate));
}

}  // namespace
