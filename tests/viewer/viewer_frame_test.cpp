// The viewer's window drawn headless (ImGui without a backend, as bench/perf/viewer_frame) at
// 1280x720 and 1920x1080 from a recorded run: time and value tick labels, every plot with
// data, the events on the time axis, the heat map with its colour scale and the catheter tip,
// the state panels filled from the recording.
#include <imgui.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "../support/test_files.h"
#include "run_data.h"
#include "viewer_ui.h"

namespace pumpviewer {
namespace {

namespace fs = std::filesystem;

// The whole run in view, the cursor at 1 h: what the last of three frames drew (the first
// ones lay out the windows).
FrameStats draw_at_one_hour(RunData& data, int width, int height) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
  unsigned char* pixels = nullptr;
  int atlas_width = 0;
  int atlas_height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &atlas_width, &atlas_height);
  Viewer viewer(data, nullptr);
  viewer.show_all(data.duration_s);
  viewer.set_cursor(3600.0);
  for (int i = 0; i < 3; ++i) {
    ImGui::NewFrame();
    viewer.frame(static_cast<float>(width), static_cast<float>(height));
    ImGui::Render();
  }
  const FrameStats drawn = viewer.last_frame();
  ImGui::DestroyContext();
  return drawn;
}

class ViewerFrame : public ::testing::TestWithParam<std::pair<int, int>> {
 protected:
  static void SetUpTestSuite() {
    run_dir_ = new fs::path(pumptwin::testing::fresh_dir("pumptwin_viewer_frame", "run"));
    const std::string command = std::string(PUMPBENCH) + " run " + SHORT_SCENARIO +
                                " --quiet --out " + run_dir_->string() + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*run_dir_);
    delete run_dir_;
  }
  static fs::path* run_dir_;
};
fs::path* ViewerFrame::run_dir_ = nullptr;

TEST_P(ViewerFrame, RecordedRunFillsEveryPanelWithAxes) {
  const auto [width, height] = GetParam();
  RunData data;
  ASSERT_EQ(load_run_directory(run_dir_->string(), data), "");
  ASSERT_FALSE(data.snapshots.empty()) << "snapshots.jsonl";
  ASSERT_GT(data.stroke_times.size(), 10u) << "strokes.csv";
  EXPECT_FALSE(data.run.value("catheter_tip_level", "").empty());
  EXPECT_FALSE(data.run.value("catheter_tip_signal", "").empty());  // the map marks its row
  const FrameStats drawn = draw_at_one_hour(data, width, height);
  // The 2 h run: time labels every 15 or 30 min on the lane and under the heat map.
  EXPECT_GE(drawn.time_tick_labels, 8) << width;
  EXPECT_GE(drawn.value_tick_labels, 14) << width;  // two or more on each of 7 plots
  EXPECT_GE(drawn.plots_with_data, 7) << width;     // supply current is live only
  EXPECT_GE(drawn.legend_entries, 9) << width;
  EXPECT_GE(drawn.event_markers, 2) << width;    // the PTM bolus granted and the press refused
  EXPECT_EQ(drawn.reference_bands, 2) << width;  // CSF 10-15 mmHg, respiratory threshold
  EXPECT_GT(drawn.heat_cells, 100) << width;
  EXPECT_EQ(drawn.colour_scale_labels, 5) << width;
  EXPECT_TRUE(drawn.tip_marked) << width;
  EXPECT_EQ(drawn.panels_filled, 4) << width;  // firmware, ASIC, reservoir, battery
}

// A recording of the firmware image (--firmware): the firmware block reads running from the
// image's probe, and the firmware image panel shows the core's figures (docs/protocol.md).
TEST(ViewerImageRun, FirmwareImagePanelShowsTheCore) {
  const fs::path run_dir = pumptwin::testing::fresh_dir("pumptwin_viewer_frame", "image_run");
  const std::string command = std::string(PUMPBENCH) + " run " + SHORT_SCENARIO +
                              " --quiet --firmware " + PUMPFW_M0PLUS_ELF + " --out " +
                              run_dir.string() + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  RunData data;
  ASSERT_EQ(load_run_directory(run_dir.string(), data), "");
  const Json snapshot = data.snapshot_at(3600.0);
  ASSERT_TRUE(snapshot.is_object());
  EXPECT_TRUE(snapshot.value("firmware", Json::object()).value("running", false));
  const Json image = snapshot.value("mcu", Json::object()).value("image", Json());
  ASSERT_TRUE(image.is_object());
  EXPECT_GT(image.value("instructions", 0.0), 1e6);
  EXPECT_GT(image.value("wfi_sleeps", 0.0), 50.0);  // at least one per 72 s stroke
  EXPECT_TRUE(image.value("last_fault", Json(1)).is_null());
  // The four panels of the host build's runs and the firmware image.
  EXPECT_EQ(draw_at_one_hour(data, 1280, 720).panels_filled, 5);
  fs::remove_all(run_dir);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ViewerFrame,
                         ::testing::Values(std::make_pair(1280, 720), std::make_pair(1920, 1080)));

}  // namespace
}  // namespace pumpviewer
