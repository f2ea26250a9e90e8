// The pump and the patient as the bench reads them: the recorded signals (signals.csv, the
// catalogue's order), one signal by name, the firmware's alarm word. Reading changes nothing
// in the twin except the motor current's max-hold, which each recorded sample restarts.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace pumptwin::platform {
class Platform;
}

namespace pumpbench {

class PumpProbe {
 public:
  explicit PumpProbe(pumptwin::platform::Platform& platform) : platform_(platform) {}

  // The firmware's active alarms (the last word it reported while it is not running).
  uint16_t alarm_bits();
  // Every recorded signal now, in the catalogue's order.
  std::vector<double> sample_values();
  // One recorded signal now (NaN for a name the catalogue does not have).
  double signal_value(const std::string& name);
  // The reservoir volume the firmware last reported (mL, NaN before it did).
  double firmware_reservoir_ml() const { return firmware_reservoir_ml_; }

 private:
  pumptwin::platform::Platform& platform_;
  uint16_t last_alarm_bits_ = 0;
  double firmware_reservoir_ml_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace pumpbench
