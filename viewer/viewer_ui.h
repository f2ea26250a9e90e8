// The viewer's window contents, independent of the windowing and GL backends: main.cpp draws
// it with GLFW + OpenGL 3, bench/perf/viewer_frame without any backend. Call frame() between
// ImGui::NewFrame and ImGui::Render.
#pragma once

#include <memory>

#include "run_data.h"

namespace pumpviewer {

class LiveClient;

// What the last frame drew, for tests and measurements.
struct FrameStats {
  int time_tick_labels = 0;
  int value_tick_labels = 0;
  int event_markers = 0;
  int lines_drawn = 0;
  int plots_with_data = 0;
  int legend_entries = 0;
  int reference_bands = 0;
  int heat_cells = 0;
  int colour_scale_labels = 0;
  // firmware, ASIC registers, reservoir, battery, and the firmware image's core (--firmware)
  int panels_filled = 0;
  bool tip_marked = false;
};

class Viewer {
 public:
  // `client`: the live connection for the controls; nullptr offline.
  Viewer(RunData& data, LiveClient* client);
  ~Viewer();
  Viewer(const Viewer&) = delete;
  Viewer& operator=(const Viewer&) = delete;

  // The whole window, width x height pixels, from `data` (locked while drawing).
  void frame(float width, float height);
  // Places the cursor (and the view's end) at a time; stops following the latest.
  void set_cursor(double time_s);
  // Shows [0, end_s].
  void show_all(double end_s);
  // Shows [from_s, to_s]; stops following the latest.
  void show_window(double from_s, double to_s);
  const FrameStats& last_frame() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pumpviewer
