// Writes docs/sensitivity.md from a sensitivity campaign's report (`pumpbench campaign
// campaigns/sensitivity.yaml`: the Morris screening of whole-chain runs, campaign.json's
// "sensitivity") and the patient variability of the patient model's safety outputs over
// generated patients. campaigns/sensitivity.sh runs both. Exit code 2 on a usage, read or write
// error, or a campaign without a complete screening.
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "twin/physio/validation/sensitivity.h"

namespace {

using nlohmann::json;
using namespace pumptwin::physio::validation;

int fail(const std::string& message) {
  std::fprintf(stderr, "physio_sensitivity: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "usage: physio_sensitivity <campaign output folder> <output file, e.g. "
                 "docs/sensitivity.md>\n");
    return 2;
  }
  const std::string report = std::string(argv[1]) + "/campaign.json";
  std::ifstream in(report);
  if (!in) return fail("cannot read " + report);
  Screening screening;
  try {
    const json campaign = json::parse(in);
    if (!campaign.contains("sensitivity")) {
      return fail(report + " is not a sensitivity campaign's (no \"sensitivity\")");
    }
    const json& spec = campaign["sensitivity"];
    screening.campaign_file = spec["campaign_file"].get<std::string>();
    screening.campaign_file_sha256 = campaign["campaign_file_sha256"].get<std::string>();
    screening.description = campaign["description"].get<std::string>();
    screening.trajectories = spec["trajectories"].get<std::size_t>();
    screening.levels = spec["levels"].get<std::size_t>();
    screening.seed = spec["seed"].get<std::uint64_t>();
    screening.runs = campaign["runs_total"].get<std::size_t>();
    for (const json& factor : spec["factors"]) {
      const Factor* known = find_factor(factor["id"].get<std::string>());
      if (known == nullptr) return fail("unknown factor " + factor["id"].dump());
      screening.factors.push_back(known);
    }
    for (const json& cell : spec["cells"]) {
      if (cell.contains("missing_points")) {
        return fail(report + ": the cell " + cell["scenario"].get<std::string>() + "/" +
                    cell["variant"].get<std::string>() + " has design points without outputs " +
                    cell["missing_points"].dump());
      }
      ScreenedCell screened{cell["scenario"].get<std::string>(),
                            cell["variant"].get<std::string>(),
                            {},
                            {std::vector<std::vector<double>>(screening.factors.size()),
                             std::vector<std::vector<double>>(screening.factors.size())}};
      for (const json& output : cell["outputs"]) {
        screened.outputs.push_back(output["output"].get<std::string>());
        for (std::size_t i = 0; i < screening.factors.size(); ++i) {
          for (const json& entry : output["ranking"]) {
            if (entry["factor"] != screening.factors[i]->id) continue;
            screened.effects.mu_star[i].push_back(entry["mu_star"].get<double>());
            screened.effects.sigma[i].push_back(entry["sigma"].get<double>());
          }
        }
      }
      screening.cells.push_back(std::move(screened));
    }
  } catch (const json::exception& error) {
    return fail(report + ": " + error.what());
  }
  const auto patients = patient_variability(kVariabilityCohortSeed, kVariabilityPatients);
  std::ofstream out(argv[2], std::ios::binary);
  out << sensitivity_markdown(screening, patients);
  out.close();
  if (!out) return fail(std::string("cannot write ") + argv[2]);
  std::printf("%zu runs' screening and %zu patients written to %s\n", screening.runs,
              patients.size(), argv[2]);
  return 0;
}
