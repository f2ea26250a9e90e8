// The foundation's demonstration (scripts/demo runs it until the bench has scenarios): a day of
// a pump's strokes through the motor-driver RTL and the drive train, then a seized gear and a
// hung controller, each with its verdict, and the figures that show what the twin costs.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <systemc>

#include "asic_register_access.h"
#include "drive_train.h"
#include "motor_driver_asic.h"

namespace {

namespace regs = pumpfw::asic;
using pumptwin::asic::MotorDriverAsic;
using pumptwin::asic::read_register;
using pumptwin::asic::write_register;

constexpr int kStrokesPerDay = 96;                // one every 15 minutes
constexpr uint16_t kFullStepsPerStroke = 16;      // 4 µL at 0.25 µL per step
constexpr uint16_t kWatchdogTimeoutTicks = 3840;  // 60 s of 64 Hz slow ticks
constexpr double kKickIntervalS = 30.0;           // well inside the timeout

sc_core::sc_time seconds(double s) {
  return sc_core::sc_time(s, sc_core::SC_SEC);
}
double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

struct Verdict {
  std::string name;
  bool pass;
  std::string detail;
};

class Controller {
 public:
  Controller(MotorDriverAsic& asic, pumptwin::mech::DriveTrain& drive_train)
      : asic_(asic), drive_train_(drive_train) {}

  void run() {
    write_register(asic_, regs::reg::kWdtTimeout, kWatchdogTimeoutTicks);
    kick();
    write_register(asic_, regs::reg::kIntMask,
                   regs::field::kIntStatusFaults.mask() | regs::field::kIntStatusMoveDone.mask());
    write_register(asic_, regs::reg::kCtrl, regs::field::kCtrlEnable.make(1));

    day_of_strokes();
    seized_gear();
    hung_controller();
    sc_core::sc_stop();
  }

  std::vector<Verdict> verdicts;

 private:
  void kick() { write_register(asic_, regs::reg::kWdtKick, regs::kWdtKickKey); }

  // One stroke; returns the FAULT register after it.
  uint16_t stroke() {
    kick();
    write_register(asic_, regs::reg::kMoveSteps, kFullStepsPerStroke);
    if (!asic_.irq.read()) sc_core::wait(asic_.irq.posedge_event());
    const uint16_t fault = read_register(asic_, regs::reg::kFault).data;
    write_register(asic_, regs::reg::kIntStatus, 0x1FF);
    return fault;
  }

  void day_of_strokes() {
    int faults = 0;
    const double stroke_interval_s = 86400.0 / kStrokesPerDay;
    for (int i = 0; i < kStrokesPerDay; ++i) {
      const double stroke_start_s = now_s();
      faults += stroke() != 0;
      // Sleep until the next stroke, waking only to kick the watchdog.
      const double next_stroke_s = stroke_start_s + stroke_interval_s;
      while (now_s() + kKickIntervalS < next_stroke_s) {
        sc_core::wait(seconds(kKickIntervalS));
        kick();
      }
      sc_core::wait(seconds(next_stroke_s - now_s()));
    }
    const double programmed_ul =
        kStrokesPerDay * kFullStepsPerStroke * drive_train_.volume_per_full_step_ul();
    const double displaced_ul = drive_train_.displaced_volume_ul();
    const double error_percent = 100.0 * (displaced_ul - programmed_ul) / programmed_ul;
    char detail[200];
    std::snprintf(detail, sizeof detail,
                  "%d strokes of %u steps: %.2f uL displaced, %.2f uL programmed (%+.3f %%)",
                  kStrokesPerDay, kFullStepsPerStroke, displaced_ul, programmed_ul, error_percent);
    verdicts.push_back(
        {"one day of strokes", faults == 0 && std::fabs(error_percent) <= 0.5, detail});

    const uint32_t total = pumptwin::asic::read_total_steps(asic_);
    const uint32_t expected = kStrokesPerDay * kFullStepsPerStroke * regs::kTotalStepsPerFullStep;
    std::snprintf(detail, sizeof detail, "TOTAL_STEPS %u eighth-steps, %u commanded", total,
                  expected);
    verdicts.push_back({"step counter", total == expected, detail});
  }

  void seized_gear() {
    const uint32_t total_before = pumptwin::asic::read_total_steps(asic_);
    const int64_t rotor_before = drive_train_.rotor_full_steps();
    drive_train_.set_extra_shaft_load_nm(0.05);  // corrosion has locked the gear train
    const double start_s = now_s();
    const uint16_t fault = stroke();
    const double detected_ms = (now_s() - start_s) * 1e3;
    const uint32_t counted = pumptwin::asic::read_total_steps(asic_) - total_before;
    char detail[200];
    std::snprintf(detail, sizeof detail,
                  "stall fault after %.1f ms, %u eighth-steps counted, rotor moved %lld steps",
                  detected_ms, counted,
                  static_cast<long long>(drive_train_.rotor_full_steps() - rotor_before));
    verdicts.push_back({"seized gear",
                        fault == regs::field::kFaultStall.mask() &&
                            drive_train_.rotor_full_steps() == rotor_before,
                        detail});
    write_register(asic_, regs::reg::kFault, 0x7F);
    drive_train_.set_extra_shaft_load_nm(0.0);
  }

  void hung_controller() {
    kick();
    const double last_kick_s = now_s();
    // The controller hangs: no more kicks, no more frames.
    sc_core::wait(asic_.reset_request.posedge_event());
    const double after_s = now_s() - last_kick_s;
    const uint16_t fault = read_register(asic_, regs::reg::kFault).data;
    const uint16_t ctrl = read_register(asic_, regs::reg::kCtrl).data;
    char detail[200];
    std::snprintf(detail, sizeof detail,
                  "reset requested %.3f s after the last kick (timeout 60 s), motor %s", after_s,
                  ctrl & regs::field::kCtrlEnable.mask() ? "still enabled" : "disabled");
    verdicts.push_back({"hung controller",
                        (fault & regs::field::kFaultWatchdog.mask()) != 0 &&
                            !(ctrl & regs::field::kCtrlEnable.mask()) && after_s >= 60.0 &&
                            after_s <= 60.0 + 2.0 / regs::kSlowTickHz,
                        detail});
  }

  MotorDriverAsic& asic_;
  pumptwin::mech::DriveTrain& drive_train_;
};

}  // namespace

int sc_main(int, char*[]) {
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  pumptwin::mech::DriveTrain drive_train;
  drive_train.set_outlet_pressure_mmhg(12.0);  // intrathecal pressure at the catheter tip
  MotorDriverAsic asic("asic", drive_train);
  Controller controller(asic, drive_train);
  sc_core::sc_spawn([&] { controller.run(); });

  const auto wall_start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  std::printf("\npumptwin foundation demonstration: motor-driver RTL + drive train\n\n");
  bool all_pass = true;
  for (const Verdict& v : controller.verdicts) {
    std::printf("  %-20s %s  %s\n", v.name.c_str(), v.pass ? "PASS" : "FAIL", v.detail.c_str());
    all_pass = all_pass && v.pass;
  }
  const double simulated_s = now_s();
  const double gated_cycles = simulated_s * 1e6;
  std::printf("\nfigures:\n");
  std::printf("  simulated time          %.1f s (%.2f days)\n", simulated_s, simulated_s / 86400);
  std::printf("  wall time               %.3f s\n", wall_s);
  std::printf("  real-time factor        %.0f\n", simulated_s / wall_s);
  std::printf("  RTL core cycles         %llu evaluated of %.3g in the simulated time (%.4f %%)\n",
              static_cast<unsigned long long>(asic.core_cycles_evaluated()), gated_cycles,
              100.0 * asic.core_cycles_evaluated() / gated_cycles);
  std::printf("  always-on edges         %llu\n",
              static_cast<unsigned long long>(asic.always_on_edges_evaluated()));
  std::printf("  SystemC sync points     %llu\n",
              static_cast<unsigned long long>(asic.sync_points()));
  std::printf("\nverdict: %s\n", all_pass ? "PASS" : "FAIL");
  return all_pass ? 0 : 1;
}
