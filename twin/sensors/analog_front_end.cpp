#include "analog_front_end.h"

#include <algorithm>
#include <cmath>

namespace pumptwin::sensors {

namespace {
constexpr double kTwoPi = 6.283185307179586;
// The converter's stream is seeded apart from the channels' (the golden-ratio constant only
// decorrelates the two seeds).
constexpr uint64_t kAdcStreamSalt = 0x9E3779B97F4A7C15ull;
}  // namespace

AnalogFrontEnd::AnalogFrontEnd(const AnalogFrontEndParams& params, asic::MotorDriverAsic& asic)
    : params_(params), asic_(asic), noise_(params.seed), adc_noise_(params.seed ^ kAdcStreamSalt) {}

// Box-Muller from the engine's raw 64-bit words: std::normal_distribution is not specified
// bit for bit, and a seed must give the same run with any standard library.
double AnalogFrontEnd::NormalStream::next() {
  if (have_spare) {
    have_spare = false;
    return spare;
  }
  constexpr double kUnit = 1.0 / 9007199254740992.0;                      // 2^-53
  const double u1 = (static_cast<double>(engine() >> 11) + 1.0) * kUnit;  // (0, 1]
  const double u2 = static_cast<double>(engine() >> 11) * kUnit;          // [0, 1)
  const double radius = std::sqrt(-2.0 * std::log(u1));
  spare = radius * std::sin(kTwoPi * u2);
  have_spare = true;
  return radius * std::cos(kTwoPi * u2);
}

double AnalogFrontEnd::converted(double volts) {
  return std::clamp(volts + params_.adc_noise_rms_v * adc_noise_.next(), 0.0,
                    asic::MotorDriverAsic::kAdcFullScaleV);
}

double AnalogFrontEnd::channel_v(const ChannelParams& channel, double quantity) {
  const double volts = channel.volts_at_zero + channel.offset_error_v +
                       channel.volts_per_unit * (1.0 + channel.gain_error) * quantity +
                       channel.noise_rms_v * noise_.next();
  return std::clamp(volts, 0.0, asic::MotorDriverAsic::kAdcFullScaleV);
}

void AnalogFrontEnd::set_channel_fault(asic::AnalogInput input, const ChannelFault& fault) {
  faults_[static_cast<size_t>(input)] = fault;
}

double AnalogFrontEnd::faulty(asic::AnalogInput input, double volts) const {
  const ChannelFault& fault = faults_[static_cast<size_t>(input)];
  if (fault.stuck) return fault.stuck_v;
  const double drift_s = sc_core::sc_time_stamp().to_seconds() - fault.drift_start_s;
  volts += fault.offset_v + fault.drift_v_per_s * std::max(drift_s, 0.0);
  return std::clamp(volts, 0.0, asic::MotorDriverAsic::kAdcFullScaleV);
}

void AnalogFrontEnd::apply(const SensedQuantities& quantities) {
  using asic::AnalogInput;
  battery_v_ =
      converted(faulty(AnalogInput::kBattery, channel_v(params_.battery, quantities.battery_v)));
  temperature_v_ = converted(
      faulty(AnalogInput::kTemperature, channel_v(params_.temperature, quantities.temperature_c)));
  reservoir_pressure_v_ =
      converted(faulty(AnalogInput::kPressureReservoir,
                       channel_v(params_.reservoir_pressure, quantities.reservoir_pressure_mmhg)));
  outlet_pressure_v_ =
      converted(faulty(AnalogInput::kPressureOutlet,
                       channel_v(params_.outlet_pressure, quantities.outlet_pressure_mmhg)));
  asic_.set_analog_input_v(asic::AnalogInput::kBattery, battery_v_);
  asic_.set_analog_input_v(asic::AnalogInput::kTemperature, temperature_v_);
  asic_.set_analog_input_v(asic::AnalogInput::kPressureReservoir, reservoir_pressure_v_);
  asic_.set_analog_input_v(asic::AnalogInput::kPressureOutlet, outlet_pressure_v_);
}

}  // namespace pumptwin::sensors
