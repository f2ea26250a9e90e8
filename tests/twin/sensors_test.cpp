// twin/sensors: the analog front end's four channels from quantity to ADC input volts
// (docs/platform.md, "Sensors"): the straight line with this unit's errors, the clamp to the
// ADC's range, seeded noise of the stated size, and the channel faults. Each test builds its own
// ASIC (one per process).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "analog_front_end.h"
#include "asic_bench.h"

namespace pumptwin::sensors {
namespace {

using asic::AnalogInput;
using pumptwin::testing::AsicBench;

// The defaults without any noise: the lines alone.
AnalogFrontEndParams noiseless() {
  AnalogFrontEndParams params;
  for (ChannelParams* channel : {&params.battery, &params.temperature, &params.reservoir_pressure,
                                 &params.outlet_pressure}) {
    channel->noise_rms_v = 0.0;
  }
  params.adc_noise_rms_v = 0.0;
  return params;
}

const SensedQuantities kImplanted{3.0, 37.0, 20.0, 10.0};  // V, degC, mmHg, mmHg

TEST(Sensors, ChannelsAreTheirLinesWithThisUnitsErrors) {
  pumptwin::testing::use_twin_time_resolution();
  AsicBench bench;
  AnalogFrontEnd front_end(noiseless(), bench.asic);
  bench.run([&] { front_end.apply(kImplanted); });
  // 3.0 V halved, +0.1 % gain error.
  EXPECT_DOUBLE_EQ(front_end.battery_input_v(), 3.0 * 0.5 * 1.001);
  // 0.5 V + 10 mV/degC, +2 mV offset error: 872 mV at body temperature.
  EXPECT_NEAR(front_end.temperature_input_v(), 0.872, 1e-12);
  // 0.5 V + 1.5 mV/mmHg.
  EXPECT_NEAR(front_end.reservoir_pressure_input_v(), 0.530, 1e-12);
  EXPECT_NEAR(front_end.outlet_pressure_input_v(), 0.515, 1e-12);
}

TEST(Sensors, InputsStayWithinTheAdcRange) {
  pumptwin::testing::use_twin_time_resolution();
  AsicBench bench;
  AnalogFrontEnd front_end(noiseless(), bench.asic);
  // 6 V would be 3 V after the divider; -400 mmHg would be -0.1 V.
  bench.run([&] { front_end.apply({6.0, 37.0, -400.0, 2000.0}); });
  EXPECT_DOUBLE_EQ(front_end.battery_input_v(), asic::MotorDriverAsic::kAdcFullScaleV);
  EXPECT_DOUBLE_EQ(front_end.reservoir_pressure_input_v(), 0.0);
  EXPECT_DOUBLE_EQ(front_end.outlet_pressure_input_v(), asic::MotorDriverAsic::kAdcFullScaleV);
}

// The battery channel's readings over `count` applies with the default noise.
std::vector<double> battery_readings(AnalogFrontEnd& front_end, int count) {
  std::vector<double> readings;
  for (int i = 0; i < count; ++i) {
    front_end.apply(kImplanted);
    readings.push_back(front_end.battery_input_v());
  }
  return readings;
}

TEST(Sensors, NoiseIsSeededAndOfTheStatedSize) {
  pumptwin::testing::use_twin_time_resolution();
  AsicBench bench;
  AnalogFrontEndParams params;
  params.seed = 7;
  AnalogFrontEnd first(params, bench.asic);
  AnalogFrontEnd again(params, bench.asic);
  params.seed = 8;
  AnalogFrontEnd other(params, bench.asic);
  constexpr int kReadings = 4000;
  std::vector<double> a;
  std::vector<double> b;
  std::vector<double> c;
  bench.run([&] {
    a = battery_readings(first, kReadings);
    b = battery_readings(again, kReadings);
    c = battery_readings(other, kReadings);
  });
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double sum = 0.0;
  double sum_squares = 0.0;
  for (const double reading : a) {
    sum += reading;
    sum_squares += reading * reading;
  }
  const double mean = sum / kReadings;
  const double rms = std::sqrt(sum_squares / kReadings - mean * mean);
  // The channel's 0.5 mV and the converter's 0.3 mV, independent: 0.583 mV rms.
  EXPECT_NEAR(rms, std::hypot(0.0005, 0.0003), 0.05 * std::hypot(0.0005, 0.0003));
  EXPECT_NEAR(mean, 3.0 * 0.5 * 1.001, 5e-5);
}

TEST(Sensors, FaultsOffsetDriftAndStickAChannelUntilCleared) {
  pumptwin::testing::use_twin_time_resolution();
  AsicBench bench;
  AnalogFrontEnd front_end(noiseless(), bench.asic);
  double stuck_v = 0.0;
  double offset_v = 0.0;
  double drifted_v = 0.0;
  double cleared_v = 0.0;
  bench.run([&] {
    ChannelFault stuck;
    stuck.stuck = true;
    stuck.stuck_v = 1.25;
    front_end.set_channel_fault(AnalogInput::kBattery, stuck);
    ChannelFault offset;
    offset.offset_v = -0.1;
    front_end.set_channel_fault(AnalogInput::kPressureOutlet, offset);
    ChannelFault drift;
    drift.drift_v_per_s = 0.001;
    drift.drift_start_s = 10.0;
    front_end.set_channel_fault(AnalogInput::kTemperature, drift);
    sc_core::wait(sc_core::sc_time(30, sc_core::SC_SEC));
    front_end.apply(kImplanted);
    stuck_v = front_end.battery_input_v();
    offset_v = front_end.outlet_pressure_input_v();
    drifted_v = front_end.temperature_input_v();
    front_end.set_channel_fault(AnalogInput::kBattery, ChannelFault{});
    front_end.apply(kImplanted);
    cleared_v = front_end.battery_input_v();
  });
  EXPECT_DOUBLE_EQ(stuck_v, 1.25);
  EXPECT_NEAR(offset_v, 0.415, 1e-12);
  // 20 s of drift at 1 mV/s on top of 872 mV.
  EXPECT_NEAR(drifted_v, 0.892, 1e-12);
  EXPECT_DOUBLE_EQ(cleared_v, 3.0 * 0.5 * 1.001);
}

}  // namespace
}  // namespace pumptwin::sensors
