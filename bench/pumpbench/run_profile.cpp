#include "run_profile.h"

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "platform.h"
#include "wall_pacer.h"

namespace pumpbench {

namespace {

double peak_resident_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace

void start_profile(pumptwin::platform::Platform& platform) {
  platform.asic.work_meter().enable(&WallPacer::clock_s);
  platform.mcu.firmware_work_meter().enable(&WallPacer::clock_s);
  platform.patient.work_meter().enable(&WallPacer::clock_s);
}

void finish_profile(pumptwin::platform::Platform& platform, double wall_s, double simulated_s,
                    const std::string& out_dir) {
  const double rtl_s = platform.asic.work_meter().seconds();
  const double firmware_s = platform.mcu.firmware_work_meter().seconds();
  const double physiology_s = platform.patient.work_meter().seconds();
  const double parts_s = rtl_s + firmware_s + physiology_s;
  const auto cycles = static_cast<double>(platform.asic.core_cycles_evaluated());
  struct Figure {
    const char* name;
    double value;
    const char* unit;
  };
  const Figure figures[] = {
      {"wall_s", wall_s, "s"},
      {"simulated_s", simulated_s, "s"},
      {"real_time_factor", wall_s > 0.0 ? simulated_s / wall_s : 0.0, "x"},
      {"rtl_s", rtl_s, "s"},
      {"rtl_core_cycles", cycles, "cycles"},
      {"rtl_always_on_edges", static_cast<double>(platform.asic.always_on_edges_evaluated()),
       "edges"},
      {"rtl_sync_points", static_cast<double>(platform.asic.sync_points()), "syncs"},
      {"rtl_ns_per_core_cycle", cycles > 0.0 ? rtl_s / cycles * 1e9 : 0.0, "ns"},
      {"firmware_s", firmware_s, "s"},
      {"firmware_wake_ups", static_cast<double>(platform.mcu.wake_ups()), "wake-ups"},
      {"firmware_spi_frames", static_cast<double>(platform.mcu.spi_frames()), "frames"},
      {"physiology_s", physiology_s, "s"},
      {"parts_s", parts_s, "s"},
      {"rest_s", wall_s - parts_s, "s"},
      {"overhead_vs_parts", parts_s > 0.0 ? wall_s / parts_s : 0.0, "x"},
      {"peak_memory_mb", peak_resident_mb(), "MB"},
  };
  nlohmann::ordered_json profile;
  for (const Figure& figure : figures) {
    profile[figure.name] = figure.value;
    std::printf("profile_%s %.6g %s\n", figure.name, figure.value, figure.unit);
  }
  std::ofstream(out_dir + "/profile.json") << profile.dump(2) << "\n";
  std::fflush(stdout);
}

}  // namespace pumpbench
