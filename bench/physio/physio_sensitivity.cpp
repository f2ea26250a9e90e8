// Writes the global sensitivity analysis of the patient model's safety outputs (Morris
// elementary effects over the uncertain parameters, and the same outputs over generated patients
// for patient variability) as markdown: docs/sensitivity.md in the
// repository. Exit code 2 on a usage or write error.
#include <cstdio>
#include <fstream>

#include "twin/physio/validation/sensitivity.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: physio_sensitivity <output file, e.g. docs/sensitivity.md>\n");
    return 2;
  }
  using namespace pumptwin::physio::validation;
  const auto effects = patient_model_morris(kSensitivityTrajectories, kSensitivitySeed);
  const auto patients = patient_variability(kVariabilityCohortSeed, kVariabilityPatients);
  std::ofstream out(argv[1], std::ios::binary);
  out << sensitivity_markdown(effects, kSensitivityTrajectories, kSensitivitySeed, patients);
  out.close();
  if (!out) {
    std::fprintf(stderr, "physio_sensitivity: cannot write %s\n", argv[1]);
    return 2;
  }
  std::printf("%zu model evaluations written to %s\n", effects.evaluations, argv[1]);
  return 0;
}
