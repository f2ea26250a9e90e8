// The viewer's window contents, independent of the windowing and GL backends: main.cpp draws
// it with GLFW + OpenGL 3, bench/perf/viewer_frame without any backend. Call frame() between
// ImGui::NewFrame and ImGui::Render.
#pragma once

#include <memory>

#include "run_data.h"

namespace pumpviewer {

class LiveClient;

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pumpviewer
