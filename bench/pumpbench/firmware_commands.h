// The therapy commands as the pump receives them (docs/telemetry.md; decoded by
// firmware/app/pump_commands.cpp): a scenario's program, PTM settings and clinician bolus,
// and the programmer CLI's, encoded by this one code. Every quantity becomes the firmware's
// integer through firmware_integer (units.h): exactly the value written, or nothing. The
// loader and the CLI refuse what cannot be held before a run starts, so a failure here is the
// bench's own mistake and throws std::invalid_argument rather than send another value.
#pragma once

#include <cstdint>
#include <vector>

#include "app/pump.h"
#include "scenario.h"

namespace pumpbench {

// The widest doses a scenario, a live client or the programmer CLI may send: beyond any
// intrathecal therapy, yet within the firmware's fields, so that the pump's own limits (the
// drug library's daily maximum) are what refuse a large dose, and can be tested.
inline constexpr double kMaxDoseUg = 1e5;            // 100 mg
inline constexpr double kMaxDoseRateUgPerDay = 1e6;  // 1000 mg/day

// Whole nanograms (of a dose, or per day of a rate) in the firmware's u32 field.
uint32_t firmware_nanograms(double micrograms);
// Whole units (uL, ug/mL) in a field of at most `field_max`.
uint32_t firmware_whole(double value, uint32_t field_max, const char* unit);

// A command without arguments (PTM press, alarm test).
std::vector<uint8_t> command_payload(pumpfw::app::Command command);
std::vector<uint8_t> program_payload(const ProgramSpec& program);
std::vector<uint8_t> ptm_payload(const PtmSpec& ptm);
std::vector<uint8_t> clinician_bolus_payload(double dose_ug, uint16_t duration_minutes);

}  // namespace pumpbench
