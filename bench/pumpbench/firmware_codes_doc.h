// docs/telemetry.md's tables of alarm bits, event codes and refusal codes, generated from their
// one definition (firmware/app/alarms.def, events.def, refusals.def): `pumpbench firmware-codes`.
#pragma once

#include <string>

namespace pumpbench {

// Prints the tables; with a document, writes them into its generated blocks (update) or exits 1
// unless they are as generated (check). A document without the blocks is bad input (exit 2).
int firmware_codes_command(const std::string& update_doc, const std::string& check_doc);

}  // namespace pumpbench
