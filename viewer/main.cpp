// pumpviewer: the live view of a pump run (docs/viewer.md).
//   pumpviewer [HOST:PORT | RUN_DIR] [--token T] [--font-scale X]
//              [--screenshot FILE.png [--at SIMTIME] [--view FROM..TO] [--size WxH]]
// Connects to `pumpbench run --serve` / `pumpbench serve` (docs/protocol.md), or plays a
// recorded run directory (signals.csv, events.log, result.json). ImGui + GLFW + OpenGL 3;
// plots are drawn with ImGui's draw lists and decimated to one min/max pair per pixel column.
#define GL_GLEXT_PROTOTYPES
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>  // libstb (pkg-config imgui brings -lstb)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "live_client.h"
#include "run_data.h"
#include "viewer_ui.h"

namespace pumpviewer {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool write_png(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) *
                                    static_cast<std::size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4) != 0;
}

const char* const kUsage =
    "usage: pumpviewer [HOST:PORT | RUN_DIR] [options]\n"
    "  HOST:PORT            a live run (pumpbench serve / run --serve); default 127.0.0.1:7700\n"
    "  RUN_DIR              a recorded run (pumpbench run --out RUN_DIR)\n"
    "  --token T            the server's token (beyond loopback)\n"
    "  --font-scale X       text size (default: 1, or 1.25 on windows 1800 px wide or more);\n"
    "                       Ctrl+= and Ctrl+- change it while running\n"
    "  --size WxH           window size in pixels (default 1600x1000)\n"
    "  --screenshot FILE    render, write FILE (PNG) and exit: live once the run reaches --at\n"
    "                       (or ends), recorded at once\n"
    "  --at SIMTIME         the cursor's time, e.g. '1 d 12 h'\n"
    "  --view FROM..TO      the time window shown, e.g. '1 d..2 d' (default: the whole run)\n"
    "  --timeout S          give up the screenshot after S wall seconds (default 120)\n"
    "  --frames N --frame-times   exit after N frames and print frame times\n"
    "  --version            print the version\n"
    "  -h, --help           this help\n";

// Bad usage: the problem and the usage on stderr, exit 2.
int usage_error(const std::string& problem) {
  std::fprintf(stderr, "pumpviewer: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

// A scalable font with µ and ° (DejaVu Sans, Debian's fonts-dejavu-core) at 15 px x `scale`;
// ImGui's built-in bitmap font, scaled, when it is not installed.
void load_font(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  static const char* const kFonts[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
  for (const char* path : kFonts) {
    if (std::filesystem::exists(path) &&
        io.Fonts->AddFontFromFileTTF(path, std::round(15.0f * scale)) != nullptr) {
      return;
    }
  }
  io.Fonts->AddFontDefault();
  io.FontGlobalScale = scale;
}

}  // namespace
}  // namespace pumpviewer

int main(int argc, char** argv) {
  using namespace pumpviewer;
  std::string target = "127.0.0.1:7700";
  std::string token;
  std::string screenshot;
  double at_s = kNaN;
  double view_from_s = kNaN;
  double view_to_s = kNaN;
  float font_scale = 0.0f;  // 0: by the window's width
  int width = 1600;
  int height = 1000;
  double timeout_s = 120.0;
  bool frame_times = false;
  int max_frames = 0;  // --frames N: exit after N frames (measurements)
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (argument == "--token") {
      token = value();
    } else if (argument == "--screenshot") {
      screenshot = value();
    } else if (argument == "--at") {
      const std::string text = value();
      at_s = parse_time(text);
      if (std::isnan(at_s)) return usage_error("--at '" + text + "' is not a time");
    } else if (argument == "--view") {
      const std::string text = value();
      const std::size_t dots = text.find("..");
      if (dots != std::string::npos) {
        view_from_s = parse_time(text.substr(0, dots));
        view_to_s = parse_time(text.substr(dots + 2));
      }
      if (std::isnan(view_from_s) || std::isnan(view_to_s) || view_to_s <= view_from_s) {
        return usage_error("--view '" + text + "': expected FROM..TO, e.g. '1 d..2 d'");
      }
    } else if (argument == "--size") {
      const std::string text = value();
      if (std::sscanf(text.c_str(), "%dx%d", &width, &height) != 2 || width < 320 || height < 240) {
        return usage_error("--size '" + text + "': expected WxH, at least 320x240");
      }
    } else if (argument == "--font-scale") {
      font_scale = static_cast<float>(std::atof(value().c_str()));
      if (!(font_scale >= 0.5f && font_scale <= 4.0f)) {
        return usage_error("--font-scale: expected 0.5 to 4");
      }
    } else if (argument == "--timeout") {
      timeout_s = std::atof(value().c_str());
    } else if (argument == "--frame-times") {
      frame_times = true;
    } else if (argument == "--frames") {
      max_frames = std::atoi(value().c_str());
    } else if (argument == "-h" || argument == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (argument == "--version") {
      std::printf("pumpviewer %s\n", PUMPTWIN_VERSION);
      return 0;
    } else if (!argument.empty() && argument[0] != '-') {
      target = argument;
    } else {
      return usage_error("unknown option '" + argument + "'");
    }
  }

  RunData data;
  std::unique_ptr<LiveClient> client;
  const bool offline = std::filesystem::is_directory(target);
  if (offline) {
    const std::string problem = load_run_directory(target, data);
    if (!problem.empty()) {
      std::fprintf(stderr, "pumpviewer: %s\n", problem.c_str());
      return 1;
    }
  } else {
    std::string host;
    unsigned short port = 0;
    const std::string problem = pumptwin::live::parse_endpoint(target, host, port);
    if (!problem.empty()) {
      return usage_error("'" + target + "' is neither a run folder nor HOST:PORT: " + problem);
    }
    client = std::make_unique<LiveClient>(data, host, port, token);
    client->start();
  }

  if (!glfwInit()) {
    std::fprintf(stderr, "pumpviewer: cannot initialise GLFW (no display?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  if (!screenshot.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(width, height, "pumpviewer", nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "pumpviewer: cannot open an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(screenshot.empty() ? 1 : 0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  load_font(font_scale > 0.0f ? font_scale : (width >= 1800 ? 1.25f : 1.0f));
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  Viewer viewer(data, client.get());
  auto place_view = [&](double end_s) {
    if (!std::isnan(view_from_s)) {
      viewer.show_window(view_from_s, view_to_s);
    } else {
      viewer.show_all(end_s);
    }
  };
  if (offline) {
    place_view(data.duration_s);
    viewer.set_cursor(std::isnan(at_s) ? data.latest_time() : at_s);
    place_view(data.duration_s);
  }
  const auto start = std::chrono::steady_clock::now();
  int frames = 0;
  double frame_ms_total = 0.0;
  double frame_ms_worst = 0.0;
  int ready_frames = 0;
  int exit_code = 0;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    const auto frame_start = std::chrono::steady_clock::now();
    {
      // Ctrl+= / Ctrl+-: text size.
      ImGuiIO& io = ImGui::GetIO();
      const bool control = glfwGetKey(window, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS ||
                           glfwGetKey(window, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS;
      static bool held = false;
      const bool bigger = control && glfwGetKey(window, GLFW_KEY_EQUAL) == GLFW_PRESS;
      const bool smaller = control && glfwGetKey(window, GLFW_KEY_MINUS) == GLFW_PRESS;
      if ((bigger || smaller) && !held) {
        io.FontGlobalScale =
            std::clamp(io.FontGlobalScale * (bigger ? 1.1f : 1.0f / 1.1f), 0.6f, 3.0f);
      }
      held = bigger || smaller;
    }
    int fb_width = 0;
    int fb_height = 0;
    glfwGetFramebufferSize(window, &fb_width, &fb_height);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    viewer.frame(static_cast<float>(fb_width), static_cast<float>(fb_height));
    ImGui::Render();
    glViewport(0, 0, fb_width, fb_height);
    glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
    const double frame_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start)
            .count();
    ++frames;
    frame_ms_total += frame_ms;
    frame_ms_worst = std::max(frame_ms_worst, frame_ms);
    if (max_frames > 0 && frames >= max_frames) break;
    if (!screenshot.empty()) {
      bool ready = offline;
      {
        std::lock_guard lock(data.mutex);
        if (!offline) {
          ready = !data.times.empty() &&
                  (data.ended || (!std::isnan(at_s) && data.latest_time() >= at_s));
          if (ready && !std::isnan(at_s)) {
            // Hold the view at the requested time once the run has reached it.
            static bool placed = false;
            if (!placed) {
              place_view(std::max(at_s, 3600.0));
              viewer.set_cursor(at_s);
              place_view(std::max(at_s, 3600.0));
              placed = true;
            }
          }
        }
      }
      if (ready && ++ready_frames >= 3) {
        if (!write_png(screenshot, fb_width, fb_height)) {
          std::fprintf(stderr, "pumpviewer: cannot write %s\n", screenshot.c_str());
          exit_code = 1;
        }
        break;
      }
      if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
          timeout_s) {
        std::fprintf(stderr, "pumpviewer: no data to take the screenshot within %.0f s\n",
                     timeout_s);
        exit_code = 1;
        break;
      }
    }
    glfwSwapBuffers(window);
  }
  if (frame_times) {
    std::printf("frames %d mean_frame_ms %.3f worst_frame_ms %.3f samples %zu\n", frames,
                frames > 0 ? frame_ms_total / frames : 0.0, frame_ms_worst, data.times.size());
  }
  client.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
