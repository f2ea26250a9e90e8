#include "fault_registry.h"

#include <cstdio>
#include <utility>

#include "twin/physio/neuraxis.h"

namespace pumptwin::faults {

namespace {

using K = ParameterKind;

FaultParameter quantity(const std::string& name, K kind, const std::string& unit, bool required,
                        double default_value, double min, double max, const std::string& range,
                        const std::string& description) {
  return {name, kind, unit, required, default_value, min, max, range, {}, description};
}
FaultParameter integer(const std::string& name, bool required, double default_value, double min,
                       double max, const std::string& description) {
  return {name,
          K::kInteger,
          "",
          required,
          default_value,
          min,
          max,
          std::to_string(static_cast<long long>(min)) + " to " +
              std::to_string(static_cast<long long>(max)),
          {},
          description};
}
FaultParameter choice(const std::string& name, std::vector<std::string> choices,
                      double default_index, const std::string& description) {
  return {name, K::kChoice, "", default_index < 0,  default_index,
          0,    0,          "", std::move(choices), description};
}

FaultParameter torque(double default_nm, bool required = false) {
  return quantity("torque", K::kTorque, "N.m", required, default_nm, 0.0, 1.0, "0 to 1 N.m",
                  "load torque on the pump shaft (0.05 N.m is ten times what the motor turns)");
}
FaultParameter duration(const std::string& name, double default_s, const std::string& what) {
  return quantity(name, K::kTime, "s", default_s <= 0.0, default_s, 1.0, 365 * 86400.0,
                  "1 s to 1 year", what);
}
FaultParameter channel() {
  return choice("channel", {"battery", "temperature", "reservoir_pressure", "outlet_pressure"}, 0,
                "the analog front-end channel (ADC input)");
}

// Sources (docs/faults.md gives them in full).
const char* const kMdcBattery =
    "Medtronic Medical Device Correction, SynchroMed II reduced battery performance (July 2009; "
    "update July 2011, FDA Class I recall Sept 2011): a resistive film in the battery";
const char* const kMdcStall2017 =
    "Medtronic Urgent Medical Device Correction, SynchroMed II motor stall design change (Nov "
    "2017): shaft wear in 59 %, internal shorting 14 %, drive-gear corrosion 2 % of returned "
    "stalled pumps";
const char* const kMdcOffLabel =
    "Medtronic Urgent Medical Device Safety Notification (Nov 2012): off-label drugs raise "
    "intermittent and permanent motor stall; motor gear corrosion";
const char* const kRecallParticle =
    "Medtronic recall of SynchroMed II 8637-20/-40 (Oct 2019, FDA Class I; Health Canada "
    "RA-71393): a foreign particle in the motor assembly, permanent stall";
const char* const kPocketFill =
    "FDA safety communication on pocket fills of intrathecal pumps (2008-2009); Medtronic "
    "refill-kit labelling";
const char* const kMaude =
    "FDA MAUDE reports for implanted intrathecal pumps (device problem codes: occlusion, "
    "kink, leak, disconnection, migration)";
const char* const kAsicGeneric =
    "IEC 60601-1 / IEC 62304 single-fault analysis of the drive electronics (generic: no "
    "published field case for this pump's ASIC)";

FaultDefinition def(FaultId id, std::string name, std::string category,
                    std::vector<FaultParameter> parameters, std::string description,
                    std::string acts_on, std::string field_failure, std::string source,
                    bool clearable = true, std::string missing_hook = "") {
  FaultDefinition fault;
  fault.id = id;
  fault.name = std::move(name);
  fault.category = std::move(category);
  fault.parameters = std::move(parameters);
  fault.description = std::move(description);
  fault.acts_on = std::move(acts_on);
  fault.field_failure = std::move(field_failure);
  fault.source = std::move(source);
  fault.clearable = clearable;
  fault.missing_hook = std::move(missing_hook);
  return fault;
}

std::vector<FaultDefinition> build() {
  std::vector<FaultDefinition> list;
  // --- ASIC ---------------------------------------------------------------------------------
  list.push_back(def(
      FaultId::kAsicRegisterStuckBit, "asic_register_stuck_bit", "asic",
      {choice("register", asic_register_names(), -1, "the ASIC register (docs/asic-registers.md)"),
       integer("bit", true, 0, 0, 15, "the bit of the 16-bit register"),
       integer("value", false, 0, 0, 1, "the value the bit is stuck at")},
      "a bit of an ASIC register reads stuck at 0 or 1 (the frame's CRC is computed on the wrong "
      "value, as a fault inside the chip would)",
      "twin/mcu SPI interposer: the data field of MISO frames answering a read of `register`",
      "a stuck register bit (latch or read-mux defect, radiation upset)", kAsicGeneric));
  list.push_back(
      def(FaultId::kSpiBitErrors, "spi_bit_errors", "asic",
          {quantity("rate", K::kFraction, "1", true, 0.0, 0.0, 0.1, "0 to 10 % per bit",
                    "probability that a bit of a frame is inverted"),
           choice("direction", {"both", "mosi", "miso"}, 0, "which way the errors strike")},
          "random bit errors on the SPI wires between the MCU and the ASIC (seeded)",
          "twin/mcu SPI interposer: bits of MOSI and/or MISO frames inverted",
          "SPI corruption by EMI or a degraded interconnect", kAsicGeneric));
  list.push_back(def(FaultId::kAsicOvercurrentShort, "asic_overcurrent_short", "asic", {},
                     "phase A's winding shorted turn to turn: the coil current exceeds 1.5 x the "
                     "limit and the ASIC latches OVERCURRENT",
                     "twin/mech StepperMotor::set_phase_shorted: phase A at 1 ohm, 10 uH",
                     "shorted H-bridge output or winding (internal electrical shorting)",
                     kMdcStall2017));
  list.push_back(def(FaultId::kAsicOpenPhase, "asic_open_phase", "asic", {},
                     "phase A's winding open: no current reaches its target and the ASIC latches "
                     "OPEN_LOAD",
                     "twin/mech StepperMotor::set_phase_open: no current in phase A",
                     "broken winding or bond wire", kAsicGeneric));
  list.push_back(def(
      FaultId::kAsicCoreClockStop, "asic_core_clock_stop", "asic", {},
      "the ASIC's 1 MHz core clock stops: it no longer answers SPI (MISO held low), a move freezes "
      "with its bridges as they were; its always-on domain (watchdog, tone) keeps running",
      "twin/asic MotorDriverAsic::set_core_clock_stopped: no core edge is evaluated",
      "oscillator or clock-gate failure in the drive ASIC", kAsicGeneric));
  // --- motor and mechanism ------------------------------------------------------------------
  list.push_back(def(FaultId::kShaftLoad, "shaft_load", "mechanism", {torque(0.0, true)},
                     "extra load torque on the pump shaft from now on; 0.05 N.m stalls the motor "
                     "(permanent stall)",
                     "twin/mech DriveTrain::set_extra_shaft_load_nm",
                     "permanent (non-recoverable) motor stall", kMdcStall2017));
  list.push_back(
      def(FaultId::kIntermittentStall, "intermittent_stall", "mechanism",
          {torque(0.05), duration("period", 3600.0, "time between the starts of two stalls"),
           duration("stalled", 600.0, "how long each stall lasts")},
          "the shaft seizes for `stalled` at the start of every `period`, then turns freely",
          "twin/mech DriveTrain::set_extra_shaft_load_nm, switched by a SystemC process",
          "intermittent motor stall (off-label drug formulations)", kMdcOffLabel));
  list.push_back(def(
      FaultId::kShaftWear, "shaft_wear", "mechanism",
      {torque(0.05), duration("growth", 0.0, "time for the load to reach `torque`")},
      "load on the shaft rising linearly from 0 to `torque` over `growth` (weeks), updated every "
      "growth/200 (at least 1 min)",
      "twin/mech DriveTrain::set_extra_shaft_load_nm, ramped by a SystemC process",
      "motor stall from gear-shaft wear (the most common cause: 59 % of stalled returns)",
      kMdcStall2017));
  list.push_back(def(
      FaultId::kGearCorrosion, "gear_corrosion", "mechanism",
      {torque(0.05), duration("growth", 0.0, "time for the load to reach `torque`")},
      "friction of a corroding drive gear: load rising as (t/growth)^2 to `torque` (slow onset, "
      "then fast)",
      "twin/mech DriveTrain::set_extra_shaft_load_nm, ramped by a SystemC process",
      "motor stall from drive-gear corrosion", kMdcOffLabel));
  list.push_back(def(FaultId::kForeignParticle, "foreign_particle", "mechanism",
                     {torque(0.05), quantity("duration", K::kTime, "s", false, 0.0, 0.0,
                                             365 * 86400.0, "0 (permanent) to 1 year",
                                             "how long the particle jams the gear (0: for good)")},
                     "a particle jams the gear train for `duration` (0: until cleared)",
                     "twin/mech DriveTrain::set_extra_shaft_load_nm",
                     "motor stall from a foreign particle in the motor assembly", kRecallParticle));
  list.push_back(def(
      FaultId::kInternalShort, "internal_short", "mechanism",
      {quantity("current", K::kCurrent, "A", false, 5e-3, 0.0, 5.0, "0 to 5 A",
                "current the short draws from the cell"),
       torque(0.05)},
      "fluid permeating the motor shorts it: a parasitic drain on the cell and a stalled rotor",
      "twin/power PowerSupply::set_parasitic_load_a and DriveTrain::set_extra_shaft_load_nm",
      "internal electrical shorting of the motor (14 % of stalled returns): battery drain + stall",
      kMdcStall2017));
  list.push_back(
      def(FaultId::kPumpWear, "pump_wear", "mechanism",
          {quantity("fraction", K::kFraction, "1", true, 0.0, 0.0, 1.0, "0 to 100 %",
                    "fraction of each stroke lost")},
          "the mechanism delivers less than it displaces (valve/roller wear)",
          "twin/fluid PumpEfficiency (PatientModule::set_pump_wear_fraction)",
          "under-infusion found as a reservoir discrepancy at refill",
          "SynchroMed II labelling: volume accuracy +/-14.5 %; MAUDE under-infusion reports"));
  // --- battery ------------------------------------------------------------------------------
  list.push_back(def(
      FaultId::kBatteryFilmFormation, "battery_film_formation", "battery",
      {quantity("resistance", K::kResistance, "ohm", false, 40.0, 0.0, 1000.0, "0 to 1000 ohm",
                "series resistance the film adds"),
       quantity("growth", K::kTime, "s", false, 0.0, 0.0, 365 * 86400.0, "0 (sudden) to 1 year",
                "time for the film to reach `resistance`")},
      "a resistive film in the cell: the voltage at rest stays normal, under the motor's current "
      "it collapses",
      "twin/power PowerSupply::set_film_resistance_ohm (series resistance)",
      "sudden loss of therapy from battery film formation (low-battery reset, premature ERI/EOS)",
      kMdcBattery));
  list.push_back(def(FaultId::kAcceleratedDepletion, "accelerated_depletion", "battery",
                     {quantity("current", K::kCurrent, "A", true, 0.0, 0.0, 0.1, "0 to 100 mA",
                               "extra current drawn from the cell")},
                     "the cell runs down faster than planned: premature ERI and EOS",
                     "twin/power PowerSupply::set_parasitic_load_a",
                     "premature battery depletion (premature ERI/EOS)", kMdcBattery));
  list.push_back(def(FaultId::kParasiticLoad, "parasitic_load", "battery",
                     {quantity("current", K::kCurrent, "A", true, 0.0, 0.0, 5.0, "0 to 5 A",
                               "current drawn from the cell")},
                     "a parasitic current from the cell (generic: shorts, leakage)",
                     "twin/power PowerSupply::set_parasitic_load_a", "leakage or short in the pump",
                     kMdcBattery));
  list.push_back(
      def(FaultId::kBrownOut, "brown_out", "battery",
          {quantity("current", K::kCurrent, "A", false, 2.0, 0.0, 5.0, "0 to 5 A",
                    "the short that pulls the supply down"),
           duration("duration", 10.0, "how long the supply stays down")},
          "the supply sags below the MCU's brown-out level for `duration`, then recovers",
          "twin/power PowerSupply::set_parasitic_load_a and Platform::update_board",
          "low-battery reset (brown-out)", kMdcBattery));
  list.push_back(def(FaultId::kPowerLoss, "power_loss", "battery", {},
                     "the board loses power, the MCU and the ASIC (its registers and step "
                     "counter reset); clearing it powers them on (the RTC restarts at zero)",
                     "twin/mcu Mcu::power_off / power_on, and the platform's power hook to "
                     "MotorDriverAsic::set_powered",
                     "loss of power (battery disconnection, low-battery reset)", kMdcBattery));
  // --- sensors ------------------------------------------------------------------------------
  list.push_back(def(FaultId::kAdcOffset, "adc_offset", "sensors",
                     {channel(), quantity("offset", K::kVoltage, "V", true, 0.0, -2.5, 2.5,
                                          "-2.5 to 2.5 V", "added at the ADC input")},
                     "an offset on an analog channel",
                     "twin/sensors AnalogFrontEnd::set_channel_fault",
                     "sensor or front-end offset (reference or divider failure)", kAsicGeneric));
  list.push_back(def(FaultId::kAdcDrift, "adc_drift", "sensors",
                     {channel(),
                      quantity("drift", K::kVoltage, "V", true, 0.0, -2.5, 2.5, "-2.5 to 2.5 V",
                               "offset reached after `over`"),
                      duration("over", 0.0, "time to reach `drift`")},
                     "an offset growing linearly with time on an analog channel",
                     "twin/sensors AnalogFrontEnd::set_channel_fault",
                     "drifting sensor or voltage reference (ageing)", kAsicGeneric));
  list.push_back(def(FaultId::kAdcStuck, "adc_stuck", "sensors",
                     {channel(), quantity("value", K::kVoltage, "V", false, -1.0, 0.0, 2.5,
                                          "0 to 2.5 V (absent: the value when injected)",
                                          "the ADC input it is stuck at")},
                     "an analog channel stuck at one value",
                     "twin/sensors AnalogFrontEnd::set_channel_fault",
                     "stuck sensor or multiplexer", kAsicGeneric));
  // --- NVM ----------------------------------------------------------------------------------
  list.push_back(
      def(FaultId::kNvmBitFlip, "nvm_bit_flip", "nvm",
          {choice("record",
                  {"therapy_a", "therapy_b", "therapy_both", "state_a", "state_b", "state_both",
                   "event_log"},
                  -1, "the NVM region (docs/firmware.md, Non-volatile memory)"),
           integer("byte", false, 24, 0, 4095, "byte offset within the record"),
           integer("bit", false, 0, 0, 7, "the bit inverted")},
          "one bit of the FRAM inverted (the firmware sees it at its next read: the next boot)",
          "twin/mcu Fram::flip_bit", "NVM corruption of therapy parameters (memory error alarm)",
          "SynchroMed II labelling: memory error critical alarm; MAUDE reports", false));
  list.push_back(def(FaultId::kNvmPowerCut, "nvm_power_cut", "nvm",
                     {integer("bytes", true, 0, 0, 8192, "bytes stored before the cut")},
                     "power fails during the next NVM write after `bytes` bytes (a torn write); "
                     "then `clear: power_loss`",
                     "twin/mcu Mcu::cut_power_during_next_nvm_write",
                     "torn NVM write during a power loss", kMdcBattery, false));
  list.back().leaves_injected = {"power_loss"};
  list.push_back(def(FaultId::kEventLogCorruption, "event_log_corruption", "nvm",
                     {integer("entries", false, 1, 1, 256, "the newest entries corrupted")},
                     "the newest `entries` event-log entries get a corrupted byte",
                     "twin/mcu Fram::flip_bit on the event log",
                     "event-log corruption (lost history for the clinician)",
                     "SynchroMed II labelling: event log reviewed at interrogation", false));
  // --- firmware -----------------------------------------------------------------------------
  list.push_back(
      def(FaultId::kFirmwareHang, "firmware_hang", "firmware", {},
          "the firmware stops in a loop; nothing kicks the watchdog; the next reset ends it",
          "twin/mcu Mcu::hang_firmware", "firmware hang (software fault)",
          "IEC 62304 software failure; FDA infusion-pump software recalls", false));
  list.push_back(
      def(FaultId::kTimeBaseGlitch, "time_base_glitch", "firmware",
          {quantity("jump", K::kTime, "s", true, 0.0, 1.0, 30 * 86400.0, "1 s to 30 d",
                    "how far the RTC jumps"),
           choice("direction", {"forward", "backward"}, 0, "which way")},
          "the MCU's RTC jumps (a crystal or RTC-register upset); the firmware's time base with it",
          "twin/mcu Mcu::shift_rtc_s", "time-base fault (clock error)",
          "FDA infusion-pump recalls for clock and time-base faults (generic)", false));
  // --- catheter -----------------------------------------------------------------------------
  list.push_back(
      def(FaultId::kCatheterOcclusion, "catheter_occlusion", "catheter",
          {quantity("position", K::kFraction, "1", false, 1.0, 0.0, 1.0, "0 (pump port) to 1 (tip)",
                    "where along the catheter"),
           quantity("open_area", K::kFraction, "1", false, 0.0, 0.0, 0.99, "0 to 99 %",
                    "lumen left open (0: complete)"),
           quantity("growth", K::kTime, "s", false, 0.0, 0.0, 5 * 365 * 86400.0, "0 to 5 years",
                    "time to close (0: sudden)"),
           quantity("length", K::kLength, "cm", false, 1.0, 0.1, 20.0, "1 mm to 20 cm",
                    "length of the narrowing")},
          "a narrowing of the lumen: sudden, partial, or growing like a tip inflammatory mass",
          "twin/fluid Catheter (PatientModule::add_obstruction)",
          "catheter occlusion; catheter-tip inflammatory mass (granuloma)",
          "Coffey & Burchiel, Neurosurgery 2002;50:78; Deer, Pain Physician 2008;11:S133; FDA "
          "safety communication on inflammatory masses (2008)"));
  list.push_back(def(FaultId::kCatheterKink, "catheter_kink", "catheter",
                     {quantity("position", K::kFraction, "1", false, 0.1, 0.0, 1.0,
                               "0 (pump port) to 1 (tip)", "where along the catheter"),
                      quantity("open_area", K::kFraction, "1", false, 0.0, 0.0, 0.99, "0 to 99 %",
                               "lumen left open")},
                     "a sudden 0.5 cm narrowing",
                     "twin/fluid Catheter (PatientModule::add_obstruction)", "catheter kink",
                     kMaude));
  list.push_back(def(FaultId::kCatheterLeak, "catheter_leak", "catheter",
                     {quantity("position", K::kFraction, "1", false, 0.0, 0.0, 0.99,
                               "0 (pump port) to 99 %", "where along the catheter"),
                      quantity("fraction", K::kFraction, "1", true, 0.0, 0.0, 1.0, "0 to 100 %",
                               "share of the flow lost to the tissue")},
                     "a hole lets part of the flow out into the tissue",
                     "twin/fluid Catheter (PatientModule::set_leak)", "catheter leak (cut, tear)",
                     kMaude));
  list.push_back(def(FaultId::kCatheterDisconnection, "catheter_disconnection", "catheter",
                     {quantity("position", K::kFraction, "1", false, 0.0, 0.0, 0.99,
                               "0 (pump port) to 99 %", "where it parts")},
                     "the catheter parts: all flow goes to the tissue",
                     "twin/fluid Catheter (PatientModule::set_leak, fraction 1)",
                     "catheter disconnection at the pump connector or a splice", kMaude));
  list.push_back(def(
      FaultId::kTipMigration, "tip_migration", "catheter",
      {{"level", K::kLevel, "", true, 0, 0, 0, physio::level_ranges_text(), {}, "new tip level"},
       {"intrathecal",
        K::kBoolean,
        "",
        false,
        1,
        0,
        1,
        "true or false",
        {},
        "whether the tip is still in the intrathecal space"}},
      "the tip moves to another level, or out of the intrathecal space (clearing puts it back)",
      "twin/fluid Catheter, twin/physio source segment (PatientModule::migrate_tip)",
      "catheter-tip migration (e.g. to the subdural or epidural space)", kMaude));
  // --- reservoir and refill (armed: they act on the next refill step) -----------------------
  list.push_back(def(FaultId::kPocketFill, "pocket_fill", "refill", {},
                     "the next refill's needle misses the septum: the drug goes into the pocket",
                     "pumpbench refill step (fluid::RefillRoute::kPocket into the tissue depot)",
                     "pocket fill", kPocketFill));
  list.push_back(
      def(FaultId::kWrongConcentration, "wrong_concentration", "refill",
          {quantity("actual", K::kFraction, "1", true, 1.0, 0.01, 100.0, "1 % to 100 x",
                    "the syringe's real concentration as a multiple of the one the pump is told")},
          "the next refill's syringe holds another strength than the one programmed",
          "pumpbench refill step (the reservoir gets `actual` x the told concentration)",
          "refill with the wrong drug concentration (medication error)",
          "ISMP and FDA MAUDE reports of intrathecal compounding/refill errors"));
  list.push_back(
      def(FaultId::kRefillOverCapacity, "refill_over_capacity", "refill",
          {quantity("excess", K::kFraction, "1", true, 0.0, 0.0, 1.0, "0 to 100 % of capacity",
                    "volume injected beyond the reservoir's capacity")},
          "the next refill pushes more than the reservoir holds; the excess is forced into the "
          "pocket and the clinician tells the pump the whole volume",
          "pumpbench refill step (reservoir to capacity, excess to the tissue depot)",
          "overfill of the reservoir", kPocketFill));
  // --- telemetry ----------------------------------------------------------------------------
  list.push_back(
      def(FaultId::kTelemetryCorruption, "telemetry_corruption", "telemetry",
          {quantity("rate", K::kFraction, "1", true, 0.0, 0.0, 1.0, "0 to 100 % per byte",
                    "probability that a byte on the link is corrupted")},
          "bytes on the telemetry link corrupted (one bit inverted), seeded",
          "twin/mcu TelemetryUart line filter (both directions)",
          "telemetry interference (programming errors)", kMaude));
  list.push_back(def(FaultId::kTelemetryDropout, "telemetry_dropout", "telemetry",
                     {integer("after_bytes", false, 4, 0, 1000,
                              "bytes of the next host frame that still get through"),
                      duration("duration", 5.0, "how long the link stays down")},
                     "the link drops in the middle of the next command for `duration`",
                     "twin/mcu TelemetryUart line filter",
                     "telemetry link lost mid-command (programmer moved away)", kMaude));
  // --- environment --------------------------------------------------------------------------
  list.push_back(
      def(FaultId::kMriExposure, "mri_exposure", "environment",
          {duration("duration", 1800.0, "time in the scanner"), torque(0.05)},
          "the scanner's static field holds the rotor: the motor stalls for `duration`, then the "
          "pump must restart",
          "twin/mech DriveTrain::set_extra_shaft_load_nm for the duration",
          "temporary motor stall during MRI",
          "SynchroMed II MRI labelling: the motor stalls in the field and should resume after; "
          "interrogate after the scan"));
  list.push_back(def(FaultId::kFever, "fever", "environment",
                     {quantity("temperature", K::kTemperature, "degC", true, 37.0, 30.0, 43.0,
                               "30 to 43 degC", "body and pump temperature")},
                     "the body (and the pump) at another temperature",
                     "twin/platform Platform::set_body_temperature_c",
                     "fever or hypothermia (cell resistance, sensor)", "docs/platform.md"));
  return list;
}

}  // namespace

const std::vector<std::string>& asic_register_names() {
  static const std::vector<std::string> names = {"CHIP_ID",
                                                 "REVISION",
                                                 "CTRL",
                                                 "MOVE_STEPS",
                                                 "STEP_PERIOD",
                                                 "CURRENT_LIMIT",
                                                 "STATUS",
                                                 "STEPS_REMAINING",
                                                 "FAULT",
                                                 "INT_MASK",
                                                 "INT_STATUS",
                                                 "TOTAL_STEPS_LO",
                                                 "TOTAL_STEPS_HI",
                                                 "STALL_CONFIG",
                                                 "ADC_CTRL",
                                                 "",
                                                 "ADC_MOTOR_CURRENT",
                                                 "ADC_BATTERY",
                                                 "ADC_TEMPERATURE",
                                                 "ADC_PRESSURE_RESERVOIR",
                                                 "ADC_PRESSURE_OUTLET",
                                                 "",
                                                 "",
                                                 "",
                                                 "WDT_KICK",
                                                 "WDT_TIMEOUT",
                                                 "WDT_REMAINING",
                                                 "ALARM_TONE"};
  return names;
}

int asic_register_address(const std::string& name) {
  const std::vector<std::string>& names = asic_register_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (!name.empty() && names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<FaultDefinition>& fault_registry() {
  static const std::vector<FaultDefinition> registry = build();
  return registry;
}

const FaultDefinition* find_fault(const std::string& name) {
  for (const FaultDefinition& fault : fault_registry()) {
    if (fault.name == name) return &fault;
  }
  return nullptr;
}

const std::string& fault_name(FaultId id) {
  for (const FaultDefinition& fault : fault_registry()) {
    if (fault.id == id) return fault.name;
  }
  static const std::string none;
  return none;
}

const FaultParameter* find_parameter(const FaultDefinition& fault, const std::string& name) {
  for (const FaultParameter& parameter : fault.parameters) {
    if (parameter.name == name) return &parameter;
  }
  return nullptr;
}

std::string parameter_summary(const FaultDefinition& fault) {
  if (fault.parameters.empty()) return "-";
  std::string text;
  for (const FaultParameter& p : fault.parameters) {
    if (!text.empty()) text += ", ";
    text += p.name + " (";
    if (!p.unit.empty()) {
      text += p.unit;
    } else if (p.kind == ParameterKind::kChoice) {
      for (size_t i = 0; i < p.choices.size() && i < 4; ++i) {
        if (p.choices[i].empty()) continue;
        text += (i ? "|" : "") + p.choices[i];
      }
      if (p.choices.size() > 4) text += "|...";
    } else if (p.kind == ParameterKind::kInteger) {
      text += "integer";
    } else if (p.kind == ParameterKind::kBoolean) {
      text += "true/false";
    } else {
      text += "level";
    }
    if (p.required) {
      text += ", required";
    } else if (p.kind == ParameterKind::kChoice) {
      text += ", default " + p.choices[static_cast<size_t>(p.default_value)];
    } else if (p.kind != ParameterKind::kLevel && p.kind != ParameterKind::kBoolean) {
      char number[32];
      std::snprintf(number, sizeof number, "%g", p.default_value);
      text += std::string(", default ") + number;
    }
    text += ")";
  }
  return text;
}

}  // namespace pumptwin::faults
