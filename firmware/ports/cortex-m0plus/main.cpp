// The target's main loop: the same firmware the twin runs, over the register-level HAL.
// Everything lives on main's stack; nothing is global.
#include "app/pump.h"
#include "m0plus_hal.h"

int main() {
  pumpfw::port::M0PlusHal hal;
  pumpfw::app::Pump pump(hal, pumpfw::app::PumpConfig{});
  pump.boot();
  for (;;) hal.sleep_until(pump.run_once());
}
