// The viewer's window contents (docs/viewer.md): plots on one time axis, the drug along the
// spine, the state panels (the ASIC's registers decoded) and the live controls. Built with
// ImGui draw lists only, so that it runs with any backend or none (bench/perf/viewer_frame).
// Plots are decimated to one min/max pair per pixel column from each signal's min/max pyramid
// (run_data.h): a frame costs O(pixels x log samples), not O(samples).
#include "viewer_ui.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "live_client.h"

namespace pumpviewer {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The spine's segments from the bottom (sacrum) to the top (brain), as the patient model names
// them (concentration_ug_per_ml.<segment>).
const char* const kSegments[] = {"S1_S5", "L4_L5",          "L1_L3",       "T10_T12",
                                 "T7_T9", "T4_T6",          "T1_T3",       "C5_C7",
                                 "C1_C4", "cisterna_magna", "intracranial"};
constexpr int kSegmentCount = 11;

int segment_of_level(const std::string& level) {
  if (level.empty()) return 3;
  if (level == "intracranial") return 10;
  if (level == "cisterna") return 9;
  const int n = std::atoi(level.c_str() + 1);
  switch (level[0]) {
    case 'S':
      return 0;
    case 'L':
      return n >= 4 ? 1 : 2;
    case 'T':
      return n >= 10 ? 3 : n >= 7 ? 4 : n >= 4 ? 5 : 6;
    case 'C':
      return n >= 5 ? 7 : 8;
    default:
      return 3;
  }
}

std::string format_time(double seconds) {
  char text[64];
  const int days = static_cast<int>(seconds / 86400.0);
  const double rest = seconds - days * 86400.0;
  std::snprintf(text, sizeof text, "%dd %02d:%02d:%02d", days, static_cast<int>(rest / 3600),
                static_cast<int>(std::fmod(rest, 3600) / 60),
                static_cast<int>(std::fmod(rest, 60)));
  return text;
}

// Viridis-like ramp for 0..1.
ImU32 heat_colour(double x) {
  x = std::clamp(x, 0.0, 1.0);
  static const float stops[][3] = {{0.27f, 0.00f, 0.33f},
                                   {0.23f, 0.32f, 0.55f},
                                   {0.13f, 0.57f, 0.55f},
                                   {0.37f, 0.79f, 0.38f},
                                   {0.99f, 0.91f, 0.14f}};
  const double position = x * 4.0;
  const int i = std::min(3, static_cast<int>(position));
  const float f = static_cast<float>(position - i);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]),
                                               stops[i][1] + f * (stops[i + 1][1] - stops[i][1]),
                                               stops[i][2] + f * (stops[i + 1][2] - stops[i][2]),
                                               1.0f));
}

struct PlotSpec {
  const char* title;
  std::vector<std::string> signals;  // first found are drawn, each its own colour
  double scale = 1.0;
};

class ViewerImpl {
 public:
  ViewerImpl(RunData& data, LiveClient* client) : data_(data), client_(client) {}

  void frame(float width, float height) {
    std::lock_guard lock(data_.mutex);
    const double latest = data_.latest_time();
    const double end = std::max(
        {latest, data_.duration_s > 0 ? (data_.live ? latest : data_.duration_s) : latest, 1.0});
    if (follow_) {
      view_to_ = std::max(latest, 1.0);
      view_from_ = std::max(0.0, view_to_ - span_);
      cursor_ = latest;
    }
    view_to_ = std::min(view_to_, std::max(end, view_from_ + 1.0));
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::Begin("pumpviewer", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    header();
    const float left_width = width * 0.68f;
    ImGui::BeginChild("plots", ImVec2(left_width, 0), false);
    plots(left_width);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("side", ImVec2(0, 0), false);
    spine_panel();
    state_panels();
    ImGui::EndChild();
    ImGui::End();
  }

  void set_cursor(double time_s) {
    follow_ = false;
    cursor_ = time_s;
    view_to_ = std::max(time_s, 1.0);
    view_from_ = std::max(0.0, view_to_ - span_);
  }
  void show_all(double end) {
    follow_ = false;
    span_ = std::max(end, 60.0);
    view_from_ = 0.0;
    view_to_ = span_;
  }

 private:
  void header() {
    const std::string scenario = data_.run.is_object() ? data_.run.value("scenario", "") : "";
    ImGui::Text("%s", scenario.empty() ? "pumpviewer" : scenario.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("| %s | t = %s", data_.connection.c_str(),
                        format_time(data_.latest_time()).c_str());
    if (data_.status.is_object()) {
      ImGui::SameLine();
      const bool paused = data_.status.value("paused", false);
      const Json speed = data_.status.value("speed", Json("max"));
      ImGui::TextColored(
          paused ? ImVec4(1, 0.7f, 0.2f, 1) : ImVec4(0.4f, 1, 0.4f, 1), "%s, speed %s",
          paused ? "PAUSED" : "running",
          speed.is_number() ? (std::to_string(static_cast<long>(speed.get<double>())) + "x").c_str()
                            : "max");
    }
    if (data_.ended && data_.result.is_object()) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(0.6f, 0.8f, 1, 1), "| ended: %s",
                         data_.result.value("status", "").c_str());
    }
    if (!data_.last_error.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "| %s", data_.last_error.c_str());
    }
    // Time axis controls.
    ImGui::Checkbox("follow", &follow_);
    ImGui::SameLine();
    if (ImGui::Button("all")) show_all(std::max(data_.latest_time(), data_.duration_s));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(240);
    const double total = std::max({data_.latest_time(), data_.duration_s, 1.0});
    float cursor = static_cast<float>(cursor_);
    if (ImGui::SliderFloat("##cursor", &cursor, 0.0f, static_cast<float>(total), "")) {
      set_cursor(cursor);
    }
    ImGui::SameLine();
    ImGui::Text("cursor %s  view %s .. %s", format_time(cursor_).c_str(),
                format_time(view_from_).c_str(), format_time(view_to_).c_str());
    if (client_ != nullptr) controls();
  }

  void controls() {
    if (ImGui::Button("pause")) client_->send({{"type", "pause"}});
    ImGui::SameLine();
    if (ImGui::Button("resume")) client_->send({{"type", "resume"}});
    ImGui::SameLine();
    if (ImGui::Button("step 1 h")) client_->send({{"type", "step"}, {"duration", "1 h"}});
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    static const char* const kSpeeds[] = {"1x", "60x", "3600x", "86400x", "max"};
    static const double kSpeedValues[] = {1, 60, 3600, 86400, 0};
    if (ImGui::Combo("speed", &speed_index_, kSpeeds, 5)) {
      client_->send({{"type", "speed"},
                     {"speed", kSpeedValues[speed_index_] > 0 ? Json(kSpeedValues[speed_index_])
                                                              : Json("max")}});
    }
    ImGui::SameLine();
    if (ImGui::Button("PTM press")) client_->send({{"type", "ptm_press"}});
    ImGui::SameLine();
    if (ImGui::Button("refill...")) ImGui::OpenPopup("refill");
    if (ImGui::BeginPopup("refill")) {
      ImGui::InputText("volume", refill_volume_, sizeof refill_volume_);
      ImGui::InputText("concentration", refill_concentration_, sizeof refill_concentration_);
      ImGui::Checkbox("pocket fill (fault)", &refill_pocket_);
      if (ImGui::Button("refill now")) {
        client_->send({{"type", "refill"},
                       {"volume", refill_volume_},
                       {"concentration", refill_concentration_},
                       {"route", refill_pocket_ ? "pocket" : "reservoir"}});
        ImGui::CloseCurrentPopup();
      }
      ImGui::EndPopup();
    }
    // Faults from the server's registry, with their parameters as text ("0.05 N.m").
    if (data_.faults.is_array() && !data_.faults.empty()) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(180);
      fault_index_ = std::clamp(fault_index_, 0, static_cast<int>(data_.faults.size()) - 1);
      const Json& fault = data_.faults[static_cast<std::size_t>(fault_index_)];
      if (ImGui::BeginCombo("##fault", fault.value("name", "").c_str())) {
        for (std::size_t i = 0; i < data_.faults.size(); ++i) {
          if (ImGui::Selectable(data_.faults[i].value("name", "").c_str(),
                                static_cast<int>(i) == fault_index_)) {
            fault_index_ = static_cast<int>(i);
            fault_params_.clear();
          }
        }
        ImGui::EndCombo();
      }
      const Json parameters = fault.value("parameters", Json::array());
      fault_params_.resize(parameters.size());
      ImGui::SameLine();
      if (ImGui::Button("inject...")) ImGui::OpenPopup("inject");
      ImGui::SameLine();
      if (ImGui::Button("clear")) client_->send({{"type", "clear"}, {"fault", fault["name"]}});
      if (ImGui::BeginPopup("inject")) {
        ImGui::TextWrapped("%s", fault.value("description", "").c_str());
        for (std::size_t i = 0; i < parameters.size(); ++i) {
          fault_params_[i].resize(64);
          ImGui::InputText(
              (parameters[i].value("name", "") + " (" + parameters[i].value("unit", "") + ")")
                  .c_str(),
              fault_params_[i].data(), fault_params_[i].size());
        }
        if (ImGui::Button("inject now")) {
          Json params = Json::object();
          for (std::size_t i = 0; i < parameters.size(); ++i) {
            const std::string text = fault_params_[i].c_str();
            if (text.empty()) continue;
            const std::string kind = parameters[i].value("kind", "");
            if (kind == "boolean") {
              params[parameters[i]["name"].get<std::string>()] = text == "true" || text == "1";
            } else {
              params[parameters[i]["name"].get<std::string>()] = text;
            }
          }
          client_->send({{"type", "inject"}, {"fault", fault["name"]}, {"params", params}});
          ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
      }
    }
  }

  // One plot: min/max per pixel column over the view, alarms in red, the cursor in white.
  void plot(const PlotSpec& spec, float width, float height) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size(width, height);
    ImGui::InvisibleButton(spec.title, size);
    const bool hovered = ImGui::IsItemHovered();
    draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                        IM_COL32(22, 24, 30, 255));
    draw->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(70, 70, 80, 255));
    const double span = std::max(view_to_ - view_from_, 1e-3);
    auto x_of = [&](double t) {
      return origin.x + static_cast<float>((t - view_from_) / span) * size.x;
    };
    // Alarms and faults.
    for (const Event& event : data_.events) {
      if (event.time_s < view_from_ || event.time_s > view_to_) continue;
      if (event.kind == "alarm_raised" || event.kind == "fault") {
        const ImU32 colour =
            event.kind == "alarm_raised" ? IM_COL32(230, 60, 60, 200) : IM_COL32(230, 160, 40, 200);
        draw->AddLine(ImVec2(x_of(event.time_s), origin.y),
                      ImVec2(x_of(event.time_s), origin.y + size.y), colour, 1.5f);
      }
    }
    static const ImU32 kColours[] = {IM_COL32(90, 200, 255, 255), IM_COL32(255, 200, 80, 255),
                                     IM_COL32(160, 255, 120, 255), IM_COL32(255, 120, 200, 255)};
    const int columns = std::max(1, static_cast<int>(size.x));
    // The rows under each pixel column: one binary search per column boundary.
    boundaries_.resize(static_cast<std::size_t>(columns) + 1);
    for (int c = 0; c <= columns; ++c) {
      const double t = view_from_ + span * c / columns;
      boundaries_[static_cast<std::size_t>(c)] = static_cast<std::size_t>(
          std::lower_bound(data_.times.begin(), data_.times.end(), t) - data_.times.begin());
    }
    boundaries_.back() = data_.rows_between(view_from_, view_to_).second;
    int drawn = 0;
    for (const std::string& name : spec.signals) {
      const int index = data_.signal_index(name);
      if (index < 0 || data_.times.empty()) continue;
      const Column& series = data_.values[static_cast<std::size_t>(index)];
      lo_.assign(static_cast<std::size_t>(columns), std::numeric_limits<float>::infinity());
      hi_.assign(static_cast<std::size_t>(columns), -std::numeric_limits<float>::infinity());
      float vmin = std::numeric_limits<float>::infinity();
      float vmax = -vmin;
      for (std::size_t c = 0; c < static_cast<std::size_t>(columns); ++c) {
        const Column::Range range = series.range(boundaries_[c], boundaries_[c + 1]);
        if (range.empty()) continue;
        lo_[c] = range.min * static_cast<float>(spec.scale);
        hi_[c] = range.max * static_cast<float>(spec.scale);
        vmin = std::min(vmin, lo_[c]);
        vmax = std::max(vmax, hi_[c]);
      }
      if (!std::isfinite(vmin)) continue;
      if (vmax - vmin < 1e-9f) {
        vmax += 0.5f * std::max(1e-3f, std::fabs(vmax));
        vmin -= 0.5f * std::max(1e-3f, std::fabs(vmin));
      }
      const float pad = 0.08f * (vmax - vmin);
      vmin -= pad;
      vmax += pad;
      auto y_of = [&](float v) { return origin.y + size.y - (v - vmin) / (vmax - vmin) * size.y; };
      const ImU32 colour = kColours[drawn % 4];
      ImVec2 previous(-1, -1);
      for (int c = 0; c < columns; ++c) {
        const auto cu = static_cast<std::size_t>(c);
        if (!std::isfinite(lo_[cu])) continue;
        const float x = origin.x + static_cast<float>(c) + 0.5f;
        const ImVec2 top(x, y_of(hi_[cu]));
        const ImVec2 bottom(x, y_of(lo_[cu]));
        if (previous.x >= 0)
          draw->AddLine(previous, ImVec2(x, y_of(0.5f * (lo_[cu] + hi_[cu]))), colour, 1.5f);
        draw->AddLine(top, ImVec2(bottom.x, bottom.y + 1.0f), colour, 1.5f);
        previous = ImVec2(x, y_of(0.5f * (lo_[cu] + hi_[cu])));
      }
      char range[96];
      std::snprintf(range, sizeof range, "%s [%.4g .. %.4g %s]  ", name.c_str(), vmin + pad,
                    vmax - pad, data_.signals[static_cast<std::size_t>(index)].unit.c_str());
      draw->AddText(ImVec2(origin.x + 6, origin.y + 16 + 14.0f * static_cast<float>(drawn)), colour,
                    range);
      ++drawn;
    }
    draw->AddText(ImVec2(origin.x + 6, origin.y + 2), IM_COL32(230, 230, 230, 255), spec.title);
    if (drawn == 0) {
      draw->AddText(ImVec2(origin.x + size.x * 0.4f, origin.y + size.y * 0.5f),
                    IM_COL32(120, 120, 120, 255), "no data");
    }
    if (cursor_ >= view_from_ && cursor_ <= view_to_) {
      draw->AddLine(ImVec2(x_of(cursor_), origin.y), ImVec2(x_of(cursor_), origin.y + size.y),
                    IM_COL32(255, 255, 255, 120));
    }
    // Shared time axis: wheel zooms around the mouse, drag pans, click sets the cursor.
    if (hovered) {
      const ImGuiIO& io = ImGui::GetIO();
      const double mouse_t = view_from_ + (io.MousePos.x - origin.x) / size.x * span;
      if (io.MouseWheel != 0.0f) {
        follow_ = false;
        const double factor = io.MouseWheel > 0 ? 0.8 : 1.25;
        view_from_ = std::max(0.0, mouse_t - (mouse_t - view_from_) * factor);
        view_to_ = mouse_t + (view_to_ - mouse_t) * factor;
        span_ = view_to_ - view_from_;
      }
      if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        follow_ = false;
        const double shift = -io.MouseDelta.x / size.x * span;
        view_from_ = std::max(0.0, view_from_ + shift);
        view_to_ = view_from_ + span;
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        cursor_ = mouse_t;
      }
    }
  }

  void plots(float width) {
    static const std::vector<PlotSpec> kPlots = {
        {"delivered volume (uL)", {"delivered_volume_ul", "displaced_volume_ul"}},
        {"delivery rate (uL/h)", {RunData::kDeliveryRate}},
        {"reservoir (mL)", {"reservoir_volume_ml", "firmware_reservoir_volume_ml"}},
        {"motor phase current, peak (mA) and supply current (mA)",
         {"motor_phase_current_ma", "supply_current_ma"}},
        {"battery (V)", {"battery_terminal_v"}},
        {"CSF pressure (mmHg)", {"csf_pressure_mmhg", "outlet_pressure_mmhg"}},
        {"plasma level (ng/mL)", {"plasma_concentration_ng_per_ml"}},
        {"effects",
         {"pain_score", "respiratory_depression_index", "sedation_index", "analgesia_fraction"}},
    };
    const float heat_height = 130.0f;
    const float available = ImGui::GetContentRegionAvail().y - heat_height - 12.0f;
    const float plot_height = std::max(50.0f, available / static_cast<float>(kPlots.size()) - 4.0f);
    for (const PlotSpec& spec : kPlots) plot(spec, width - 8, plot_height);
    heat_map(width - 8, heat_height);
  }

  // Concentration along the spine over the view: one row per segment (brain at the top).
  void heat_map(float width, float height) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("heat", ImVec2(width, height));
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height),
                        IM_COL32(10, 10, 14, 255));
    const float label_width = 92.0f;
    const float row = height / kSegmentCount;
    const double span = std::max(view_to_ - view_from_, 1e-3);
    const int columns = std::max(1, static_cast<int>((width - label_width) / 3.0f));
    const double peak = peak_concentration();
    for (int s = 0; s < kSegmentCount; ++s) {
      const int index = data_.signal_index(std::string("concentration_ug_per_ml.") + kSegments[s]);
      const float y0 = origin.y + height - row * static_cast<float>(s + 1);
      draw->AddText(ImVec2(origin.x + 2, y0), IM_COL32(200, 200, 200, 255), kSegments[s]);
      if (index < 0) continue;
      for (int c = 0; c < columns; ++c) {
        const double t = view_from_ + (c + 0.5) / columns * span;
        const double value = data_.value_at(index, t);
        if (std::isnan(value) || t > data_.latest_time()) continue;
        const float x0 =
            origin.x + label_width +
            static_cast<float>(c) * (width - label_width) / static_cast<float>(columns);
        draw->AddRectFilled(
            ImVec2(x0, y0),
            ImVec2(x0 + (width - label_width) / static_cast<float>(columns) + 1, y0 + row),
            heat_colour(concentration_shade(value, peak)));
      }
    }
    draw->AddText(ImVec2(origin.x + label_width + 4, origin.y + 2), IM_COL32(255, 255, 255, 255),
                  "drug along the spine (log scale)");
  }

  double peak_concentration() const {
    double peak = 0.0;
    for (int s = 0; s < kSegmentCount; ++s) {
      const int index = data_.signal_index(std::string("concentration_ug_per_ml.") + kSegments[s]);
      if (index < 0) continue;
      peak = std::max(peak, static_cast<double>(data_.values[static_cast<std::size_t>(index)].peak()));
    }
    return peak;
  }
  static double concentration_shade(double value, double peak) {
    if (peak <= 0.0 || value <= 0.0) return 0.0;
    return 1.0 + std::log10(value / peak) / 4.0;  // four decades
  }

  // The neuraxis now (at the cursor): segments shaded by concentration, the catheter tip.
  void spine_panel() {
    ImGui::Text("drug in the patient at %s", format_time(cursor_).c_str());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float height = 300.0f;
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("spine", ImVec2(width, height));
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height),
                        IM_COL32(16, 16, 22, 255));
    const double peak = peak_concentration();
    const float cx = origin.x + width * 0.35f;
    // Brain.
    const int brain = data_.signal_index("concentration_ug_per_ml.intracranial");
    const double brain_value = data_.value_at(brain, cursor_);
    draw->AddCircleFilled(ImVec2(cx, origin.y + 34), 30,
                          std::isnan(brain_value)
                              ? IM_COL32(60, 60, 70, 255)
                              : heat_colour(concentration_shade(brain_value, peak)));
    draw->AddCircle(ImVec2(cx, origin.y + 34), 30, IM_COL32(200, 200, 200, 255));
    const float top = origin.y + 70;
    const float segment_height = (height - 80) / (kSegmentCount - 1);
    const std::string tip_level =
        data_.run.is_object() ? data_.run.value("catheter_tip_level", "") : "";
    const int tip = segment_of_level(tip_level);
    for (int s = kSegmentCount - 2; s >= 0; --s) {
      const float y0 = top + static_cast<float>(kSegmentCount - 2 - s) * segment_height;
      const int index = data_.signal_index(std::string("concentration_ug_per_ml.") + kSegments[s]);
      const double value = data_.value_at(index, cursor_);
      const float half = s == 9 ? 12.0f : 9.0f + 0.4f * static_cast<float>(s);
      draw->AddRectFilled(ImVec2(cx - half, y0 + 1), ImVec2(cx + half, y0 + segment_height - 1),
                          std::isnan(value) ? IM_COL32(60, 60, 70, 255)
                                            : heat_colour(concentration_shade(value, peak)),
                          4.0f);
      draw->AddRect(ImVec2(cx - half, y0 + 1), ImVec2(cx + half, y0 + segment_height - 1),
                    IM_COL32(180, 180, 190, 255), 4.0f);
      char label[80];
      std::snprintf(label, sizeof label, "%-14s %.3g ug/mL", kSegments[s], value);
      draw->AddText(ImVec2(cx + 30, y0 + segment_height * 0.5f - 7), IM_COL32(210, 210, 210, 255),
                    label);
      if (s == tip) {
        // The catheter comes in from the side (the pump in the abdomen) to its tip.
        const float ty = y0 + segment_height * 0.5f;
        draw->AddLine(ImVec2(origin.x + 4, ty + 30), ImVec2(cx - half - 2, ty),
                      IM_COL32(255, 255, 255, 255), 2.5f);
        draw->AddCircleFilled(ImVec2(cx, ty), 5, IM_COL32(255, 60, 60, 255));
      }
    }
  }

  void state_panels() {
    const Json snapshot = data_.snapshot_at(cursor_);
    if (ImGui::CollapsingHeader("alarms and events", ImGuiTreeNodeFlags_DefaultOpen)) {
      ImGui::BeginChild("events", ImVec2(0, 170), true);
      for (auto it = data_.events.rbegin(); it != data_.events.rend(); ++it) {
        if (it->time_s > cursor_ + 1e-6) continue;
        const ImVec4 colour = it->kind == "alarm_raised" ? ImVec4(1, 0.4f, 0.4f, 1)
                              : it->kind == "fault"      ? ImVec4(1, 0.7f, 0.3f, 1)
                              : it->kind == "verdict"    ? ImVec4(0.6f, 0.8f, 1, 1)
                                                         : ImVec4(0.8f, 0.8f, 0.8f, 1);
        ImGui::TextColored(colour, "%s %s %s", format_time(it->time_s).c_str(), it->source.c_str(),
                           it->text.c_str());
      }
      ImGui::EndChild();
    }
    auto tree = [](const char* label, const Json& object) {
      if (!object.is_object()) {
        ImGui::TextDisabled("%s: no snapshot yet", label);
        return;
      }
      if (ImGui::TreeNodeEx(label, ImGuiTreeNodeFlags_DefaultOpen)) {
        for (const auto& [key, value] : object.items()) {
          ImGui::Text("%-24s %s", key.c_str(), value.dump().c_str());
        }
        ImGui::TreePop();
      }
    };
    if (ImGui::CollapsingHeader("firmware therapy state", ImGuiTreeNodeFlags_DefaultOpen)) {
      tree("firmware", snapshot.is_object() ? snapshot.value("firmware", Json()) : Json());
    }
    if (ImGui::CollapsingHeader("ASIC registers", ImGuiTreeNodeFlags_DefaultOpen)) {
      asic_registers(snapshot.is_object() ? snapshot.value("asic", Json()) : Json());
    }
    if (ImGui::CollapsingHeader("reservoir and battery", ImGuiTreeNodeFlags_DefaultOpen)) {
      tree("reservoir", snapshot.is_object() ? snapshot.value("reservoir", Json()) : Json());
      tree("battery", snapshot.is_object() ? snapshot.value("battery", Json()) : Json());
    }
    if (ImGui::CollapsingHeader("connection")) {
      ImGui::TextWrapped("%s", data_.connection.c_str());
      ImGui::Text("%zu samples, %zu events, %zu snapshots", data_.times.size(), data_.events.size(),
                  data_.snapshots.size());
      if (data_.status.is_object()) ImGui::TextWrapped("status: %s", data_.status.dump().c_str());
    }
  }

  // The register file of the snapshot, decoded by the server with the register map's fields
  // (docs/asic-registers.md), then the raw values.
  void asic_registers(const Json& asic) {
    if (!asic.is_object()) {
      ImGui::TextDisabled(data_.live ? "no snapshot yet"
                                     : "a recorded run keeps no register data: connect to a live "
                                       "run (pumpbench serve) to see them");
      return;
    }
    const Json registers = asic.value("registers", Json());
    if (!registers.is_object()) {
      ImGui::TextDisabled("this server sends no register data (protocol revision 1)");
      return;
    }
    const Json decoded = registers.value("decoded", Json::object());
    auto flag = [&](const char* key) { return decoded.value(key, false) ? "yes" : "no"; };
    auto names = [&](const char* key) {
      std::string text;
      for (const Json& name : decoded.value(key, Json::array())) {
        text += (text.empty() ? "" : " ") + name.get<std::string>();
      }
      return text.empty() ? std::string("-") : text;
    };
    auto number = [&](const char* key) { return decoded.value(key, 0.0); };
    const ImVec4 alert(1, 0.45f, 0.45f, 1);
    ImGui::Text("CTRL     enable %s  %s  %s step  sleep %s", flag("enable"),
                decoded.value("direction", "").c_str(), decoded.value("step_mode", "").c_str(),
                flag("sleep"));
    ImGui::Text("STATUS   busy %s  adc busy %s  tone %s  reset request %s", flag("busy"),
                flag("adc_busy"), flag("tone_active"), flag("reset_request"));
    ImGui::Text("MOVE     %.0f steps, %.0f remaining, %.0f us/step, limit %.0f mA",
                number("move_steps"), number("steps_remaining"), number("step_period_us"),
                number("current_limit_ma"));
    const std::string faults = names("faults");
    ImGui::TextColored(faults == "-" ? ImVec4(0.8f, 0.8f, 0.8f, 1) : alert, "FAULT    %s",
                       faults.c_str());
    ImGui::Text("IRQ      %s  mask %s", flag("irq"), names("int_mask").c_str());
    ImGui::Text("INT      %s", names("int_status").c_str());
    ImGui::Text("TOTAL    %.0f full steps (%.0f eighths)", number("total_full_steps"),
                number("total_steps_eighths"));
    ImGui::Text("STALL    rise < %.0f us x %.0f", number("stall_rise_time_us"),
                number("stall_count"));
    ImGui::Text("ADC      motor %.2f mA  battery %.3f V  temperature %.3f V",
                number("adc_motor_current_ma"), number("adc_battery_v"),
                number("adc_temperature_v"));
    ImGui::Text("         pressure reservoir %.3f V  outlet %.3f V",
                number("adc_pressure_reservoir_v"), number("adc_pressure_outlet_v"));
    ImGui::Text("WATCHDOG timeout %.3f s, %.3f s left", number("wdt_timeout_s"),
                number("wdt_remaining_s"));
    ImGui::Text("TONE     %s", decoded.value("tone", "").c_str());
    if (ImGui::TreeNode("raw registers")) {
      for (const Json& entry : registers.value("raw", Json::array())) {
        ImGui::Text("0x%02X %-24s 0x%04X", entry.value("address", 0),
                    entry.value("name", "").c_str(), entry.value("value", 0));
      }
      ImGui::TreePop();
    }
    if (ImGui::TreeNode("pins and counters")) {
      for (const auto& [key, value] : asic.items()) {
        if (key != "registers") ImGui::Text("%-24s %s", key.c_str(), value.dump().c_str());
      }
      ImGui::TreePop();
    }
  }

  RunData& data_;
  LiveClient* client_;
  std::vector<std::size_t> boundaries_;  // per frame, reused
  std::vector<float> lo_;
  std::vector<float> hi_;
  bool follow_ = true;
  double span_ = 86400.0;
  double view_from_ = 0.0;
  double view_to_ = 86400.0;
  double cursor_ = 0.0;
  int speed_index_ = 2;
  int fault_index_ = 0;
  std::vector<std::string> fault_params_;
  char refill_volume_[32] = "20 mL";
  char refill_concentration_[32] = "10 mg/mL";
  bool refill_pocket_ = false;
};

}  // namespace

struct Viewer::Impl : ViewerImpl {
  using ViewerImpl::ViewerImpl;
};

Viewer::Viewer(RunData& data, LiveClient* client) : impl_(std::make_unique<Impl>(data, client)) {}
Viewer::~Viewer() = default;
void Viewer::frame(float width, float height) {
  impl_->frame(width, height);
}
void Viewer::set_cursor(double time_s) {
  impl_->set_cursor(time_s);
}
void Viewer::show_all(double end_s) {
  impl_->show_all(end_s);
}

}  // namespace pumpviewer
