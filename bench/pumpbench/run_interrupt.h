// Ctrl-C and SIGTERM: the handler only sets a flag; the run loop looks at it at its sync points
// and at least every WallPacer::kSliceS of wall time, stops the simulation there and writes
// complete outputs (status "interrupted", exit 130). A suite or campaign stops before its next
// worker.
#pragma once

namespace pumpbench {

void install_interrupt_handler();
bool interrupt_requested();

}  // namespace pumpbench
