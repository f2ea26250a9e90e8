#include "twin/physio/neuraxis.h"

#include <stdexcept>
#include <string>

namespace pumptwin::physio {

std::size_t segment_for_level(std::string_view level) {
  for (std::size_t i = 0; i < kSegmentCount; ++i) {
    if (kNeuraxis[i].name == level) return i;
  }
  if (level == "cisterna") return kCisternaMagna;
  if (level.size() >= 2 && level.size() <= 3) {
    int number = 0;
    for (char c : level.substr(1)) {
      if (c < '0' || c > '9') throw std::invalid_argument("unknown level " + std::string(level));
      number = number * 10 + (c - '0');
    }
    switch (level[0]) {
      case 'S':
        if (number >= 1 && number <= 5) return 0;
        break;
      case 'L':
        if (number >= 4 && number <= 5) return 1;
        if (number >= 1 && number <= 3) return 2;
        break;
      case 'T':
        if (number >= 10 && number <= 12) return 3;
        if (number >= 7 && number <= 9) return 4;
        if (number >= 4 && number <= 6) return 5;
        if (number >= 1 && number <= 3) return 6;
        break;
      case 'C':
        if (number >= 5 && number <= 7) return 7;
        if (number >= 1 && number <= 4) return 8;
        break;
      default:
        break;
    }
  }
  throw std::invalid_argument("unknown vertebral level " + std::string(level));
}

double position_in_segment(std::string_view level) {
  const std::size_t segment = segment_for_level(level);
  const std::string_view name = kNeuraxis[segment].name;
  const std::size_t underscore = name.find('_');
  if (level == name || underscore == std::string_view::npos || level.size() < 2 || level[1] < '0' ||
      level[1] > '9') {
    return 0.5;
  }
  const auto number_of = [](std::string_view part) {
    int n = 0;
    for (char c : part.substr(1)) n = n * 10 + (c - '0');
    return n;
  };
  // Every spinal segment is named "<rostral>_<caudal>" (S1_S5: S5 is caudal).
  const int rostral = number_of(name.substr(0, underscore));
  const int caudal = number_of(name.substr(underscore + 1));
  return (static_cast<double>(caudal - number_of(level)) + 0.5) /
         static_cast<double>(caudal - rostral + 1);
}

}  // namespace pumptwin::physio
