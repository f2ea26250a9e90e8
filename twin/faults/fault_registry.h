// The registry of faults the twin can inject (docs/faults.md): each fault's name, its
// parameters with their units and limits, where it acts in the twin, the field failure it
// models and the source that reports it. Plain C++ (no SystemC), so that scenario validation
// and `pumpbench list faults` need no simulation kernel; FaultInjector (fault_injector.h)
// applies the faults to a running platform.
#pragma once

#include <string>
#include <vector>

namespace pumptwin::faults {

// What kind of value a parameter takes; quantities are held in the base unit named by `unit`.
enum class ParameterKind {
  kTorque,       // N.m
  kCurrent,      // A
  kVoltage,      // V
  kResistance,   // ohm
  kTime,         // s
  kLength,       // cm
  kTemperature,  // degC
  kFraction,     // 0..1 (a number or a percentage)
  kInteger,      // a whole number
  kBoolean,      // true / false
  kChoice,       // one of `choices`
  kLevel,        // a level the patient model can place a tip at (twin/physio/neuraxis.h)
};

struct FaultParameter {
  std::string name;
  ParameterKind kind = ParameterKind::kFraction;
  std::string unit;  // base unit for quantities ("N.m"), "" otherwise
  bool required = false;
  double default_value = 0.0;  // quantities, integers, booleans (0/1), choices (index)
  double min = 0.0;
  double max = 0.0;
  std::string range_text;            // for messages: "0 to 1 N.m"
  std::vector<std::string> choices;  // kChoice
  std::string description;
};

// Each fault of the registry, for the code that applies it (FaultInjector switches on it, so the
// compiler checks that every fault has its hook); the user's word for it is its `name`.
enum class FaultId {
  kAsicRegisterStuckBit,
  kSpiBitErrors,
  kAsicOvercurrentShort,
  kAsicOpenPhase,
  kAsicCoreClockStop,
  kShaftLoad,
  kIntermittentStall,
  kShaftWear,
  kGearCorrosion,
  kForeignParticle,
  kInternalShort,
  kPumpWear,
  kBatteryFilmFormation,
  kAcceleratedDepletion,
  kParasiticLoad,
  kBrownOut,
  kPowerLoss,
  kAdcOffset,
  kAdcDrift,
  kAdcStuck,
  kNvmBitFlip,
  kNvmPowerCut,
  kEventLogCorruption,
  kFirmwareHang,
  kTimeBaseGlitch,
  kCatheterOcclusion,
  kCatheterKink,
  kCatheterLeak,
  kCatheterDisconnection,
  kTipMigration,
  kPocketFill,
  kWrongConcentration,
  kRefillOverCapacity,
  kTelemetryCorruption,
  kTelemetryDropout,
  kMriExposure,
  kFever,
};

struct FaultDefinition {
  FaultId id;
  std::string name;
  std::string category;  // asic, mechanism, battery, sensors, nvm, firmware, catheter, refill,
                         // telemetry, environment
  std::vector<FaultParameter> parameters;
  std::string description;    // what happens
  std::string acts_on;        // where it acts in the twin
  std::string field_failure;  // the field failure it models
  std::string source;         // where that failure is reported
  bool clearable = true;      // `clear` undoes it (false: a one-shot event)
  // Faults an injection of this one leaves in place for a later `clear` (nvm_power_cut cuts
  // the power: `clear: power_loss` restores it).
  std::vector<std::string> leaves_injected;
  // Empty when the twin can inject it; otherwise what the twin lacks (the fault is listed and
  // documented, and a scenario that names it is refused with this text).
  std::string missing_hook;
};

const std::vector<FaultDefinition>& fault_registry();
const FaultDefinition* find_fault(const std::string& name);
// The registry's name of a fault.
const std::string& fault_name(FaultId id);
const FaultParameter* find_parameter(const FaultDefinition& fault, const std::string& name);

// "torque (N.m, required), growth (s, default 0)" for listings.
std::string parameter_summary(const FaultDefinition& fault);

// The readable ASIC registers a stuck bit may be placed in, by name (docs/asic-registers.md).
const std::vector<std::string>& asic_register_names();
int asic_register_address(const std::string& name);  // -1 when unknown

}  // namespace pumptwin::faults
