// The target's main loop: the same firmware the twin runs, over the register-level HAL.
// Everything lives on main's stack; the only global is the probe a debugger reads (probe.h).
#include "app/pump.h"
#include "m0plus_hal.h"
#include "probe.h"

extern "C" {
__attribute__((used)) volatile pumpfw::port::PumpProbe pumpfw_probe;
}

int main() {
  pumpfw::port::M0PlusHal hal;
  pumpfw::app::Pump pump(hal, pumpfw::app::PumpConfig{});
  pump.boot();
  for (;;) {
    const pumpfw::hal::Ticks wake_ticks = pump.run_once();
    const uint64_t reservoir_nl = pump.reservoir_volume_nl();
    pumpfw_probe.active_alarms = pump.active_alarms();
    pumpfw_probe.wall_clock_s = pump.wall_clock_s();
    pumpfw_probe.reservoir_volume_nl_lo = static_cast<uint32_t>(reservoir_nl);
    pumpfw_probe.reservoir_volume_nl_hi = static_cast<uint32_t>(reservoir_nl >> 32);
    pumpfw_probe.magic = pumpfw::port::PumpProbe::kMagic;
    hal.sleep_until(wake_ticks);
  }
}
