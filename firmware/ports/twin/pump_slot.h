// The firmware's board layer in the twin (ports/twin): where the pump firmware's one instance
// lives while the MCU model (twin/mcu) runs it. The HAL itself is implemented in twin/mcu,
// next to the SystemC models it talks to; this layer holds no SystemC, as the firmware never
// does (DESIGN.md, "firmware/").
//
// A reset or a power loss ends the firmware instance and a new one boots in the same storage,
// as RAM is reused on the real MCU: no heap, whatever the number of resets.
#pragma once

#include "app/pump.h"
#include "hal/hal.h"

namespace pumpfw::ports::twin {

class PumpSlot {
 public:
  PumpSlot() = default;
  ~PumpSlot() { clear(); }
  PumpSlot(const PumpSlot&) = delete;
  PumpSlot& operator=(const PumpSlot&) = delete;

  // Constructs the firmware on the given board and runs its boot sequence (the reset handler
  // calling main on the target).
  app::Pump& boot(hal::Hal& hal, const app::PumpConfig& config);
  // One pass of the main loop; returns the RTC tick to sleep until.
  hal::Ticks run_once() { return pump_->run_once(); }
  // The MCU was reset or lost power: whatever the firmware held in RAM is gone.
  void clear();

  bool running() const { return pump_ != nullptr; }
  app::Pump* pump() { return pump_; }
  const app::Pump* pump() const { return pump_; }

 private:
  alignas(app::Pump) unsigned char storage_[sizeof(app::Pump)];
  app::Pump* pump_ = nullptr;
};

}  // namespace pumpfw::ports::twin
