#include "pathway_patient.h"

#include <algorithm>
#include <cmath>

#include "twin/physio/cohort.h"

namespace pumpbench {

namespace {

constexpr double kDayS = 86400.0;

std::seed_seq seeds(uint64_t seed, uint64_t member, uint32_t stream) {
  return std::seed_seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                       static_cast<uint32_t>(member), static_cast<uint32_t>(member >> 32), stream};
}

}  // namespace

PatientBehaviour::PatientBehaviour(uint64_t seed, uint64_t member) {
  // Separate streams for the episodes and the presses: how often the patient is asked does not
  // change when their pain flares.
  std::seed_seq episode_seeds = seeds(seed, member, 1);
  std::seed_seq press_seeds = seeds(seed, member, 2);
  episodes_.seed(episode_seeds);
  presses_.seed(press_seeds);
  using pumptwin::physio::uniform_unit;
  press_threshold_ = 5.0 + 2.0 * uniform_unit(presses_);
  episode_start_s_ = -std::log(1.0 - uniform_unit(episodes_)) * kDayS / kEpisodesPerDay;
}

void PatientBehaviour::advance_episodes(double time_s) {
  using pumptwin::physio::uniform_unit;
  // Episodes in order, each starting after the previous one ended; an episode's length and
  // intensity are drawn when it starts.
  for (;;) {
    if (!episode_drawn_) {
      if (time_s < episode_start_s_) return;
      episode_end_s_ = episode_start_s_ + (20.0 + 40.0 * uniform_unit(episodes_)) * 60.0;
      episode_intensity_ = 2.0 + 2.0 * uniform_unit(episodes_);
      episode_drawn_ = true;
    }
    if (time_s < episode_end_s_) return;
    episode_start_s_ =
        episode_end_s_ - std::log(1.0 - uniform_unit(episodes_)) * kDayS / kEpisodesPerDay;
    episode_drawn_ = false;
  }
}

bool PatientBehaviour::in_breakthrough(double time_s) const {
  return episode_drawn_ && time_s >= episode_start_s_ && time_s < episode_end_s_;
}

double PatientBehaviour::reported_pain(double time_s, double model_pain_score,
                                       double analgesia_fraction) {
  advance_episodes(time_s);
  const double flare =
      in_breakthrough(time_s) ? episode_intensity_ * (1.0 - analgesia_fraction) : 0.0;
  return std::clamp(model_pain_score + flare, 0.0, 10.0);
}

bool PatientBehaviour::presses_ptm(double time_s, double reported_pain) {
  const double hour = std::fmod(time_s, kDayS) / 3600.0;
  if (hour < 7.0 || hour >= 23.0) return false;
  if (reported_pain < press_threshold_ || time_s - last_press_s_ < kMinPressIntervalS) return false;
  const double probability = ptm_light_on(time_s) ? kPressProbability : press_when_dark_;
  if (pumptwin::physio::uniform_unit(presses_) >= probability) return false;
  last_press_s_ = time_s;
  return true;
}

void PatientBehaviour::set_ptm(double lockout_s, unsigned max_per_day) {
  ptm_lockout_s_ = lockout_s;
  ptm_max_per_day_ = max_per_day;
}

void PatientBehaviour::ptm_answered(double time_s, PtmAnswer answer) {
  therapy_stopped_ = answer == PtmAnswer::kTherapyStopped;
  if (answer == PtmAnswer::kGranted) {
    ptm_granted_s_.push_back(time_s);
    while (time_s - ptm_granted_s_.front() >= kDayS) ptm_granted_s_.pop_front();
  } else {
    press_when_dark_ = std::max(kLearnedPressWhenDark, press_when_dark_ / 2.0);
  }
}

bool PatientBehaviour::ptm_light_on(double time_s) const {
  if (ptm_max_per_day_ == 0 || therapy_stopped_) return false;
  if (!ptm_granted_s_.empty() && time_s - ptm_granted_s_.back() < ptm_lockout_s_) return false;
  const auto in_last_day = std::count_if(ptm_granted_s_.begin(), ptm_granted_s_.end(),
                                         [time_s](double t) { return time_s - t < kDayS; });
  return static_cast<unsigned>(in_last_day) < ptm_max_per_day_;
}

}  // namespace pumpbench
