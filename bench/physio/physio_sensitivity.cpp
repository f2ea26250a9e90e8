// Writes docs/sensitivity.md from sensitivity campaigns' reports (`pumpbench campaign FILE` for
// each campaign file of campaigns/sensitivity/: the Morris screenings of whole-chain runs,
// campaign.json's "sensitivity") and the patient variability of the patient model's safety
// outputs over generated patients; campaigns/sensitivity.sh runs both. With --check, compares the
// document's freshness record with the one the campaigns' first design points give when re-run
// (`pumpbench campaign FILE --shard 0/P`, their shard.json). Exit code 1 when the record differs,
// 2 on a usage, read or write error, or a campaign without a complete screening.
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "twin/physio/validation/sensitivity.h"

namespace {

using nlohmann::json;
using namespace pumptwin::physio::validation;

constexpr const char* kRegenerate = "campaigns/sensitivity.sh build/default OUT 2";

int fail(const std::string& message) {
  std::fprintf(stderr, "physio_sensitivity: %s\n", message.c_str());
  return 2;
}

// A campaign's screening from its output folder: campaign.json (the whole campaign) or, without
// it, shard.json (a shard: the first design points only, no effects). Each cell's first design
// point and its outputs come from the report's runs. nullopt after a message on stderr.
std::optional<Screening> read_screening(const std::string& folder) {
  std::string report = folder + "/campaign.json";
  std::ifstream in(report);
  const bool whole = static_cast<bool>(in);
  if (!whole) {
    report = folder + "/shard.json";
    in.open(report);
  }
  if (!in) {
    fail("cannot read " + folder + "/campaign.json or " + folder + "/shard.json");
    return std::nullopt;
  }
  Screening screening;
  try {
    const json campaign = json::parse(in);
    if (campaign.value("sensitivity", json()).is_null()) {
      fail(report + " is not a sensitivity campaign's (no \"sensitivity\")");
      return std::nullopt;
    }
    const json& spec = campaign["sensitivity"];
    // A shard report names the campaign file at its top, campaign.json in its screening.
    screening.campaign_file =
        campaign.value("campaign_file", spec.value("campaign_file", std::string()));
    screening.inputs_sha256 = campaign["inputs_sha256"].get<std::string>();
    screening.name = campaign["campaign"].get<std::string>();
    screening.description = campaign["description"].get<std::string>();
    screening.trajectories = spec["trajectories"].get<std::size_t>();
    screening.levels = spec["levels"].get<std::size_t>();
    screening.seed = spec["seed"].get<std::uint64_t>();
    screening.runs = campaign["runs_total"].get<std::size_t>();
    for (const json& factor : spec["factors"]) {
      const Factor* known = find_factor(factor["id"].get<std::string>());
      if (known == nullptr) {
        fail("unknown factor " + factor["id"].dump());
        return std::nullopt;
      }
      screening.factors.push_back(known);
    }
    const std::vector<std::string> outputs = spec["outputs"].get<std::vector<std::string>>();
    for (const json& run : campaign["runs"]) {
      if (run["point"] != 0) continue;
      ScreenedCell cell;
      cell.scenario = run["scenario"].get<std::string>();
      cell.variant = run["variant"].get<std::string>();
      cell.outputs = outputs;
      cell.first_run = run["id"].get<std::string>();
      for (const json& scenario : campaign["scenarios"]) {
        if (scenario["id"] == cell.scenario) cell.scenario_name = scenario["name"];
      }
      const json figures = run.contains("result") ? run["result"].value("figures", json::object())
                                                  : run.value("figures", json::object());
      for (const std::string& output : outputs) {
        const auto found = figures.find(output);
        cell.first_outputs.push_back(found != figures.end() && found->is_number()
                                         ? found->get<double>()
                                         : std::numeric_limits<double>::quiet_NaN());
      }
      screening.cells.push_back(std::move(cell));
    }
    if (!whole) return screening;
    for (ScreenedCell& cell : screening.cells) {
      for (const json& screened : spec["cells"]) {
        if (screened["scenario"] != cell.scenario || screened["variant"] != cell.variant) continue;
        if (screened.contains("missing_points")) {
          fail(report + ": the cell " + cell.scenario + "/" + cell.variant +
               " has design points without outputs " + screened["missing_points"].dump());
          return std::nullopt;
        }
        cell.effects.mu_star.assign(screening.factors.size(), {});
        cell.effects.sigma.assign(screening.factors.size(), {});
        for (const json& output : screened["outputs"]) {
          for (std::size_t i = 0; i < screening.factors.size(); ++i) {
            for (const json& entry : output["ranking"]) {
              if (entry["factor"] != screening.factors[i]->id) continue;
              cell.effects.mu_star[i].push_back(entry["mu_star"].get<double>());
              cell.effects.sigma[i].push_back(entry["sigma"].get<double>());
            }
          }
        }
      }
    }
  } catch (const json::exception& error) {
    fail(report + ": " + error.what());
    return std::nullopt;
  }
  return screening;
}

std::optional<std::vector<Screening>> read_screenings(char** first, char** last) {
  std::vector<Screening> screenings;
  for (char** folder = first; folder != last; ++folder) {
    std::optional<Screening> screening = read_screening(*folder);
    if (!screening) return std::nullopt;
    screenings.push_back(std::move(*screening));
  }
  return screenings;
}

// The document's freshness record: from its heading to the next heading of its level.
std::string freshness_section(const std::string& document) {
  const std::size_t start = document.find(kFreshnessHeading);
  if (start == std::string::npos) return "";
  const std::size_t paragraph = document.find("\n\n", document.find("|", start));
  return document.substr(
      start, paragraph == std::string::npos ? std::string::npos : paragraph + 1 - start);
}

int check(const std::string& document_file, const std::vector<Screening>& screenings) {
  std::ifstream in(document_file, std::ios::binary);
  if (!in) return fail("cannot read " + document_file);
  std::ostringstream document;
  document << in.rdbuf();
  const std::string recorded = freshness_section(document.str());
  const std::string rerun = freshness_markdown(screenings);
  if (recorded == rerun) {
    std::printf("%s is fresh: %zu campaigns' first design points re-run as recorded\n",
                document_file.c_str(), screenings.size());
    return 0;
  }
  std::fprintf(stderr,
               "physio_sensitivity: %s is stale: its freshness record differs from the re-run "
               "first design points (model or inputs changed since it was generated); "
               "regenerate it with `%s`\n",
               document_file.c_str(), kRegenerate);
  std::istringstream recorded_lines(recorded);
  std::istringstream rerun_lines(rerun);
  std::string a;
  std::string b;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(recorded_lines, a));
    const bool more_b = static_cast<bool>(std::getline(rerun_lines, b));
    if (!more_a && !more_b) break;
    if (more_a && more_b && a == b) continue;
    if (more_a) std::fprintf(stderr, "  document: %s\n", a.c_str());
    if (more_b) std::fprintf(stderr, "  re-run:   %s\n", b.c_str());
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const bool checking = argc >= 2 && std::string(argv[1]) == "--check";
  if (argc < 3 || (checking && argc < 4)) {
    std::fprintf(stderr,
                 "usage: physio_sensitivity <campaign output folder>... <output file, e.g. "
                 "docs/sensitivity.md>\n"
                 "       physio_sensitivity --check <docs/sensitivity.md> <output folder of each "
                 "campaign's first design points (--shard 0/P)>...\n");
    return 2;
  }
  if (checking) {
    const auto screenings = read_screenings(argv + 3, argv + argc);
    if (!screenings) return 2;
    return check(argv[2], *screenings);
  }
  const auto screenings = read_screenings(argv + 1, argv + argc - 1);
  if (!screenings) return 2;
  for (const Screening& screening : *screenings) {
    for (const ScreenedCell& cell : screening.cells) {
      if (cell.effects.mu_star.empty()) {
        return fail(screening.campaign_file + ": the cell " + cell.scenario + "/" + cell.variant +
                    " has no screening (a shard's report, not the whole campaign's)");
      }
    }
  }
  const auto patients = patient_variability(kVariabilityCohortSeed, kVariabilityPatients);
  const std::string file = argv[argc - 1];
  std::ofstream out(file, std::ios::binary);
  out << sensitivity_markdown(*screenings, patients);
  out.close();
  if (!out) return fail("cannot write " + file);
  std::size_t runs = 0;
  for (const Screening& screening : *screenings) runs += screening.runs;
  std::printf("%zu campaigns' screenings (%zu runs) and %zu patients written to %s\n",
              screenings->size(), runs, patients.size(), file.c_str());
  return 0;
}
