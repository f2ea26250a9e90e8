// The clinical pathway (docs/pathway.md): the protocol's decisions with their numbers, the
// patient's seeded behaviour, the `pathway:` reader, and a small pathway campaign run end to end
// (non-responders not implanted, the bridging bolus at a new strength, every command accepted,
// the infusion trial titrated daily and its responders implanted).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"
#include "pathway_loader.h"
#include "pathway_patient.h"
#include "pathway_protocol.h"
#include "scenario_loader.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pumpbench::DrugProtocol;
using pumpbench::find_protocol;
using pumpbench::titrate;
using Answer = pumpbench::PatientBehaviour::PtmAnswer;

const DrugProtocol& protocol(const std::string& drug) {
  const DrugProtocol* found = find_protocol(drug);
  EXPECT_NE(found, nullptr) << drug;
  return *found;
}

TEST(PathwayProtocol, MorphineStepsUpByAFifthAndDownByAQuarter) {
  const DrugProtocol& morphine = protocol("morphine");
  EXPECT_DOUBLE_EQ(titrate(morphine, 300.0, {0.3, false, false}).dose_ug_per_day, 360.0);
  EXPECT_EQ(titrate(morphine, 300.0, {0.3, false, false}).decision, "increase");
  // Small doses step by at least 50 ug/day.
  EXPECT_DOUBLE_EQ(titrate(morphine, 100.0, {0.0, false, false}).dose_ug_per_day, 150.0);
  // Rounded to 10 ug/day: 740 x 1.2 = 888.
  EXPECT_DOUBLE_EQ(titrate(morphine, 740.0, {0.2, false, false}).dose_ug_per_day, 890.0);
  EXPECT_DOUBLE_EQ(titrate(morphine, 400.0, {0.9, true, false}).dose_ug_per_day, 300.0);
  EXPECT_EQ(titrate(morphine, 400.0, {0.9, true, false}).decision, "decrease");
  EXPECT_EQ(titrate(morphine, 400.0, {0.6, false, false}).decision, "keep");
  // A critical alarm holds the dose: the pump, not the patient, is investigated.
  const pumpbench::Titration held = titrate(morphine, 400.0, {0.1, false, true});
  EXPECT_EQ(held.decision, "keep");
  EXPECT_DOUBLE_EQ(held.dose_ug_per_day, 400.0);
  EXPECT_DOUBLE_EQ(titrate(morphine, 15000.0, {0.1, false, false}).dose_ug_per_day, 15000.0);
}

TEST(PathwayProtocol, ZiconotideStepsByOnePointTwoMicrogramsUpToTheLabelMaximum) {
  const DrugProtocol& ziconotide = protocol("ziconotide");
  EXPECT_NEAR(titrate(ziconotide, 1.2, {0.1, false, false}).dose_ug_per_day, 2.4, 1e-9);
  EXPECT_NEAR(titrate(ziconotide, 12.0, {0.1, false, false}).dose_ug_per_day, 13.2, 1e-9);
  EXPECT_NEAR(titrate(ziconotide, 18.5, {0.1, false, false}).dose_ug_per_day, 19.2, 1e-9);
  EXPECT_EQ(titrate(ziconotide, 19.2, {0.1, false, false}).decision, "keep");
}

TEST(PathwayProtocol, BaclofenStartsFromTheScreeningDoseAndStepsByAFifth) {
  const DrugProtocol& baclofen = protocol("baclofen");
  // Label: twice the responding screening dose when its effect lasted less than 8 h.
  EXPECT_DOUBLE_EQ(pumpbench::starting_dose(baclofen, false, 50.0, 6 * 3600.0), 100.0);
  EXPECT_DOUBLE_EQ(pumpbench::starting_dose(baclofen, false, 75.0, 10 * 3600.0), 75.0);
  EXPECT_DOUBLE_EQ(titrate(baclofen, 100.0, {0.3, false, false}).dose_ug_per_day, 120.0);
  EXPECT_DOUBLE_EQ(titrate(baclofen, 200.0, {0.9, true, false}).dose_ug_per_day, 170.0);
  EXPECT_EQ(baclofen.trial_bolus_naive_ug, (std::vector<double>{50.0, 75.0, 100.0}));
}

TEST(PathwayProtocol, StartingDoseFollowsOpioidStatus) {
  EXPECT_DOUBLE_EQ(pumpbench::starting_dose(protocol("morphine"), false, 200.0, 0.0), 300.0);
  EXPECT_DOUBLE_EQ(pumpbench::starting_dose(protocol("morphine"), true, 500.0, 0.0), 500.0);
  EXPECT_EQ(protocol("morphine").trial_bolus_naive_ug.front(), 200.0);
  EXPECT_EQ(protocol("morphine").trial_bolus_tolerant_ug.front(), 500.0);
}

// The infusion trial's daily review: morphine's rate doubles below target relief (Grider 2011's
// trial doses 25-400 ug, each twice the last); target relief without unacceptable side effects
// makes a responder at that rate; unacceptable side effects, the protocol's maximum or the last
// review end the trial without one.
TEST(PathwayProtocol, InfusionTrialReviewDoublesBelowTargetAndEndsAtAResponse) {
  const DrugProtocol& morphine = protocol("morphine");
  const pumpbench::TrialReview up =
      pumpbench::review_infusion_trial(morphine, false, 300.0, {0.3, false, false}, false);
  EXPECT_EQ(up.decision, "increase");
  EXPECT_FALSE(up.ends);
  EXPECT_DOUBLE_EQ(up.rate_ug_per_day, 600.0);
  const pumpbench::TrialReview responder =
      pumpbench::review_infusion_trial(morphine, false, 1200.0, {0.5, false, false}, false);
  EXPECT_TRUE(responder.ends);
  EXPECT_TRUE(responder.responder);
  EXPECT_DOUBLE_EQ(responder.rate_ug_per_day, 1200.0);
  const pumpbench::TrialReview side =
      pumpbench::review_infusion_trial(morphine, false, 1200.0, {0.8, true, false}, false);
  EXPECT_TRUE(side.ends);
  EXPECT_FALSE(side.responder);
  EXPECT_EQ(side.reason, "unacceptable side effects");
  const pumpbench::TrialReview last =
      pumpbench::review_infusion_trial(morphine, false, 600.0, {0.4, false, false}, true);
  EXPECT_TRUE(last.ends);
  EXPECT_FALSE(last.responder);
  // Doubling stops at the label's highest initial dose for the patient's opioid status (naive
  // 1 mg/day, tolerant 10 mg/day), and the trial ends there without a response.
  const auto trial_rate = [&](bool tolerant, double rate) {
    return pumpbench::review_infusion_trial(morphine, tolerant, rate, {0.1, false, false}, false);
  };
  EXPECT_DOUBLE_EQ(trial_rate(false, 600.0).rate_ug_per_day, 1000.0);
  EXPECT_TRUE(trial_rate(false, 1000.0).ends);
  EXPECT_FALSE(trial_rate(false, 1000.0).responder);
  EXPECT_EQ(trial_rate(false, 1000.0).reason, "at the trial's maximum without target relief");
  EXPECT_DOUBLE_EQ(trial_rate(true, 1000.0).rate_ug_per_day, 2000.0);
  EXPECT_DOUBLE_EQ(trial_rate(true, 8000.0).rate_ug_per_day, 10000.0);
  EXPECT_TRUE(trial_rate(true, 10000.0).ends);
  // A drug without its own trial step takes the visits' step: ziconotide +1.2 ug/day.
  EXPECT_NEAR(pumpbench::review_infusion_trial(protocol("ziconotide"), false, 1.2,
                                               {0.1, false, false}, false)
                  .rate_ug_per_day,
              2.4, 1e-9);
}

TEST(PathwayProtocol, ResponderNeedsHalfReliefWithoutUnacceptableSideEffects) {
  EXPECT_FALSE(pumpbench::trial_responder(0.49, false));
  EXPECT_TRUE(pumpbench::trial_responder(0.5, false));
  EXPECT_FALSE(pumpbench::trial_responder(0.8, true));
}

TEST(PathwayProtocol, StrengthLastsAMonthAndTheBridgeIsTheCatheterLumen) {
  const DrugProtocol& morphine = protocol("morphine");
  // 20 mL of 1 mg/mL at 0.3 mg/day lasts 66 days; at 1 mg/day only 20, so 2 mg/mL (40 days).
  EXPECT_DOUBLE_EQ(pumpbench::strength_for(morphine, 300.0, 20000.0), 1000.0);
  EXPECT_DOUBLE_EQ(pumpbench::strength_for(morphine, 1000.0, 20000.0), 2000.0);
  EXPECT_DOUBLE_EQ(pumpbench::strength_for(morphine, 100000.0, 20000.0), 25000.0);
  // 70 cm of 0.53 mm: pi x 0.0265^2 cm^2 x 70 cm = 154.4 uL.
  EXPECT_DOUBLE_EQ(pumpbench::bridge_volume_ul(70.0, 0.53), 155.0);
}

// The presses of a patient over days at the pathway's quarter-hour checks, feeling `pain`.
std::vector<double> presses(uint64_t seed, uint64_t member, double pain) {
  pumpbench::PatientBehaviour patient(seed, member);
  std::vector<double> times;
  for (double t = 0.0; t < 5 * 86400.0; t += 900.0) {
    const double reported = patient.reported_pain(t, pain, 0.0);
    if (patient.presses_ptm(t, reported)) times.push_back(t);
  }
  return times;
}

TEST(PathwayPatient, PressesAreSeededAndFollowPain) {
  const std::vector<double> first = presses(7, 3, 4.0);
  EXPECT_EQ(first, presses(7, 3, 4.0));
  EXPECT_NE(first, presses(7, 4, 4.0));
  EXPECT_FALSE(first.empty());  // breakthrough episodes (+2 to +4) lift 4 over the threshold
  for (const double t : first) {
    const double hour = std::fmod(t, 86400.0) / 3600.0;
    EXPECT_GE(hour, 7.0);
    EXPECT_LT(hour, 23.0);
  }
  // In severe pain the patient presses far more often; without pain never.
  EXPECT_GT(presses(7, 3, 9.0).size(), 2 * first.size());
  EXPECT_TRUE(presses(7, 3, 0.0).empty());
  const pumpbench::PatientBehaviour patient(7, 3);
  EXPECT_GE(patient.press_threshold(), 5.0);
  EXPECT_LT(patient.press_threshold(), 7.0);
}

// A patient in severe pain (NRS 9) for 10 days with the pathway's PTM settings (lockout 3 h, 4 a
// day), against a pump that grants a press only when the lockout and the daily maximum allow
// (what the firmware does): the patient learns to wait for the light.
TEST(PathwayPatient, PressesFollowTheAvailabilityLightOnceLearned) {
  pumpbench::PatientBehaviour patient(7, 3);
  patient.set_ptm(3 * 3600.0, 4);
  std::vector<double> granted;
  std::vector<int> presses_per_day(10, 0);
  std::vector<int> refused_per_day(10, 0);
  for (double t = 0.0; t < 10 * 86400.0; t += 900.0) {
    if (!patient.presses_ptm(t, patient.reported_pain(t, 9.0, 0.0))) continue;
    int in_last_day = 0;
    for (const double g : granted) in_last_day += t - g < 86400.0;
    const bool grant = (granted.empty() || t - granted.back() >= 3 * 3600.0) && in_last_day < 4;
    if (grant) granted.push_back(t);
    const auto day = static_cast<size_t>(t / 86400.0);
    ++presses_per_day[day];
    refused_per_day[day] += grant ? 0 : 1;
    patient.ptm_answered(t, grant ? Answer::kGranted : Answer::kRefused);
  }
  // Without the light a patient in pain pressed every 30 min with probability 0.8: ~25 a day.
  // With it: the first day's refusals teach the patient; afterwards about the 4 a day granted.
  EXPECT_GE(refused_per_day[0], 3);
  int late_presses = 0;
  int late_refused = 0;
  for (size_t day = 5; day < 10; ++day) {
    late_presses += presses_per_day[day];
    late_refused += refused_per_day[day];
  }
  EXPECT_LE(late_presses, 5 * 6);  // at most 6 a day
  EXPECT_GE(late_presses, 5 * 4);  // every allowed bolus is taken in severe pain
  EXPECT_LE(late_refused, 5 * 2);  // a refused press or two a day
  EXPECT_DOUBLE_EQ(patient.press_when_dark_probability(),
                   pumpbench::PatientBehaviour::kLearnedPressWhenDark);
  // The light: dark for the lockout after a grant, and once 4 were granted within 24 h.
  pumpbench::PatientBehaviour fresh(1, 1);
  EXPECT_FALSE(fresh.ptm_light_on(0.0));  // no PTM settings yet
  fresh.set_ptm(3 * 3600.0, 2);
  EXPECT_TRUE(fresh.ptm_light_on(8 * 3600.0));
  fresh.ptm_answered(8 * 3600.0, Answer::kGranted);
  EXPECT_FALSE(fresh.ptm_light_on(10 * 3600.0));
  EXPECT_TRUE(fresh.ptm_light_on(11 * 3600.0));
  fresh.ptm_answered(11 * 3600.0, Answer::kGranted);
  EXPECT_FALSE(fresh.ptm_light_on(20 * 3600.0));  // two in the last 24 h
  EXPECT_TRUE(fresh.ptm_light_on(32 * 3600.0));   // the first is a day old
}

// The pump answers a press during a critical alarm with "therapy stopped" (refusal 12,
// docs/telemetry.md): the handheld's light goes dark and stays dark, whatever its own lockout and
// daily count say, until a press is granted again.
TEST(PathwayPatient, ATherapyStoppedAnswerDarkensTheLightUntilAGrant) {
  pumpbench::PatientBehaviour patient(1, 1);
  patient.set_ptm(3 * 3600.0, 4);
  EXPECT_TRUE(patient.ptm_light_on(8 * 3600.0));
  patient.ptm_answered(8 * 3600.0, Answer::kTherapyStopped);
  EXPECT_FALSE(patient.ptm_light_on(8 * 3600.0 + 60.0));
  EXPECT_FALSE(patient.ptm_light_on(5 * 86400.0));                // no lockout or count explains it
  EXPECT_DOUBLE_EQ(patient.press_when_dark_probability(), 0.25);  // a refusal: halved
  patient.ptm_answered(5 * 86400.0, Answer::kGranted);
  EXPECT_FALSE(patient.ptm_light_on(5 * 86400.0 + 60.0));  // the lockout after the grant
  EXPECT_TRUE(patient.ptm_light_on(5 * 86400.0 + 3 * 3600.0));
  // An ordinary refusal (lockout, daily limit) leaves the light to the handheld's settings.
  pumpbench::PatientBehaviour other(1, 1);
  other.set_ptm(3 * 3600.0, 4);
  other.ptm_answered(8 * 3600.0, Answer::kRefused);
  EXPECT_TRUE(other.ptm_light_on(8 * 3600.0 + 60.0));
}

TEST(PathwayPatient, BreakthroughAveragesTwoEpisodesADay) {
  pumpbench::PatientBehaviour patient(11, 0);
  int starts = 0;
  bool in = false;
  for (double t = 0.0; t < 100 * 86400.0; t += 60.0) {
    patient.reported_pain(t, 3.0, 0.0);
    const bool now = patient.in_breakthrough(t);
    if (now && !in) ++starts;
    in = now;
  }
  EXPECT_GT(starts, 150);
  EXPECT_LT(starts, 250);
}

std::vector<std::string> load_errors(const std::string& text) {
  std::vector<std::string> messages;
  for (const auto& d : pumpbench::load_scenario_text("pathway.yaml", text).diagnostics) {
    messages.push_back(d.format());
  }
  return messages;
}

TEST(PathwayLoader, RefusesAProgrammeAndAnUnknownTrial) {
  const std::string head = "name: p\nduration: 2 d\nsetup: {drug: morphine, concentration: 1 mg/mL";
  const std::string expect = "\nexpect: [{requirement: R, never_alarm: motor_stall}]\n";
  EXPECT_TRUE(load_errors(head + "}\npathway: {trial: bolus}" + expect).empty());
  const auto programmed =
      load_errors(head + ", program: {continuous: 1 mg/day}}\npathway: {}" + expect);
  ASSERT_EQ(programmed.size(), 1u);
  EXPECT_NE(programmed[0].find("pathway.yaml:4:10: error: pathway: a pathway scenario has no "
                               "setup.program"),
            std::string::npos)
      << programmed[0];
  const auto trial = load_errors(head + "}\npathway: {trial: injection}" + expect);
  ASSERT_EQ(trial.size(), 1u);
  EXPECT_NE(trial[0].find("pathway.trial: unknown trial 'injection'"), std::string::npos)
      << trial[0];
  const auto drug = load_errors(
      "name: p\nduration: 2 d\nsetup: {drug: clonidine, concentration: 1 mg/mL}\npathway: {}" +
      expect);
  ASSERT_FALSE(drug.empty());
  EXPECT_NE(drug.back().find("no pathway protocol for clonidine"), std::string::npos)
      << drug.back();
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// Runs the campaign PATHWAY_DIR/<file> into a fresh folder named `name`; the run must exit 0.
fs::path run_campaign(const std::string& file, const std::string& name) {
  const fs::path out = pumptwin::testing::fresh_dir("pumpbench_pathway", name);
  const std::string command =
      std::string(PUMPBENCH) + " campaign " PATHWAY_DIR "/" + file + " -j 2 --out " + out.string();
  const pumptwin::testing::CommandOutcome outcome = pumptwin::testing::run_command(command);
  EXPECT_EQ(outcome.exit_code, 0) << command << "\n" << outcome.output;
  return out;
}

// The outcome table per arm (campaigns/pathway_summary.py) of a campaign's output.
std::string summary_text(const fs::path& out) {
  const std::string summary = std::string("python3 " PATHWAY_SUMMARY " ") + out.string() + " > " +
                              (out / "summary.txt").string() + " 2>&1";
  EXPECT_EQ(std::system(summary.c_str()), 0) << summary;
  std::ifstream text_file(out / "summary.txt");
  return std::string((std::istreambuf_iterator<char>(text_file)), std::istreambuf_iterator<char>());
}

// One arm's rows in the summary's text: from "arm NAME/none:" to the next arm or the end.
std::string arm_text(const std::string& text, const std::string& name) {
  const size_t start = text.find("arm " + name + "/none:");
  EXPECT_NE(start, std::string::npos) << name << "\n" << text;
  if (start == std::string::npos) return "";
  const size_t next = text.find("\narm ", start);
  const size_t end = next == std::string::npos ? text.find("\nper patient", start) : next;
  return text.substr(start, end - start);
}

// A small campaign end to end: every command the pathway sends is accepted by the firmware,
// the responder criterion decides every bolus trial, non-responders get no
// implant, an implanted baclofen patient's fill at 500 ug/mL from the 50 ug/mL screening strength
// starts a bridging bolus the firmware logs, and the outcome table has a row per arm.
TEST(PathwayCampaign, SmallCohortRunsTheWholePathway) {
  const fs::path out = run_campaign("campaign.yaml", "campaign");
  int implanted = 0;
  int bridged = 0;
  int runs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out / "runs")) {
    if (entry.path().filename() != "result.json") continue;
    ++runs;
    const json result = read_json(entry.path());
    ASSERT_TRUE(result.contains("pathway")) << entry.path();
    const json& pathway = result["pathway"];
    const json& figures = result["figures"];
    for (const json& step : result["steps"]) {
      if (step["action"] != "ptm_press") {
        EXPECT_EQ(step["answer"], "accepted") << step.dump();
      }
    }
    bool responded = false;
    for (const json& attempt : pathway["trial_attempts"]) {
      responded = responded || attempt["responder"].get<bool>();
      // The responder criterion: >= 50 % relief without unacceptable side effects (> 0.5).
      EXPECT_EQ(attempt["responder"].get<bool>(),
                attempt["relief"].get<double>() >= 0.5 &&
                    attempt["worst_side_effect"].get<double>() <= 0.5)
          << attempt.dump();
    }
    EXPECT_EQ(pathway["implanted"].get<bool>(), responded) << entry.path();
    int refills = 0;
    for (const json& step : result["steps"]) refills += step["action"] == "refill";
    if (!responded) {
      EXPECT_EQ(refills, 0) << "a non-responder was implanted: " << entry.path();
      EXPECT_EQ(figures["pathway_implanted"], 0);
      continue;
    }
    ++implanted;
    EXPECT_GE(refills, 1);
    if (pathway["drug"] == "baclofen") {
      ASSERT_FALSE(pathway["refills"].empty());
      EXPECT_EQ(pathway["refills"][0]["bridge_ul"], 155.0);
      std::ifstream log(entry.path().parent_path() / "events.log");
      const std::string text((std::istreambuf_iterator<char>(log)),
                             std::istreambuf_iterator<char>());
      EXPECT_NE(text.find("bridging_bolus"), std::string::npos) << entry.path();
      ++bridged;
    }
  }
  EXPECT_EQ(runs, 12);
  EXPECT_GE(implanted, 1);
  EXPECT_GE(bridged, 1);

  // The outcome table per arm (campaigns/pathway_summary.py): one arm per scenario, with the
  // responder counts the runs hold.
  const std::string text = summary_text(out);
  for (const char* arm :
       {"arm morphine_short/none:", "arm ziconotide_short/none:", "arm baclofen_short/none:"}) {
    EXPECT_NE(text.find(arm), std::string::npos) << arm << "\n" << text;
  }
  EXPECT_TRUE(fs::exists(out / "pathway.md"));
  // Each arm shows what applies to its drug: the opioid status, respiratory depression and the
  // PTM for morphine only; relief on the drug's own measure; withdrawal where the drug has it.
  const std::string morphine = arm_text(text, "morphine_short");
  const std::string ziconotide = arm_text(text, "ziconotide_short");
  const std::string baclofen = arm_text(text, "baclofen_short");
  for (const char* row : {"opioid-tolerant at evaluation", "responders, naive / tolerant",
                          "starting dose, ug/day, naive / tolerant", "respiratory depression",
                          "PTM presses / granted", "relief at the end (pain score"}) {
    EXPECT_NE(morphine.find(row), std::string::npos) << row << "\n" << morphine;
  }
  for (const char* row : {"opioid", "naive", "tolerant", "respiratory depression", "PTM"}) {
    EXPECT_EQ(ziconotide.find(row), std::string::npos) << row << "\n" << ziconotide;
    EXPECT_EQ(baclofen.find(row), std::string::npos) << row << "\n" << baclofen;
  }
  EXPECT_NE(ziconotide.find("relief at the end (pain score"), std::string::npos) << ziconotide;
  EXPECT_EQ(ziconotide.find("withdrawal"), std::string::npos) << ziconotide;  // Prialt label
  EXPECT_NE(baclofen.find("relief at the end (tone reduction"), std::string::npos) << baclofen;
  EXPECT_NE(baclofen.find("withdrawal"), std::string::npos) << baclofen;  // boxed warning
}

// The infusion trial in four patients: the rate starts at the starting dose (0.3 mg/day naive,
// 0.5 mg/day tolerant) at 1 h and is reviewed every 24 h on the relief once the rate has settled
// (review_infusion_trial(): doubled below 50 % relief); the first review with >= 50 % relief
// without unacceptable side effects makes a responder, implanted a day later at that rate; the
// trial lasts at most 6 days and tries no rate above the label's highest initial dose for the
// patient's opioid status, and the monitoring ends it at once on unacceptable side effects.
TEST(PathwayCampaign, InfusionTrialIsTitratedDailyAndItsRespondersImplanted) {
  const fs::path out = run_campaign("infusion_campaign.yaml", "infusion");
  const DrugProtocol& morphine = protocol("morphine");
  int runs = 0;
  int responders = 0;
  int steps_up = 0;
  int ended_at_maximum = 0;
  int stopped_for_side_effects = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out / "runs")) {
    if (entry.path().filename() != "result.json") continue;
    ++runs;
    const json result = read_json(entry.path());
    const json& pathway = result["pathway"];
    ASSERT_EQ(pathway["trial"], "infusion");
    ASSERT_EQ(pathway["trial_attempts"].size(), 1u) << entry.path();
    const json& attempt = pathway["trial_attempts"][0];
    EXPECT_EQ(attempt["kind"], "infusion (ug/day)");
    EXPECT_DOUBLE_EQ(attempt["start_dose_ug"].get<double>(),
                     pathway["opioid_status"] == "tolerant" ? 500.0 : 300.0);
    const json& reviews = attempt["reviews"];
    ASSERT_GE(reviews.size(), 1u) << attempt.dump();
    ASSERT_LE(reviews.size(), 6u) << attempt.dump();
    double rate = attempt["start_dose_ug"].get<double>();
    std::vector<double> rates = {rate};
    for (size_t i = 0; i < reviews.size(); ++i) {
      const json& review = reviews[i];
      const bool side_effects = review["worst_side_effect"].get<double>() > 0.5;
      // Daily from the trial's start at 1 h; only the monitoring reviews between.
      if (!side_effects) {
        EXPECT_DOUBLE_EQ(review["day"].get<double>(), 1.04 + static_cast<double>(i));
      }
      EXPECT_DOUBLE_EQ(review["dose_ug_per_day"].get<double>(), rate);
      const pumpbench::TrialReview expected = pumpbench::review_infusion_trial(
          morphine, pathway["opioid_status"] == "tolerant", rate,
          {review["relief"].get<double>(), side_effects, false}, i == 5);
      EXPECT_EQ(review["decision"], expected.decision) << review.dump();
      EXPECT_DOUBLE_EQ(review["new_dose_ug_per_day"].get<double>(), expected.rate_ug_per_day);
      // Only the last review ends the trial.
      EXPECT_EQ(expected.ends, i + 1 == reviews.size()) << review.dump();
      if (expected.decision == "increase") {
        EXPECT_DOUBLE_EQ(
            expected.rate_ug_per_day,
            std::min(2.0 * rate, pumpbench::infusion_trial_maximum(
                                     morphine, pathway["opioid_status"] == "tolerant")));
        ++steps_up;
        rates.push_back(expected.rate_ug_per_day);
      }
      rate = expected.rate_ug_per_day;
    }
    const json& last = reviews.back();
    EXPECT_DOUBLE_EQ(attempt["dose_ug"].get<double>(), rate);
    EXPECT_DOUBLE_EQ(attempt["day"].get<double>(), last["day"].get<double>());
    EXPECT_DOUBLE_EQ(attempt["relief"].get<double>(), last["relief"].get<double>());
    const bool responder = attempt["responder"].get<bool>();
    EXPECT_EQ(responder, last["decision"] == "responder") << attempt.dump();
    EXPECT_EQ(responder, attempt["relief"].get<double>() >= 0.5 &&
                             attempt["worst_side_effect"].get<double>() <= 0.5)
        << attempt.dump();
    // The external pump's stand-in: zero basal at evaluation, the trial rate at 1 h, each
    // doubling at its review, zero when the trial ends.
    std::vector<json> programmed;
    for (const json& step : result["steps"]) {
      if (step["action"] == "program") programmed.push_back(step);
    }
    ASSERT_GE(programmed.size(), rates.size() + 2) << entry.path();
    EXPECT_NEAR(programmed[1]["time_s"].get<double>(), 3600.0, 1.0);
    for (size_t i = 2; i < rates.size() + 1; ++i) {
      EXPECT_NEAR(programmed[i]["time_s"].get<double>(), 3600.0 + (i - 1) * 86400.0, 1.0);
    }
    EXPECT_NEAR(programmed[rates.size() + 1]["time_s"].get<double>(),
                last["day"].get<double>() * 86400.0, 0.01 * 86400.0);
    EXPECT_EQ(pathway["implanted"].get<bool>(), responder) << entry.path();
    if (!responder) {
      EXPECT_EQ(result["figures"]["pathway_implanted"], 0);
      if (last["reason"] == "at the trial's maximum without target relief") ++ended_at_maximum;
      if (last["reason"] == "unacceptable side effects") ++stopped_for_side_effects;
      continue;
    }
    ++responders;
    EXPECT_DOUBLE_EQ(pathway["implant_day"].get<double>(), last["day"].get<double>() + 1.0);
    EXPECT_DOUBLE_EQ(result["figures"]["pathway_start_dose_ug_per_day"].get<double>(), rate);
  }
  EXPECT_EQ(runs, 4);
  // Members 8-11 (infusion_campaign.yaml): 10 (tolerant) responds at 1 mg/day after one
  // doubling, 11 (naive) at the first review (0.3 mg/day); 8 and 9 (tolerant, pains that respond
  // poorly to opioids) never reach 50 %: the monitoring stops 8 for sedation at 4 mg/day, and 9
  // is doubled up to the label's highest initial dose for the tolerant, 10 mg/day, where the
  // trial ends without a response.
  EXPECT_EQ(responders, 2);
  EXPECT_EQ(ended_at_maximum, 1);
  EXPECT_EQ(stopped_for_side_effects, 1);
  EXPECT_EQ(steps_up, 3 + 5 + 1);

  const std::string text = summary_text(out);
  const size_t arm = text.find("arm morphine_infusion_short/none:");
  ASSERT_NE(arm, std::string::npos) << text;
  const size_t row = text.find("trial responders (implanted)", arm);
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row, text.find('\n', row) - row);
  EXPECT_NE(line.find(" 2 (50%)"), std::string::npos) << line;
  const size_t by_response = text.find("responders, good / poor opioid response", arm);
  ASSERT_NE(by_response, std::string::npos) << text;
  const std::string response_line =
      text.substr(by_response, text.find('\n', by_response) - by_response);
  EXPECT_NE(response_line.find("2 of 2 / 0 of 2"), std::string::npos) << response_line;
}

// A permanent motor stall from day 4 in four implanted patients (stall_campaign.yaml: members
// 4-7, the bolus trial's responders): therapy stops, relief goes, and the patients in pain press
// their PTM. The pump refuses every press with "therapy stopped" (refusal 12), and the handheld's
// light follows that answer: after the first refusals the patients press about once a day at
// most, where a light still showing a bolus available had them press up to 28 times a day
// (docs/pathway.md, the fault arms).
TEST(PathwayCampaign, AStalledPumpsTherapyStoppedAnswerDarkensThePtmLight) {
  const fs::path out = run_campaign("stall_campaign.yaml", "stall");
  int runs = 0;
  int stopped_answers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out / "runs")) {
    if (entry.path().filename() != "result.json") continue;
    ++runs;
    const json result = read_json(entry.path());
    ASSERT_TRUE(result["pathway"]["implanted"].get<bool>()) << entry.path();
    EXPECT_GE(result["figures"]["pathway_critical_alarms"].get<int>(), 1) << entry.path();
    int presses_from_day_5 = 0;
    for (const json& step : result["steps"]) {
      if (step["action"] != "ptm_press" || step["time_s"].get<double>() < 4 * 86400.0) continue;
      EXPECT_EQ(step["answer"], "refused: therapy stopped") << step.dump();
      ++stopped_answers;
      if (step["time_s"].get<double>() >= 5 * 86400.0) ++presses_from_day_5;
    }
    // Days 5-16: 11 days.
    EXPECT_LE(presses_from_day_5, 2 * 11) << entry.path();
  }
  EXPECT_EQ(runs, 4);
  EXPECT_GE(stopped_answers, 20);
}

}  // namespace
