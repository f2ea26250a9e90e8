// pumpbench: runs pump scenarios on the twin and reports verdicts (docs/scenarios.md).
//   pumpbench run FILE [--seed N | --seeds N [-j N]] [--out DIR] [--lockstep] [--realtime X]
//                 [--profile]
//   pumpbench suite PATH... [-j N] [--seeds N] [--junit FILE] [--filter PATTERN] [--out DIR]
//   pumpbench hazards FILE [--update DOC | --check DOC]
//   pumpbench firmware-codes [--update DOC | --check DOC]
//   pumpbench serve [FILE] [--listen [HOST:]PORT] [--speed X] [--seed N]   (docs/protocol.md)
//   pumpbench run FILE --programmer-port [HOST:]PORT [--wait-programmer] [--keep-running]
//   pumpbench programmer HOST:PORT --key FILE COMMAND...|--script FILE   (docs/telemetry.md)
//   pumpbench validate FILE...
//   pumpbench list faults|drugs|patients|signals|alarms|events|refusals [PATH]
//   pumpbench list scenarios|requirements [PATH]
//   pumpbench --version
//   pumpbench campaign FILE [-j N] [--shard I/N] [--out DIR]   (docs/campaigns.md)
//   pumpbench merge DIR... [--out DIR]
// Exit codes: 0 all expectations met, 1 some failed, 2 bad input, 3 the simulation failed,
// 4 known gap (an accepted residual risk shows: not a pass), 130 interrupted (the reports are
// complete up to the interruption).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <systemc>
#include <utility>

#include "campaign.h"
#include "catalogue.h"
#include "firmware_codes_doc.h"
#include "hazards.h"
#include "merge.h"
#include "plot_axes.h"
#include "programmer_cli.h"
#include "protocol.h"
#include "scenario_loader.h"
#include "scenario_run.h"
#include "suite.h"
#include "units.h"
#include "workers.h"

namespace {

using namespace pumpbench;

// The scenarios below `path` (a folder or a file): file, duration, requirements, name.
int list_scenarios(const std::string& path) {
  int exit_code = kExitPassed;
  for (const ScenarioFile& file : find_scenario_files({path})) {
    const LoadResult loaded = load_scenario(file.file);
    if (!loaded.scenario) {
      std::printf("%-40s (does not load: pumpbench validate %s)\n", file.file.c_str(),
                  file.file.c_str());
      exit_code = kExitBadInput;
      continue;
    }
    std::string requirements;
    for (const std::string& id : loaded.scenario->requirements) {
      requirements += (requirements.empty() ? "" : " ") + id;
    }
    std::printf("%-40s %-9s %s\n%40s %s\n", file.file.c_str(),
                pumptwin::plot::format_duration_exact(loaded.scenario->duration_s).c_str(),
                loaded.scenario->name.c_str(), "", requirements.c_str());
  }
  return exit_code;
}

// The requirements list that applies to `path`, each with the scenarios below `path` that
// verify it (the same tracing as the suite's traceability matrix).
int list_requirements(const std::string& path) {
  bool bad_input = false;
  const std::vector<Requirement> requirements = load_requirements_for({path}, "", bad_input);
  if (bad_input) return kExitBadInput;
  if (requirements.empty()) {
    std::fprintf(stderr, "pumpbench: no requirements.yaml in or above '%s'\n", path.c_str());
    return kExitBadInput;
  }
  std::vector<Scenario> scenarios;
  for (const ScenarioFile& file : find_scenario_files({path})) {
    LoadResult loaded = load_scenario(file.file);
    if (loaded.scenario) scenarios.push_back(std::move(*loaded.scenario));
  }
  for (const Requirement& requirement : requirements) {
    std::string verified_by;
    for (const Scenario& scenario : scenarios) {
      bool traces = std::find(scenario.requirements.begin(), scenario.requirements.end(),
                              requirement.id) != scenario.requirements.end();
      for (const Expectation& expectation : scenario.expectations) {
        traces = traces || expectation.requirement == requirement.id;
      }
      if (traces) verified_by += (verified_by.empty() ? "" : ", ") + scenario.name;
    }
    std::printf("%-14s %s\n%14s verified by: %s\n", requirement.id.c_str(),
                requirement.text.c_str(), "",
                verified_by.empty() ? "NO SCENARIO" : verified_by.c_str());
  }
  return kExitPassed;
}

int list(const std::string& what, const std::string& path) {
  if (what == "scenarios") return list_scenarios(path);
  if (what == "requirements") return list_requirements(path);
  if (what == "faults") {
    for (const FaultInfo& fault : fault_catalogue()) {
      std::printf("%-24s %-11s %s\n%24s   parameters: %s\n%24s   %s%s%s\n", fault.name.c_str(),
                  fault.category.c_str(), fault.description.c_str(), "",
                  pumptwin::faults::parameter_summary(fault).c_str(), "",
                  fault.clearable ? "clearable" : "one-shot (not clearable)",
                  fault.missing_hook.empty() ? "" : "; NOT INJECTABLE YET, needs ",
                  fault.missing_hook.c_str());
    }
  } else if (what == "drugs") {
    for (const DrugInfo& drug : drug_catalogue()) {
      std::printf("%-14s %g-%g ug/mL, at most %g ug/day\n", drug.name.c_str(),
                  drug.min_concentration_ug_per_ml, drug.max_concentration_ug_per_ml,
                  drug.max_daily_dose_ug);
    }
  } else if (what == "patients") {
    for (const std::string& name : patient_names()) std::printf("%s\n", name.c_str());
    std::printf("(or a cohort member: patient: {cohort_seed: N, index: I})\n");
  } else if (what == "signals") {
    for (const SignalDefinition& signal : signal_catalogue()) {
      std::printf("%-48s %-9s %s\n", signal.name.c_str(), signal.unit.c_str(),
                  signal.source.c_str());
    }
  } else if (what == "alarms") {
    for (const std::string& name : alarm_names()) std::printf("%s\n", name.c_str());
  } else if (what == "refusals") {
    for (const auto& refusal : pumptwin::firmware_vocabulary::refusals()) {
      std::printf("%s\n", std::string(refusal.name).c_str());
    }
  } else {
    for (const std::string& name : event_names()) std::printf("%s\n", name.c_str());
  }
  return kExitPassed;
}

int validate(const std::vector<std::string>& files) {
  int exit_code = kExitPassed;
  for (const std::string& file : files) {
    const LoadResult loaded = load_scenario(file);
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
    }
    for (const std::string& note : loaded.notes) {
      std::fprintf(stderr, "%s: note: %s\n", file.c_str(), note.c_str());
    }
    if (loaded.scenario) {
      std::printf("%s: ok (%s, %zu steps, %zu expectations)\n", file.c_str(),
                  pumptwin::plot::format_duration_exact(loaded.scenario->duration_s).c_str(),
                  loaded.scenario->timeline.size(), loaded.scenario->expectations.size());
    } else {
      exit_code = kExitBadInput;
    }
  }
  return exit_code;
}

// "FROM..TO", two times; a message on stderr and nothing when it is not one.
std::optional<std::pair<double, double>> parse_trace_window(const std::string& text) {
  const size_t dots = text.find("..");
  if (dots == std::string::npos) {
    std::fprintf(stderr, "pumpbench: --trace '%s': expected FROM..TO, e.g. '2 h..2 h 1 min'\n",
                 text.c_str());
    return std::nullopt;
  }
  const QuantityParse from = parse_quantity(text.substr(0, dots), Dimension::kTime);
  const QuantityParse to = parse_quantity(text.substr(dots + 2), Dimension::kTime);
  for (const QuantityParse* end : {&from, &to}) {
    if (!end->value) {
      std::fprintf(stderr, "pumpbench: --trace '%s': %s\n", text.c_str(), end->error.c_str());
      return std::nullopt;
    }
  }
  if (*to.value <= *from.value) {
    std::fprintf(stderr, "pumpbench: --trace '%s': the window ends before it starts\n",
                 text.c_str());
    return std::nullopt;
  }
  return std::make_pair(*from.value, *to.value);
}

// After a parse error: an unknown command or option named, with the nearest known one. False
// when the error is of another kind (CLI11's own message then says it).
bool explain_unknown_word(const CLI::App& app, int argc, char* argv[]) {
  const CLI::App* command = nullptr;
  std::vector<std::string> command_names;
  for (const CLI::App* sub : app.get_subcommands({})) command_names.push_back(sub->get_name());
  int first = 1;
  for (; first < argc; ++first) {
    const std::string word = argv[first];
    if (word.empty() || word[0] == '-') continue;
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == word) command = sub;
    }
    if (command == nullptr) {
      const std::string suggestion = nearest(word, command_names).value_or("");
      std::string all;
      for (const std::string& name : command_names) all += (all.empty() ? "" : ", ") + name;
      std::fprintf(stderr, "pumpbench: unknown command '%s'%s\n  commands: %s\n", word.c_str(),
                   suggestion.empty() ? "" : ("; did you mean '" + suggestion + "'?").c_str(),
                   all.c_str());
      return true;
    }
    break;
  }
  const CLI::App& scope = command != nullptr ? *command : app;
  std::vector<std::string> option_names;
  for (const CLI::Option* option : scope.get_options()) {
    for (const std::string& name : option->get_lnames()) option_names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) option_names.push_back("-" + name);
  }
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.size() < 2 || word[0] != '-' || word == "--" ||
        std::isdigit(static_cast<unsigned char>(word[1])) != 0) {
      continue;  // not an option (a negative number is a value)
    }
    word = word.substr(0, word.find('='));
    if (std::find(option_names.begin(), option_names.end(), word) != option_names.end()) continue;
    if (command == nullptr && app.get_option_no_throw(word) != nullptr) continue;
    const std::string suggestion = nearest(word, option_names).value_or("");
    std::fprintf(stderr, "pumpbench%s%s: unknown option '%s'%s\n  (pumpbench %s --help)\n",
                 command != nullptr ? " " : "",
                 command != nullptr ? command->get_name().c_str() : "", word.c_str(),
                 suggestion.empty() ? "" : ("; did you mean '" + suggestion + "'?").c_str(),
                 command != nullptr ? command->get_name().c_str() : "");
    return true;
  }
  return false;
}

int run_command(int argc, char* argv[]) {
  CLI::App app{"pumpbench: pump scenarios on the twin, with verdicts and reports"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pumpbench " PUMPTWIN_VERSION);

  CLI::App* run = app.add_subcommand("run", "run one scenario");
  std::string scenario_file = "scenarios/demo.yaml";
  RunOptions run_options;
  uint64_t seed = 0;
  run->add_option("FILE", scenario_file, "scenario file")->required();
  CLI::Option* seed_option =
      run->add_option("--seed", seed, "seed (overrides setup.seed); one run, no sweep");
  uint64_t sweep_seeds = 0;
  CLI::Option* seeds_option =
      run->add_option("--seeds", sweep_seeds,
                      "sweep N seeds from setup.seed, each in its own process (overrides sweep:)")
          ->check(CLI::Range(uint64_t{1}, uint64_t{100000}));
  unsigned run_jobs = 0;
  run->add_option("-j,--jobs", run_jobs, "a sweep's worker processes at once (default: cores)");
  run->add_option("--out", run_options.out_dir, "output folder")->capture_default_str();
  const char* firmware_help =
      "firmware image (ELF) to run on the Cortex-M0+ ISS instead of the host build";
  run->add_option("--firmware", run_options.firmware, firmware_help);
  run->add_option("--image-coverage", run_options.image_coverage,
                  "write the image's executed instruction ranges to FILE (with --firmware)");
  std::string gdb_endpoint;
  run->add_option("--gdb", gdb_endpoint,
                  "[HOST:]PORT: GDB stub on the image's core (loopback by default; 0: any port)");
  run->add_flag("--lockstep", run_options.lockstep, "evaluate the ASIC edge by edge (reference)");
  run->add_option("--realtime", run_options.realtime_factor,
                  "pace at X times wall time (demonstrations)")
      ->check(CLI::PositiveNumber);
  run->add_flag("--quiet", run_options.quiet, "no summary on stdout");
  run->add_flag("--profile", run_options.profile,
                "measure where the wall time goes: OUT/profile.json and figures on stdout");
  uint64_t member = 0;
  CLI::Option* member_option =
      run->add_option("--member", member, "cohort member to run (setup.cohort; default 0)");
  run->add_option("--wall-limit", run_options.wall_limit_s,
                  "stop as a failed simulation (exit 3) after this many wall seconds")
      ->check(CLI::PositiveNumber);
  std::string trace_window;
  run->add_option("--trace", trace_window,
                  "ASIC waveform window FROM..TO, e.g. '2 h..2 h 1 min', written to OUT/asic.vcd");
  run->add_option("--trace-format", run_options.trace_format,
                  "waveform format of --trace: vcd (OUT/asic.vcd) or fst (OUT/asic.fst, GTKWave)")
      ->check(CLI::IsMember({"vcd", "fst"}))
      ->capture_default_str();

  // Live serving (docs/protocol.md): run --serve, or an interactive session with `serve`.
  std::string serve_endpoint;
  pumptwin::live::ServeOptions serve_options;
  serve_options.speed = 3600.0;  // `serve`: an hour a second
  run->add_option("--serve", serve_endpoint,
                  "serve the run live on [HOST:]PORT (loopback default)");
  CLI::App* serve = app.add_subcommand("serve", "interactive live session (starts paused)");
  serve->add_option("FILE", scenario_file, "scenario file")->capture_default_str();
  serve->add_option("--listen", serve_endpoint, "[HOST:]PORT")->capture_default_str();
  serve->add_option("--speed", serve_options.speed, "simulated s per wall s (0: max)")
      ->capture_default_str();
  serve->add_option("--out", run_options.out_dir, "output folder")->capture_default_str();
  serve->add_option("--firmware", run_options.firmware, firmware_help);
  CLI::Option* serve_seed_option = serve->add_option("--seed", seed, "seed (overrides setup.seed)");
  for (CLI::App* command : {run, serve}) {
    command->add_option("--token", serve_options.token,
                        "token clients must send (beyond loopback)");
    command->add_option("--port-file", serve_options.port_file, "write the bound port here");
  }
  // An external programmer on the telemetry link (docs/telemetry.md, "External programmer").
  std::string programmer_endpoint;
  ProgrammerPortOptions programmer_port;
  run->add_option("--programmer-port", programmer_endpoint,
                  "telemetry link on TCP [HOST:]PORT for pumpbench programmer (loopback default)");
  run->add_flag("--programmer-remote", programmer_port.allow_remote,
                "allow --programmer-port beyond loopback");
  run->add_flag("--wait-programmer", programmer_port.wait,
                "after the setup, hold the run until a programmer connects");
  run->add_flag("--keep-running", programmer_port.keep_running,
                "after the end, keep the pump running for programmers until interrupted");
  CLI::App* programmer = app.add_subcommand(
      "programmer", "clinician programmer over TCP to a run's --programmer-port");
  ProgrammerCliOptions programmer_options;
  programmer->add_option("ENDPOINT", programmer_options.endpoint, "HOST:PORT")->required();
  programmer->add_option("COMMAND", programmer_options.command,
                         "a scenario's action and its fields without braces, e.g. "
                         "'program continuous: 3 mg/day', 'clinician_bolus dose: 1 mg, duration: "
                         "10 min', 'acknowledge_alarms [ALARM, ...]', interrogate; or events [N]");
  programmer->add_option("--key", programmer_options.key_file, "device key file (64 hex digits)")
      ->required();
  programmer->add_option("--script", programmer_options.script_file,
                         "commands, one a line ('#' comments)");
  programmer->add_option("--timeout", programmer_options.timeout_s, "s to wait for each answer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI::App* suite = app.add_subcommand("suite", "run scenarios, each in its own process");
  SuiteOptions suite_options;
  suite->add_option("PATH", suite_options.paths, "scenario files or folders")->required();
  suite->add_option("-j,--jobs", suite_options.jobs, "worker processes at once (default: cores)");
  suite->add_option("--junit", suite_options.junit_file, "JUnit XML file (default: OUT/junit.xml)");
  suite->add_option("--filter", suite_options.filter, "glob or substring of path or name");
  suite->add_option("--out", suite_options.out_dir, "output folder")->capture_default_str();
  suite->add_option("--requirements", suite_options.requirements_file,
                    "requirements list (default: requirements.yaml beside the scenarios)");
  suite->add_flag("--lockstep", suite_options.lockstep, "run every scenario in lockstep mode");
  suite->add_option("--firmware", suite_options.firmware, firmware_help);
  suite->add_flag("--image-coverage", suite_options.image_coverage,
                  "each run writes the image's executed ranges to OUT/<run>/image-coverage.txt");
  uint64_t suite_seeds = 0;
  CLI::Option* suite_seeds_option =
      suite->add_option("--seeds", suite_seeds, "run every scenario on N seeds (overrides sweep:)")
          ->check(CLI::Range(uint64_t{1}, uint64_t{100000}));
  suite->add_option("--hazards", suite_options.hazards_file,
                    "hazard analysis to check (default: hazards.yaml beside the requirements)");

  CLI::App* hazards = app.add_subcommand(
      "hazards", "the hazard analysis (hazards.yaml) as a Markdown table; --update/--check a doc");
  std::string hazards_file;
  std::string hazards_update;
  std::string hazards_check;
  hazards->add_option("FILE", hazards_file, "hazards.yaml")->required();
  hazards->add_option("--update", hazards_update, "write the table into this document's block");
  hazards->add_option("--check", hazards_check,
                      "exit 1 unless this document's block is the table as generated");

  CLI::App* firmware_codes = app.add_subcommand(
      "firmware-codes",
      "the firmware's alarm, event and refusal codes as Markdown tables; --update/--check a doc");
  std::string firmware_codes_update;
  std::string firmware_codes_check;
  firmware_codes->add_option("--update", firmware_codes_update,
                             "write the tables into this document's blocks");
  firmware_codes->add_option("--check", firmware_codes_check,
                             "exit 1 unless this document's blocks are the tables as generated");

  CLI::App* validate_command = app.add_subcommand("validate", "check scenario files, no run");
  std::vector<std::string> validate_files;
  validate_command->add_option("FILE", validate_files, "scenario files")->required();

  CLI::App* campaign = app.add_subcommand(
      "campaign", "scenario x fault x cohort matrix, each run in its own process; shardable");
  CampaignOptions campaign_options;
  std::string shard_text;
  campaign->add_option("FILE", campaign_options.file, "campaign file")->required();
  campaign->add_option("-j,--jobs", campaign_options.jobs,
                       "worker processes at once (default: cores)");
  campaign->add_option("--shard", shard_text, "run only shard I of N (I/N, I from 0)");
  campaign->add_option("--out", campaign_options.out_dir, "output folder")->capture_default_str();
  campaign->add_option("--firmware", campaign_options.firmware, firmware_help);
  campaign->add_option("--run", campaign_options.run_id,
                       "run this one run (by id) in this process, into --out");
  campaign->add_flag("--list", campaign_options.list,
                     "print the runs (index, shard, id) of the campaign or --shard; run nothing");
  CLI::App* merge = app.add_subcommand("merge", "assemble campaign shards into one report");
  std::vector<std::string> merge_dirs;
  std::string merge_out = "pumpbench-campaign";
  merge->add_option("DIR", merge_dirs, "the shards' output folders")->required();
  merge->add_option("--out", merge_out, "output folder")->capture_default_str();

  CLI::App* list_command = app.add_subcommand("list", "what scenarios may name");
  std::string list_what;
  std::string list_path = "scenarios";
  list_command->add_option("WHAT", list_what)
      ->required()
      ->check(CLI::IsMember({"faults", "drugs", "patients", "signals", "alarms", "events",
                             "refusals", "scenarios", "requirements"}));
  list_command
      ->add_option("PATH", list_path, "scenarios, requirements: the folder or file to look in")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() != 0 && explain_unknown_word(app, argc, argv)) return kExitBadInput;
    const int code = app.exit(error);
    return code == 0 ? kExitPassed : kExitBadInput;
  }

  if (*list_command) return list(list_what, list_path);
  if (*programmer) return run_programmer(programmer_options);
  if (*validate_command) return validate(validate_files);
  if (*hazards) return hazards_command(hazards_file, hazards_update, hazards_check);
  if (*firmware_codes) return firmware_codes_command(firmware_codes_update, firmware_codes_check);
  if (*suite) {
    if (*suite_seeds_option) suite_options.seeds = suite_seeds;
    if (suite_options.image_coverage && suite_options.firmware.empty()) {
      std::fprintf(stderr, "pumpbench suite: --image-coverage needs --firmware\n");
      return kExitBadInput;
    }
    install_interrupt_handler();
    std::error_code error;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
    return run_suite(self, suite_options);
  }
  if (*campaign) {
    if (!shard_text.empty()) {
      const std::optional<Shard> shard = parse_shard(shard_text);
      if (!shard) return kExitBadInput;
      campaign_options.shard = *shard;
    }
    install_interrupt_handler();
    std::error_code error;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
    return run_campaign(self, campaign_options);
  }
  if (*merge) return merge_campaign_shards(merge_dirs, merge_out);
  if (*seed_option || *serve_seed_option) run_options.seed = seed;
  if (*serve) {
    serve_options.start_paused = serve_options.linger = true;
    if (serve_endpoint.empty()) serve_endpoint = "127.0.0.1:7700";
  } else {
    serve_options.speed = run_options.realtime_factor;  // the live server paces a served run
  }
  if (!serve_endpoint.empty()) {
    const std::string problem =
        pumptwin::live::parse_endpoint(serve_endpoint, serve_options.host, serve_options.port);
    if (!problem.empty()) {
      std::fprintf(stderr, "pumpbench: --serve %s\n", problem.c_str());
      return kExitBadInput;
    }
    run_options.serve = serve_options;
    run_options.realtime_factor = 0.0;
  }
  if (!programmer_endpoint.empty()) {
    const std::string problem = pumptwin::live::parse_endpoint(
        programmer_endpoint, programmer_port.host, programmer_port.port);
    if (!problem.empty()) {
      std::fprintf(stderr, "pumpbench: --programmer-port %s\n", problem.c_str());
      return kExitBadInput;
    }
    if (run_options.serve) {
      std::fprintf(stderr, "pumpbench: --programmer-port and --serve: one server a run\n");
      return kExitBadInput;
    }
    programmer_port.port_file = serve_options.port_file;
    run_options.programmer = programmer_port;
  } else if (programmer_port.wait || programmer_port.keep_running || programmer_port.allow_remote) {
    std::fprintf(stderr,
                 "pumpbench: --wait-programmer, --keep-running and --programmer-remote need "
                 "--programmer-port\n");
    return kExitBadInput;
  }
  if (!run_options.image_coverage.empty() && run_options.firmware.empty()) {
    std::fprintf(stderr, "pumpbench run: --image-coverage needs --firmware\n");
    return kExitBadInput;
  }
  if (!gdb_endpoint.empty()) {
    std::string gdb_host;
    unsigned short gdb_port = 0;
    const std::string problem = pumptwin::live::parse_endpoint(gdb_endpoint, gdb_host, gdb_port);
    if (!problem.empty()) {
      std::fprintf(stderr, "pumpbench: --gdb %s\n", problem.c_str());
      return kExitBadInput;
    }
    run_options.gdb = std::make_pair(gdb_host, gdb_port);
  }
  if (*member_option) run_options.member = member;
  if (!trace_window.empty()) {
    run_options.trace_window_s = parse_trace_window(trace_window);
    if (!run_options.trace_window_s) return kExitBadInput;
  }
  if (std::error_code error; std::filesystem::is_directory(scenario_file, error)) {
    std::fprintf(stderr,
                 "pumpbench %s: '%s' is a folder: give one scenario file, or run the folder's "
                 "scenarios with 'pumpbench suite %s'\n",
                 *serve ? "serve" : "run", scenario_file.c_str(), scenario_file.c_str());
    return kExitBadInput;
  }
  const LoadResult loaded = load_scenario(scenario_file);
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    std::fprintf(stderr, "%s\n", diagnostic.format().c_str());
  }
  for (const std::string& note : loaded.notes) {
    std::fprintf(stderr, "%s: note: %s\n", scenario_file.c_str(), note.c_str());
  }
  if (!loaded.scenario) return kExitBadInput;
  install_interrupt_handler();
  // A stochastic scenario's verdict is over its seeds; --seed runs one of them.
  const uint64_t seeds = *seeds_option ? sweep_seeds : loaded.scenario->sweep_seeds;
  if (!*seed_option && !*serve && serve_endpoint.empty() && programmer_endpoint.empty() &&
      (seeds > 1 || *seeds_option)) {
    if (run_options.profile || run_options.trace_window_s || !run_options.image_coverage.empty()) {
      std::fprintf(stderr,
                   "pumpbench run: --profile, --trace and --image-coverage are for one run: add "
                   "--seed S (or use 'pumpbench suite --image-coverage')\n");
      return kExitBadInput;
    }
    std::error_code error;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
    return run_seed_sweep(self, scenario_file, *loaded.scenario, run_options, seeds, run_jobs);
  }
  return run_scenario(*loaded.scenario, run_options);
}

}  // namespace

// What escapes a command is the bench's own failure, never an input's: it ends the process with
// its message and exit code 3, not SystemC's E549 report of an uncaught exception.
int sc_main(int argc, char* argv[]) {
  try {
    return run_command(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "pumpbench: internal error: %s\n", error.what());
  }
  return kExitSimulationFailed;
}

// SystemC prints its banner on start-up unless told not to before it starts; the banner would
// come before every summary, every diagnostic and every worker's log.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
