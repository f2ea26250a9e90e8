#include "ports/twin/pump_slot.h"

#include <new>

namespace pumpfw::ports::twin {

app::Pump& PumpSlot::boot(hal::Hal& hal, const app::PumpConfig& config) {
  clear();
  pump_ = new (storage_) app::Pump(hal, config);
  pump_->boot();
  return *pump_;
}

void PumpSlot::clear() {
  if (pump_ == nullptr) return;
  pump_->~Pump();
  pump_ = nullptr;
}

}  // namespace pumpfw::ports::twin
