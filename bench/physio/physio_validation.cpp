// Writes the held-out validation of the patient model into a folder (docs/validation in the
// repository): heldout.md (the table), <comparator>.svg (model against data) and
// grid-convergence.md (the transport's grid-convergence study). Exit code 1
// when a comparator falls outside its acceptance band without being a documented gap
// (Comparator::gap), 2 on a usage or write error.
#include <cstdio>
#include <fstream>
#include <string>

#include "twin/physio/validation/convergence.h"
#include "twin/physio/validation/heldout.h"

namespace {

bool write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  if (!out) std::fprintf(stderr, "physio_validation: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: physio_validation <output folder, e.g. docs/validation>\n");
    return 2;
  }
  using namespace pumptwin::physio::validation;
  const std::string folder = argv[1];
  const std::vector<Comparator> comparators = heldout_comparators();
  bool all_accepted = true;
  if (!write(folder + "/heldout.md", heldout_table_markdown(comparators))) return 2;
  for (const Comparator& c : comparators) {
    if (!write(folder + "/" + c.id + ".svg", comparator_svg(c))) return 2;
    for (const Observation& o : c.observations) {
      std::printf("%-28s %-14s observed %-10.4g model %-10.4g error %+6.0f %%  %s\n", c.id.c_str(),
                  o.label.c_str(), o.observed, o.predicted, 100.0 * Comparator::relative_error(o),
                  c.accepted(o)   ? "pass"
                  : c.gap.empty() ? "FAIL"
                                  : "gap");
    }
    all_accepted = all_accepted && (c.accepted() || !c.gap.empty());
  }
  const std::vector<ConvergenceRow> convergence = grid_convergence();
  if (!write(folder + "/grid-convergence.md", grid_convergence_markdown(convergence))) return 2;
  for (const ConvergenceRow& row : convergence) {
    std::printf("grid convergence: %-52s %+.1f %% %+.1f %%\n", row.quantity.c_str(),
                100.0 * row.change(1), 100.0 * row.change(2));
  }
  return all_accepted ? 0 : 1;
}
