// pumpviewer under xvfb-run (Mesa llvmpipe): joins a live run late (pumpbench run --serve on
// 127.0.0.1, a day and more in), takes a screenshot at a simulated time, and the PNG shows the
// plots: many colours and drawn pixels in the plot area from the start of the run (the
// history, not a line across it), not a blank or error frame. Also a recorded run. Both at
// 1280x720 and 1920x1080.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <stb_image.h>

#include "../support/child_process.h"
#include "../support/test_files.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path fresh_dir(const std::string& name) {
  return pumptwin::testing::fresh_dir("pumptwin_viewer", name);
}

struct PlotPixels {
  std::size_t distinct_colours = 0;
  double drawn_fraction = 0.0;  // pixels differing from the plot background
};

// The plots fill the left of the window below the header; [from, to) are fractions of the
// width.
PlotPixels measure(const fs::path& png, double from = 0.0, double to = 0.6) {
  int width = 0;
  int height = 0;
  int channels = 0;
  unsigned char* pixels = stbi_load(png.c_str(), &width, &height, &channels, 3);
  EXPECT_NE(pixels, nullptr) << png;
  if (pixels == nullptr) return {};
  std::set<uint32_t> colours;
  std::size_t drawn = 0;
  std::size_t total = 0;
  for (int y = height / 10; y < height * 9 / 10; ++y) {
    for (int x = std::max(10, static_cast<int>(width * from)); x < width * to; ++x) {
      const unsigned char* p = pixels + (static_cast<std::size_t>(y) * width + x) * 3;
      const uint32_t colour = (p[0] << 16) | (p[1] << 8) | p[2];
      colours.insert(colour);
      // Plot background is (22, 24, 30); window background is darker still.
      if (p[0] > 60 || p[1] > 60 || p[2] > 60) ++drawn;
      ++total;
    }
  }
  stbi_image_free(pixels);
  return {colours.size(), static_cast<double>(drawn) / static_cast<double>(total)};
}

std::string size_text(const std::pair<int, int>& size) {
  return std::to_string(size.first) + "x" + std::to_string(size.second);
}

int run(const std::string& command) {
  return pumptwin::testing::run_command(command).exit_code;
}

class Viewer : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(Viewer, LiveScreenshotJoinedLateShowsThePlotsFromTheStart) {
  const std::string size = size_text(GetParam());
  const fs::path dir = fresh_dir("live_" + size);
  std::vector<std::string> arguments = {PUMPBENCH,     "run",        DEMO_SCENARIO, "--quiet",
                                        "--out",       dir / "run",  "--serve",     "127.0.0.1:0",
                                        "--port-file", dir / "port", "--realtime",  "86400"};
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  ASSERT_EQ(posix_spawn(&child, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  for (int i = 0; i < 500 && !fs::exists(dir / "port"); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(fs::exists(dir / "port"));
  std::ifstream port_file(dir / "port");
  int port = 0;
  port_file >> port;
  // Join a day into the run (a day a second): the plots before come from the history.
  std::this_thread::sleep_for(1200ms);
  const fs::path png = dir / "live.png";
  const auto start = std::chrono::steady_clock::now();
  const int code = run("xvfb-run -a -s '-screen 0 " + size + "x24' " + std::string(PUMPVIEWER) +
                       " 127.0.0.1:" + std::to_string(port) + " --screenshot " + png.string() +
                       " --at '1 d 12 h' --view '0..1 d 12 h' --size " + size + " --timeout 60");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  kill(child, SIGINT);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_EQ(code, 0);
  const PlotPixels pixels = measure(png);
  // The first tenth of the window's plots: the run's first hours, from the history.
  const PlotPixels early = measure(png, 0.04, 0.12);
  std::printf("live %s screenshot in %.1f s: %zu distinct colours, %.1f %% of the plot area "
              "drawn, %.1f %% of its first hours\n",
              size.c_str(), seconds, pixels.distinct_colours, 100.0 * pixels.drawn_fraction,
              100.0 * early.drawn_fraction);
  EXPECT_GT(pixels.distinct_colours, 50u);
  EXPECT_GT(pixels.drawn_fraction, 0.02);
  EXPECT_GT(early.drawn_fraction, 0.02);
  fs::remove_all(dir);
}

TEST_P(Viewer, RecordedRunScreenshotShowsThePlots) {
  const std::string size = size_text(GetParam());
  const fs::path dir = fresh_dir("offline_" + size);
  ASSERT_EQ(run(std::string(PUMPBENCH) + " run " + SHORT_SCENARIO + " --quiet --out " +
                (dir / "run").string()),
            0);
  const fs::path png = dir / "offline.png";
  ASSERT_EQ(run("xvfb-run -a -s '-screen 0 " + size + "x24' " + std::string(PUMPVIEWER) + " " +
                (dir / "run").string() + " --screenshot " + png.string() + " --at '1 h' --size " +
                size),
            0);
  const PlotPixels pixels = measure(png);
  EXPECT_GT(pixels.distinct_colours, 50u);
  EXPECT_GT(pixels.drawn_fraction, 0.02);
  // A directory that is not a run is refused.
  EXPECT_NE(run("xvfb-run -a " + std::string(PUMPVIEWER) + " " + dir.string() + " --screenshot " +
                (dir / "none.png").string() + " 2>/dev/null"),
            0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Sizes, Viewer,
                         ::testing::Values(std::make_pair(1280, 720), std::make_pair(1920, 1080)));

TEST(ViewerCommandLine, HelpOnStdoutVersionAndBadOptions) {
  EXPECT_EQ(run(std::string(PUMPVIEWER) + " --help | grep -q 'usage: pumpviewer'"), 0);
  EXPECT_EQ(run(std::string(PUMPVIEWER) + " --help >/dev/null 2>&1"), 0);
  EXPECT_EQ(run(std::string(PUMPVIEWER) + " --version | grep -q '^pumpviewer [0-9]'"), 0);
  EXPECT_EQ(run(std::string(PUMPVIEWER) + " --no-such-option 2>/dev/null"), 2);
  EXPECT_EQ(run(std::string(PUMPVIEWER) + " --view '2 d..1 d' 2>/dev/null"), 2);
}

}  // namespace
