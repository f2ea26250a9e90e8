// One fixed scenario through the whole platform, printed as a digest of everything a run
// leaves behind: run by the determinism test once per mode and seed (SystemC elaborates once
// per process). Usage: platform_probe decoupled|lockstep SEED
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <systemc>

#include "platform.h"

int sc_main(int argc, char* argv[]) {
  using pumptwin::platform::Platform;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s decoupled|lockstep SEED\n", argv[0]);
    return 2;
  }
  Platform::use_time_resolution();
  pumptwin::platform::PlatformConfig config;
  config.mode = std::strcmp(argv[1], "lockstep") == 0 ? pumptwin::asic::SimulationMode::kLockstep
                                                      : pumptwin::asic::SimulationMode::kDecoupled;
  config.seed = std::strtoull(argv[2], nullptr, 10);
  Platform platform("platform", config);
  pumptwin::platform::PumpStatus status;
  bool answered = false;
  platform.run([&] {
    sc_core::wait(sc_core::sc_time(1, sc_core::SC_SEC));
    platform.programmer.refill(1, 10000, 20000, 2000);
    // Morphine 12 mg/day: a full step every 18 s.
    platform.programmer.program_continuous(12'000'000);
    sc_core::wait(sc_core::sc_time(1200, sc_core::SC_SEC));
    answered = platform.programmer.interrogate(status).accepted();
  });
  // FNV-1a over the whole NVM: records and event log.
  uint64_t nvm_hash = 0xcbf29ce484222325ull;
  for (uint32_t i = 0; i < platform.mcu.nvm().size_bytes(); ++i) {
    nvm_hash = (nvm_hash ^ platform.mcu.nvm().byte(i)) * 0x100000001b3ull;
  }
  std::printf("answered %d\n", answered ? 1 : 0);
  std::printf("time_ns %" PRIu64 "\n", static_cast<uint64_t>(sc_core::sc_time_stamp().value()));
  std::printf("displaced_ul %a\n", platform.drive_train.displaced_volume_ul());
  std::printf("strokes %" PRIu64 "\n", platform.strokes());
  std::printf("wake_ups %" PRIu64 " spi_frames %" PRIu64 " boots %u\n", platform.mcu.wake_ups(),
              platform.mcu.spi_frames(), platform.mcu.boots());
  std::printf("driven_microsteps %u undriven %u alarms %u battery_mv %u events %u\n",
              status.driven_microsteps, status.undriven_microsteps, status.alarms,
              status.battery_mv, status.events);
  std::printf("nvm_fnv1a %016" PRIx64 "\n", nvm_hash);
  std::printf("cell_v %a drawn_mah %a\n", platform.power.terminal_v(),
              platform.power.cell().drawn_mah());
  std::printf("adc_inputs_v %a %a %a %a\n", platform.sensors.battery_input_v(),
              platform.sensors.temperature_input_v(), platform.sensors.reservoir_pressure_input_v(),
              platform.sensors.outlet_pressure_input_v());
  std::printf("patient_delivered_ul %a\n", platform.patient.twin().delivered_volume_ul());
  return 0;
}
