// Real-time factor of the physiology alone: 30 days of a reference patient on continuous
// intrathecal morphine, one stroke every three minutes through reservoir, catheter, CSF and
// plasma. Prints the figures, then `physio_rtf <simulated seconds per wall second>` as the
// last line.
#include <chrono>
#include <cstdio>

#include "twin/physio/patient_twin.h"

int main() {
  using pumptwin::physio::PatientTwin;
  using pumptwin::physio::PatientTwinConfig;
  constexpr double kDay = 86400.0;
  constexpr double kDurationS = 30.0 * kDay;
  constexpr double kStrokeIntervalS = 180.0;
  // 0.5 mL/day of 10 mg/mL: 5 mg/day, in 1.04 uL strokes.
  constexpr double kStrokeUl = 500.0 * kStrokeIntervalS / kDay;

  PatientTwinConfig config;
  config.reservoir_capacity_ml = 40.0;
  config.reservoir_volume_ml = 40.0;
  PatientTwin twin(config);

  const auto start = std::chrono::steady_clock::now();
  long strokes = 0;
  for (double t = kStrokeIntervalS; t <= kDurationS; t += kStrokeIntervalS) {
    twin.deliver_stroke(t, kStrokeUl);
    ++strokes;
  }
  twin.advance_to(kDurationS);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto balance = twin.mass_balance();
  std::printf("simulated_s %.0f\n", kDurationS);
  std::printf("strokes %ld\n", strokes);
  std::printf("delivered_volume_ul %.3f\n", twin.delivered_volume_ul());
  std::printf("csf_pressure_mmhg %.3f\n", twin.signal("csf_pressure_mmhg"));
  std::printf("tip_segment_concentration_ug_per_ml %.4f\n",
              twin.signal(pumptwin::physio::segment_concentration_signal("T10")));
  std::printf("mass_balance_relative_error %.3e\n",
              balance.accounted_ug() / balance.inputs_ug() - 1.0);
  std::printf("wall_s %.4f\n", wall_s);
  std::printf("physio_rtf %.4g\n", kDurationS / wall_s);
  return 0;
}
