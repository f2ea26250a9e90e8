#include "twin/physio/neuraxis.h"

#include <stdexcept>

namespace pumptwin::physio {

namespace {

// "T10" -> ('T', 10). A spinal segment's name is "<rostral>_<caudal>" of such vertebrae.
struct Vertebra {
  std::string region;
  int number;
};
Vertebra vertebra(std::string_view name) {
  const std::size_t digits = name.find_first_of("0123456789");
  return {std::string(name.substr(0, digits)), std::stoi(std::string(name.substr(digits)))};
}

std::vector<NeuraxisLevel> derive_levels() {
  std::vector<NeuraxisLevel> levels;
  for (std::size_t segment = 0; segment < kSegmentCount; ++segment) {
    const std::string_view name = kNeuraxis[segment].name;
    if (!kNeuraxis[segment].spinal) {
      levels.push_back({std::string(name), segment, 0.5});
      continue;
    }
    const std::size_t underscore = name.find('_');
    const Vertebra rostral = vertebra(name.substr(0, underscore));
    const Vertebra caudal = vertebra(name.substr(underscore + 1));
    if (rostral.region != caudal.region || caudal.number < rostral.number) {
      throw std::logic_error("neuraxis segment " + std::string(name) +
                             " is not <rostral>_<caudal> of one region");
    }
    // From the sacrum up: the caudal vertebra first.
    const int count = caudal.number - rostral.number + 1;
    for (int number = caudal.number; number >= rostral.number; --number) {
      levels.push_back({rostral.region + std::to_string(number), segment,
                        (static_cast<double>(caudal.number - number) + 0.5) / count});
    }
  }
  return levels;
}

}  // namespace

const std::vector<NeuraxisLevel>& neuraxis_levels() {
  static const std::vector<NeuraxisLevel> levels = derive_levels();
  return levels;
}

const NeuraxisLevel* find_level(std::string_view name) {
  for (const NeuraxisLevel& level : neuraxis_levels()) {
    if (level.name == name) return &level;
  }
  return nullptr;
}

const std::string& level_ranges_text() {
  static const std::string text = [] {
    // Consecutive vertebrae of a region as "L1-L5", a segment beyond the spine by its name.
    std::string joined;
    const std::vector<NeuraxisLevel>& levels = neuraxis_levels();
    for (std::size_t i = 0; i < levels.size();) {
      std::size_t last = i;
      if (kNeuraxis[levels[i].segment].spinal) {
        const std::string region = vertebra(levels[i].name).region;
        while (last + 1 < levels.size() && kNeuraxis[levels[last + 1].segment].spinal &&
               vertebra(levels[last + 1].name).region == region) {
          ++last;
        }
      }
      // From the sacrum up the numbers fall: the range reads from the rostral end.
      joined += (joined.empty() ? "" : ", ") + levels[last].name;
      if (last != i) joined += "-" + levels[i].name;
      i = last + 1;
    }
    return joined;
  }();
  return text;
}

namespace {
const NeuraxisLevel& level_named(std::string_view name) {
  const NeuraxisLevel* found = find_level(name);
  if (!found) {
    throw std::invalid_argument("'" + std::string(name) + "' is not a vertebral level (" +
                                level_ranges_text() + ")");
  }
  return *found;
}
}  // namespace

std::size_t segment_for_level(std::string_view level) {
  return level_named(level).segment;
}

double position_in_segment(std::string_view level) {
  return level_named(level).position;
}

}  // namespace pumptwin::physio
