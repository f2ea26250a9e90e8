#include "platform_setup.h"

#include <filesystem>

#include "app/pump.h"
#include "firmware_commands.h"
#include "twin/physio/cohort.h"
#include "twin/physio/drug_library.h"
#include "twin/physio/patient_parameters.h"
#include "twin/physio/validation/sensitivity.h"

namespace pumpbench {

using pumptwin::platform::PlatformConfig;

PlatformConfig platform_config(const Scenario& scenario, const RunOptions& options) {
  const Setup& setup = scenario.setup;
  PlatformConfig config;
  config.seed = options.seed.value_or(setup.seed);
  config.mode = options.lockstep ? pumptwin::asic::SimulationMode::kLockstep
                                 : pumptwin::asic::SimulationMode::kDecoupled;
  if (options.trace_window_s) {
    config.asic_trace = {
        (std::filesystem::path(options.out_dir) / ("asic." + options.trace_format)).string(),
        sc_core::sc_time(options.trace_window_s->first, sc_core::SC_SEC),
        sc_core::sc_time(options.trace_window_s->second, sc_core::SC_SEC)};
  }
  pumptwin::physio::PatientParameters patient =
      setup.cohort_seed
          ? pumptwin::physio::CohortGenerator(*setup.cohort_seed)
                .patient(setup.cohort_size > 0 ? options.member.value_or(0) : setup.cohort_index)
          : pumptwin::physio::reference_patient(setup.patient);
  if (setup.catheter_tip_level) patient.catheter_tip_level = *setup.catheter_tip_level;
  pumptwin::physio::DrugParameters drug = pumptwin::physio::drug(setup.drug);
  for (const auto& [factor, unit] : options.design_point) {
    pumptwin::physio::validation::apply_factor(
        pumptwin::physio::validation::uncertain_factors()[factor], unit, patient, drug);
  }
  config.patient.patient = patient;
  config.patient.drug = drug;
  config.patient.reservoir_capacity_ml = setup.reservoir_capacity_ul / 1e3;
  config.patient.reservoir_volume_ml = setup.reservoir_fill_ul / 1e3;
  config.patient.reservoir_concentration_ug_per_ml = setup.concentration_ug_per_ml;
  config.patient.catheter.length_cm = setup.catheter_length_cm;
  config.patient.catheter.inner_diameter_mm = setup.catheter_inner_diameter_mm;
  config.patient.catheter.tip_level = patient.catheter_tip_level;
  config.mcu.firmware.calibration_nl_per_full_step =
      firmware_whole(setup.calibration_nl_per_step, UINT32_MAX, "nL");
  config.mcu.firmware.reservoir_capacity_ul =
      firmware_whole(setup.reservoir_capacity_ul, UINT32_MAX, "uL");
  config.mcu.firmware.default_low_reservoir_ul =
      firmware_whole(setup.low_reservoir_alarm_ul, UINT32_MAX, "uL");
  config.power.cell.initial_depth_of_discharge = setup.battery_depth_of_discharge;
  config.body_temperature_c = setup.body_temperature_c;
  return config;
}

std::string image_conflict(const Scenario& scenario, const pumpfw::app::PumpConfig& wanted) {
  const pumpfw::app::PumpConfig image{};
  const auto differs = [&](const char* field, uint32_t value, uint32_t built, const char* unit) {
    return value == built
               ? std::string()
               : scenario.file + ": " + field + ": " + std::to_string(value) + " " + unit +
                     " here, but the firmware image is built for " + std::to_string(built) + " " +
                     unit + " (PumpConfig); run this scenario on the host build";
  };
  for (const std::string& problem :
       {differs("setup.calibration_per_step", wanted.calibration_nl_per_full_step,
                image.calibration_nl_per_full_step, "nL"),
        differs("setup.reservoir.capacity", wanted.reservoir_capacity_ul,
                image.reservoir_capacity_ul, "uL"),
        differs("setup.reservoir.low_alarm", wanted.default_low_reservoir_ul,
                image.default_low_reservoir_ul, "uL")}) {
    if (!problem.empty()) return problem;
  }
  return "";
}

}  // namespace pumpbench
