// The viewer's window contents (docs/viewer.md): plots on one time axis, the events on it, the
// drug along the spine, the state panels (the ASIC's registers decoded) and the live controls.
// Built with ImGui draw lists only, so that it runs with any backend or none
// (bench/perf/viewer_frame, tests/viewer). Axes, units, spans and reference bands come from
// bench/plot, as in the run report. Plots are decimated to one min/max pair per pixel column
// from each signal's min/max pyramid (run_data.h): a frame costs O(pixels x log samples).
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
#include "plot_axes.h"

namespace pumpviewer {
namespace {

namespace plot = pumptwin::plot;

std::string format_clock(double seconds) {
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

ImU32 marker_colour(plot::MarkerKind kind, int alpha) {
  const plot::MarkerStyle& style = plot::marker_style(kind);
  return IM_COL32(style.red, style.green, style.blue, alpha);
}

void draw_marker(ImDrawList* draw, plot::MarkerKind kind, ImVec2 at, float size) {
  const ImU32 colour = marker_colour(kind, 255);
  switch (plot::marker_style(kind).shape) {
    case plot::MarkerShape::kTriangleDown:
      draw->AddTriangleFilled(ImVec2(at.x - size, at.y - size), ImVec2(at.x + size, at.y - size),
                              ImVec2(at.x, at.y + size), colour);
      break;
    case plot::MarkerShape::kTriangleUp:
      draw->AddTriangleFilled(ImVec2(at.x - size, at.y + size), ImVec2(at.x + size, at.y + size),
                              ImVec2(at.x, at.y - size), colour);
      break;
    case plot::MarkerShape::kDiamond:
      draw->AddQuadFilled(ImVec2(at.x, at.y - size), ImVec2(at.x + size, at.y),
                          ImVec2(at.x, at.y + size), ImVec2(at.x - size, at.y), colour);
      break;
    case plot::MarkerShape::kCircle:
      draw->AddCircleFilled(at, size * 0.85f, colour);
      break;
    case plot::MarkerShape::kCross:
      draw->AddLine(ImVec2(at.x - size, at.y - size), ImVec2(at.x + size, at.y + size), colour, 2);
      draw->AddLine(ImVec2(at.x - size, at.y + size), ImVec2(at.x + size, at.y - size), colour, 2);
      break;
    case plot::MarkerShape::kSquare:
      draw->AddRectFilled(ImVec2(at.x - size * 0.8f, at.y - size * 0.8f),
                          ImVec2(at.x + size * 0.8f, at.y + size * 0.8f), colour);
      break;
  }
}

const ImU32 kLineColours[] = {IM_COL32(90, 200, 255, 255), IM_COL32(255, 190, 70, 255),
                              IM_COL32(150, 240, 110, 255), IM_COL32(255, 120, 200, 255)};
const ImU32 kText = IM_COL32(220, 220, 225, 255);
const ImU32 kDim = IM_COL32(150, 150, 160, 255);
const ImU32 kGrid = IM_COL32(55, 58, 68, 255);

class ViewerImpl {
 public:
  ViewerImpl(RunData& data, LiveClient* client) : data_(data), client_(client) {}

  void frame(float width, float height) {
    std::lock_guard lock(data_.mutex);
    stats_ = FrameStats{};
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
    // The side column keeps a readable width; the plots take the rest.
    const float side_width = std::clamp(width * 0.3f, 340.0f, 560.0f);
    const float left_width = std::max(200.0f, width - side_width - 16.0f);
    ImGui::BeginChild("plots", ImVec2(left_width, 0), false, ImGuiWindowFlags_NoScrollbar);
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
    if (time_s < view_from_ || time_s > view_to_) {
      view_to_ = std::max(time_s, 1.0);
      view_from_ = std::max(0.0, view_to_ - span_);
    }
  }
  void show_all(double end) {
    follow_ = false;
    span_ = std::max(end, 60.0);
    view_from_ = 0.0;
    view_to_ = span_;
  }
  void show_window(double from_s, double to_s) {
    follow_ = false;
    view_from_ = std::max(0.0, from_s);
    view_to_ = std::max(view_from_ + 1.0, to_s);
    span_ = view_to_ - view_from_;
  }
  const FrameStats& stats() const { return stats_; }

 private:
  void header() {
    const std::string scenario = data_.run.is_object() ? data_.run.value("scenario", "") : "";
    ImGui::Text("%s", scenario.empty() ? "pumpviewer" : scenario.c_str());
    const std::string patient = patient_field("patient");
    if (!patient.empty()) {
      ImGui::SameLine();
      ImGui::TextDisabled("| patient %s", patient.c_str());
    }
    ImGui::SameLine();
    const bool not_connected =
        data_.live && client_ != nullptr && !client_->connected() && !data_.ended;
    if (not_connected && client_->failed()) {
      ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "| NOT CONNECTED: %s",
                         data_.connection.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("retry")) client_->retry();
    } else {
      ImGui::TextDisabled("| %s", data_.connection.c_str());
    }
    ImGui::SameLine();
    ImGui::TextDisabled("| t = %s", plot::format_duration(data_.latest_time()).c_str());
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
      const std::string status =
          data_.result.value("verdict", data_.result.value("status", std::string()));
      ImGui::SameLine();
      const ImVec4 colour = status == "passed"      ? ImVec4(0.4f, 0.9f, 0.4f, 1)
                            : status == "known_gap" ? ImVec4(1, 0.75f, 0.2f, 1)
                                                    : ImVec4(1, 0.4f, 0.4f, 1);
      ImGui::TextColored(colour, "| %s", status.c_str());
    }
    if (!data_.last_error.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "| %s", data_.last_error.c_str());
    }
    // Time axis controls.
    ImGui::Checkbox("follow", &follow_);
    ImGui::SameLine();
    const double total = std::max({data_.latest_time(), data_.duration_s, 1.0});
    if (ImGui::Button("all")) show_all(total);
    for (const auto& [label, span] : {std::make_pair("1 h", 3600.0), std::make_pair("1 d", 86400.0),
                                      std::make_pair("1 w", 7 * 86400.0)}) {
      ImGui::SameLine();
      if (ImGui::Button(label)) {
        const double middle = follow_ ? data_.latest_time() : cursor_;
        show_window(middle - span / 2, middle + span / 2);
        if (follow_) show_window(data_.latest_time() - span, data_.latest_time());
      }
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x * 0.3f));
    float cursor = static_cast<float>(cursor_);
    if (ImGui::SliderFloat("##cursor", &cursor, 0.0f, static_cast<float>(total), "")) {
      set_cursor(cursor);
    }
    ImGui::SameLine();
    ImGui::Text("cursor %s   view %s .. %s", format_clock(cursor_).c_str(),
                plot::format_duration(view_from_).c_str(), plot::format_duration(view_to_).c_str());
    if (client_ != nullptr) controls();
  }

  void controls() {
    if (ImGui::Button("pause")) client_->send({{"type", "pause"}});
    ImGui::SameLine();
    if (ImGui::Button("resume")) client_->send({{"type", "resume"}});
    ImGui::SameLine();
    if (ImGui::Button("step 1 h")) client_->send({{"type", "step"}, {"duration", "1 h"}});
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
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
      ImGui::SetNextItemWidth(170);
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

  double x_to_time(float x) const {
    return view_from_ +
           (x - area_left_) / std::max(1.0f, area_right_ - area_left_) * (view_to_ - view_from_);
  }
  float time_to_x(double t) const {
    return area_left_ +
           static_cast<float>((t - view_from_) / std::max(view_to_ - view_from_, 1e-3)) *
               (area_right_ - area_left_);
  }

  // The time axis: ticks in d/h/min over the view, labels at `y`; grid lines from top to bottom.
  void time_axis(ImDrawList* draw, float top, float bottom, float label_y) {
    for (const plot::Tick& tick : plot::time_ticks(view_from_, view_to_, time_tick_target_)) {
      const float x = time_to_x(tick.value);
      draw->AddLine(ImVec2(x, top), ImVec2(x, bottom), kGrid);
      if (label_y >= 0) {
        const ImVec2 size = ImGui::CalcTextSize(tick.label.c_str());
        draw->AddText(ImVec2(x - size.x * 0.5f, label_y), kDim, tick.label.c_str());
        ++stats_.time_tick_labels;
      }
    }
  }

  // The lane above the plots: every event with a marker, shaped and coloured by kind, with the
  // time tick labels; hovering a marker shows its time and text.
  void events_lane(float width) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float lane_height = ImGui::GetTextLineHeight() * 2.0f + 6.0f;
    ImGui::InvisibleButton("events_lane", ImVec2(width, lane_height));
    const bool hovered = ImGui::IsItemHovered();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    time_axis(draw, origin.y + lane_height - 4, origin.y + lane_height, origin.y);
    const float marker_y = origin.y + lane_height - 9.0f;
    const std::string* hover_text = nullptr;
    double hover_time = 0.0;
    float last_marker_x = -1e9f;
    bool stacked_last = false;
    for (const Event& event : data_.events) {
      if (event.time_s < view_from_ || event.time_s > view_to_) continue;
      const plot::MarkerKind kind = plot::marker_kind(event.source, event.text);
      if (kind == plot::MarkerKind::kNone) continue;
      const float x = time_to_x(event.time_s);
      // Markers at the same place stack: the second row above the first.
      const bool stacked = x - last_marker_x < 9.0f && !stacked_last;
      stacked_last = stacked;
      last_marker_x = x;
      const float y = marker_y - (stacked ? 10.0f : 0.0f);
      draw_marker(draw, kind, ImVec2(x, y), 5.0f);
      ++stats_.event_markers;
      if (hovered && std::fabs(mouse.x - x) < 6 && std::fabs(mouse.y - y) < 6) {
        hover_text = &event.text;
        hover_time = event.time_s;
      }
    }
    if (hover_text != nullptr) {
      ImGui::SetTooltip("%s  %s", plot::format_duration(hover_time).c_str(),
                        plot::marker_label(*hover_text).c_str());
    }
  }

  // The signal's samples (rows) or, for the delivery rate, the strokes.
  struct Source {
    const std::vector<double>* times;
    const Column* column;
  };
  Source source_of(int index) const {
    if (index >= 0 &&
        data_.signals[static_cast<std::size_t>(index)].name == RunData::kDeliveryRate) {
      return {&data_.stroke_times, &data_.stroke_rate};
    }
    return {&data_.times, &data_.values[static_cast<std::size_t>(index)]};
  }
  double value_at(int index, double time_s) const {
    const Source source = source_of(index);
    const auto end = std::upper_bound(source.times->begin(), source.times->end(), time_s);
    for (auto i = static_cast<std::ptrdiff_t>(end - source.times->begin()) - 1; i >= 0; --i) {
      const float value = (*source.column)[static_cast<std::size_t>(i)];
      if (!std::isnan(value)) return value;
    }
    return std::numeric_limits<double>::quiet_NaN();
  }

  // One plot: the lines of each unit on one scale (a second unit gets the right-hand axis),
  // value ticks with the unit, the time grid, events as thin lines, the reference band, the
  // cursor; beside it the legend with each line's value at the cursor.
  // A view's plot: its signals, at most two units (two axes; a third unit's lines are left out).
  void plot_one(const PlotGroup& group, float width, float height) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(group.view.c_str(), ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    const float top = origin.y + 1;
    const float bottom = origin.y + height - 2;
    // The lines present and their units (first unit: left axis, second: right axis).
    struct Drawn {
      int index;
      int axis;
      ImU32 colour;
    };
    std::vector<Drawn> lines;
    std::vector<std::string> units;
    for (const int index : group.signals) {
      const std::string& unit = data_.signals[static_cast<std::size_t>(index)].unit;
      auto found = std::find(units.begin(), units.end(), unit);
      if (found == units.end()) {
        if (units.size() == 2) continue;
        units.push_back(unit);
        found = units.end() - 1;
      }
      lines.push_back(
          {index, static_cast<int>(found - units.begin()), kLineColours[lines.size() % 4]});
    }
    draw->AddRectFilled(ImVec2(area_left_, top), ImVec2(area_right_, bottom),
                        IM_COL32(22, 24, 30, 255));
    time_axis(draw, top, bottom, -1);
    // Events as thin lines through the plot.
    for (const Event& event : data_.events) {
      if (event.time_s < view_from_ || event.time_s > view_to_) continue;
      const plot::MarkerKind kind = plot::marker_kind(event.source, event.text);
      if (kind == plot::MarkerKind::kNone) continue;
      const float x = time_to_x(event.time_s);
      draw->AddLine(ImVec2(x, top), ImVec2(x, bottom), marker_colour(kind, 110), 1.0f);
    }
    // Column boundaries in the view.
    const int columns = std::max(1, static_cast<int>(area_right_ - area_left_));
    const double span = std::max(view_to_ - view_from_, 1e-3);
    // Ranges per axis over the view: the data, the unit's minimum span, the reference band.
    std::vector<std::vector<Column::Range>> ranges(lines.size());
    double low[2] = {INFINITY, INFINITY};
    double high[2] = {-INFINITY, -INFINITY};
    for (std::size_t l = 0; l < lines.size(); ++l) {
      const Source source = source_of(lines[l].index);
      ranges[l].resize(static_cast<std::size_t>(columns));
      std::size_t begin = static_cast<std::size_t>(
          std::lower_bound(source.times->begin(), source.times->end(), view_from_) -
          source.times->begin());
      for (int c = 0; c < columns; ++c) {
        const double t_end = view_from_ + span * (c + 1) / columns;
        const std::size_t end = static_cast<std::size_t>(
            std::upper_bound(source.times->begin() + static_cast<std::ptrdiff_t>(begin),
                             source.times->end(), t_end) -
            source.times->begin());
        const Column::Range range = source.column->range(begin, end);
        ranges[l][static_cast<std::size_t>(c)] = range;
        begin = end;
        if (range.empty()) continue;
        low[lines[l].axis] = std::min(low[lines[l].axis], static_cast<double>(range.min));
        high[lines[l].axis] = std::max(high[lines[l].axis], static_cast<double>(range.max));
      }
    }
    plot::Range axis_range[2] = {{0, 1}, {0, 1}};
    for (std::size_t a = 0; a < units.size(); ++a) {
      // The clinical reference band of the axis's first signal (the registry's).
      const Signal* first = nullptr;
      for (const Drawn& line : lines) {
        if (line.axis == static_cast<int>(a) && first == nullptr) {
          first = &data_.signals[static_cast<std::size_t>(line.index)];
        }
      }
      const std::optional<plot::ReferenceBand> band =
          first != nullptr ? first->reference : std::nullopt;
      axis_range[a] = plot::plot_range(low[a], high[a], units[a], band);
      if (band) {
        const plot::Range& r = axis_range[a];
        auto y = [&](double v) {
          return std::clamp(
              bottom - static_cast<float>((v - r.low) / (r.high - r.low)) * (bottom - top), top,
              bottom);
        };
        draw->AddRectFilled(ImVec2(area_left_, y(band->high)), ImVec2(area_right_, y(band->low)),
                            IM_COL32(60, 110, 170, 60));
        const ImVec2 size = ImGui::CalcTextSize(band->label.c_str());
        draw->AddText(ImVec2(area_right_ - size.x - 4,
                             std::clamp(y(band->high) + 1, top + 1, bottom - size.y)),
                      IM_COL32(120, 170, 230, 255), band->label.c_str());
        ++stats_.reference_bands;
      }
    }
    // Value ticks on each axis.
    const int tick_target =
        std::max(2, static_cast<int>(height / (ImGui::GetTextLineHeight() * 1.6f)));
    for (std::size_t a = 0; a < units.size(); ++a) {
      const plot::Range& r = axis_range[a];
      for (const plot::Tick& tick : plot::value_ticks(r.low, r.high, tick_target)) {
        const float y =
            bottom - static_cast<float>((tick.value - r.low) / (r.high - r.low)) * (bottom - top);
        if (y < top + 2 || y > bottom - 2) continue;
        if (a == 0) draw->AddLine(ImVec2(area_left_, y), ImVec2(area_right_, y), kGrid);
        const ImVec2 size = ImGui::CalcTextSize(tick.label.c_str());
        const float x = a == 0 ? area_left_ - size.x - 4 : area_right_ + 4;
        draw->AddText(ImVec2(x, y - size.y * 0.5f), a == 0 ? kDim : IM_COL32(200, 170, 110, 255),
                      tick.label.c_str());
        ++stats_.value_tick_labels;
      }
    }
    // The lines.
    int lines_with_data = 0;
    for (std::size_t l = 0; l < lines.size(); ++l) {
      const plot::Range& r = axis_range[lines[l].axis];
      auto y_of = [&](float v) {
        return bottom - static_cast<float>((v - r.low) / (r.high - r.low)) * (bottom - top);
      };
      ImVec2 previous(-1, -1);
      bool any = false;
      for (int c = 0; c < columns; ++c) {
        const Column::Range& range = ranges[l][static_cast<std::size_t>(c)];
        if (range.empty()) continue;
        any = true;
        const float x = area_left_ + static_cast<float>(c) + 0.5f;
        const float middle = y_of(0.5f * (range.min + range.max));
        if (previous.x >= 0) draw->AddLine(previous, ImVec2(x, middle), lines[l].colour, 1.5f);
        draw->AddLine(ImVec2(x, y_of(range.max)), ImVec2(x, y_of(range.min) + 1.0f),
                      lines[l].colour, 1.5f);
        previous = ImVec2(x, middle);
      }
      if (any) {
        ++stats_.lines_drawn;
        ++lines_with_data;
      }
    }
    draw->AddRect(ImVec2(area_left_, top), ImVec2(area_right_, bottom), IM_COL32(70, 70, 80, 255));
    // The title with the units: the left axis's, then the right axis's.
    std::string title = group.view;
    for (std::size_t a = 0; a < units.size(); ++a) {
      const std::string unit = plot::display_unit(units[a]);
      if (!unit.empty()) title += (a == 0 ? "  [" : "  right: [") + unit + "]";
    }
    const ImVec2 title_size = ImGui::CalcTextSize(title.c_str());
    draw->AddRectFilled(ImVec2(area_left_ + 2, top + 1),
                        ImVec2(area_left_ + 8 + title_size.x, top + 1 + title_size.y),
                        IM_COL32(22, 24, 30, 190));
    draw->AddText(ImVec2(area_left_ + 5, top + 1), kText, title.c_str());
    if (lines_with_data == 0) {
      draw->AddText(ImVec2(0.5f * (area_left_ + area_right_) - 20, 0.5f * (top + bottom) - 6),
                    IM_COL32(120, 120, 120, 255), "no data");
    }
    // The cursor and the legend beside the plot: each line's value at the cursor.
    if (cursor_ >= view_from_ && cursor_ <= view_to_) {
      const float x = time_to_x(cursor_);
      draw->AddLine(ImVec2(x, top), ImVec2(x, bottom), IM_COL32(255, 255, 255, 140));
    }
    float legend_y = top;
    const float legend_x = area_right_ + (units.size() > 1 ? axis_width_ : 8.0f);
    const float line_height = ImGui::GetTextLineHeight();
    for (const Drawn& line : lines) {
      if (legend_y + line_height > bottom + 2) break;
      const Signal& signal = data_.signals[static_cast<std::size_t>(line.index)];
      const double value = value_at(line.index, cursor_);
      draw->AddRectFilled(ImVec2(legend_x, legend_y + line_height * 0.4f),
                          ImVec2(legend_x + 12, legend_y + line_height * 0.6f), line.colour);
      // The value first: the name may be clipped by a narrow window, the value should not.
      const std::string text =
          plot::format_value(value, signal.unit) + "  " + legend_name(signal.name);
      draw->PushClipRect(ImVec2(legend_x, top), ImVec2(origin.x + width, bottom + 2), true);
      draw->AddText(ImVec2(legend_x + 16, legend_y), kText, text.c_str());
      draw->PopClipRect();
      legend_y += line_height;
      ++stats_.legend_entries;
    }
    if (lines_with_data > 0) ++stats_.plots_with_data;
    // Shared time axis: wheel zooms around the mouse, drag pans, click sets the cursor.
    if (hovered) {
      const ImGuiIO& io = ImGui::GetIO();
      const double mouse_t = x_to_time(io.MousePos.x);
      if (io.MouseWheel != 0.0f) {
        follow_ = false;
        const double factor = io.MouseWheel > 0 ? 0.8 : 1.25;
        view_from_ = std::max(0.0, mouse_t - (mouse_t - view_from_) * factor);
        view_to_ = mouse_t + (view_to_ - mouse_t) * factor;
        span_ = view_to_ - view_from_;
      }
      if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        follow_ = false;
        const double shift = -io.MouseDelta.x / std::max(1.0f, area_right_ - area_left_) * span;
        view_from_ = std::max(0.0, view_from_ + shift);
        view_to_ = view_from_ + span;
      } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        cursor_ = mouse_t;
        follow_ = false;
      }
    }
  }

  // A short name for the legend: the catalogue's name without its unit suffix.
  static std::string legend_name(const std::string& name) {
    static const char* const kSuffixes[] = {"_ul_per_h", "_ng_per_ml", "_ug_per_ml", "_mmhg",
                                            "_ml",       "_ul",        "_ma",        "_v"};
    std::string shown = name;
    for (const char* suffix : kSuffixes) {
      const std::size_t length = std::strlen(suffix);
      if (name.size() > length && name.compare(name.size() - length, length, suffix) == 0) {
        shown = name.substr(0, name.size() - length);
        break;
      }
    }
    std::replace(shown.begin(), shown.end(), '_', ' ');
    return shown;
  }

  void plots(float width) {
    // The views of the run's catalogue (the bench's registry, as the hello or signals.json
    // lists it).
    const std::vector<PlotGroup> groups = plot_groups(data_.signals);
    const float line_height = ImGui::GetTextLineHeight();
    // Wide enough for the value ticks and the spine map's row labels.
    float axis_text = ImGui::CalcTextSize("T10-T12").x;
    for (const int index : spine_signals(data_.signals)) {
      axis_text = std::max(axis_text, ImGui::CalcTextSize(row_label(index).c_str()).x);
    }
    axis_width_ = axis_text + 10.0f;
    const float legend_width = std::clamp(width * 0.26f, 150.0f, 300.0f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    area_left_ = origin.x + axis_width_;
    area_right_ = origin.x + width - legend_width - axis_width_;
    time_tick_target_ = std::max(3, static_cast<int>((area_right_ - area_left_) / 110.0f));
    events_lane(width - 8);
    // The heat map takes a fixed share; the plots share the rest, never less than four lines.
    const float available = ImGui::GetContentRegionAvail().y;
    const float heat_height = std::clamp(available * 0.2f, 8.0f * line_height, 14.0f * line_height);
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float plot_height = std::max(
        3.5f * line_height, (available - heat_height - line_height * 1.5f) /
                                    static_cast<float>(std::max<std::size_t>(1, groups.size())) -
                                spacing);
    for (const PlotGroup& group : groups) plot_one(group, width - 8, plot_height);
    heat_map(width - 8, heat_height);
  }

  double peak_concentration() const {
    double peak = 0.0;
    for (const int index : spine_signals(data_.signals)) {
      peak =
          std::max(peak, static_cast<double>(data_.values[static_cast<std::size_t>(index)].peak()));
    }
    return peak;
  }
  static constexpr double kDecades = 4.0;
  static double concentration_shade(double value, double peak) {
    if (peak <= 0.0 || value <= 0.0) return 0.0;
    return 1.0 + std::log10(value / peak) / kDecades;
  }
  // The run's patient field (the hello or the recording), else the latest snapshot's (a cohort
  // member's patient is known once the run has built it).
  std::string patient_field(const char* key) const {
    std::string value = data_.run.is_object() ? data_.run.value(key, "") : "";
    if (value.empty() && !data_.snapshots.empty()) {
      const Json patient = data_.snapshots.back().second.value("patient", Json::object());
      const char* snapshot_key = std::string(key) == "patient" ? "name" : key;
      value = patient.is_object() ? patient.value(snapshot_key, "") : "";
    }
    return value;
  }
  // The catheter tip's row of the spine map: the row of its segment's signal (-1: unknown).
  int tip_row(const std::vector<int>& rows) const {
    const int tip_signal = data_.signal_index(patient_field("catheter_tip_signal"));
    const auto at = std::find(rows.begin(), rows.end(), tip_signal);
    return tip_signal < 0 || at == rows.end() ? -1 : static_cast<int>(at - rows.begin());
  }
  const std::string& row_label(int index) const {
    const Signal& signal = data_.signals[static_cast<std::size_t>(index)];
    return signal.label.empty() ? signal.name : signal.label;
  }

  // Concentration along the spine over the view: one row per segment (brain at the top), the
  // catheter tip's row marked, a colour scale in µg/mL beside it, the time labels below.
  void heat_map(float width, float height) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("heat", ImVec2(width, height));
    const float label_height = ImGui::GetTextLineHeight() + 2;
    const float title_height = ImGui::GetTextLineHeight() + 2;
    const float top = origin.y + title_height;
    const float bottom = origin.y + height - label_height;
    const std::vector<int> rows = spine_signals(data_.signals);
    const int row_count = static_cast<int>(rows.size());
    const float row = (bottom - top) / static_cast<float>(std::max(1, row_count));
    draw->AddText(ImVec2(area_left_, origin.y), kText,
                  "drug along the spine (CSF concentration, log scale)");
    draw->AddRectFilled(ImVec2(area_left_, top), ImVec2(area_right_, bottom),
                        IM_COL32(10, 10, 14, 255));
    const int columns = std::max(1, static_cast<int>((area_right_ - area_left_) / 3.0f));
    const double span = std::max(view_to_ - view_from_, 1e-3);
    const double peak = peak_concentration();
    const int tip = tip_row(rows);
    for (int s = 0; s < row_count; ++s) {
      const int index = rows[static_cast<std::size_t>(s)];
      const float y0 = bottom - row * static_cast<float>(s + 1);
      const char* name = row_label(index).c_str();
      const bool roomy = row >= ImGui::GetTextLineHeight() * 0.8f;
      if (roomy || s == tip || (s % 2 == 0 && std::abs(s - tip) != 1)) {
        const ImVec2 size = ImGui::CalcTextSize(name);
        draw->AddText(ImVec2(area_left_ - size.x - 4, y0 + row * 0.5f - size.y * 0.5f),
                      s == tip ? IM_COL32(255, 90, 90, 255) : kDim, name);
      }
      for (int c = 0; c < columns; ++c) {
        const double t = view_from_ + (c + 0.5) / columns * span;
        if (t > data_.latest_time()) continue;
        const double value = data_.value_at(index, t);
        if (std::isnan(value)) continue;
        const float x0 = area_left_ + static_cast<float>(c) * (area_right_ - area_left_) /
                                          static_cast<float>(columns);
        draw->AddRectFilled(
            ImVec2(x0, y0),
            ImVec2(x0 + (area_right_ - area_left_) / static_cast<float>(columns) + 1, y0 + row),
            heat_colour(concentration_shade(value, peak)));
        ++stats_.heat_cells;
      }
    }
    if (tip >= 0) {
      // The catheter tip: a red edge on its row.
      const float y0 = bottom - row * static_cast<float>(tip + 1);
      draw->AddRect(ImVec2(area_left_, y0), ImVec2(area_right_, y0 + row),
                    IM_COL32(255, 80, 80, 255), 0.0f, 0, 1.5f);
      draw->AddTriangleFilled(ImVec2(area_right_ + 2, y0 + row * 0.5f),
                              ImVec2(area_right_ + 10, y0), ImVec2(area_right_ + 10, y0 + row),
                              IM_COL32(255, 80, 80, 255));
      draw->AddText(ImVec2(area_right_ + 12, y0 + row * 0.5f - 7), IM_COL32(255, 120, 120, 255),
                    "tip");
      stats_.tip_marked = true;
    }
    time_axis(draw, bottom, bottom + 3, bottom + 2);
    // The colour scale: four decades below the run's peak, labelled in µg/mL.
    const float bar_x = area_right_ + axis_width_ * 0.75f;
    const float bar_width = 12.0f;
    for (int i = 0; i < 32; ++i) {
      const float y0 = bottom - (bottom - top) * static_cast<float>(i + 1) / 32.0f;
      draw->AddRectFilled(ImVec2(bar_x, y0),
                          ImVec2(bar_x + bar_width, y0 + (bottom - top) / 32.0f + 1),
                          heat_colour((i + 0.5) / 32.0));
    }
    if (peak > 0.0) {
      for (int decade = 0; decade <= static_cast<int>(kDecades); ++decade) {
        const double value = peak * std::pow(10.0, -decade);
        const float y = top + (bottom - top) * static_cast<float>(decade / kDecades);
        const std::string label = plot::format_value(value, "ug/mL");
        draw->AddLine(ImVec2(bar_x + bar_width, y), ImVec2(bar_x + bar_width + 3, y), kDim);
        draw->AddText(ImVec2(bar_x + bar_width + 5, y - 6), kDim, label.c_str());
        ++stats_.colour_scale_labels;
      }
    } else {
      draw->AddText(ImVec2(bar_x + bar_width + 5, top), kDim, "no drug yet");
    }
  }

  // The neuraxis now (at the cursor): segments shaded by concentration, the catheter tip.
  void spine_panel() {
    ImGui::Text("drug in the patient at %s", plot::format_duration(cursor_).c_str());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float line_height = ImGui::GetTextLineHeight();
    const float height = std::clamp(ImGui::GetContentRegionAvail().y * 0.42f, 12.0f * line_height,
                                    22.0f * line_height);
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("spine", ImVec2(width, height));
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height),
                        IM_COL32(16, 16, 22, 255));
    // The spine map's rows from the sacrum up; the top one (the intracranial spaces) is drawn as
    // the brain.
    const std::vector<int> rows = spine_signals(data_.signals);
    if (rows.empty()) return;
    const int row_count = static_cast<int>(rows.size());
    const double peak = peak_concentration();
    const float cx = origin.x + std::min(width * 0.2f, 60.0f) + 20;
    const float brain_radius = std::min(30.0f, height * 0.1f);
    const int brain = rows.back();
    const double brain_value = data_.value_at(brain, cursor_);
    const ImVec2 brain_centre(cx, origin.y + brain_radius + 4);
    draw->AddCircleFilled(brain_centre, brain_radius,
                          std::isnan(brain_value)
                              ? IM_COL32(60, 60, 70, 255)
                              : heat_colour(concentration_shade(brain_value, peak)));
    draw->AddCircle(brain_centre, brain_radius, IM_COL32(200, 200, 200, 255));
    {
      char label[80];
      std::snprintf(label, sizeof label, "%-14s %s", row_label(brain).c_str(),
                    plot::format_value(brain_value, "ug/mL").c_str());
      draw->AddText(ImVec2(cx + 30, brain_centre.y - 7), IM_COL32(210, 210, 210, 255), label);
    }
    const float top = origin.y + 2 * brain_radius + 10;
    const float segment_height =
        (origin.y + height - 4 - top) / static_cast<float>(std::max(1, row_count - 1));
    const int tip = tip_row(rows);
    for (int s = row_count - 2; s >= 0; --s) {
      const float y0 = top + static_cast<float>(row_count - 2 - s) * segment_height;
      const int index = rows[static_cast<std::size_t>(s)];
      const double value = data_.value_at(index, cursor_);
      // Wider towards the head, as the canal is.
      const float half = 9.0f + 0.4f * static_cast<float>(s);
      draw->AddRectFilled(ImVec2(cx - half, y0 + 1), ImVec2(cx + half, y0 + segment_height - 1),
                          std::isnan(value) ? IM_COL32(60, 60, 70, 255)
                                            : heat_colour(concentration_shade(value, peak)),
                          4.0f);
      draw->AddRect(ImVec2(cx - half, y0 + 1), ImVec2(cx + half, y0 + segment_height - 1),
                    IM_COL32(180, 180, 190, 255), 4.0f);
      char label[80];
      std::snprintf(label, sizeof label, "%-14s %s", row_label(index).c_str(),
                    plot::format_value(value, "ug/mL").c_str());
      draw->AddText(ImVec2(cx + 30, y0 + segment_height * 0.5f - 7),
                    s == tip ? IM_COL32(255, 130, 130, 255) : IM_COL32(210, 210, 210, 255), label);
      if (s == tip) {
        // The catheter comes in from the side (the pump in the abdomen) to its tip.
        const float ty = y0 + segment_height * 0.5f;
        draw->AddLine(ImVec2(origin.x + 4, ty + 30), ImVec2(cx - half - 2, ty),
                      IM_COL32(255, 255, 255, 255), 2.5f);
        draw->AddCircleFilled(ImVec2(cx, ty), 5, IM_COL32(255, 60, 60, 255));
      }
    }
  }

  static std::string value_text(const Json& value) {
    if (value.is_number_float()) return plot::format_value(value.get<double>(), "1");
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
      std::string text;
      for (const Json& item : value) {
        text += (text.empty() ? "" : ", ") +
                (item.is_object() || item.is_array() ? item.dump() : value_text(item));
      }
      return text.empty() ? "-" : text;
    }
    return value.dump();
  }

  // A snapshot's section as a two-column table; false when there is none.
  bool table(const char* id, const Json& object) {
    if (!object.is_object() || object.empty()) return false;
    if (ImGui::BeginTable(id, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
      for (const auto& [key, value] : object.items()) {
        if (value.is_object()) {
          for (const auto& [inner_key, inner] : value.items()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted((key + "." + inner_key).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(value_text(inner).c_str());
          }
          continue;
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(key.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", value_text(value).c_str());
      }
      ImGui::EndTable();
    }
    return true;
  }

  void state_panels() {
    const Json snapshot = data_.snapshot_at(cursor_);
    const char* none = data_.live ? "no snapshot yet"
                                  : "this recording has no state (snapshots.jsonl): record it "
                                    "again with this pumpbench";
    if (ImGui::CollapsingHeader("alarms and events", ImGuiTreeNodeFlags_DefaultOpen)) {
      ImGui::BeginChild("events", ImVec2(0, ImGui::GetTextLineHeight() * 9), true,
                        ImGuiWindowFlags_HorizontalScrollbar);
      for (auto it = data_.events.rbegin(); it != data_.events.rend(); ++it) {
        if (it->time_s > cursor_ + 1e-6) continue;
        const plot::MarkerKind kind = plot::marker_kind(it->source, it->text);
        const ImVec4 colour =
            kind == plot::MarkerKind::kNone
                ? (it->kind == "verdict" ? ImVec4(0.6f, 0.8f, 1, 1) : ImVec4(0.8f, 0.8f, 0.8f, 1))
                : ImGui::ColorConvertU32ToFloat4(marker_colour(kind, 255));
        ImGui::TextColored(colour, "%s %s %s", format_clock(it->time_s).c_str(), it->source.c_str(),
                           it->text.c_str());
      }
      ImGui::EndChild();
    }
    auto section = [&](const char* label, const char* id, const char* key) {
      if (!ImGui::CollapsingHeader(label, ImGuiTreeNodeFlags_DefaultOpen)) return;
      if (table(id, snapshot.is_object() ? snapshot.value(key, Json()) : Json())) {
        ++stats_.panels_filled;
      } else {
        ImGui::TextDisabled("%s", none);
      }
    };
    section("firmware therapy state", "firmware", "firmware");
    if (ImGui::CollapsingHeader("firmware image (Cortex-M0+ ISS)",
                                ImGuiTreeNodeFlags_DefaultOpen)) {
      firmware_image(snapshot.is_object() ? snapshot.value("mcu", Json()) : Json(), none);
    }
    if (ImGui::CollapsingHeader("ASIC registers", ImGuiTreeNodeFlags_DefaultOpen)) {
      asic_registers(snapshot.is_object() ? snapshot.value("asic", Json()) : Json(), none);
    }
    section("reservoir", "reservoir", "reservoir");
    section("battery", "battery", "battery");
    if (ImGui::CollapsingHeader("connection")) {
      ImGui::TextWrapped("%s", data_.connection.c_str());
      ImGui::Text("%zu samples, %zu strokes, %zu events, %zu snapshots", data_.times.size(),
                  data_.stroke_times.size(), data_.events.size(), data_.snapshots.size());
      if (data_.status.is_object()) ImGui::TextWrapped("status: %s", data_.status.dump().c_str());
    }
  }

  // The core that runs the firmware image (docs/protocol.md, mcu.image): how much it ran, how
  // often it slept in WFI, and its last fault as a debugger would show it.
  void firmware_image(const Json& mcu, const char* none) {
    if (!mcu.is_object()) {
      ImGui::TextDisabled("%s", none);
      return;
    }
    const Json image = mcu.value("image", Json());
    if (!image.is_object()) {
      ImGui::TextDisabled("host build: the firmware runs natively, no instruction-set simulator");
      return;
    }
    ++stats_.panels_filled;
    auto number = [&](const char* key) { return image.value(key, 0.0); };
    ImGui::Text("CPU active  %.3f s", number("cpu_active_s"));
    ImGui::Text("executed    %.0f instructions", number("instructions"));
    ImGui::Text("WFI sleeps  %.0f   boots %.0f   wake-ups %.0f", number("wfi_sleeps"),
                mcu.value("boots", 0.0), mcu.value("wake_ups", 0.0));
    const double faults = number("faults");
    const double lockups = number("lockups");
    const ImVec4 alert(1, 0.45f, 0.45f, 1);
    const ImVec4 plain(0.8f, 0.8f, 0.8f, 1);
    ImGui::TextColored(faults + lockups > 0 ? alert : plain, "faults      %.0f   lockups %.0f",
                       faults, lockups);
    const Json fault = image.value("last_fault", Json());
    if (fault.is_object()) {
      ImGui::TextColored(alert, "last fault  %s", fault.value("what", "").c_str());
      ImGui::Text("            PC 0x%08X  LR 0x%08X  xPSR 0x%08X", fault.value("pc", 0u),
                  fault.value("lr", 0u), fault.value("xpsr", 0u));
    } else {
      ImGui::TextColored(plain, "last fault  none");
    }
  }

  // The register file of the snapshot, decoded by the server with the register map's fields
  // (docs/asic-registers.md), then the raw values.
  void asic_registers(const Json& asic, const char* none) {
    if (!asic.is_object()) {
      ImGui::TextDisabled("%s", none);
      return;
    }
    const Json registers = asic.value("registers", Json());
    if (!registers.is_object()) {
      ImGui::TextDisabled("this server sends no register data (protocol revision 1)");
      return;
    }
    ++stats_.panels_filled;
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
  FrameStats stats_;
  bool follow_ = true;
  double span_ = 86400.0;
  double view_from_ = 0.0;
  double view_to_ = 86400.0;
  double cursor_ = 0.0;
  // The plot area's pixel columns this frame (shared by every plot and the heat map).
  float area_left_ = 0.0f;
  float area_right_ = 1.0f;
  float axis_width_ = 50.0f;
  int time_tick_target_ = 8;
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
void Viewer::show_window(double from_s, double to_s) {
  impl_->show_window(from_s, to_s);
}
const FrameStats& Viewer::last_frame() const {
  return impl_->stats();
}

}  // namespace pumpviewer
