// The analog front end between the pump's sensors and the ASIC's ADC inputs (0-2.5 V): the
// battery divider, the temperature sensor and the two pressure transducers (reservoir and
// outlet). Each channel is a straight line from its quantity to volts, with this unit's gain
// and offset errors and white noise drawn from the front end's own seeded stream, so that a
// seed gives the same readings on any machine. Parameters and sources: docs/platform.md.
#pragma once

#include <cstdint>
#include <random>

#include "motor_driver_asic.h"

namespace pumptwin::sensors {

struct ChannelParams {
  double volts_at_zero = 0.0;   // output for a quantity of 0
  double volts_per_unit = 0.0;  // nominal sensitivity
  double gain_error = 0.0;      // this unit's relative sensitivity error
  double offset_error_v = 0.0;  // this unit's offset error
  double noise_rms_v = 0.0;     // white noise at the ADC input, per reading
};

struct AnalogFrontEndParams {
  uint64_t seed = 1;
  // Cell voltage halved by two 0.1 % resistors (the firmware's BatteryThresholds::divider_ratio).
  ChannelParams battery{0.0, 0.5, 0.001, 0.0, 0.0005};
  // Linear silicon sensor: 500 mV at 0 degC, 10 mV/degC (TMP36 class).
  ChannelParams temperature{0.5, 0.010, 0.0, 0.002, 0.0005};
  // Piezoresistive gauge transducers with instrumentation amplifier: 0.5 V at 0 mmHg,
  // 1.5 mV/mmHg (-333..+1333 mmHg over the input range).
  ChannelParams reservoir_pressure{0.5, 0.0015, 0.0, 0.0, 0.0005};
  ChannelParams outlet_pressure{0.5, 0.0015, 0.0, 0.0, 0.0005};
  // The ASIC's converter itself: noise at its input, after the channels (and after any fault
  // on them, so a stuck sensor still reads with it), 0.5 LSB rms of 2.5 V / 4096. An assumption
  // of the usual order of a 12-bit SAR converter's transition noise (docs/platform.md).
  double adc_noise_rms_v = 0.0003;
};

// What the sensors see.
struct SensedQuantities {
  double battery_v = 0.0;
  double temperature_c = 0.0;
  double reservoir_pressure_mmhg = 0.0;
  double outlet_pressure_mmhg = 0.0;
};

// A fault on one channel (twin/faults): an offset, an offset growing from `drift_start_s` at
// `drift_v_per_s`, or the channel stuck at `stuck_v`. All volts at the ADC input.
struct ChannelFault {
  double offset_v = 0.0;
  double drift_v_per_s = 0.0;
  double drift_start_s = 0.0;
  bool stuck = false;
  double stuck_v = 0.0;
};

class AnalogFrontEnd {
 public:
  AnalogFrontEnd(const AnalogFrontEndParams& params, asic::MotorDriverAsic& asic);

  // Sets the four ADC inputs from the quantities, with fresh noise. From SystemC processes
  // only (the ASIC's inputs change at the current time).
  void apply(const SensedQuantities& quantities);

  // Fault injection: from the next apply() on; a default ChannelFault clears it.
  void set_channel_fault(asic::AnalogInput input, const ChannelFault& fault);

  // The ADC input voltage a channel was last set to.
  double battery_input_v() const { return battery_v_; }
  double temperature_input_v() const { return temperature_v_; }
  double reservoir_pressure_input_v() const { return reservoir_pressure_v_; }
  double outlet_pressure_input_v() const { return outlet_pressure_v_; }

 private:
  double channel_v(const ChannelParams& channel, double quantity);
  double faulty(asic::AnalogInput input, double volts) const;
  // A seeded Gaussian stream: the engine and the spare value of its last Box-Muller pair.
  struct NormalStream {
    explicit NormalStream(uint64_t seed) : engine(seed) {}
    double next();
    std::mt19937_64 engine;
    bool have_spare = false;
    double spare = 0.0;
  };
  double converted(double volts);

  AnalogFrontEndParams params_;
  asic::MotorDriverAsic& asic_;
  NormalStream noise_;
  // Its own stream, so that the channels' noise is the same with and without it.
  NormalStream adc_noise_;
  ChannelFault faults_[4];
  double battery_v_ = 0.0;
  double temperature_v_ = 0.0;
  double reservoir_pressure_v_ = 0.0;
  double outlet_pressure_v_ = 0.0;
};

}  // namespace pumptwin::sensors
