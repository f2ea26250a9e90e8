// The viewer's own cost per frame with a week of data: laying out the window and generating
// its draw lists (ImGui NewFrame .. Render, no GL backend: rasterisation excluded), at
// 1600x1000 by default, the whole week in view. The data: a week at the recorder's densest
// sample period (1 s: 604 800 rows) of the live server's catalogue (the bench's signal registry
// as the hello lists it, 42 signals), or a recorded run directory. Prints
//   viewer_rows <n>
//   viewer_frame_ms <mean ms per frame>
//   viewer_frame_worst_ms <ms>
//   viewer_fps_cpu_bound <frames per second if the GPU cost nothing>
// Usage: viewer_frame [--frames N] [--size WxH] [--days D] [--period S] [--run RUN_DIR]
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "catalogue.h"
#include "run_data.h"
#include "viewer_ui.h"

namespace {

using pumpviewer::RunData;
using pumpviewer::Signal;

// The live server's catalogue, through the hello's signal list (run_link.cpp).
std::vector<Signal> live_catalogue() {
  pumptwin::live::Json list = pumptwin::live::Json::array();
  for (const auto* part : {&pumpbench::signal_catalogue(), &pumpbench::live_signal_catalogue()}) {
    for (const pumpbench::SignalDefinition& signal : *part) {
      list.push_back(pumpbench::signal_json(signal));
    }
  }
  return pumpviewer::signals_from_json(list);
}

// Smooth, noisy and stepped signals, like a run's, shaped by unit: volumes that ramp (one
// microlitre a stroke), currents in pulses, concentrations falling off along the spine.
void synthesise(RunData& data, double days, double period_s) {
  const std::vector<Signal> catalogue = live_catalogue();
  data.set_catalogue(catalogue);
  const std::size_t rows = static_cast<std::size_t>(days * 86400.0 / period_s);
  std::vector<double> row(catalogue.size());
  uint32_t noise = 12345;
  for (std::size_t r = 0; r < rows; ++r) {
    const double t = static_cast<double>(r) * period_s;
    noise = noise * 1664525u + 1013904223u;
    const double jitter = static_cast<double>(noise >> 8) / 16777216.0 - 0.5;
    const bool stroke = std::fmod(t, 72.0) < period_s;
    double concentrations = 0.0;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string& unit = catalogue[i].unit;
      if (unit == "uL") {
        row[i] = t / 72.0;
      } else if (unit == "mA") {
        row[i] = stroke ? 49.5 : 0.01;
      } else if (unit == "ug/mL") {
        row[i] = 0.5 * std::exp(-0.5 * concentrations++) * (1.2 + std::sin(t / 20000.0));
      } else {
        row[i] = std::sin(t / (3600.0 * (1.0 + static_cast<double>(i)))) + 0.05 * jitter;
      }
    }
    data.add_sample(t, row);
  }
  data.duration_s = static_cast<double>(rows) * period_s;
  data.connection = "synthesised";
  data.ended = true;
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 200;
  int width = 1600;
  int height = 1000;
  double days = 7.0;
  double period_s = 1.0;
  std::string run_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (argument == "--frames") {
      frames = std::atoi(value);
    } else if (argument == "--size") {
      if (std::sscanf(value, "%dx%d", &width, &height) != 2) frames = 0;
    } else if (argument == "--days") {
      days = std::atof(value);
    } else if (argument == "--period") {
      period_s = std::atof(value);
    } else if (argument == "--run") {
      run_dir = value;
    } else {
      std::fprintf(stderr,
                   "usage: viewer_frame [--frames N] [--size WxH] [--days D] [--period S] "
                   "[--run RUN_DIR]\n");
      return 2;
    }
    ++i;
  }
  if (frames <= 0 || width <= 0 || height <= 0 || days <= 0.0 || period_s <= 0.0) {
    std::fprintf(stderr, "viewer_frame: --frames, --size, --days and --period must be > 0\n");
    return 2;
  }
  RunData data;
  if (!run_dir.empty()) {
    const std::string problem = pumpviewer::load_run_directory(run_dir, data);
    if (!problem.empty()) {
      std::fprintf(stderr, "viewer_frame: %s\n", problem.c_str());
      return 2;
    }
  } else {
    synthesise(data, days, period_s);
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
  io.DeltaTime = 1.0f / 60.0f;
  // As the OpenGL 3 backend declares: draw lists may pass 64 Ki vertices.
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  unsigned char* pixels = nullptr;
  int atlas_width = 0;
  int atlas_height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &atlas_width, &atlas_height);  // builds the font atlas
  ImGui::StyleColorsDark();

  pumpviewer::Viewer viewer(data, nullptr);
  viewer.show_all(data.duration_s);
  viewer.set_cursor(data.duration_s * 0.6);
  viewer.show_all(data.duration_s);
  double total_ms = 0.0;
  double worst_ms = 0.0;
  std::size_t vertices = 0;
  for (int frame = 0; frame < frames + 5; ++frame) {
    const auto start = std::chrono::steady_clock::now();
    ImGui::NewFrame();
    viewer.frame(static_cast<float>(width), static_cast<float>(height));
    ImGui::Render();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (frame < 5) continue;  // warm-up: first layouts, allocations
    total_ms += ms;
    worst_ms = std::max(worst_ms, ms);
    vertices = static_cast<std::size_t>(ImGui::GetDrawData()->TotalVtxCount);
  }
  ImGui::DestroyContext();
  const double mean_ms = total_ms / frames;
  std::printf("viewer_rows %zu\n", data.times.size());
  std::printf("viewer_signals %zu\n", data.signals.size());
  std::printf("viewer_vertices %zu\n", vertices);
  std::printf("viewer_frame_ms %.3f ms\n", mean_ms);
  std::printf("viewer_frame_worst_ms %.3f ms\n", worst_ms);
  std::printf("viewer_fps_cpu_bound %.0f 1/s\n", 1000.0 / mean_ms);
  return 0;
}
