// The clinical protocol of the pathway (docs/pathway.md): per drug, the intrathecal trial, the
// responder criterion, the starting dose by opioid status, the titration steps, the strengths the
// pump is filled with, and the decisions a clinician takes at a visit, as plain functions. Doses
// are in µg and µg/day; every number carries its source or is marked as an assumption.
#pragma once

#include <string>
#include <vector>

namespace pumpbench {

struct DrugProtocol {
  std::string drug;
  // Relief is measured on the pain score (NRS) for an analgesic, on the antispastic effect
  // (the fraction of tone reduction) for baclofen.
  bool analgesic = true;
  // Trial boluses, one a day, tried in turn until one gives a response.
  std::vector<double> trial_bolus_naive_ug;
  std::vector<double> trial_bolus_tolerant_ug;
  double start_naive_ug_per_day = 0.0;
  double start_tolerant_ug_per_day = 0.0;
  // Baclofen: the starting dose is the responding screening dose per day, twice that when its
  // effect lasted less than 8 h (label); 0: the start doses above.
  bool start_from_screening_dose = false;
  // A titration step: this fraction of the daily dose, at least step_min, at most step_max (0: no
  // maximum); a decrease for side effects by decrease_fraction.
  double step_fraction = 0.0;
  double step_min_ug_per_day = 0.0;
  double step_max_ug_per_day = 0.0;
  double decrease_fraction = 0.0;
  // The protocol's own ceiling (at or below the pump's drug-library maximum).
  double max_ug_per_day = 0.0;
  // An infusion trial's rate at a daily review below target relief is multiplied by this; 0: the
  // visits' step (titrate()).
  double infusion_trial_step_factor = 0.0;
  // The highest rate an infusion trial tries, by opioid status; 0: the protocol's maximum.
  double infusion_trial_max_naive_ug_per_day = 0.0;
  double infusion_trial_max_tolerant_ug_per_day = 0.0;
  // Doses are programmed as multiples of this.
  double dose_resolution_ug_per_day = 1.0;
  // Follow-up visits while titrating, and once the dose is stable.
  double titration_visit_s = 0.0;
  double maintenance_visit_s = 0.0;
  // Strengths the pump is filled with after implant (µg/mL), weakest first.
  std::vector<double> strengths_ug_per_ml;
  // The first fill must be exchanged after this long (ziconotide adsorbs to the pump's
  // surfaces); 0: no such limit.
  double first_fill_exchange_s = 0.0;
  bool opioid = true;
};

// Responder criterion and titration target: at least 50 % relief (PACC 2017; baclofen: the tone
// reduction fraction of the patient model as the proxy of the label's "significant decrease").
inline constexpr double kTargetRelief = 0.5;
// Side effects a clinician does not accept: the patient model's respiratory-depression or
// sedation index above 0.5 ("needs intervention", docs/models.md).
inline constexpr double kUnacceptableSideEffect = 0.5;
// A strength is kept while the reservoir lasts at least this long at the dose (assumption:
// refills every one to three months are usual; docs/pathway.md).
inline constexpr double kMinRefillIntervalS = 30 * 86400.0;

// An infusion trial (docs/pathway.md): reviewed daily, judged at each review on the relief once the
// rate has settled, for at most kInfusionTrialMaxS. The longest: the mean test length of 6 days
// (range 4-9) of 292 continuous intrathecal morphine tests [CMI]. The settling time: about six
// of morphine's terminal CSF half-lives of 2.05 h (twin/physio/drug_library.cpp), 98 % of the
// steady state.
inline constexpr double kInfusionTrialReviewS = 86400.0;
inline constexpr double kInfusionTrialMaxS = 6 * 86400.0;
inline constexpr double kInfusionTrialSettleS = 12 * 3600.0;

const DrugProtocol* find_protocol(const std::string& drug);
std::vector<std::string> protocol_drugs();

// What the clinician found at a visit.
struct VisitFindings {
  double relief = 0.0;  // 0-1 against the evaluation's baseline
  bool unacceptable_side_effects = false;
  bool critical_alarm = false;  // the device alarms: the dose is held and the pump investigated
};

struct Titration {
  double dose_ug_per_day = 0.0;
  std::string decision;  // "increase", "decrease", "keep"
  std::string reason;
};

// The dose after a visit.
Titration titrate(const DrugProtocol& protocol, double dose_ug_per_day,
                  const VisitFindings& findings);
// Rounded to the protocol's resolution, within (0, max].
double round_dose(const DrugProtocol& protocol, double dose_ug_per_day);

bool trial_responder(double best_relief, bool unacceptable_side_effects);

// The highest rate an infusion trial tries for a patient of this opioid status.
double infusion_trial_maximum(const DrugProtocol& protocol, bool opioid_tolerant);

// An infusion trial's daily review: a responder at target relief without unacceptable side
// effects (the trial ends, the implant starts at this rate); unacceptable side effects end it
// (the drug is not tolerated below target relief); below target the rate steps up, at most to
// the trial's maximum for the patient's opioid status, and the trial ends without a response at
// that maximum or at its last review.
struct TrialReview {
  double rate_ug_per_day = 0.0;  // the rate from now on (the responding rate when it ends so)
  std::string decision;          // "responder", "increase", "end"
  std::string reason;
  bool ends = false;
  bool responder = false;
};
TrialReview review_infusion_trial(const DrugProtocol& protocol, bool opioid_tolerant,
                                  double rate_ug_per_day, const VisitFindings& findings,
                                  bool last_review);

// The daily dose programmed at implant.
double starting_dose(const DrugProtocol& protocol, bool opioid_tolerant, double responding_bolus_ug,
                     double effect_duration_s);

// The weakest strength whose reservoir lasts at least kMinRefillIntervalS at the dose (the
// strongest when none does).
double strength_for(const DrugProtocol& protocol, double dose_ug_per_day, double capacity_ul);

// Volume of old drug in the catheter, the bridging bolus a refill of another strength needs: the
// catheter's lumen, rounded up to whole µL.
double bridge_volume_ul(double catheter_length_cm, double catheter_inner_diameter_mm);

}  // namespace pumpbench
