#include "pathway_loader.h"

#include <yaml-cpp/yaml.h>

#include "pathway_protocol.h"
#include "yaml_fields.h"

namespace pumpbench {

bool pathway_has_protocol(const std::string& drug) {
  return find_protocol(drug) != nullptr;
}

void read_pathway(Context& context, const YAML::Node& node, Scenario& scenario) {
  Fields fields(context, node, "pathway", {"trial", "opioid_status", "follow_up", "ptm"});
  if (!fields.valid()) return;
  PathwaySpec spec;
  spec.trial = fields.choice("trial", {"bolus", "infusion"}, "trial").value_or(spec.trial);
  spec.opioid_status = fields.choice("opioid_status", {"patient", "naive", "tolerant"},
                                     "opioid status")
                           .value_or(spec.opioid_status);
  spec.follow_up_s = fields.quantity("follow_up", Dimension::kTime, 3600.0, 90 * 86400.0,
                                     "1 h to 90 d");
  spec.ptm = fields.boolean("ptm").value_or(spec.ptm);
  const Setup& setup = scenario.setup;
  if (!pathway_has_protocol(setup.drug)) {
    context.error(node, "pathway",
                  "no pathway protocol for " + setup.drug + " (there is one for " +
                      joined(protocol_drugs()) + ")");
  }
  // The pathway programs the pump itself, from the trial on.
  if (setup.program) {
    context.error(node, "pathway",
                  "a pathway scenario has no setup.program: the pathway programs the pump");
  }
  if (setup.ptm) {
    context.error(node, "pathway",
                  "a pathway scenario has no setup.ptm: the pathway sets the PTM at implant");
  }
  scenario.pathway = spec;
}

}  // namespace pumpbench
