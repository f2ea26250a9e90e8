// Reads a scenario's `pathway:` section (pathway_spec.h) with located diagnostics.
#pragma once

#include "scenario.h"

namespace YAML {
class Node;
}

namespace pumpbench {

class Context;  // yaml_fields.h

// `pathway: {trial, opioid_status, follow_up, ptm}`. Called after the setup is read: a pathway
// scenario's drug must have a protocol (pathway.h) and its setup must not program the pump (the
// pathway does).
void read_pathway(Context& context, const YAML::Node& node, Scenario& scenario);

// The drugs the pathway has a protocol for.
bool pathway_has_protocol(const std::string& drug);

}  // namespace pumpbench
