#include "pathway.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "app/alarms.h"
#include "app/pump.h"
#include "app/therapy.h"
#include "catalogue.h"
#include "pathway_patient.h"
#include "pathway_protocol.h"
#include "twin/physio/drug_library.h"

namespace pumpbench {

namespace {

using nlohmann::json;

constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr double kDayS = 86400.0;
constexpr double kHourS = 3600.0;
// The patient is looked at (pain, side effects, PTM) every quarter of an hour.
constexpr double kCheckS = 15 * 60.0;
constexpr double kEvaluationS = 10 * 60.0;
constexpr double kTrialS = kHourS;
// A bolus trial is judged on the best relief within a day; an infusion trial at its daily reviews
// (review_infusion_trial(), pathway_protocol.h).
constexpr double kBolusTrialWindowS = kDayS;
// Implant the day after the trial is judged (assumption: in practice days to weeks).
constexpr double kImplantDelayS = kDayS;
// Monitoring after a start or an increase of an opioid: 24 h ([PACC17]).
constexpr double kMonitoringS = kDayS;
// The visit judges relief on the patient's diary of the last three days.
constexpr double kDiaryS = 3 * kDayS;
// The bolus rate a trial or PTM bolus is planned at: below the pump's 15 uL/min limit.
constexpr double kBolusPlanUlPerMin = 10.0;
// PTM settings (assumption): a tenth of the daily dose over 10 min (longer when the drug in the
// catheter needs it, ptm_step()), lockout 3 h, 4 a day.
constexpr double kPtmDoseFraction = 0.1;
constexpr uint16_t kPtmDurationMinutes = 10;
constexpr uint16_t kPtmLockoutMinutes = 180;
constexpr uint8_t kPtmMaxPerDay = 4;
// A refill is due when the reservoir would reach its low level within the next visit interval
// and a week.
constexpr double kRefillMarginS = 7 * kDayS;

Step make_step(Action action, std::string name, std::string note, std::string expect = "accepted") {
  Step step;
  step.timing = Step::Timing::kAt;
  step.action = std::move(action);
  step.action_name = std::move(name);
  step.note = std::move(note);
  step.expect_answer = std::move(expect);
  return step;
}

// The pump's answer to a PTM press while a critical alarm stops therapy.
const std::string& therapy_stopped_answer() {
  static const std::string answer =
      refused_answer(static_cast<uint8_t>(pumpfw::app::Refusal::kTherapyStopped));
  return answer;
}

ProgramSpec continuous(double rate_ug_per_day) {
  ProgramSpec program;
  program.steps.push_back({0, rate_ug_per_day});
  return program;
}

double whole_ng(double ug) {
  return std::round(ug * 1e3) / 1e3;
}

class PathwayDriver final : public RunDriver {
 public:
  PathwayDriver(const Scenario& scenario, const pumptwin::physio::PatientParameters& patient,
                uint64_t seed, uint64_t member)
      : spec_(*scenario.pathway),
        setup_(scenario.setup),
        protocol_(*find_protocol(scenario.setup.drug)),
        tolerant_(opioid_tolerant(spec_, patient)),
        opioid_relief_ceiling_(patient.opioid_relief_ceiling),
        behaviour_(seed, member),
        strength_(scenario.setup.concentration_ug_per_ml) {
    appointment_s_ = kEvaluationS;
    appointment_ = Appointment::kEvaluation;
    next_check_s_ = kEvaluationS;
  }

  double next_wake_s() const override { return std::min(next_check_s_, appointment_s_); }

  std::vector<Step> wake(const RunView& view) override {
    const double t = view.time_s;
    std::vector<Step> steps;
    look_at_patient(view, steps);
    if (t >= appointment_s_) appointment(view, steps);
    if (t >= next_check_s_) next_check_s_ = t + kCheckS;
    if (next_wake_s() <= t) throw std::logic_error("pathway: a wake that asks for no later time");
    return steps;
  }

  void answered(const Step& step, const std::string& answer) override {
    const bool accepted = answer == "accepted";
    if (step.action_name == "ptm_press") {
      ++(accepted ? ptm_granted_ : ptm_refused_);
      using Answer = PatientBehaviour::PtmAnswer;
      behaviour_.ptm_answered(last_time_s_, accepted ? Answer::kGranted
                                            : answer == therapy_stopped_answer()
                                                ? Answer::kTherapyStopped
                                                : Answer::kRefused);
    } else if (!accepted) {
      ++refused_commands_;
      log_.push_back({{"day", day(last_time_s_)},
                      {"event", "command refused"},
                      {"action", step.action_name},
                      {"answer", answer},
                      {"note", step.note}});
    }
  }

  json figures() const override {
    json f = {{"pathway_opioid_tolerant", tolerant_ ? 1 : 0},
              {"pathway_baseline_pain", baseline_pain_},
              {"pathway_trial_attempts", trial_attempt_},
              {"pathway_trial_responder", responder_ ? 1 : 0},
              {"pathway_implanted", implanted_ ? 1 : 0},
              {"pathway_respiratory_depression_events", respiratory_events_},
              {"pathway_withdrawal_events", withdrawal_events_},
              {"pathway_sedation_events", sedation_events_},
              {"pathway_device_alarms", device_alarms_},
              {"pathway_critical_alarms", critical_alarms_},
              {"pathway_refused_commands", refused_commands_}};
    if (protocol_.opioid) f["pathway_opioid_relief_ceiling"] = opioid_relief_ceiling_;
    if (!implanted_) return f;
    f["pathway_start_dose_ug_per_day"] = start_dose_;
    f["pathway_final_dose_ug_per_day"] = dose_;
    f["pathway_final_strength_ug_per_ml"] = strength_;
    f["pathway_stable_dose_reached"] = stable_at_s_ ? 1 : 0;
    if (target_at_s_) {
      f["pathway_days_to_target_relief"] = (*target_at_s_ - implant_s_) / kDayS;
      f["pathway_target_dose_ug_per_day"] = target_dose_;
    }
    if (stable_at_s_) {
      f["pathway_days_to_stable_dose"] = (*stable_at_s_ - implant_s_) / kDayS;
      f["pathway_stable_dose_ug_per_day"] = stable_dose_;
    }
    if (!diary_.empty()) f["pathway_final_relief"] = diary_relief();
    f["pathway_visits"] = visits_.size();
    f["pathway_dose_changes"] = dose_changes_;
    f["pathway_refills"] = refills_.size();
    f["pathway_bridging_boluses"] = bridges_;
    if (ptm_enabled()) {
      f["pathway_ptm_presses"] = ptm_granted_ + ptm_refused_;
      f["pathway_ptm_granted"] = ptm_granted_;
      // Per day with the PTM (from implant to the end of the run).
      const double days = std::max(1.0, (last_time_s_ - implant_s_) / kDayS);
      f["pathway_ptm_presses_per_day"] = (ptm_granted_ + ptm_refused_) / days;
      f["pathway_ptm_granted_per_day"] = ptm_granted_ / days;
      f["pathway_ptm_press_when_dark_probability"] = behaviour_.press_when_dark_probability();
    }
    return f;
  }

  std::string report_key() const override { return "pathway"; }

  json report() const override {
    return {{"drug", protocol_.drug},
            {"opioid", protocol_.opioid},
            {"relief_measure", protocol_.analgesic ? "pain score" : "tone reduction"},
            {"adverse_effects_modelled", adverse_effects_modelled()},
            {"trial", spec_.trial},
            {"opioid_status", tolerant_ ? "tolerant" : "naive"},
            {"opioid_relief_ceiling", opioid_relief_ceiling_},
            {"baseline_pain", baseline_pain_},
            {"ptm_press_threshold", behaviour_.press_threshold()},
            {"trial_attempts", trial_log_},
            {"responder", responder_},
            {"implanted", implanted_},
            {"implant_day", implanted_ ? json(day(implant_s_)) : json()},
            {"visits", visits_},
            {"refills", refills_},
            {"events", log_}};
  }

 private:
  enum class Appointment {
    kNone,
    kEvaluation,
    kTrial,
    kTrialReview,
    kTrialJudged,
    kImplant,
    kVisit,
    kRefill
  };

  static double day(double time_s) { return std::round(time_s / kDayS * 100.0) / 100.0; }

  bool ptm_enabled() const { return spec_.ptm && protocol_.opioid; }
  bool infusion_trial() const { return spec_.trial == "infusion"; }

  // The adverse effects the patient model gives this drug (twin/physio/drug_library.cpp), so
  // that an outcome table shows only the events that can happen.
  json adverse_effects_modelled() const {
    const pumptwin::physio::DrugParameters& drug = pumptwin::physio::drug(protocol_.drug);
    json effects = json::array();
    if (drug.respiratory_ec50_csf_ug_per_ml > 0.0 || drug.respiratory_ec50_plasma_ng_per_ml > 0.0) {
      effects.push_back("respiratory_depression");
    }
    if (drug.sedation_ec50_csf_ug_per_ml > 0.0 || drug.sedation_ec50_plasma_ng_per_ml > 0.0) {
      effects.push_back("sedation");
    }
    if (drug.withdrawal_severity > 0.0) effects.push_back("withdrawal");
    return effects;
  }

  double relief(const RunView& view, double reported_pain) const {
    if (!protocol_.analgesic) return view.signal("antispasticity_fraction");
    return baseline_pain_ > 0.0 ? 1.0 - reported_pain / baseline_pain_ : 0.0;
  }

  // Every check: the pain the patient reports, side effects, alarms, the PTM.
  void look_at_patient(const RunView& view, std::vector<Step>& steps) {
    const double t = view.time_s;
    last_time_s_ = t;
    const double reported = protocol_.analgesic
                                ? behaviour_.reported_pain(t, view.signal("pain_score"),
                                                           view.signal("analgesia_fraction"))
                                : 0.0;
    if (appointment_ == Appointment::kEvaluation) return;
    const double now_relief = relief(view, reported);
    const double respiratory = view.signal("respiratory_depression_index");
    const double sedation = view.signal("sedation_index");
    const double withdrawal = view.signal("withdrawal_risk");
    const double side_effect = std::max(respiratory, sedation);
    reservoir_ml_ = view.signal("firmware_reservoir_volume_ml");

    if (respiratory > kUnacceptableSideEffect && !in_respiratory_event_) {
      ++respiratory_events_;
      log_.push_back(
          {{"day", day(t)}, {"event", "respiratory depression"}, {"index", respiratory}});
    }
    in_respiratory_event_ = respiratory > kUnacceptableSideEffect;
    if (withdrawal > kUnacceptableSideEffect && !in_withdrawal_event_) {
      ++withdrawal_events_;
      log_.push_back({{"day", day(t)}, {"event", "withdrawal"}, {"risk", withdrawal}});
    }
    in_withdrawal_event_ = withdrawal > kUnacceptableSideEffect;
    if (sedation > kUnacceptableSideEffect && !in_sedation_event_) {
      ++sedation_events_;
      log_.push_back({{"day", day(t)}, {"event", "sedation"}, {"index", sedation}});
    }
    in_sedation_event_ = sedation > kUnacceptableSideEffect;

    if (in_trial_window_) {
      trial_best_relief_ = std::max(trial_best_relief_, now_relief);
      trial_worst_side_effect_ = std::max(trial_worst_side_effect_, side_effect);
      if (now_relief >= kTargetRelief) trial_effect_s_ += kCheckS;
      if (infusion_trial()) {
        // The rate is judged once it has settled; side effects count from the start.
        if (t >= trial_rate_set_s_ + kInfusionTrialSettleS) trial_day_relief_.add(now_relief);
        trial_day_worst_side_effect_ = std::max(trial_day_worst_side_effect_, side_effect);
        // The trial is monitored: unacceptable side effects stop the infusion at once.
        if (side_effect > kUnacceptableSideEffect) review_trial_infusion(t, steps);
      }
    }
    if (!implanted_) return;

    const uint16_t raised = view.alarm_bits & ~alarm_bits_;
    alarm_bits_ = view.alarm_bits;
    using pumpfw::app::AlarmId;
    for (unsigned bit = 0; bit < 16; ++bit) {
      const uint16_t alarm = static_cast<uint16_t>(1u << bit);
      if ((raised & alarm) == 0) continue;
      ++device_alarms_;
      if ((alarm & pumpfw::app::kCriticalAlarmMask) != 0) ++critical_alarms_;
      log_.push_back({{"day", day(t)}, {"event", "alarm " + alarm_name(bit)}});
      // The patient hears the tone and comes in the next day for a refill (or to the visit
      // due before that, which refills).
      if (alarm == pumpfw::app::alarm_bit(AlarmId::kReservoirLow) && t + kDayS < appointment_s_) {
        schedule(Appointment::kRefill, t + kDayS);
      }
    }
    critical_alarm_ = (view.alarm_bits & pumpfw::app::kCriticalAlarmMask) != 0;

    worst_side_effect_ = std::max(worst_side_effect_, side_effect);
    const double hour = std::fmod(t, kDayS) / kHourS;
    if (hour >= 7.0 && hour < 23.0) diary_.push_back({t, now_relief});
    while (!diary_.empty() && diary_.front().first < t - kDiaryS) diary_.pop_front();

    // Monitoring after a start or an increase: the clinician acts at once.
    if (t < monitoring_until_s_ && side_effect > kUnacceptableSideEffect) {
      const Titration lower = titrate(protocol_, dose_, {0.0, true, false});
      log_.push_back({{"day", day(t)},
                      {"event", "monitoring: unacceptable side effects"},
                      {"dose_ug_per_day", dose_},
                      {"new_dose_ug_per_day", lower.dose_ug_per_day}});
      set_dose(t, lower.dose_ug_per_day, "monitoring: unacceptable side effects", steps);
      monitoring_until_s_ = t;
    }

    if (ptm_enabled() && behaviour_.presses_ptm(t, reported)) {
      steps.push_back(make_step(PtmPressAction{}, "ptm_press", "the patient's pain", "any"));
    }
  }

  double diary_relief() const {
    double sum = 0.0;
    for (const auto& entry : diary_) sum += entry.second;
    return diary_.empty() ? 0.0 : sum / static_cast<double>(diary_.size());
  }

  void schedule(Appointment what, double time_s) {
    appointment_ = what;
    appointment_s_ = time_s;
  }

  void appointment(const RunView& view, std::vector<Step>& steps) {
    const double t = view.time_s;
    switch (appointment_) {
      case Appointment::kNone:
        return;
      case Appointment::kEvaluation: {
        baseline_pain_ = view.signal("pain_score");
        log_.push_back({{"day", day(t)},
                        {"event", "evaluation"},
                        {"baseline_pain", baseline_pain_},
                        {"opioid_status", tolerant_ ? "tolerant" : "naive"}});
        // The pump takes a bolus only under a programme: a zero basal rate until implant.
        steps.push_back(
            make_step(ProgramAction{continuous(0.0)}, "program", "no basal before implant"));
        schedule(Appointment::kTrial, kTrialS);
        return;
      }
      case Appointment::kTrial:
        start_trial(t, steps);
        return;
      case Appointment::kTrialReview:
        review_trial_infusion(t, steps);
        return;
      case Appointment::kTrialJudged:
        judge_trial(t, steps);
        return;
      case Appointment::kImplant:
        implant(t, steps);
        return;
      case Appointment::kVisit:
        visit(t, steps);
        return;
      case Appointment::kRefill:
        refill(t, dose_, "low-reservoir alarm", steps);
        schedule(Appointment::kVisit, next_visit_s_);
        return;
    }
  }

  const std::vector<double>& trial_doses() const {
    return tolerant_ ? protocol_.trial_bolus_tolerant_ug : protocol_.trial_bolus_naive_ug;
  }

  void start_trial(double t, std::vector<Step>& steps) {
    in_trial_window_ = true;
    trial_best_relief_ = 0.0;
    trial_worst_side_effect_ = 0.0;
    trial_effect_s_ = 0.0;
    trial_reviews_ = json::array();
    start_trial_day();
    if (infusion_trial()) {
      trial_dose_ = starting_dose(protocol_, tolerant_, trial_doses().front(), 0.0);
      trial_start_dose_ = trial_dose_;
      steps.push_back(make_step(ProgramAction{continuous(trial_dose_)}, "program",
                                "trial infusion (the external pump's stand-in)"));
      trial_start_s_ = t;
      trial_rate_set_s_ = t;
      schedule(Appointment::kTrialReview, t + kInfusionTrialReviewS);
    } else {
      trial_dose_ = trial_doses()[trial_attempt_];
      const double volume_ul = trial_dose_ / setup_.concentration_ug_per_ml * 1e3;
      const auto minutes =
          static_cast<uint16_t>(std::max(1.0, std::ceil(volume_ul / kBolusPlanUlPerMin)));
      steps.push_back(make_step(ClinicianBolusAction{whole_ng(trial_dose_), minutes},
                                "clinician_bolus",
                                "trial bolus (the lumbar injection's stand-in)"));
      schedule(Appointment::kTrialJudged, t + kBolusTrialWindowS);
    }
    ++trial_attempt_;
  }

  // What a visit or an infusion trial's review found and decided, for the run's record.
  static json titration_record(double t, const VisitFindings& findings, double worst_side_effect,
                               double dose_ug_per_day, const Titration& titration) {
    return {{"day", day(t)},
            {"relief", findings.relief},
            {"worst_side_effect", worst_side_effect},
            {"dose_ug_per_day", dose_ug_per_day},
            {"decision", titration.decision},
            {"new_dose_ug_per_day", titration.dose_ug_per_day},
            {"reason", titration.reason}};
  }

  void start_trial_day() {
    trial_day_relief_ = {};
    trial_day_worst_side_effect_ = 0.0;
  }

  // The infusion trial's review: daily, or at once when the monitoring sees unacceptable side
  // effects. The day's settled relief and worst side effect decide (review_infusion_trial()): the
  // trial ends with a response or without one, or the rate steps up for another day.
  void review_trial_infusion(double t, std::vector<Step>& steps) {
    VisitFindings findings;
    findings.relief = trial_day_relief_.mean();
    findings.unacceptable_side_effects = trial_day_worst_side_effect_ > kUnacceptableSideEffect;
    const bool last_review = t + kInfusionTrialReviewS > trial_start_s_ + kInfusionTrialMaxS + 1.0;
    const TrialReview review =
        review_infusion_trial(protocol_, tolerant_, trial_dose_, findings, last_review);
    trial_reviews_.push_back(
        titration_record(t, findings, trial_day_worst_side_effect_, trial_dose_,
                         {review.rate_ug_per_day, review.decision, review.reason}));
    if (review.ends) {
      end_trial_infusion(t, findings, review, steps);
      return;
    }
    start_trial_day();
    trial_dose_ = review.rate_ug_per_day;
    trial_rate_set_s_ = t;
    steps.push_back(make_step(ProgramAction{continuous(trial_dose_)}, "program",
                              "trial infusion titration: " + review.reason));
    schedule(Appointment::kTrialReview, t + kInfusionTrialReviewS);
  }

  void end_trial_infusion(double t, const VisitFindings& findings, const TrialReview& review,
                          std::vector<Step>& steps) {
    in_trial_window_ = false;
    steps.push_back(make_step(ProgramAction{continuous(0.0)}, "program", "trial infusion ends"));
    trial_log_.push_back({{"day", day(t)},
                          {"dose_ug", trial_dose_},
                          {"kind", "infusion (ug/day)"},
                          {"relief", findings.relief},
                          {"effect_hours", trial_effect_s_ / kHourS},
                          {"worst_side_effect", trial_day_worst_side_effect_},
                          {"responder", review.responder},
                          {"start_dose_ug", trial_start_dose_},
                          {"reviews", trial_reviews_}});
    if (review.responder) {
      responder_ = true;
      responding_dose_ = trial_dose_;
      schedule(Appointment::kImplant, t + kImplantDelayS);
      return;
    }
    log_.push_back({{"day", day(t)}, {"event", "non-responder: not implanted"}});
    schedule(Appointment::kNone, kNever);
  }

  void judge_trial(double t, std::vector<Step>& steps) {
    in_trial_window_ = false;
    const bool unacceptable = trial_worst_side_effect_ > kUnacceptableSideEffect;
    const bool responded = trial_responder(trial_best_relief_, unacceptable);
    trial_log_.push_back({{"day", day(t)},
                          {"dose_ug", trial_dose_},
                          {"kind", "bolus"},
                          {"relief", trial_best_relief_},
                          {"effect_hours", trial_effect_s_ / kHourS},
                          {"worst_side_effect", trial_worst_side_effect_},
                          {"responder", responded}});
    if (responded) {
      responder_ = true;
      responding_dose_ = trial_dose_;
      responding_effect_s_ = trial_effect_s_;
      schedule(Appointment::kImplant, t + kImplantDelayS);
      return;
    }
    if (static_cast<size_t>(trial_attempt_) < trial_doses().size()) {
      start_trial(t, steps);  // the next screening dose, 24 h after the last
      return;
    }
    log_.push_back({{"day", day(t)}, {"event", "non-responder: not implanted"}});
    schedule(Appointment::kNone, kNever);
  }

  void implant(double t, std::vector<Step>& steps) {
    implanted_ = true;
    implant_s_ = t;
    // After an infusion trial the pump starts at the rate that responded (assumption).
    start_dose_ = infusion_trial()
                      ? responding_dose_
                      : starting_dose(protocol_, tolerant_, responding_dose_, responding_effect_s_);
    log_.push_back({{"day", day(t)}, {"event", "implant"}, {"start_dose_ug_per_day", start_dose_}});
    dose_ = start_dose_;
    const double strength = strength_for(protocol_, dose_, setup_.reservoir_capacity_ul);
    fill(t, strength, "implant fill", steps);
    steps.push_back(make_step(ProgramAction{continuous(dose_)}, "program", "starting dose"));
    dose_set_s_ = t;
    if (ptm_enabled()) steps.push_back(ptm_step(t));
    if (protocol_.opioid) monitoring_until_s_ = t + kMonitoringS;
    next_visit_s_ = t + visit_interval();
    schedule(Appointment::kVisit, next_visit_s_);
  }

  double visit_interval() const {
    const double drug_interval =
        stable_at_s_ ? protocol_.maintenance_visit_s : protocol_.titration_visit_s;
    return stable_at_s_ && spec_.follow_up_s ? *spec_.follow_up_s : drug_interval;
  }

  // The PTM's settings for the dose: a bolus of kPtmDurationMinutes unless the pump would refuse
  // its rate with the drug in the catheter (after a fill at a new strength the catheter holds the
  // old one until the bridging bolus is through); then, as a clinician whose programmer refuses
  // the rate, a longer bolus at the planned bolus rate.
  Step ptm_step(double t) {
    behaviour_.set_ptm(kPtmLockoutMinutes * 60.0, kPtmMaxPerDay);
    PtmSpec ptm;
    ptm.dose_ug = round_dose(protocol_, dose_ * kPtmDoseFraction);
    const double catheter_strength =
        t == bridged_at_s_ ? std::min(strength_, bridged_from_strength_) : strength_;
    ptm.duration_minutes = kPtmDurationMinutes;
    const bool pump_takes_it = pumpfw::app::bolus_rate_within_limit(
        static_cast<uint64_t>(std::llround(ptm.dose_ug * 1e3)), ptm.duration_minutes * 60u,
        static_cast<uint32_t>(std::llround(catheter_strength)),
        pumpfw::app::PumpConfig{}.max_bolus_rate_full_steps_per_min,
        static_cast<uint32_t>(std::llround(setup_.calibration_nl_per_step)));
    if (!pump_takes_it) {
      const double volume_ul = ptm.dose_ug / catheter_strength * 1e3;
      ptm.duration_minutes = static_cast<uint16_t>(std::ceil(volume_ul / kBolusPlanUlPerMin));
    }
    ptm.lockout_minutes = kPtmLockoutMinutes;
    ptm.max_per_day = kPtmMaxPerDay;
    return make_step(PtmConfigAction{ptm}, "ptm_config", "PTM: a tenth of the daily dose");
  }

  // Empties the reservoir and fills it at `strength`, with a bridging bolus when the strength
  // changes (the catheter still holds the old one).
  void fill(double t, double strength, const std::string& why, std::vector<Step>& steps) {
    RefillAction refill;
    refill.drug = protocol_.drug;
    refill.concentration_ug_per_ml = strength;
    refill.volume_ul = setup_.reservoir_capacity_ul;
    const bool bridge = strength != strength_;
    if (bridge) {
      refill.bridge_volume_ul =
          bridge_volume_ul(setup_.catheter_length_cm, setup_.catheter_inner_diameter_mm);
      ++bridges_;
      bridged_at_s_ = t;
      bridged_from_strength_ = strength_;
    }
    refills_.push_back({{"day", day(t)},
                        {"why", why},
                        {"strength_ug_per_ml", strength},
                        {"previous_strength_ug_per_ml", strength_},
                        {"bridge_ul", refill.bridge_volume_ul},
                        {"reservoir_before_ml", reservoir_ml_}});
    steps.push_back(make_step(refill, "refill", why));
    strength_ = strength;
    fill_s_ = t;
    first_fill_ = why == "implant fill";
  }

  // A refill at the strength the dose needs, never weaker than the one in the pump.
  void refill(double t, double for_dose, const std::string& why, std::vector<Step>& steps) {
    fill(t, std::max(strength_, strength_for(protocol_, for_dose, setup_.reservoir_capacity_ul)),
         why, steps);
  }

  void set_dose(double t, double dose, const std::string& why, std::vector<Step>& steps) {
    if (dose == dose_) return;
    if (dose > dose_ && protocol_.opioid) monitoring_until_s_ = t + kMonitoringS;
    dose_ = dose;
    dose_set_s_ = t;
    ++dose_changes_;
    steps.push_back(make_step(ProgramAction{continuous(dose_)}, "program", why));
    if (ptm_enabled()) steps.push_back(ptm_step(t));
  }

  void visit(double t, std::vector<Step>& steps) {
    VisitFindings findings;
    findings.relief = diary_relief();
    findings.unacceptable_side_effects = worst_side_effect_ > kUnacceptableSideEffect;
    findings.critical_alarm = critical_alarm_;
    const double before = dose_;
    const Titration titration = titrate(protocol_, dose_, findings);
    json record = titration_record(t, findings, worst_side_effect_, before, titration);
    record["ptm_granted_so_far"] = ptm_granted_;
    record["reservoir_ml"] = reservoir_ml_;
    visits_.push_back(std::move(record));
    worst_side_effect_ = 0.0;
    if (titration.reason == "target relief" && !target_at_s_) {
      target_at_s_ = t;
      target_dose_ = before;
    }
    // Refill before reprogramming: the strength follows the new dose.
    const double daily_ml = titration.dose_ug_per_day / strength_;
    const double interval_s = visit_interval();
    const double days_left =
        (reservoir_ml_ - setup_.low_reservoir_alarm_ul / 1e3) / std::max(daily_ml, 1e-9);
    const bool exchange = first_fill_ && protocol_.first_fill_exchange_s > 0.0 &&
                          t - fill_s_ >= protocol_.first_fill_exchange_s;
    if (days_left * kDayS < interval_s + kRefillMarginS || exchange) {
      refill(t, titration.dose_ug_per_day, exchange ? "first-fill exchange" : "scheduled refill",
             steps);
    }
    set_dose(t, titration.dose_ug_per_day, "titration: " + titration.reason, steps);
    if (titration.decision == "keep" && titration.reason == "target relief") {
      if (++kept_at_target_ >= 2 && !stable_at_s_) {
        stable_at_s_ = dose_set_s_;
        stable_dose_ = dose_;
        log_.push_back({{"day", day(t)}, {"event", "stable dose"}, {"dose_ug_per_day", dose_}});
      }
    } else {
      kept_at_target_ = 0;
    }
    next_visit_s_ = t + visit_interval();
    schedule(Appointment::kVisit, next_visit_s_);
  }

  const PathwaySpec spec_;
  const Setup setup_;
  const DrugProtocol& protocol_;
  const bool tolerant_;
  // The patient model's attribute, recorded to read outcomes by it; the protocol never sees it.
  const double opioid_relief_ceiling_;
  PatientBehaviour behaviour_;
  double strength_;

  Appointment appointment_ = Appointment::kNone;
  double appointment_s_ = kNever;
  double next_check_s_ = kNever;
  double next_visit_s_ = kNever;
  double last_time_s_ = 0.0;
  double baseline_pain_ = 0.0;

  int trial_attempt_ = 0;
  double trial_dose_ = 0.0;
  bool in_trial_window_ = false;
  double trial_best_relief_ = 0.0;
  double trial_worst_side_effect_ = 0.0;
  double trial_effect_s_ = 0.0;
  // The mean relief reported at an infusion trial's checks (0 with none).
  struct MeanRelief {
    double sum = 0.0;
    int count = 0;
    void add(double relief) {
      sum += relief;
      ++count;
    }
    double mean() const { return count > 0 ? sum / count : 0.0; }
  };
  // The infusion trial: its start, starting rate, when the rate was last set, the current day's
  // findings (relief once the rate has settled), the reviews.
  double trial_start_s_ = 0.0;
  double trial_start_dose_ = 0.0;
  double trial_rate_set_s_ = 0.0;
  MeanRelief trial_day_relief_;
  double trial_day_worst_side_effect_ = 0.0;
  json trial_reviews_ = json::array();
  bool responder_ = false;
  double responding_dose_ = 0.0;
  double responding_effect_s_ = 0.0;

  bool implanted_ = false;
  double implant_s_ = 0.0;
  double start_dose_ = 0.0;
  double dose_ = 0.0;
  double dose_set_s_ = 0.0;
  int dose_changes_ = 0;
  double monitoring_until_s_ = 0.0;
  // The first visit that found target relief, and the dose that gave it.
  std::optional<double> target_at_s_;
  double target_dose_ = 0.0;
  std::optional<double> stable_at_s_;
  double stable_dose_ = 0.0;
  int kept_at_target_ = 0;
  double fill_s_ = 0.0;
  bool first_fill_ = false;
  int bridges_ = 0;
  // The last fill with a bridging bolus and the strength the catheter held before it.
  double bridged_at_s_ = -1.0;
  double bridged_from_strength_ = 0.0;
  double reservoir_ml_ = 0.0;

  double worst_side_effect_ = 0.0;
  std::deque<std::pair<double, double>> diary_;  // (time, relief) while awake
  bool in_respiratory_event_ = false;
  bool in_withdrawal_event_ = false;
  bool in_sedation_event_ = false;
  int sedation_events_ = 0;
  int respiratory_events_ = 0;
  int withdrawal_events_ = 0;
  uint16_t alarm_bits_ = 0;
  bool critical_alarm_ = false;
  int device_alarms_ = 0;
  int critical_alarms_ = 0;
  int ptm_granted_ = 0;
  int ptm_refused_ = 0;
  int refused_commands_ = 0;

  json trial_log_ = json::array();
  json visits_ = json::array();
  json refills_ = json::array();
  json log_ = json::array();
};

}  // namespace

bool opioid_tolerant(const PathwaySpec& spec, const pumptwin::physio::PatientParameters& patient) {
  if (spec.opioid_status == "naive") return false;
  if (spec.opioid_status == "tolerant") return true;
  return patient.opioid_tolerant;
}

std::unique_ptr<RunDriver> make_pathway_driver(const Scenario& scenario,
                                               const pumptwin::physio::PatientParameters& patient,
                                               uint64_t seed, uint64_t member) {
  return std::make_unique<PathwayDriver>(scenario, patient, seed, member);
}

}  // namespace pumpbench
