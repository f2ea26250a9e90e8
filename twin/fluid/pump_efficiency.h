// Volumetric efficiency of the pump mechanism: the fraction of a stroke's nominal volume that
// really leaves the pump. It falls with the back-pressure at the outlet (slip past the rollers
// or valves) and with wear, so the firmware's count of strokes and the volume truly delivered
// drift apart as in the field, where delivered volume is checked at refill against the
// expected reservoir volume (SynchroMed II labeling: volume accuracy +/-14.5 %).
#pragma once

namespace pumptwin::fluid {

// What the pump promises: delivered volume within +/-14.5 % of the programme (SynchroMed II
// labeling, volume accuracy). A scenario's `delivered` check can hold each patient to it.
inline constexpr double kLabelledVolumeAccuracyFraction = 0.145;

struct PumpEfficiency {
  // Delivered/nominal at zero back-pressure with a new mechanism: calibration of the pump.
  double nominal_fraction = 1.0;
  // Back-pressure at which slip equals displacement and nothing is delivered. No curve is
  // published; 750 mmHg (1 bar) is a modelling assumption that keeps delivery within the
  // labelled accuracy over the physiological range (CSF 5-25 mmHg loses < 3.5 %).
  double zero_delivery_back_pressure_mmhg = 750.0;

  // Fraction of the nominal stroke volume delivered against back_pressure_mmhg (gauge) with a
  // mechanism whose wear_fraction (0 new, 1 worn out) scales displacement down.
  double delivered_fraction(double back_pressure_mmhg, double wear_fraction) const;
};

}  // namespace pumptwin::fluid
