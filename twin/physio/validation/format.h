// One number formatter for the generated validation documents (tables and plots), so that the
// same value reads the same everywhere and the checked-in files regenerate byte for byte.
#pragma once

#include <cstdio>
#include <string>

namespace pumptwin::physio::validation {

// printf-style formatting of one double (e.g. "%.4g"), in the "C" locale printf uses by default.
inline std::string format(const char* spec, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, spec, value);
  return buffer;
}

}  // namespace pumptwin::physio::validation
