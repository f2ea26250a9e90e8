// libFuzzer target: the live protocol's command path (bench/live) on arbitrary bytes from a
// client: the line decoder, the message check, then the command read as the run reads it
// (parse_live_action through the scenario loader's reader, parse_step_duration). The harness
// aborts if an accepted command carries a non-finite time or a dose the firmware's integers
// cannot hold exactly (firmware_commands.h would throw).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "firmware_commands.h"
#include "live_commands.h"
#include "protocol.h"
#include "scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pumptwin::live;
  LineDecoder decoder(kMaxClientMessageBytes);
  decoder.feed(std::string_view(reinterpret_cast<const char*>(data), size));
  decoder.feed("\n");
  Json message;
  std::string error;
  const pumpbench::Setup setup;
  while (decoder.next(message, error)) {
    if (!error.empty() || !check_client_message(message, pumpbench::action_names()).empty())
      continue;
    const std::string type = message["type"];
    if (type == "step") {
      const auto duration = parse_step_duration(message, error);
      if (duration && !(std::isfinite(*duration) && *duration > 0.0)) std::abort();
      continue;
    }
    if (action_of(type).empty()) continue;
    pumpbench::Step step;
    if (!parse_live_action(
            message, setup, [](const std::string& name) { return name == "shaft_load"; }, step,
            error)) {
      continue;
    }
    try {
      if (const auto* program = std::get_if<pumpbench::ProgramAction>(&step.action)) {
        pumpbench::program_payload(program->program);
      } else if (const auto* bolus = std::get_if<pumpbench::ClinicianBolusAction>(&step.action)) {
        pumpbench::clinician_bolus_payload(bolus->dose_ug, bolus->duration_minutes);
      } else if (const auto* refill = std::get_if<pumpbench::RefillAction>(&step.action)) {
        pumpbench::firmware_whole(refill->concentration_ug_per_ml, UINT32_MAX, "ug/mL");
        pumpbench::firmware_whole(refill->volume_ul, UINT32_MAX, "uL");
      }
    } catch (const std::invalid_argument&) {
      std::abort();  // a value the reader let through that the pump cannot hold as typed
    }
  }
  return 0;
}
