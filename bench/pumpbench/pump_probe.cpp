#include "pump_probe.h"

#include "catalogue.h"
#include "platform.h"

namespace pumpbench {

uint16_t PumpProbe::alarm_bits() {
  if (const auto status = platform_.mcu.firmware_status()) last_alarm_bits_ = status->active_alarms;
  return last_alarm_bits_;
}

std::vector<double> PumpProbe::sample_values() {
  if (const auto status = platform_.mcu.firmware_status())
    firmware_reservoir_ml_ = static_cast<double>(status->reservoir_volume_nl) / 1e6;
  // Values as of this instant whichever process the kernel ran first here (the lockstep
  // ASIC thread, a power update): both evaluation modes record the same.
  platform_.asic.bring_to_now();
  const pumptwin::power::PowerSupply::Reading battery =
      platform_.power.reading_now(platform_.body_temperature_c());
  pumptwin::platform::Platform& platform = platform_;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> values;
#define PUMPBENCH_SIGNAL(name, unit, recorded, view, report, sample, live) \
  if (recorded) values.push_back(sample);
#include "platform_signals.def"
#undef PUMPBENCH_SIGNAL
  const std::vector<double> patient = platform_.patient.sample();
  values.insert(values.end(), patient.begin(), patient.end());
  return values;
}

double PumpProbe::signal_value(const std::string& name) {
  const std::vector<SignalDefinition>& catalogue = signal_catalogue();
  const std::vector<double> values = sample_values();
  for (size_t i = 0; i < catalogue.size(); ++i) {
    if (catalogue[i].name == name) return values[i];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace pumpbench
