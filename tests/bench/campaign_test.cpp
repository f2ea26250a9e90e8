// pumpbench campaign and merge end to end, as child processes: a small campaign (2 scenarios x
// 2 fault variants x 3 generated patients of 2 simulated hours) run whole and as 3 shards
// merged gives byte-identical reports; merge refuses mixed, missing and overlapping shards;
// campaign file errors are located; run ids are stable; the Slurm script and the Kubernetes
// manifest of docs/campaign/ drive the commands and options that exist (the Slurm script is run
// against a stand-in sbatch that runs its jobs here).
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/child_process.h"
#include "../support/test_files.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pumptwin::testing::capture_stdout;

const std::string kBench = PUMPBENCH;
const std::string kCampaign = CAMPAIGN_DIR "/small.yaml";
const std::string kScenarios = BENCH_SCENARIOS_DIR;
const std::string kDocs = DOCS_DIR;

const std::vector<std::string> kReportFiles = {"campaign.json", "campaign.md", "junit.xml",
                                               "traceability.md", "traceability.csv"};

std::string scratch(const std::string& name) {
  return pumptwin::testing::fresh_dir("pumpbench_campaign", name).string();
}

int exit_code(const std::string& command) {
  return pumptwin::testing::run_command(command).exit_code;
}

int run(const std::string& arguments) {
  return exit_code(kBench + " " + arguments);
}

// What the command printed on stderr (stdout dropped), and its exit code.
std::string errors_of(const std::string& arguments, int& code) {
  const pumptwin::testing::CommandOutcome outcome =
      pumptwin::testing::run_command("(" + kBench + " " + arguments + " 2>&1 >/dev/null)");
  code = outcome.exit_code;
  return outcome.output;
}

using pumptwin::testing::slurp;

void write(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  file << text;
}

// A one-scenario campaign written in `dir`, with absolute scenario paths.
std::string tiny_campaign(const std::string& dir, const std::string& name, int members) {
  const std::string file = dir + "/" + name + ".yaml";
  write(file, "name: " + name + "\nscenarios: [" + kScenarios +
                  "/short_run.yaml]\ncohort: {seed: 42, size: " + std::to_string(members) + "}\n");
  return file;
}

TEST(PumpbenchCampaign, ThreeShardsMergedGiveTheUnshardedReportsByteForByte) {
  const std::string dir = scratch("shards");
  // Runs fail under the kink (and failing_run always): exit 1, reports complete.
  EXPECT_EQ(run("campaign " + kCampaign + " -j 2 --out " + dir + "/whole"), 1);
  for (int shard = 0; shard < 3; ++shard) {
    const std::string index = std::to_string(shard);
    EXPECT_EQ(run("campaign " + kCampaign + " -j 2 --shard " + index + "/3 --out " + dir +
                  "/shard" + index),
              1);
    EXPECT_FALSE(fs::exists(dir + "/shard" + index + "/campaign.json"));
  }
  // In any order.
  EXPECT_EQ(run("merge " + dir + "/shard2 " + dir + "/shard0 " + dir + "/shard1 --out " + dir +
                "/merged"),
            1);
  for (const std::string& file : kReportFiles) {
    const std::string whole = slurp(dir + "/whole/" + file);
    EXPECT_FALSE(whole.empty()) << file;
    EXPECT_EQ(whole, slurp(dir + "/merged/" + file)) << file;
  }

  const json summary = json::parse(slurp(dir + "/whole/campaign.json"));
  EXPECT_EQ(summary["runs_total"], 12);
  EXPECT_EQ(summary["passed"], 3);
  EXPECT_EQ(summary["failed"], 9);
  EXPECT_EQ(summary["status"], "failed");
  // short_run passes without the fault in all three patients and fails its delivery with it.
  for (const json& cell : summary["matrix"]) {
    if (cell["scenario"] != "short_run") continue;
    EXPECT_EQ(cell["runs"], 3);
    if (cell["variant"] == "none") {
      EXPECT_EQ(cell["passed"], 3) << cell.dump();
    } else {
      EXPECT_EQ(cell["passed"], 0) << cell.dump();
      EXPECT_EQ(cell["failing"]["delivered (BENCH-001)"].size(), 3u) << cell.dump();
      EXPECT_EQ(cell["alarms_raised"]["motor_stall"], 3) << cell.dump();
      // The kink at 20 min leaves about a fifth of 2 h at 12 mg/day (100 uL an hour) delivered.
      EXPECT_LT(cell["figures"]["delivered_volume_ul"]["max"].get<double>(), 40.0);
    }
  }
  // The fault went in at its time, before the scenario's 30 min step.
  const json kinked = json::parse(slurp(dir + "/whole/runs/short_run/kink/member-1/result.json"));
  EXPECT_EQ(kinked["cohort_member"], 1);
  EXPECT_EQ(kinked["steps"][3]["action"], "inject");
  EXPECT_DOUBLE_EQ(kinked["steps"][3]["time_s"].get<double>(), 1200.0);
  EXPECT_EQ(kinked["steps"][3]["answer"], "injected catheter_kink");

  // Round robin: shard 1 of 3 holds runs 1, 4, 7, 10.
  const json shard1 = json::parse(slurp(dir + "/shard1/shard.json"));
  EXPECT_EQ(shard1["shard"]["index"], 1);
  EXPECT_EQ(shard1["shard"]["count"], 3);
  EXPECT_EQ(shard1["campaign_file_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(shard1["run_ids"], json({"short_run/none/member-1", "short_run/kink/member-1",
                                     "failing_run/none/member-1", "failing_run/kink/member-1"}));
  EXPECT_TRUE(fs::exists(dir + "/shard1/runs/failing_run/kink/member-1/result.json"));
  const std::string junit = slurp(dir + "/merged/junit.xml");
  EXPECT_NE(junit.find("classname=\"campaign.short_run/kink\""), std::string::npos);
  EXPECT_NE(slurp(dir + "/merged/campaign.md").find("| short_run | 3/3 | 0/3 |"),
            std::string::npos);
  // The HTML: the scenario x fault grid with the runs passed in each cell, and links to each
  // run's report in its shard's folder.
  const std::string html = slurp(dir + "/merged/report.html");
  EXPECT_NE(html.find("<tr><td>short_run</td><td class=\"pass\">3 of 3"
                      "</td><td class=\"fail\">0 of 3</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"../shard1/runs/short_run/kink/member-1/report.html\">"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(dir + "/shard1/runs/short_run/kink/member-1/report.html"));
}

// The hazard analysis beside a campaign's requirements is checked as a suite checks it: a hazard
// whose only mitigation fails and that states no residual risk is counted UNMITIGATED, named,
// written to OUT/hazards.md, and the campaign does not exit 0.
TEST(PumpbenchCampaign, AnUnmitigatedHazardIsCountedNamedAndNeverExitsZero) {
  const std::string dir = scratch("unmitigated");
  const std::string output =
      capture_stdout(kBench + " campaign " CAMPAIGN_HAZARDS_DIR "/campaign.yaml -j 1 --out " + dir +
                     " 2>&1; echo \"exit $?\"");
  EXPECT_NE(output.find("hazards: 0 mitigated, 0 with an accepted residual risk, 0 known gap, 1 "
                        "UNMITIGATED, 0 not verified by this run"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("H-OVER (over-infusion): HAZ-001 FAIL"), std::string::npos) << output;
  EXPECT_NE(output.find("exit 1"), std::string::npos) << output;
  EXPECT_NE(slurp(dir + "/hazards.md").find("| H-OVER |"), std::string::npos);
}

TEST(PumpbenchCampaign, RunIdsAreStableAndOrdered) {
  const std::string listing = capture_stdout(kBench + " campaign " + kCampaign + " --list");
  EXPECT_EQ(listing,
            "0 0/1 short_run/none/member-0\n1 0/1 short_run/none/member-1\n"
            "2 0/1 short_run/none/member-2\n3 0/1 short_run/kink/member-0\n"
            "4 0/1 short_run/kink/member-1\n5 0/1 short_run/kink/member-2\n"
            "6 0/1 failing_run/none/member-0\n7 0/1 failing_run/none/member-1\n"
            "8 0/1 failing_run/none/member-2\n9 0/1 failing_run/kink/member-0\n"
            "10 0/1 failing_run/kink/member-1\n11 0/1 failing_run/kink/member-2\n");
  EXPECT_EQ(capture_stdout(kBench + " campaign " + kCampaign + " --list --shard 2/5"),
            "2 2/5 short_run/none/member-2\n7 2/5 failing_run/none/member-1\n");
  // Seeds, and a scenario without a cohort: no member part.
  const std::string dir = scratch("ids");
  write(dir + "/seeds.yaml", "name: seeds\nscenarios: [" + kScenarios +
                                 "]\nseeds: [3, 1]\nfaults:\n  - none\n  - {name: hang, at: 1 h, "
                                 "inject: {fault: firmware_hang}}\n");
  EXPECT_EQ(capture_stdout(kBench + " campaign " + dir + "/seeds.yaml --list"),
            "0 0/1 failing_run/none/seed-3\n1 0/1 failing_run/none/seed-1\n"
            "2 0/1 failing_run/hang/seed-3\n3 0/1 failing_run/hang/seed-1\n"
            "4 0/1 short_run/none/seed-3\n5 0/1 short_run/none/seed-1\n"
            "6 0/1 short_run/hang/seed-3\n7 0/1 short_run/hang/seed-1\n");
}

TEST(PumpbenchCampaign, MergeRefusesMixedMissingAndOverlappingShards) {
  const std::string dir = scratch("refuse");
  const std::string tiny = tiny_campaign(dir, "tiny", 2);
  const std::string other = tiny_campaign(dir, "other", 2);
  ASSERT_EQ(run("campaign " + tiny + " --shard 0/2 --out " + dir + "/a0"), 0);
  ASSERT_EQ(run("campaign " + tiny + " --shard 1/2 --out " + dir + "/a1"), 0);
  ASSERT_EQ(run("campaign " + other + " --shard 1/2 --out " + dir + "/b1"), 0);
  ASSERT_EQ(run("campaign " + tiny + " --out " + dir + "/whole"), 0);
  int code = 0;

  EXPECT_NE(errors_of("merge " + dir + "/a0 " + dir + "/b1 --out " + dir + "/m", code)
                .find(dir + "/b1 is a shard of another campaign file"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(errors_of("merge " + dir + "/a0 --out " + dir + "/m", code)
                .find("missing shard 1/2 (the campaign was split into 2 shards, numbered from 0)"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(
      errors_of("merge " + dir + "/a0 " + dir + "/a1 " + dir + "/a1 --out " + dir + "/m", code)
          .find(dir + "/a1 and " + dir + "/a1 are both shard 1/2 (overlapping)"),
      std::string::npos);
  EXPECT_EQ(code, 2);
  // The unsharded campaign's folder is shard 0/1: it overlaps every shard of a split.
  EXPECT_NE(errors_of("merge " + dir + "/whole " + dir + "/a1 --out " + dir + "/m", code)
                .find("different splits of the campaign"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(errors_of("merge " + dir + "/nothing --out " + dir + "/m", code)
                .find(dir + "/nothing: no shard.json"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_FALSE(fs::exists(dir + "/m/campaign.json"));
  // Both shards: the unsharded report.
  EXPECT_EQ(run("merge " + dir + "/a1 " + dir + "/a0 --out " + dir + "/m"), 0);
  for (const std::string& file : kReportFiles) {
    EXPECT_EQ(slurp(dir + "/whole/" + file), slurp(dir + "/m/" + file)) << file;
  }
}

// `campaign --firmware`: every run runs the image, and the report says so. campaign.json names
// the ELF as given and its SHA-256, and the command printed to reproduce a failing run carries
// `--firmware` (without it, it reruns the host build); run, that command gives the same verdict
// on the image. A merge refuses shards that ran other firmware; a missing ELF is bad input.
TEST(PumpbenchCampaign, FirmwareImageRunsEveryRunAndTheReportAndReproduceCommandSaySo) {
  const std::string dir = scratch("firmware");
  const std::string elf = PUMPFW_M0PLUS_ELF;
  const std::string file = dir + "/on_image.yaml";
  write(file, "name: on the image\nscenarios: [" + kScenarios + "/short_run.yaml, " + kScenarios +
                  "/failing_run.yaml]\n");
  const pumptwin::testing::CommandOutcome image = pumptwin::testing::run_command(
      kBench + " campaign " + file + " -j 2 --firmware " + elf + " --out " + dir + "/image");
  ASSERT_EQ(image.exit_code, 1) << image.output;  // failing_run fails its expectation

  const json summary = json::parse(slurp(dir + "/image/campaign.json"));
  const std::string sha256 = capture_stdout("sha256sum " + elf).substr(0, 64);
  EXPECT_EQ(summary["firmware"], json({{"build", "image"}, {"path", elf}, {"sha256", sha256}}));
  EXPECT_EQ(summary["runs_total"], 2);
  EXPECT_EQ(summary["passed"], 1);
  EXPECT_EQ(summary["failed"], 1);
  EXPECT_EQ(summary["runs"][0]["id"], "short_run/none");
  EXPECT_EQ(summary["runs"][0]["status"], "passed");
  EXPECT_EQ(summary["runs"][1]["id"], "failing_run/none");
  EXPECT_EQ(summary["runs"][1]["status"], "failed");
  for (const std::string id : {"short_run/none", "failing_run/none"}) {
    const json result = json::parse(slurp(dir + "/image/runs/" + id + "/result.json"));
    EXPECT_EQ(result["firmware"]["build"], "image") << id;
    EXPECT_EQ(result["firmware"]["sha256"], sha256) << id;
  }
  EXPECT_NE(slurp(dir + "/image/campaign.md").find("Firmware: the image `" + elf + "`"),
            std::string::npos);

  const std::string reproduce = "pumpbench campaign " + file +
                                " --run failing_run/none --out reproduce/failing_run/none "
                                "--firmware " +
                                elf;
  EXPECT_NE(image.output.find("reproduce with " + reproduce), std::string::npos) << image.output;
  EXPECT_NE(slurp(dir + "/image/junit.xml").find(reproduce), std::string::npos);
  // The printed command, run as printed (but for the path of pumpbench): the image again.
  EXPECT_EQ(
      exit_code("cd " + dir + " && " + kBench + reproduce.substr(std::string("pumpbench").size())),
      1);
  const json again = json::parse(slurp(dir + "/reproduce/failing_run/none/result.json"));
  EXPECT_EQ(again["firmware"]["sha256"], sha256);
  EXPECT_EQ(again["status"], "failed");

  // A shard on the host build and one on the image are not one campaign.
  ASSERT_EQ(run("campaign " + file + " --shard 0/2 --out " + dir + "/host0"), 0);
  ASSERT_EQ(
      run("campaign " + file + " --shard 1/2 --firmware " + elf + " --out " + dir + "/image1"), 1);
  int code = 0;
  EXPECT_NE(errors_of("merge " + dir + "/host0 " + dir + "/image1 --out " + dir + "/m", code)
                .find(dir + "/image1 ran other firmware"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(
      errors_of("campaign " + file + " --firmware /nonexistent/pump.elf --out " + dir + "/x", code)
          .find("--firmware: /nonexistent/pump.elf: cannot open"),
      std::string::npos);
  EXPECT_EQ(code, 2);
}

TEST(PumpbenchCampaign, CampaignFileErrorsAreLocated) {
  const std::string dir = scratch("errors");
  const std::string scenarios = "scenarios:\n  - " + kScenarios + "/short_run.yaml\n";
  struct Case {
    std::string text;
    std::string message;  // after "FILE:"
  };
  const std::vector<Case> cases = {
      {"name: x\n" + scenarios + "cohorts: {seed: 1, size: 2}\n",
       "4:1: error: cohorts: unknown key 'cohorts' (did you mean 'cohort'?)"},
      {"name: x\n" + scenarios + "faults:\n  - {at: 1 h, inject: {fault: catheter_kinked}}\n",
       "5:31: error: faults[0].inject.fault: unknown fault 'catheter_kinked' (did you mean "
       "'catheter_kink'?)"},
      {"name: x\n" + scenarios +
           "faults:\n  - name: kink\n    at: 1 h\n    inject: {fault: catheter_kink, open_area: 2 "
           "mL}\n",
       "7:47: error: faults[0].inject.open_area: "},
      {"name: x\n" + scenarios +
           "faults:\n  - name: kink\n    at: 35 min\n    inject: {fault: "
           "catheter_kink, open_area: 0}\n",
       "6:9: error: faults.kink.at: cannot inject at 35 min into scenario 'short_run': the step "
       "at " +
           kScenarios + "/short_run.yaml:16 comes `after:` the step before it"},
      {"name: x\n" + scenarios + "faults:\n  - {at: 3 h, inject: {fault: firmware_hang}}\n",
       "5:10: error: faults.firmware_hang.at: cannot inject at 3 h into scenario 'short_run': the "
       "scenario lasts 2 h"},
      {"name: x\n" + scenarios + "faults: [none, none]\n",
       "4:16: error: faults[1]: a second fault variant named 'none'"},
      {"name: x\nscenarios: [nowhere.yaml]\n",
       "2:13: error: scenarios[0]: no such scenario file or folder: " + dir + "/nowhere.yaml"},
      {"name: x\n" + scenarios + "cohort: {seed: 1, size: 0}\n",
       "4:25: error: cohort.size: '0' is out of range: 1 to 1000"},
      {"name: x\n" + scenarios + "seeds: [1, one]\n",
       "4:12: error: seeds[1]: expected a whole number"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string file = dir + "/bad" + std::to_string(i) + ".yaml";
    write(file, cases[i].text);
    int code = 0;
    const std::string errors = errors_of("campaign " + file + " --out " + dir + "/out", code);
    EXPECT_EQ(code, 2) << cases[i].text;
    EXPECT_NE(errors.find(file + ":" + cases[i].message), std::string::npos)
        << cases[i].text << "\n got: " << errors;
  }
  EXPECT_FALSE(fs::exists(dir + "/out"));
  int code = 0;
  for (const char* shard : {"3/3", "1", "-1/2", "0/0"}) {
    EXPECT_NE(errors_of("campaign " + kCampaign + " --list --shard " + std::string(shard), code)
                  .find("expected I/N with 0 <= I < N"),
              std::string::npos)
        << shard;
    EXPECT_EQ(code, 2) << shard;
  }
  EXPECT_NE(errors_of("campaign " + kCampaign + " --run short_run/nope --out " + dir + "/one", code)
                .find("--run short_run/nope: no such run"),
            std::string::npos);
  EXPECT_EQ(code, 2);
}

// The Slurm script of docs/campaign/ against a stand-in sbatch that runs each job here at once
// (the array's tasks one after the other with SLURM_ARRAY_TASK_ID set): the merged report must
// be the unsharded campaign's.
TEST(PumpbenchCampaign, SlurmScriptRunsTheShardsAndTheMerge) {
  const std::string script = kDocs + "/campaign/slurm-campaign.sh";
  EXPECT_EQ(exit_code("bash -n " + script), 0);
  const std::string dir = scratch("slurm");
  const std::string tiny = tiny_campaign(dir, "tiny", 3);
  fs::create_directories(dir + "/bin");
  write(dir + "/bin/sbatch", R"(#!/bin/bash
# Stand-in for Slurm's sbatch: records the call, runs the --wrap command now.
echo "sbatch $*" >> "$SBATCH_CALLS"
array= ; wrap= ; cpus=1
for argument in "$@"; do
  case $argument in
    --array=*) array=${argument#--array=} ;;
    --wrap=*) wrap=${argument#--wrap=} ;;
    --cpus-per-task=*) cpus=${argument#--cpus-per-task=} ;;
  esac
done
if [ -n "$array" ]; then
  for task in $(seq "${array%-*}" "${array#*-}"); do
    SLURM_ARRAY_TASK_ID=$task SLURM_CPUS_PER_TASK=$cpus bash -c "$wrap" >/dev/null
  done
  echo 1001
else
  bash -c "$wrap" >/dev/null
  echo 1002
fi
)");
  fs::permissions(dir + "/bin/sbatch", fs::perms::owner_all);
  const std::string env =
      "PATH=" + dir + "/bin:$PATH SBATCH_CALLS=" + dir + "/calls PUMPBENCH=" + kBench + " ";
  EXPECT_EQ(exit_code(env + script + " " + tiny + " 3 " + dir + "/out >/dev/null"), 0);
  const std::string calls = slurp(dir + "/calls");
  EXPECT_NE(calls.find("--array=0-2"), std::string::npos) << calls;
  EXPECT_NE(calls.find("--dependency=afterany:1001"), std::string::npos) << calls;
  for (int shard = 0; shard < 3; ++shard) {
    EXPECT_TRUE(fs::exists(dir + "/out/shards/" + std::to_string(shard) + "/shard.json"));
  }
  ASSERT_EQ(run("campaign " + tiny + " --out " + dir + "/whole"), 0);
  for (const std::string& file : kReportFiles) {
    EXPECT_EQ(slurp(dir + "/whole/" + file), slurp(dir + "/out/report/" + file)) << file;
  }
  // A bad campaign file fails before anything is queued.
  write(dir + "/bad.yaml", "name: x\n");
  EXPECT_EQ(exit_code(env + script + " " + dir + "/bad.yaml 3 " + dir + "/bad >/dev/null 2>&1"), 2);
  EXPECT_EQ(slurp(dir + "/calls"), calls);
}

// The Kubernetes manifest: an Indexed Job whose pods run the shards by JOB_COMPLETION_INDEX into
// the shared volume, and a merge Job over the same folders, with options pumpbench has.
TEST(PumpbenchCampaign, KubernetesManifestIsAnIndexedJobOfShardsAndAMerge) {
  const std::vector<YAML::Node> documents =
      YAML::LoadAllFromFile(kDocs + "/campaign/k8s-campaign-job.yaml");
  const std::string help = capture_stdout(kBench + " campaign --help");
  const std::string merge_help = capture_stdout(kBench + " merge --help");
  for (const char* option : {"--shard", "--out", "-j", "FILE"}) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
  }
  EXPECT_NE(merge_help.find("--out"), std::string::npos);
  YAML::Node shards;
  YAML::Node merge;
  std::string claim;
  for (const YAML::Node& document : documents) {
    const std::string kind = document["kind"].as<std::string>();
    const std::string name = document["metadata"]["name"].as<std::string>();
    if (kind == "PersistentVolumeClaim") claim = name;
    if (kind == "Job" && document["spec"]["completionMode"]) shards = document;
    if (kind == "Job" && !document["spec"]["completionMode"]) merge = document;
  }
  ASSERT_TRUE(shards) << "no Indexed Job";
  ASSERT_TRUE(merge) << "no merge Job";
  EXPECT_EQ(shards["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int count = shards["spec"]["completions"].as<int>();
  EXPECT_EQ(shards["spec"]["parallelism"].as<int>(), count);

  const YAML::Node shard_pod = shards["spec"]["template"]["spec"];
  const std::string command = shard_pod["containers"][0]["args"][0].as<std::string>();
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      command, match,
      std::regex(
          R"re(pumpbench campaign (\S+)\s+--shard "\$\{JOB_COMPLETION_INDEX\}/(\d+)" -j \d+\s+--out "(\S+)/\$\{JOB_COMPLETION_INDEX\}")re")))
      << command;
  EXPECT_EQ(std::stoi(match[2]), count);
  const std::string campaign_file = match[1];
  const std::string shards_dir = match[3];
  // The campaign file the pods run is this repository's.
  EXPECT_TRUE(fs::exists(fs::path(kDocs).parent_path() / campaign_file)) << campaign_file;

  const YAML::Node merge_pod = merge["spec"]["template"]["spec"];
  const std::string merge_command = merge_pod["containers"][0]["args"][0].as<std::string>();
  EXPECT_NE(merge_command.find("pumpbench merge " + shards_dir + "/* --out "), std::string::npos)
      << merge_command;
  const std::string wait = merge_pod["initContainers"][0]["args"][0].as<std::string>();
  EXPECT_NE(wait.find(shards_dir + "/*/shard.json"), std::string::npos) << wait;
  EXPECT_NE(wait.find("-ge " + std::to_string(count)), std::string::npos) << wait;
  // Every pod mounts the shared volume where the shards are written.
  for (const YAML::Node& pod : {shard_pod, merge_pod}) {
    EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), claim);
    const std::string mount =
        pod["containers"][0]["volumeMounts"][0]["mountPath"].as<std::string>();
    EXPECT_EQ(shards_dir.rfind(mount + "/", 0), 0u) << mount;
  }
}

}  // namespace
