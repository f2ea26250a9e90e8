// The patient's side of the pathway (docs/pathway.md): the pain they report and when they press
// their PTM. Seeded and deterministic: the same seed and the same sequence of queries give the
// same reports and presses, whatever the machine.
//
// - Reported pain: the patient model's pain score (baseline x (1 - analgesia), twin/physio) plus
//   breakthrough episodes (Poisson, on average two a day, 20-60 min, +2 to +4 NRS before
//   analgesia; assumption after Portenoy & Hagen 1990, Pain 41:273: median 4 episodes a day and a
//   median duration of 30 min in cancer pain), which the drug relieves as it relieves the rest.
// - PTM: awake from 07:00 to 23:00, the patient looks at their pain every check; at or above their
//   own threshold (NRS 5-7, drawn per patient) they look at the PTM's availability light. Lit, they
//   press with probability 0.8, at most every 30 min; dark, they press anyway with a probability
//   that starts at 0.5 and halves with every press the pump refuses (they learn the light means
//   it), down to 0.02 (assumptions). The firmware grants or refuses each press (lockout, daily
//   maximum); the light is the handheld's display of the settings it was given (lockout since
//   the last bolus it saw granted, the daily maximum over the last 24 h) and of the pump's last
//   answer (dark after "therapy stopped", a critical alarm, until a press is granted again).
#pragma once

#include <cstdint>
#include <deque>
#include <random>

namespace pumpbench {

class PatientBehaviour {
 public:
  // `seed`: the run's seed; `member`: the patient (0 for a reference patient).
  PatientBehaviour(uint64_t seed, uint64_t member);

  // NRS 0-10 at time_s (queries in non-decreasing time).
  double reported_pain(double time_s, double model_pain_score, double analgesia_fraction);
  // Whether the patient presses the PTM now, feeling `reported_pain` (queries in non-decreasing
  // time).
  bool presses_ptm(double time_s, double reported_pain);
  // The PTM's settings as the clinician programmed them: its light goes dark for `lockout_s`
  // after a granted bolus and while `max_per_day` were granted in the last 24 h.
  void set_ptm(double lockout_s, unsigned max_per_day);
  // The pump's answer to a press, as the handheld reads it: granted, refused, or refused because
  // a critical alarm stopped therapy (refusal 12, docs/telemetry.md).
  enum class PtmAnswer { kGranted, kRefused, kTherapyStopped };
  // The pump's answer to the press at time_s: a refusal teaches the patient to trust the light;
  // "therapy stopped" darkens the light until a press is granted again.
  void ptm_answered(double time_s, PtmAnswer answer);
  bool ptm_light_on(double time_s) const;
  // The probability of pressing while the light is dark, now.
  double press_when_dark_probability() const { return press_when_dark_; }

  double press_threshold() const { return press_threshold_; }
  bool in_breakthrough(double time_s) const;

  static constexpr double kEpisodesPerDay = 2.0;
  static constexpr double kPressProbability = 0.8;
  static constexpr double kMinPressIntervalS = 30 * 60.0;
  static constexpr double kFirstPressWhenDark = 0.5;
  static constexpr double kLearnedPressWhenDark = 0.02;

 private:
  void advance_episodes(double time_s);

  std::mt19937_64 episodes_;
  std::mt19937_64 presses_;
  double press_threshold_ = 6.0;
  double episode_start_s_ = 0.0;
  double episode_end_s_ = 0.0;
  double episode_intensity_ = 0.0;
  bool episode_drawn_ = false;  // the episode starting at episode_start_s_ has its length
  double last_press_s_ = -1e12;
  double ptm_lockout_s_ = 0.0;
  unsigned ptm_max_per_day_ = 0;      // 0: no PTM settings yet, the light stays dark
  std::deque<double> ptm_granted_s_;  // within the last 24 h, oldest first
  bool therapy_stopped_ = false;      // the pump's last answer said a critical alarm stopped it
  double press_when_dark_ = kFirstPressWhenDark;
};

}  // namespace pumpbench
