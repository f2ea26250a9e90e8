// Grid convergence of the drug transport (calculation verification): the signals the bench
// reads, computed on the default grid (refined around the catheter tip) and on grids refined two
// and four times as finely (TransportGrid in patient_model.h). The tests require < 5 % change
// at each doubling of the grid; bench/physio/physio_validation writes the table to
// docs/validation/grid-convergence.md.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace pumptwin::physio::validation {

inline constexpr std::array<int, 3> kConvergenceCellsPerSegment = {1, 2, 4};

struct ConvergenceRow {
  std::string quantity;
  std::string unit;
  std::array<double, kConvergenceCellsPerSegment.size()> value{};
  std::array<std::size_t, kConvergenceCellsPerSegment.size()> cells{};

  // Relative change from grid g - 1 to grid g (each twice as fine as the one before).
  double change(std::size_t g) const { return value[g] / value[g - 1] - 1.0; }
};

std::vector<ConvergenceRow> grid_convergence();
std::string grid_convergence_markdown(const std::vector<ConvergenceRow>& rows);

}  // namespace pumptwin::physio::validation
