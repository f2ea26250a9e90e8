// The platform a scenario's setup describes (patient, drug, reservoir, catheter, battery,
// firmware settings, evaluation mode, waveform window), and whether a firmware image can run it.
#pragma once

#include <string>

#include "platform.h"
#include "scenario.h"
#include "scenario_run.h"

namespace pumpbench {

pumptwin::platform::PlatformConfig platform_config(const Scenario& scenario,
                                                   const RunOptions& options);

// The image's settings are compiled in (main.cpp: PumpConfig{}); a scenario that sets others
// can run on the host build only. Returns the problem, empty when the image fits.
std::string image_conflict(const Scenario& scenario, const pumpfw::app::PumpConfig& wanted);

}  // namespace pumpbench
