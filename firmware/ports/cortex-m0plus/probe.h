// The pump's state as of its last pass, published by the target's main loop at the symbol
// `pumpfw_probe` for a debugger and for the twin's ISS (the bench reads alarms, the reservoir
// and the firmware clock from it when it runs the image, as it reads them from the host build's
// Pump object). 32-bit fields only, so the layout is the same on the target and the host.
#pragma once

#include <cstdint>

namespace pumpfw::port {

struct PumpProbe {
  static constexpr uint32_t kMagic = 0x50524F42;  // "PROB": the main loop has run a pass
  uint32_t magic;
  uint32_t active_alarms;
  uint32_t wall_clock_s;
  uint32_t reservoir_volume_nl_lo;
  uint32_t reservoir_volume_nl_hi;

  uint64_t reservoir_volume_nl() const {
    return static_cast<uint64_t>(reservoir_volume_nl_hi) << 32 | reservoir_volume_nl_lo;
  }
};

}  // namespace pumpfw::port
