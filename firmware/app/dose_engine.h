// The dosing engine: turns the programmed drug mass into motor microsteps without drift.
//
// Drug owed to the patient accumulates, second by second, as an exact integer in mass quanta:
//   1 q = 1 ng / (8000 × 86400).
// A rate of R ng/day then adds exactly R × 8000 q every second, and one microstep (1/8 full
// step, the unit of the ASIC's TOTAL_STEPS) of a drug at C µg/mL (= ng/µL) through a
// mechanism of V nL per full step carries exactly C × V × 86400 q. Nothing is ever rounded:
// what the motor has not yet delivered stays in the account as a remainder, across strokes,
// schedule steps, boluses and concentration changes (the account is drug mass, not volume),
// so a year of delivery is off by less than one stroke.
//
// The engine runs on every wake-up of the main loop, on a Cortex-M0+ that has no divide
// instruction and no 64-bit multiply: libgcc does those in software, hundreds of instructions
// each, and the CPU's active time is battery. So the hot path divides nothing: the schedule step
// in force is kept as an RTC-second interval until time leaves it, the mass of a microstep is
// computed when the concentration changes, "is a stroke owed" is a comparison, and the next
// due second is kept until something other than the passing of time changes the account. Each
// gives the same result as the plain arithmetic (tests/firmware/dose_engine_test.cpp checks
// them against it, at the 2^32 and day boundaries and with clock offsets).
#pragma once

#include <cstdint>

#include "app/therapy.h"

namespace pumpfw::app {

inline constexpr uint64_t kMassQuantaPerNg = 8000ull * kSecondsPerDay;
inline constexpr uint64_t kNever = UINT64_MAX;

class DoseEngine {
 public:
  explicit DoseEngine(uint32_t calibration_nl_per_full_step)
      : calibration_nl_per_full_step_(calibration_nl_per_full_step) {}

  // Starts (or restarts after a suspension) accrual at rtc_s with nothing owed: time spent
  // suspended is never caught up.
  void start(uint64_t rtc_s);
  void suspend();
  bool running() const { return running_; }

  void set_program(const TherapyProgram& program);
  // Concentration of the drug leaving the catheter tip (the old drug during a bridging bolus).
  void set_tip_concentration(uint32_t concentration_ug_per_ml);
  uint32_t tip_concentration_ug_per_ml() const { return tip_concentration_ug_per_ml_; }

  // Adds what the schedule and any bolus owe from the last accrual to rtc_s.
  void accrue_to(uint64_t rtc_s, int64_t clock_offset_s);
  // Whole microsteps the owed drug pays for.
  uint32_t due_microsteps() const;
  // due_microsteps() >= microsteps, without its division.
  bool owes_microsteps(uint32_t microsteps) const {
    return microsteps == 0 || (microstep_mass_q_ != 0 && owed_q_ >= microstep_mass_q_ * microsteps);
  }
  // The motor drove this many microsteps: take their drug off the account.
  void consume(uint32_t driven_microsteps);
  // The RTC second at which at least `microsteps` will be due, or kNever with nothing to give.
  uint64_t next_due_s(uint32_t microsteps, int64_t clock_offset_s) const;

  // A bolus of drug mass delivered evenly over duration_s on top of the basal rate.
  void start_bolus(uint64_t dose_ng, uint32_t duration_s);
  bool bolus_active() const { return bolus_remaining_q_ != 0; }
  // The RTC second at which the bolus in progress will have accrued completely.
  uint64_t bolus_end_s() const;
  // Bolus drug not yet accrued, in ng (rounded up), e.g. for telemetry.
  uint64_t bolus_remaining_ng() const {
    return (bolus_remaining_q_ + kMassQuantaPerNg - 1) / kMassQuantaPerNg;
  }

  uint64_t microstep_mass_q() const { return microstep_mass_q_; }
  uint64_t owed_q() const { return owed_q_; }
  uint64_t accrued_total_q() const { return accrued_total_q_; }

 private:
  // The schedule step in force at an RTC second, as RTC seconds [start_s, end_s), and the
  // mass it adds each second.
  struct Segment {
    uint64_t start_s = 0;
    uint64_t end_s = 0;
    uint64_t basal_q_per_s = 0;
    int64_t clock_offset_s = 0;
    bool valid = false;
  };
  // The segment at rtc_s: the one kept from the last call while rtc_s is inside it.
  const Segment& segment_at(uint64_t rtc_s, int64_t clock_offset_s) const;
  uint64_t search_due_s(uint64_t target_q, int64_t clock_offset_s) const;

  uint32_t calibration_nl_per_full_step_;
  uint32_t tip_concentration_ug_per_ml_ = 0;
  uint64_t microstep_mass_q_ = 0;
  TherapyProgram program_{};
  bool running_ = false;
  uint64_t last_s_ = 0;
  uint64_t owed_q_ = 0;
  uint64_t accrued_total_q_ = 0;
  uint64_t bolus_remaining_q_ = 0;
  uint64_t bolus_q_per_s_ = 0;
  mutable Segment segment_{};
  // The answer of next_due_s and what it was asked. Accrual follows the same second-by-second
  // account the search looks ahead on, so the answer stands while accrue_to alone moves the
  // account up to it; anything else that changes the account drops it.
  struct Due {
    uint64_t due_s = 0;
    uint32_t microsteps = 0;
    int64_t clock_offset_s = 0;
    bool valid = false;
  };
  mutable Due due_{};
};

// Second of the day on the wall clock.
uint32_t second_of_day(uint64_t rtc_s, int64_t clock_offset_s);

}  // namespace pumpfw::app
