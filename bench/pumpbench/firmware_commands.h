// The therapy commands as the pump receives them (docs/telemetry.md; decoded by
// firmware/app/pump_commands.cpp): a scenario's program, PTM settings, clinician bolus, refill,
// priming bolus and alarm acknowledgement, a live client's and the programmer CLI's, encoded
// by this one code. Every quantity becomes the firmware's
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
// The largest volume written anywhere (reservoir, fill, refill, low-reservoir level): beyond
// any implanted reservoir (20 or 40 mL), so that the pump's own capacity check is what refuses.
inline constexpr double kMaxVolumeUl = 100e3;  // 100 mL
// The strongest concentration a refill may name: beyond the drug library's (25 mg/mL at most),
// so that the library's refusal can be tested.
inline constexpr double kMaxConcentrationUgPerMl = 1e6;  // 1000 mg/mL

// Whole nanograms (of a dose, or per day of a rate) in the firmware's u32 field.
uint32_t firmware_nanograms(double micrograms);
// Whole units (uL, ug/mL) in a field of at most `field_max`.
uint32_t firmware_whole(double value, uint32_t field_max, const char* unit);

// A command without arguments (PTM press, alarm test).
std::vector<uint8_t> command_payload(pumpfw::app::Command command);
std::vector<uint8_t> program_payload(const ProgramSpec& program);
std::vector<uint8_t> ptm_payload(const PtmSpec& ptm);
std::vector<uint8_t> clinician_bolus_payload(double dose_ug, uint16_t duration_minutes);
// A refill of `drug_id` (the firmware's drug number); the volume is the syringe's.
std::vector<uint8_t> refill_payload(uint8_t drug_id, double concentration_ug_per_ml,
                                    double volume_ul, double low_reservoir_ul,
                                    double bridge_volume_ul);
std::vector<uint8_t> priming_bolus_payload(double volume_ul);
std::vector<uint8_t> acknowledge_alarms_payload(uint16_t alarm_bits);

}  // namespace pumpbench
