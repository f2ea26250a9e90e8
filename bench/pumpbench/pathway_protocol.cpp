#include "pathway_protocol.h"

#include <algorithm>
#include <cmath>

namespace pumpbench {

namespace {

constexpr double kDayS = 86400.0;

// Sources (full references in docs/pathway.md):
// [PACC17] Deer TR et al., Polyanalgesic Consensus Conference 2017, Neuromodulation 20:96-132
//          (trialing and starting doses: morphine 0.1-0.5 mg/day; slow titration).
// [INF]    Infumorph (morphine, preservative-free) prescribing information: intrathecal start
//          0.2-1 mg/day opioid-naive, 1-10 mg/day opioid-tolerant; single doses 0.2-1 mg.
// [PRI]    Prialt (ziconotide) prescribing information: start <= 2.4 ug/day, increments
//          <= 2.4 ug/day at most 2-3 times a week, at most 19.2 ug/day; first fill exchanged
//          after 14 days.
// [LIO]    Lioresal Intrathecal / Gablofen (baclofen) prescribing information: screening bolus
//          50 ug, then 75 and 100 ug 24 h apart; start at the screening dose per day (twice
//          that if its effect lasted < 8 h); titrate by 10-30 % every 24 h (spinal origin);
//          decrease by 10-20 % for side effects; maintenance 300-800 ug/day.
// [GRI]    Grider JS, Harned ME, Etscheidt MA, Pain Physician 2011;14:343-51: a low-dose
//          intrathecal morphine trial at doses of 25, 50, 100, 200 and 400 ug (each twice the
//          one before).
// [CMI]    Continuous morphine infusion: a retrospective study of efficacy, safety, and
//          demographic variables. Neuromodulation 2009;12:122-9: 292 intrathecal morphine tests,
//          205 positive; test dose 0.4 mg/day (0.2-0.7), a mean of 6 test days (range 4-9).
const std::vector<DrugProtocol>& protocols() {
  static const std::vector<DrugProtocol> table = [] {
    DrugProtocol morphine;
    morphine.drug = "morphine";
    morphine.trial_bolus_naive_ug = {200.0};     // [INF] 0.2-1 mg; [PACC17] lowest for naive
    morphine.trial_bolus_tolerant_ug = {500.0};  // [INF] within 0.2-1 mg
    // [PACC17] 0.1-0.5 mg/day: a naive patient within it ([INF] 0.2-1 mg/day), a tolerant one at
    // its top (the label's 1-10 mg/day for tolerant patients is above the test doses of [CMI]).
    morphine.start_naive_ug_per_day = 300.0;
    morphine.start_tolerant_ug_per_day = 500.0;
    morphine.step_fraction = 0.2;  // assumption: 10-30 % steps are usual practice ([PACC17]: slow)
    morphine.step_min_ug_per_day = 50.0;
    morphine.decrease_fraction = 0.25;  // assumption
    morphine.max_ug_per_day = 15000.0;  // [PACC17] maximum daily dose (the pump's library too)
    morphine.infusion_trial_step_factor = 2.0;  // [GRI] doubling; daily: assumption
    // [INF]: no higher than the label's initial daily doses (naive 0.2-1, tolerant 1-10 mg/day):
    // a trial tests the doses therapy may start with.
    morphine.infusion_trial_max_naive_ug_per_day = 1000.0;
    morphine.infusion_trial_max_tolerant_ug_per_day = 10000.0;
    morphine.dose_resolution_ug_per_day = 10.0;
    morphine.titration_visit_s = 7 * kDayS;  // assumption: weekly visits while titrating
    morphine.maintenance_visit_s = 14 * kDayS;
    morphine.strengths_ug_per_ml = {1000.0, 2000.0, 5000.0, 10000.0,
                                    25000.0};  // [INF] 10, 25 mg/mL
    DrugProtocol ziconotide;
    ziconotide.drug = "ziconotide";
    ziconotide.opioid = false;
    ziconotide.trial_bolus_naive_ug = {2.5};  // [PACC17] trial bolus 1-5 ug
    ziconotide.trial_bolus_tolerant_ug = {2.5};
    ziconotide.start_naive_ug_per_day = 1.2;  // [PACC17] 0.5-1.2 ug/day, below [PRI]'s 2.4
    ziconotide.start_tolerant_ug_per_day = 1.2;
    ziconotide.step_min_ug_per_day = 1.2;  // [PACC17] 0.5-1.2 ug/day steps; [PRI] <= 2.4
    ziconotide.step_max_ug_per_day = 1.2;
    ziconotide.decrease_fraction = 0.25;  // assumption
    ziconotide.max_ug_per_day = 19.2;     // [PRI]
    ziconotide.dose_resolution_ug_per_day = 0.1;
    ziconotide.titration_visit_s = 7 * kDayS;  // [PACC17] weekly
    ziconotide.maintenance_visit_s = 14 * kDayS;
    ziconotide.strengths_ug_per_ml = {25.0, 100.0};  // [PRI]
    ziconotide.first_fill_exchange_s = 14 * kDayS;   // [PRI]
    DrugProtocol baclofen;
    baclofen.drug = "baclofen";
    baclofen.analgesic = false;
    baclofen.opioid = false;
    baclofen.trial_bolus_naive_ug = {50.0, 75.0, 100.0};  // [LIO]
    baclofen.trial_bolus_tolerant_ug = {50.0, 75.0, 100.0};
    baclofen.start_from_screening_dose = true;  // [LIO]
    baclofen.step_fraction = 0.2;               // [LIO] 10-30 %
    baclofen.step_min_ug_per_day = 5.0;
    baclofen.decrease_fraction = 0.15;  // [LIO] 10-20 %
    baclofen.max_ug_per_day = 1000.0;   // [LIO] practical maximum (the pump's library too)
    baclofen.dose_resolution_ug_per_day = 1.0;
    baclofen.titration_visit_s = 1 * kDayS;  // [LIO] every 24 h
    baclofen.maintenance_visit_s = 14 * kDayS;
    baclofen.strengths_ug_per_ml = {500.0, 2000.0};  // [LIO] 500 and 2000 ug/mL
    return std::vector<DrugProtocol>{morphine, ziconotide, baclofen};
  }();
  return table;
}

}  // namespace

const DrugProtocol* find_protocol(const std::string& drug) {
  for (const DrugProtocol& protocol : protocols()) {
    if (protocol.drug == drug) return &protocol;
  }
  return nullptr;
}

std::vector<std::string> protocol_drugs() {
  std::vector<std::string> names;
  for (const DrugProtocol& protocol : protocols()) names.push_back(protocol.drug);
  return names;
}

double round_dose(const DrugProtocol& protocol, double dose_ug_per_day) {
  const double step = protocol.dose_resolution_ug_per_day;
  const double rounded = std::round(dose_ug_per_day / step) * step;
  // Whole ng/day, as the pump holds it (firmware_commands.h).
  const double whole_ng = std::round(std::clamp(rounded, step, protocol.max_ug_per_day) * 1e3);
  return whole_ng / 1e3;
}

Titration titrate(const DrugProtocol& protocol, double dose_ug_per_day,
                  const VisitFindings& findings) {
  if (findings.critical_alarm) {
    return {dose_ug_per_day, "keep", "the pump alarms: dose held, the device is investigated"};
  }
  if (findings.unacceptable_side_effects) {
    return {round_dose(protocol, dose_ug_per_day * (1.0 - protocol.decrease_fraction)), "decrease",
            "unacceptable side effects"};
  }
  if (findings.relief >= kTargetRelief) return {dose_ug_per_day, "keep", "target relief"};
  if (dose_ug_per_day >= protocol.max_ug_per_day) {
    return {dose_ug_per_day, "keep", "at the protocol's maximum without target relief"};
  }
  double step = std::max(protocol.step_fraction * dose_ug_per_day, protocol.step_min_ug_per_day);
  if (protocol.step_max_ug_per_day > 0.0) step = std::min(step, protocol.step_max_ug_per_day);
  return {round_dose(protocol, dose_ug_per_day + step), "increase", "relief below target"};
}

bool trial_responder(double best_relief, bool unacceptable_side_effects) {
  return best_relief >= kTargetRelief && !unacceptable_side_effects;
}

double infusion_trial_maximum(const DrugProtocol& protocol, bool opioid_tolerant) {
  const double trial_max = opioid_tolerant ? protocol.infusion_trial_max_tolerant_ug_per_day
                                           : protocol.infusion_trial_max_naive_ug_per_day;
  return trial_max > 0.0 ? std::min(trial_max, protocol.max_ug_per_day) : protocol.max_ug_per_day;
}

TrialReview review_infusion_trial(const DrugProtocol& protocol, bool opioid_tolerant,
                                  double rate_ug_per_day, const VisitFindings& findings,
                                  bool last_review) {
  if (findings.unacceptable_side_effects) {
    return {rate_ug_per_day, "end", "unacceptable side effects", true, false};
  }
  if (findings.relief >= kTargetRelief) {
    return {rate_ug_per_day, "responder", "target relief", true, true};
  }
  const double trial_max = infusion_trial_maximum(protocol, opioid_tolerant);
  if (rate_ug_per_day >= trial_max) {
    return {rate_ug_per_day, "end", "at the trial's maximum without target relief", true, false};
  }
  if (last_review)
    return {rate_ug_per_day, "end", "no target relief within the trial", true, false};
  const double stepped =
      protocol.infusion_trial_step_factor > 0.0
          ? round_dose(protocol, rate_ug_per_day * protocol.infusion_trial_step_factor)
          : titrate(protocol, rate_ug_per_day, findings).dose_ug_per_day;
  return {std::min(stepped, trial_max), "increase", "relief below target", false, false};
}

double starting_dose(const DrugProtocol& protocol, bool opioid_tolerant, double responding_bolus_ug,
                     double effect_duration_s) {
  if (protocol.start_from_screening_dose) {
    const double factor = effect_duration_s < 8 * 3600.0 ? 2.0 : 1.0;  // [LIO]
    return round_dose(protocol, responding_bolus_ug * factor);
  }
  return round_dose(protocol, opioid_tolerant ? protocol.start_tolerant_ug_per_day
                                              : protocol.start_naive_ug_per_day);
}

double strength_for(const DrugProtocol& protocol, double dose_ug_per_day, double capacity_ul) {
  for (const double strength : protocol.strengths_ug_per_ml) {
    const double lasts_s = capacity_ul / 1e3 * strength / dose_ug_per_day * kDayS;
    if (lasts_s >= kMinRefillIntervalS) return strength;
  }
  return protocol.strengths_ug_per_ml.back();
}

double bridge_volume_ul(double catheter_length_cm, double catheter_inner_diameter_mm) {
  const double radius_cm = catheter_inner_diameter_mm / 20.0;
  const double lumen_ul = M_PI * radius_cm * radius_cm * catheter_length_cm * 1e3;
  return std::ceil(lumen_ul);
}

}  // namespace pumpbench
