#include "scenario_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "app/pump.h"
#include "app/therapy.h"
#include "catalogue.h"
#include "firmware_commands.h"
#include "pathway_loader.h"
#include "plot_axes.h"
#include "twin/fluid/pump_efficiency.h"
#include "twin/physio/neuraxis.h"
#include "units.h"
#include "yaml_fields.h"

namespace pumpbench {

Dimension fault_parameter_dimension(pumptwin::faults::ParameterKind kind) {
  using pumptwin::faults::ParameterKind;
  switch (kind) {
    case ParameterKind::kTorque:
      return Dimension::kTorque;
    case ParameterKind::kCurrent:
      return Dimension::kCurrent;
    case ParameterKind::kVoltage:
      return Dimension::kVoltage;
    case ParameterKind::kResistance:
      return Dimension::kResistance;
    case ParameterKind::kTime:
      return Dimension::kTime;
    case ParameterKind::kLength:
      return Dimension::kLength;
    case ParameterKind::kTemperature:
      return Dimension::kTemperature;
    case ParameterKind::kInteger:
      return Dimension::kCount;
    default:
      return Dimension::kFraction;
  }
}

std::string Diagnostic::format() const {
  std::string text = file + ":" + std::to_string(location.line) + ":" +
                     std::to_string(location.column) + ": error: ";
  if (!field.empty()) text += field + ": ";
  return text + message;
}

namespace {

// Offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
size_t first_invalid_utf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char min_second = 0x80;
    unsigned char max_second = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) min_second = 0xA0;
      if (lead == 0xED) max_second = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) min_second = 0x90;
      if (lead == 0xF4) max_second = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    if (byte(i + 1) < min_second || byte(i + 1) > max_second) return i;
    for (size_t k = 2; k < length; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    }
    i += length;
  }
  return std::string::npos;
}

SourceLocation location_of_offset(const std::string& text, size_t offset) {
  SourceLocation where{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++where.column;
    }
  }
  return where;
}

// Walks the document as its readers will (aliases expanded), checking every mapping's keys.
// Returns false when the walk ran past the node budget.
bool check_structure(const YAML::Node& node, const std::string& path,
                     std::vector<Diagnostic>& diagnostics, size_t& nodes, size_t depth = 0) {
  // Nesting deeper than any scenario (or an alias that contains itself) counts as past the
  // budget: the walk never recurses without bound.
  if (++nodes > kMaxYamlNodes || depth > kMaxYamlDepth) return false;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      if (!check_structure(node[i], path, diagnostics, nodes, depth + 1)) return false;
    }
  } else if (node.IsMap()) {
    std::set<std::string> keys;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        diagnostics.push_back({path, location_of(entry.first), "",
                               "a key must be a plain name, not a list or mapping"});
      } else if (!keys.insert(entry.first.Scalar()).second) {
        diagnostics.push_back({path, location_of(entry.first), entry.first.Scalar(),
                               "duplicate key '" + entry.first.Scalar() +
                                   "' in this mapping (YAML keeps only one of them)"});
      }
      if (!check_structure(entry.first, path, diagnostics, nodes, depth + 1) ||
          !check_structure(entry.second, path, diagnostics, nodes, depth + 1)) {
        return false;
      }
    }
  }
  return true;
}

// Where each document of a YAML stream starts, without building it.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  std::vector<YAML::Mark> starts;
};

}  // namespace

std::optional<YAML::Node> parse_yaml_text(const std::string& path, const std::string& text,
                                          std::vector<Diagnostic>& diagnostics) {
  const size_t bad_byte = first_invalid_utf8(text);
  if (bad_byte != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad_byte]));
    diagnostics.push_back(
        {path, location_of_offset(text, bad_byte), "",
         std::string("byte ") + hex + " is not valid UTF-8 (the file must be UTF-8 text)"});
    return std::nullopt;
  }
  // At most two documents are read: yaml-cpp's LoadAll loops for ever on some malformed
  // streams (",n" yields an empty document again and again), so the count is bounded here.
  YAML::Node root;
  DocumentStarts documents;
  try {
    root = YAML::Load(text);
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    for (int i = 0; i < 2 && parser.HandleNextDocument(documents); ++i) {
    }
  } catch (const YAML::Exception& error) {
    diagnostics.push_back(
        {path, {error.mark.line + 1, error.mark.column + 1}, "", "YAML syntax: " + error.msg});
    return std::nullopt;
  }
  if (documents.starts.size() > 1) {
    const YAML::Mark& second = documents.starts[1];
    diagnostics.push_back({path,
                           {std::max(second.line, 0) + 1, std::max(second.column, 0) + 1},
                           "",
                           "a second YAML document ('---', or text after the first): a file "
                           "holds one document"});
    return std::nullopt;
  }
  if (root.IsNull()) {
    diagnostics.push_back({path, {1, 1}, "", "the file is empty: expected a mapping of fields"});
    return std::nullopt;
  }

  size_t nodes = 0;
  const size_t before = diagnostics.size();
  try {
    if (!check_structure(root, path, diagnostics, nodes)) {
      diagnostics.push_back({path,
                             {1, 1},
                             "",
                             "the document expands to more than " + std::to_string(kMaxYamlNodes) +
                                 " nodes or " + std::to_string(kMaxYamlDepth) +
                                 " levels (anchors and aliases repeat what they name)"});
    }
  } catch (const YAML::Exception& error) {
    diagnostics.push_back(
        {path, {error.mark.line + 1, error.mark.column + 1}, "", "malformed YAML: " + error.msg});
  }
  if (diagnostics.size() != before) return std::nullopt;
  return root;
}

std::optional<YAML::Node> read_yaml_file(const std::string& path,
                                         std::vector<Diagnostic>& diagnostics) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  std::string problem;
  if (error || !fs::exists(status)) {
    problem = "cannot read the file: no such file";
  } else if (fs::is_directory(status)) {
    problem = "is a directory, not a YAML file";
  } else if (!fs::is_regular_file(status)) {
    problem = "is not a regular file (a device, a pipe or a socket)";
  } else if (fs::file_size(path, error) > kMaxYamlFileBytes || error) {
    problem = error ? "cannot read the file"
                    : "is larger than " + std::to_string(kMaxYamlFileBytes >> 20) +
                          " MiB: not a scenario";
  }
  std::string text;
  if (problem.empty()) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
      problem = "cannot read the file";
    } else {
      text.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
      if (stream.bad()) problem = "cannot read the file";
    }
  }
  if (!problem.empty()) {
    diagnostics.push_back({path, {0, 0}, "", problem});
    return std::nullopt;
  }
  return parse_yaml_text(path, text, diagnostics);
}

namespace {

constexpr double kSecondsPerDay = 86400.0;
// Longer than a pump's battery life (about a decade) is not a scenario but a mistake.
constexpr double kMaxDurationS = 20 * 365 * kSecondsPerDay;
constexpr int64_t kMaxSweepSeeds = 10000;

std::vector<std::string> drug_names() {
  std::vector<std::string> names;
  for (const DrugInfo& drug : drug_catalogue()) names.push_back(drug.name);
  return names;
}

std::vector<std::string> fault_names() {
  std::vector<std::string> names;
  for (const FaultInfo& fault : fault_catalogue()) names.push_back(fault.name);
  return names;
}

std::vector<std::string> signal_names() {
  std::vector<std::string> names;
  for (const SignalDefinition& signal : signal_catalogue()) names.push_back(signal.name);
  return names;
}

// A vertebral level at `key`: one the patient model can place a catheter tip at
// (twin/physio/neuraxis.h), else a located error with the levels there are.
std::optional<std::string> read_level(Fields& fields, const std::string& key, bool required) {
  const std::optional<std::string> level = fields.scalar(key, required);
  if (!level || pumptwin::physio::find_level(*level)) return level;
  std::vector<std::string> names;
  for (const auto& known : pumptwin::physio::neuraxis_levels()) names.push_back(known.name);
  fields.context().error(fields.get(key), fields.field(key),
                         "'" + *level + "' is not a vertebral level (" +
                             pumptwin::physio::level_ranges_text() + ")" +
                             suggestion(*level, names));
  return std::nullopt;
}

constexpr uint32_t kU16 = 0xFFFF;
constexpr uint32_t kU32 = 0xFFFFFFFF;
constexpr double kNgPerUg = 1e3;
constexpr double kMinutesPerSecond = 1.0 / 60.0;

// The fields of the firmware's telemetry commands, each read as the whole number of the
// firmware's unit it becomes (Fields::firmware_quantity): ng and ng/day in u32, minutes in u16.
std::optional<double> read_dose(Fields& fields, const std::string& key, bool required) {
  return fields.firmware_quantity(key, Dimension::kMass, 0.0, kMaxDoseUg, "0 to 100 mg", kNgPerUg,
                                  kU32, "ng", required);
}
std::optional<double> read_rate(Fields& fields, const std::string& key, bool required) {
  return fields.firmware_quantity(key, Dimension::kDoseRate, 0.0, kMaxDoseRateUgPerDay,
                                  "0 to 1000 mg/day", kNgPerUg, kU32, "ng/day", required);
}
std::optional<double> read_minutes(Fields& fields, const std::string& key, bool required) {
  return fields.firmware_quantity(key, Dimension::kTime, 60.0, kSecondsPerDay, "1 min to 1 d",
                                  kMinutesPerSecond, kU16, "min", required);
}
uint16_t whole_minutes(double seconds) {
  return static_cast<uint16_t>(*firmware_integer(seconds, kMinutesPerSecond, kU16, "min").value);
}

std::optional<ProgramSpec> read_program(Context& context, const YAML::Node& node,
                                        const std::string& path) {
  Fields fields(context, node, path, {"continuous", "flexible", "periodic_bolus"});
  if (!fields.valid()) return std::nullopt;
  ProgramSpec program;
  bool ok = true;
  if (fields.has("continuous") == fields.has("flexible")) {
    context.error(node, path, "give exactly one of 'continuous' (a rate) or 'flexible' (steps)");
    return std::nullopt;
  }
  if (fields.has("continuous")) {
    const std::optional<double> rate = read_rate(fields, "continuous", false);
    if (!rate) return std::nullopt;
    program.steps.push_back({0, *rate});
  } else {
    program.flexible = true;
    const YAML::Node steps = fields.get("flexible");
    const std::string steps_path = fields.field("flexible");
    if (!steps.IsSequence() || steps.size() == 0 || steps.size() > 24) {
      context.error(steps, steps_path,
                    "expected a list of 1 to 24 steps {start: HH:MM, rate: ...}");
      return std::nullopt;
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      Fields step(context, steps[i], steps_path + "[" + std::to_string(i) + "]", {"start", "rate"});
      if (!step.valid()) {
        ok = false;
        continue;
      }
      const std::optional<uint16_t> start = step.time_of_day("start", true);
      const std::optional<double> rate = read_rate(step, "rate", true);
      if (!start || !rate) {
        ok = false;
        continue;
      }
      if (i == 0 && *start != 0) {
        context.error(steps[i]["start"], step.field("start"), "the first step must start at 00:00");
        ok = false;
      }
      if (!program.steps.empty() && *start <= program.steps.back().start_minute) {
        context.error(steps[i]["start"], step.field("start"),
                      "steps out of order: each step must start after the previous one");
        ok = false;
      }
      program.steps.push_back({*start, *rate});
    }
  }
  if (fields.has("periodic_bolus")) {
    Fields bolus(context, fields.get("periodic_bolus"), fields.field("periodic_bolus"),
                 {"dose", "first", "every", "duration"});
    if (!bolus.valid()) return std::nullopt;
    const std::optional<double> dose = read_dose(bolus, "dose", true);
    const std::optional<uint16_t> first = bolus.time_of_day("first", true);
    const std::optional<double> every = read_minutes(bolus, "every", true);
    const std::optional<double> duration = read_minutes(bolus, "duration", true);
    if (!dose || !first || !every || !duration) return std::nullopt;
    program.periodic = {*dose, *first, whole_minutes(*every), whole_minutes(*duration)};
  }
  if (!ok) return std::nullopt;
  return program;
}

std::optional<PtmSpec> read_ptm(Context& context, const YAML::Node& node, const std::string& path) {
  Fields fields(context, node, path, {"dose", "lockout", "duration", "max_per_day"});
  if (!fields.valid()) return std::nullopt;
  const std::optional<double> dose = read_dose(fields, "dose", true);
  const std::optional<double> lockout = read_minutes(fields, "lockout", true);
  const std::optional<double> duration = read_minutes(fields, "duration", true);
  const std::optional<int64_t> max_per_day =
      fields.integer("max_per_day", 1, pumpfw::app::kMaxPtmPerDay, true);
  if (!dose || !lockout || !duration || !max_per_day) return std::nullopt;
  if (*lockout < *duration) {
    context.error(node["lockout"], fields.field("lockout"),
                  "the lockout must be at least the bolus duration");
    return std::nullopt;
  }
  return PtmSpec{*dose, whole_minutes(*lockout), whole_minutes(*duration),
                 static_cast<uint8_t>(*max_per_day)};
}

// The therapy as the firmware's commands carry it (scenario_run sends exactly these integers).
pumpfw::app::TherapyProgram firmware_program(const ProgramSpec& spec) {
  pumpfw::app::TherapyProgram program{};
  program.mode =
      spec.flexible ? pumpfw::app::TherapyMode::kFlexible : pumpfw::app::TherapyMode::kContinuous;
  program.step_count = static_cast<uint8_t>(std::min<size_t>(spec.steps.size(), 255));
  for (size_t i = 0; i < spec.steps.size() && i < pumpfw::app::kMaxScheduleSteps; ++i) {
    program.steps[i].start_minute = spec.steps[i].start_minute;
    program.steps[i].rate_ng_per_day = firmware_nanograms(spec.steps[i].rate_ug_per_day);
  }
  program.periodic.dose_ng = firmware_nanograms(spec.periodic.dose_ug);
  program.periodic.first_minute = spec.periodic.first_minute;
  program.periodic.interval_minutes = spec.periodic.interval_minutes;
  program.periodic.duration_minutes = spec.periodic.duration_minutes;
  return program;
}

pumpfw::app::PtmConfig firmware_ptm(const PtmSpec& spec) {
  pumpfw::app::PtmConfig ptm{};
  ptm.dose_ng = firmware_nanograms(spec.dose_ug);
  ptm.lockout_minutes = spec.lockout_minutes;
  ptm.duration_minutes = spec.duration_minutes;
  ptm.max_per_day = spec.max_per_day;
  return ptm;
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string refusal_text(pumpfw::app::Refusal refusal) {
  return "'" + refusal_name(static_cast<uint8_t>(refusal)) + "'";
}

// Why the pump would refuse a program (validate_program, the firmware's own check), in words;
// empty when it accepts it.
std::string program_refusal(const ProgramSpec& spec, const PtmSpec* ptm,
                            const pumpfw::app::DrugLimits& drug) {
  using pumpfw::app::Refusal;
  const pumpfw::app::TherapyProgram program = firmware_program(spec);
  const Refusal refusal = pumpfw::app::validate_program(
      program, ptm ? firmware_ptm(*ptm) : pumpfw::app::PtmConfig{}, drug);
  if (refusal == Refusal::kNone) return "";
  std::string why;
  if (refusal == Refusal::kDailyDoseOverLimit) {
    why =
        ": the most it can give in a day (basal " +
        number_text(static_cast<double>(pumpfw::app::basal_daily_dose_ng(program)) / 1e3) +
        " ug, periodic boluses " +
        number_text(static_cast<double>(pumpfw::app::periodic_boluses_per_day(program.periodic)) *
                    program.periodic.dose_ng / 1e3) +
        " ug" +
        (ptm ? ", PTM " + number_text(static_cast<double>(ptm->max_per_day) * ptm->dose_ug) + " ug"
             : std::string()) +
        ") is above " + drug.name + "'s maximum daily dose in the drug library (" +
        number_text(drug.max_daily_dose_ng / 1e3) + " ug/day)";
  } else if (refusal == Refusal::kScheduleInvalid &&
             program.periodic.duration_minutes > program.periodic.interval_minutes) {
    why = ": the periodic bolus lasts longer than its interval";
  }
  return "the pump refuses this program (" + refusal_text(refusal) + ")" + why;
}

// What the firmware checks when the bench sets the pump up (refill, program, PTM: the same
// commands in the same order as scenario_run's setup), so that `validate` refuses what the
// pump would refuse at setup, where it was written.
void check_setup_acceptance(Context& context, Fields& fields, const Setup& setup) {
  const DrugInfo* info = find_drug(setup.drug);
  const pumpfw::app::DrugLimits* drug = pumpfw::app::find_drug(info->firmware_id);
  const pumpfw::app::PumpConfig pump;
  if (setup.reservoir_fill_ul <= pump.min_reservoir_ul) {
    const YAML::Node reservoir = fields.get("reservoir");
    const YAML::Node fill = reservoir.IsMap() ? reservoir["fill"] : YAML::Node();
    context.error(fill.IsDefined() ? fill : fields.node(), "setup.reservoir.fill",
                  "the pump refuses a refill of " + std::to_string(pump.min_reservoir_ul) +
                      " uL or less (its minimum reservoir volume): fill it with more");
  }
  if (setup.program) {
    const std::string problem = program_refusal(*setup.program, nullptr, *drug);
    if (!problem.empty()) {
      context.error(fields.get("program"), "setup.program",
                    problem + "; to test the refusal use a timeline step with 'expect: refused'");
    }
  }
  if (setup.ptm) {
    using pumpfw::app::Refusal;
    const pumpfw::app::PtmConfig ptm = firmware_ptm(*setup.ptm);
    std::string problem;
    if (setup.program) {
      problem = program_refusal(*setup.program, &*setup.ptm, *drug);
    } else if (static_cast<uint64_t>(ptm.max_per_day) * ptm.dose_ng > drug->max_daily_dose_ng) {
      problem = "the pump refuses this PTM (" + refusal_text(Refusal::kDailyDoseOverLimit) +
                "): " + std::to_string(ptm.max_per_day) + " boluses a day are above " + drug->name +
                "'s maximum daily dose";
    }
    if (problem.empty() && ptm.dose_ng != 0 &&
        !pumpfw::app::bolus_rate_within_limit(
            ptm.dose_ng, uint32_t{ptm.duration_minutes} * 60,
            firmware_whole(setup.concentration_ug_per_ml, UINT32_MAX, "ug/mL"),
            pump.max_bolus_rate_full_steps_per_min,
            firmware_whole(setup.calibration_nl_per_step, UINT32_MAX, "nL"))) {
      problem = "the pump refuses this PTM (" + refusal_text(Refusal::kRateTooHigh) +
                "): its dose at this concentration is more volume than the mechanism moves in "
                "the bolus's duration";
    }
    if (!problem.empty()) {
      context.error(fields.get("ptm"), "setup.ptm",
                    problem + "; to test the refusal use a timeline step with 'expect: refused'");
    }
  }
}

// Validate = run for the timeline: a telemetry step that expects 'accepted' is checked with the
// firmware's own acceptance rules against the therapy in force when it comes (the setup's, then
// what earlier steps the pump accepts changed), so that `validate` refuses a step the pump is
// certain to refuse. What depends on the pump's state at run time (an alarm, a bolus under way)
// is left to the run.
void check_timeline_acceptance(Context& context, const Scenario& scenario) {
  const Setup& setup = scenario.setup;
  const pumpfw::app::PumpConfig pump;
  std::optional<ProgramSpec> program = setup.program;
  std::optional<PtmSpec> ptm = setup.ptm;
  const pumpfw::app::DrugLimits* drug = pumpfw::app::find_drug(find_drug(setup.drug)->firmware_id);
  // The concentration at the catheter tip, which a bolus's rate is checked at; unknown while a
  // bridging bolus may still be giving the old drug.
  double tip_concentration_ug_per_ml = setup.concentration_ug_per_ml;
  bool tip_concentration_known = true;
  bool fault_injected = false;  // a refill fault may change the volume the pump is told
  for (size_t i = 0; i < scenario.timeline.size(); ++i) {
    const Step& step = scenario.timeline[i];
    const std::string field = "timeline[" + std::to_string(i) + "]." + step.action_name;
    std::string problem;
    if (const auto* refill = std::get_if<RefillAction>(&step.action)) {
      const pumpfw::app::DrugLimits* next =
          pumpfw::app::find_drug(find_drug(refill->drug)->firmware_id);
      using pumpfw::app::Refusal;
      if (refill->concentration_ug_per_ml < next->min_concentration_ug_per_ml ||
          refill->concentration_ug_per_ml > next->max_concentration_ug_per_ml) {
        problem = "the pump refuses this refill (" +
                  refusal_text(Refusal::kConcentrationOutOfRange) + "): " + next->name +
                  " comes at " + std::to_string(next->min_concentration_ug_per_ml) + " to " +
                  std::to_string(next->max_concentration_ug_per_ml) + " ug/mL in its library";
      } else if (!fault_injected && (refill->volume_ul <= pump.min_reservoir_ul ||
                                     refill->volume_ul > setup.reservoir_capacity_ul)) {
        problem = "the pump refuses this refill (" + refusal_text(Refusal::kVolumeOutOfRange) +
                  "): it takes more than " + std::to_string(pump.min_reservoir_ul) +
                  " uL and at most the reservoir's capacity";
      } else if (program) {
        problem = program_refusal(*program, ptm ? &*ptm : nullptr, *next);
      }
      if (problem.empty()) {
        drug = next;
        tip_concentration_known = refill->bridge_volume_ul <= 0.0;
        tip_concentration_ug_per_ml = refill->concentration_ug_per_ml;
      }
    } else if (const auto* programmed = std::get_if<ProgramAction>(&step.action)) {
      problem = program_refusal(programmed->program, ptm ? &*ptm : nullptr, *drug);
      if (problem.empty()) program = programmed->program;
    } else if (const auto* configured = std::get_if<PtmConfigAction>(&step.action)) {
      if (program) problem = program_refusal(*program, &configured->ptm, *drug);
      if (problem.empty()) ptm = configured->ptm;
    } else if (const auto* bolus = std::get_if<ClinicianBolusAction>(&step.action)) {
      using pumpfw::app::Refusal;
      const uint64_t dose_ng = firmware_nanograms(bolus->dose_ug);
      const uint64_t most_ng = program ? pumpfw::app::max_daily_dose_ng(
                                             firmware_program(*program),
                                             ptm ? firmware_ptm(*ptm) : pumpfw::app::PtmConfig{})
                                       : 0;
      if (program && most_ng + dose_ng > drug->max_daily_dose_ng) {
        problem = "the pump refuses this bolus (" + refusal_text(Refusal::kDailyDoseOverLimit) +
                  "): with the most the program gives in a day (" +
                  number_text(static_cast<double>(most_ng) / 1e3) + " ug) it is above " +
                  drug->name + "'s maximum daily dose (" +
                  number_text(drug->max_daily_dose_ng / 1e3) + " ug/day)";
      } else if (tip_concentration_known &&
                 !pumpfw::app::bolus_rate_within_limit(
                     dose_ng, uint32_t{bolus->duration_minutes} * 60,
                     firmware_whole(tip_concentration_ug_per_ml, UINT32_MAX, "ug/mL"),
                     pump.max_bolus_rate_full_steps_per_min,
                     firmware_whole(setup.calibration_nl_per_step, UINT32_MAX, "nL"))) {
        problem = "the pump refuses this bolus (" + refusal_text(Refusal::kRateTooHigh) +
                  "): its dose at this concentration is more volume than the mechanism moves in "
                  "its duration";
      }
    } else if (std::holds_alternative<InjectFaultAction>(step.action)) {
      fault_injected = true;
    }
    if (!problem.empty() && step.expect_answer == "accepted") {
      context.error(step.location, field,
                    problem + "; to test the refusal write 'expect: refused' on this step");
    }
  }
}

void read_setup(Context& context, const YAML::Node& node, Setup& setup) {
  Fields fields(
      context, node, "setup",
      {"seed", "patient", "drug", "concentration", "reservoir", "catheter", "calibration_per_step",
       "battery", "body_temperature", "program", "ptm", "sample_period", "cohort"});
  if (!fields.valid()) return;
  if (fields.has("cohort")) {
    // A campaign over generated virtual patients: the suite runs one worker per member.
    Fields cohort(context, fields.get("cohort"), "setup.cohort", {"seed", "size"});
    const auto cohort_seed = cohort.integer("seed", 0, std::numeric_limits<int64_t>::max(), true);
    const auto size = cohort.integer("size", 1, 1000, true);
    if (cohort_seed && size) {
      setup.cohort_seed = static_cast<uint64_t>(*cohort_seed);
      setup.cohort_size = static_cast<uint64_t>(*size);
    }
    if (fields.has("patient")) {
      context.error(fields.get("patient"), "setup.patient",
                    "give either 'patient' or 'cohort', not both");
    }
  }
  if (auto seed = fields.integer("seed", 0, std::numeric_limits<int64_t>::max())) {
    setup.seed = static_cast<uint64_t>(*seed);
  }
  if (fields.has("patient")) {
    const YAML::Node patient = fields.get("patient");
    if (patient.IsMap()) {
      Fields cohort(context, patient, "setup.patient", {"cohort_seed", "index"});
      const auto cohort_seed =
          cohort.integer("cohort_seed", 0, std::numeric_limits<int64_t>::max(), true);
      const auto index = cohort.integer("index", 0, 100000, true);
      if (cohort_seed && index) {
        setup.cohort_seed = static_cast<uint64_t>(*cohort_seed);
        setup.cohort_index = static_cast<uint64_t>(*index);
      }
    } else if (auto name = fields.choice("patient", patient_names(), "patient")) {
      setup.patient = *name;
    }
  }
  if (auto drug = fields.choice("drug", drug_names(), "drug")) setup.drug = *drug;
  const DrugInfo* drug = find_drug(setup.drug);
  if (fields.has("concentration")) {
    if (auto concentration = fields.firmware_quantity(
            "concentration", Dimension::kConcentration, drug->min_concentration_ug_per_ml,
            drug->max_concentration_ug_per_ml,
            setup.drug + " comes at " +
                std::to_string(static_cast<int>(drug->min_concentration_ug_per_ml)) + " to " +
                std::to_string(static_cast<int>(drug->max_concentration_ug_per_ml)) +
                " ug/mL in the drug library",
            1.0, kU32, "ug/mL")) {
      setup.concentration_ug_per_ml = *concentration;
    }
  } else {
    fields.missing("concentration",
                   "the concentration of the drug in the reservoir, e.g. 10 mg/mL");
  }
  if (fields.has("reservoir")) {
    Fields reservoir(context, fields.get("reservoir"), "setup.reservoir",
                     {"capacity", "fill", "low_alarm"});
    if (auto capacity = reservoir.firmware_quantity(
            "capacity", Dimension::kVolume, 1e3, kMaxVolumeUl,
            "1 mL to 100 mL (pumps hold 20 or 40 mL)", 1.0, kU32, "uL")) {
      setup.reservoir_capacity_ul = *capacity;
    }
    if (auto fill = reservoir.firmware_quantity("fill", Dimension::kVolume, 0.0, kMaxVolumeUl,
                                                "0 to 100 mL", 1.0, kU32, "uL")) {
      setup.reservoir_fill_ul = *fill;
      if (*fill > setup.reservoir_capacity_ul) {
        context.error(reservoir.get("fill"), "setup.reservoir.fill",
                      "the fill is more than the reservoir's capacity");
      }
    } else if (!reservoir.has("fill")) {
      setup.reservoir_fill_ul = setup.reservoir_capacity_ul;
    }
    if (auto low = reservoir.firmware_quantity("low_alarm", Dimension::kVolume, 0.0,
                                               setup.reservoir_capacity_ul, "0 to the capacity",
                                               1.0, kU32, "uL")) {
      setup.low_reservoir_alarm_ul = *low;
    }
  }
  if (fields.has("catheter")) {
    Fields catheter(context, fields.get("catheter"), "setup.catheter",
                    {"length", "inner_diameter", "tip_level"});
    if (auto length = catheter.quantity("length", Dimension::kLength, 5.0, 200.0, "5 to 200 cm")) {
      setup.catheter_length_cm = *length;
    }
    if (auto diameter =
            catheter.quantity("inner_diameter", Dimension::kLength, 0.01, 0.3, "0.1 to 3 mm")) {
      setup.catheter_inner_diameter_mm = *diameter * 10.0;
    }
    if (auto level = read_level(catheter, "tip_level", false)) {
      setup.catheter_tip_level = *level;
    }
  }
  if (auto calibration =
          fields.firmware_quantity("calibration_per_step", Dimension::kVolume, 0.1, 1.0,
                                   "100 nL to 1000 nL per full step", 1e3, kU32, "nL")) {
    setup.calibration_nl_per_step = *calibration * 1e3;
  }
  if (fields.has("battery")) {
    Fields battery(context, fields.get("battery"), "setup.battery", {"depth_of_discharge"});
    if (auto depth =
            battery.quantity("depth_of_discharge", Dimension::kFraction, 0.0, 0.99, "0 to 99 %")) {
      setup.battery_depth_of_discharge = *depth;
    }
  }
  if (auto temperature = fields.quantity("body_temperature", Dimension::kTemperature, 30.0, 43.0,
                                         "30 to 43 degC")) {
    setup.body_temperature_c = *temperature;
  }
  if (fields.has("program")) {
    setup.program = read_program(context, fields.get("program"), "setup.program");
  }
  if (fields.has("ptm")) setup.ptm = read_ptm(context, fields.get("ptm"), "setup.ptm");
  check_setup_acceptance(context, fields, setup);
  if (auto period =
          fields.quantity("sample_period", Dimension::kTime, 1.0, kSecondsPerDay, "1 s to 1 d")) {
    setup.sample_period_s = *period;
  }
}

}  // namespace

std::optional<InjectFaultAction> read_fault(Context& context, const YAML::Node& node,
                                            const std::string& path) {
  if (!node.IsMap()) {
    context.error(node, path, "expected a mapping: {fault: NAME, ...parameters}");
    return std::nullopt;
  }
  const YAML::Node name_node = node["fault"];
  if (!name_node.IsDefined() || !name_node.IsScalar()) {
    context.error(node, path + ".fault", "missing required field (the fault's name)");
    return std::nullopt;
  }
  const std::string name = name_node.Scalar();
  if (find_fault(name) == nullptr) {
    context.error(name_node, path + ".fault",
                  "unknown fault '" + name + "'" + suggestion(name, fault_names()) +
                      "; see `pumpbench list faults`");
    return std::nullopt;
  }
  const FaultInfo& definition = *find_fault(name);
  if (!definition.missing_hook.empty()) {
    context.error(name_node, path + ".fault",
                  "fault '" + name + "' is catalogued but has no hook in this twin yet (needs " +
                      definition.missing_hook + ")");
    return std::nullopt;
  }
  std::vector<std::string> allowed = {"fault"};
  for (const pumptwin::faults::FaultParameter& parameter : definition.parameters) {
    allowed.push_back(parameter.name);
  }
  Fields fields(context, node, path, allowed);
  if (!fields.valid()) return std::nullopt;
  InjectFaultAction fault;
  fault.fault = name;
  bool ok = true;
  using pumptwin::faults::ParameterKind;
  for (const pumptwin::faults::FaultParameter& parameter : definition.parameters) {
    const std::string& key = parameter.name;
    switch (parameter.kind) {
      case ParameterKind::kInteger: {
        const auto value = fields.integer(key, static_cast<int64_t>(parameter.min),
                                          static_cast<int64_t>(parameter.max), parameter.required);
        if (value) fault.values[key] = static_cast<double>(*value);
        if (!value && (parameter.required || fields.has(key))) ok = false;
        break;
      }
      case ParameterKind::kBoolean: {
        const auto value = fields.boolean(key);
        if (value) fault.values[key] = *value ? 1.0 : 0.0;
        break;
      }
      case ParameterKind::kChoice: {
        std::vector<std::string> choices;
        for (const std::string& choice : parameter.choices) {
          if (!choice.empty()) choices.push_back(choice);
        }
        if (parameter.required && !fields.has(key)) {
          context.error(node, path + "." + key, "missing required field (" + joined(choices) + ")");
          ok = false;
          break;
        }
        const auto value = fields.choice(key, choices, key);
        if (value) fault.text[key] = *value;
        if (!value && fields.has(key)) ok = false;
        break;
      }
      case ParameterKind::kLevel: {
        const auto level = read_level(fields, key, parameter.required);
        if (level) fault.text[key] = *level;
        if (!level && (parameter.required || fields.has(key))) ok = false;
        break;
      }
      default: {
        const Dimension dimension = fault_parameter_dimension(parameter.kind);
        const auto value = fields.quantity(key, dimension, parameter.min, parameter.max,
                                           parameter.range_text, parameter.required);
        if (value) fault.values[key] = *value;
        if (!value && (parameter.required || fields.has(key))) ok = false;
        break;
      }
    }
  }
  if (!ok) return std::nullopt;
  return fault;
}

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> names = {"refill",
                                                 "program",
                                                 "clinician_bolus",
                                                 "ptm_config",
                                                 "ptm_press",
                                                 "priming_bolus",
                                                 "acknowledge_alarms",
                                                 "alarm_test",
                                                 "interrogate",
                                                 "checkpoint",
                                                 "inject",
                                                 "clear"};
  return names;
}

std::optional<Action> read_action(Context& context, const std::string& key, const YAML::Node& node,
                                  const std::string& path, const Setup& setup) {
  if (key == "refill") {
    Fields fields(context, node, path,
                  {"drug", "concentration", "volume", "low_alarm", "bridge", "route"});
    if (!fields.valid()) return std::nullopt;
    RefillAction refill;
    refill.drug = fields.choice("drug", drug_names(), "drug").value_or(setup.drug);
    // The bench lets a scenario send what the library refuses, so the refusal can be tested.
    const bool concentration_given = fields.has("concentration");
    const std::optional<double> concentration = fields.firmware_quantity(
        "concentration", Dimension::kConcentration, 1.0, kMaxConcentrationUgPerMl,
        "1 ug/mL to 1000 mg/mL", 1.0, kU32, "ug/mL");
    refill.concentration_ug_per_ml = concentration.value_or(setup.concentration_ug_per_ml);
    auto volume = fields.firmware_quantity("volume", Dimension::kVolume, 0.0, kMaxVolumeUl,
                                           "0 to 100 mL", 1.0, kU32, "uL", true);
    const bool low_given = fields.has("low_alarm");
    refill.low_reservoir_alarm_ul = fields.firmware_quantity(
        "low_alarm", Dimension::kVolume, 0.0, kMaxVolumeUl, "0 to 100 mL", 1.0, kU32, "uL");
    const bool bridge_given = fields.has("bridge");
    const std::optional<double> bridge = fields.firmware_quantity(
        "bridge", Dimension::kVolume, 0.0, 5e3, "0 to 5 mL", 1.0, kU16, "uL");
    refill.bridge_volume_ul = bridge.value_or(0.0);
    const bool route_given = fields.has("route");
    auto route = fields.choice("route", {"reservoir", "pocket"}, "refill route");
    if (!volume || (concentration_given && !concentration) ||
        (low_given && !refill.low_reservoir_alarm_ul) || (bridge_given && !bridge) ||
        (route_given && !route)) {
      return std::nullopt;
    }
    refill.volume_ul = *volume;
    refill.pocket_fill = route.value_or("reservoir") == "pocket";
    return refill;
  }
  if (key == "program") {
    auto program = read_program(context, node, path);
    if (!program) return std::nullopt;
    return ProgramAction{*program};
  }
  if (key == "clinician_bolus") {
    Fields fields(context, node, path, {"dose", "duration"});
    auto dose = read_dose(fields, "dose", true);
    auto duration = read_minutes(fields, "duration", true);
    if (!dose || !duration) return std::nullopt;
    return ClinicianBolusAction{*dose, whole_minutes(*duration)};
  }
  if (key == "ptm_config") {
    auto ptm = read_ptm(context, node, path);
    if (!ptm) return std::nullopt;
    return PtmConfigAction{*ptm};
  }
  if (key == "priming_bolus") {
    Fields fields(context, node, path, {"volume"});
    const pumpfw::app::PumpConfig pump;
    auto volume = fields.firmware_quantity(
        "volume", Dimension::kVolume, 1.0, pump.max_prime_volume_ul,
        "1 to " + std::to_string(pump.max_prime_volume_ul) + " uL (the pump's largest prime)", 1.0,
        kU16, "uL", true);
    if (!volume) return std::nullopt;
    return PrimingBolusAction{*volume};
  }
  if (key == "acknowledge_alarms") {
    if (!node.IsSequence() || node.size() == 0) {
      context.error(node, path, "expected a list of alarm names, e.g. [motor_stall]");
      return std::nullopt;
    }
    AcknowledgeAlarmsAction acknowledge;
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string name = node[i].IsScalar() ? node[i].Scalar() : "";
      const std::optional<uint16_t> bit = alarm_bit(name);
      if (!bit) {
        context.error(node[i], path + "[" + std::to_string(i) + "]",
                      "unknown alarm '" + name + "'" + suggestion(name, alarm_names()) +
                          "; known: " + joined(alarm_names()));
        return std::nullopt;
      }
      acknowledge.alarm_bits = static_cast<uint16_t>(acknowledge.alarm_bits | *bit);
    }
    return acknowledge;
  }
  if (key == "checkpoint") {
    if (!node.IsScalar()) {
      context.error(node, path, "expected a label");
      return std::nullopt;
    }
    return CheckpointAction{node.Scalar()};
  }
  if (key == "inject") {
    auto fault = read_fault(context, node, path);
    if (!fault) return std::nullopt;
    return *fault;
  }
  if (key == "clear") {
    if (!node.IsScalar()) {
      context.error(node, path, "expected the name of an injected fault");
      return std::nullopt;
    }
    const FaultInfo* fault = find_fault(node.Scalar());
    if (fault == nullptr) {
      context.error(
          node, path,
          "unknown fault '" + node.Scalar() + "'" + suggestion(node.Scalar(), fault_names()));
      return std::nullopt;
    }
    if (!fault->clearable) {
      context.error(node, path,
                    "fault '" + fault->name + "' cannot be cleared (" + fault->description + ")");
      return std::nullopt;
    }
    return ClearFaultAction{fault->name};
  }
  // ptm_press, alarm_test, interrogate take no parameters.
  if (!(node.IsNull() || (node.IsMap() && node.size() == 0) ||
        (node.IsScalar() && node.Scalar().empty()))) {
    context.error(node, path, "'" + key + "' takes no parameters; write '" + key + ": {}'");
    return std::nullopt;
  }
  if (key == "ptm_press") return PtmPressAction{};
  if (key == "alarm_test") return AlarmTestAction{};
  return InterrogateAction{};
}

namespace {

std::optional<double> read_signal_threshold(Context& context, Fields& fields,
                                            const std::string& key, const std::string& unit) {
  const std::optional<std::string> text = fields.scalar(key);
  if (!text) return std::nullopt;
  const QuantityParse parsed = parse_in_signal_unit(*text, unit);
  if (!parsed.value) {
    context.error(fields.get(key), fields.field(key),
                  parsed.error + " (the signal is in " + unit + ")");
  }
  return parsed.value;
}

void read_timeline(Context& context, const YAML::Node& node, Scenario& scenario) {
  if (!node.IsSequence()) {
    context.error(node, "timeline", "expected a list of steps");
    return;
  }
  double earliest_s = 0.0;         // the earliest time the previous step can happen
  std::set<std::string> injected;  // faults injected by the steps so far
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = "timeline[" + std::to_string(i) + "]";
    std::vector<std::string> allowed = {"at", "after", "when", "expect", "requirement", "note"};
    allowed.insert(allowed.end(), action_names().begin(), action_names().end());
    Fields fields(context, node[i], path, allowed);
    if (!fields.valid()) continue;
    Step step;
    step.location = location_of(node[i]);
    const int timings = fields.has("at") + fields.has("after") + fields.has("when");
    if (timings != 1) {
      context.error(node[i], path, "a step needs exactly one of 'at', 'after' or 'when'");
      continue;
    }
    if (fields.has("at")) {
      auto at = fields.quantity("at", Dimension::kTime, 0.0, kMaxDurationS, "0 to 20 years");
      if (!at) continue;
      step.timing = Step::Timing::kAt;
      step.time_s = *at;
      if (*at < earliest_s) {
        context.error(fields.get("at"), fields.field("at"),
                      "steps out of order: this step is at " +
                          pumptwin::plot::format_duration_exact(*at) +
                          " but the step before it happens at " +
                          pumptwin::plot::format_duration_exact(earliest_s) + " or later");
        continue;
      }
      earliest_s = *at;
    } else if (fields.has("after")) {
      auto after = fields.quantity("after", Dimension::kTime, 0.0, kMaxDurationS, "0 to 20 years");
      if (!after) continue;
      step.timing = Step::Timing::kAfter;
      step.time_s = *after;
      earliest_s += *after;
    } else {
      step.timing = Step::Timing::kWhen;
      Fields when(context, fields.get("when"), fields.field("when"),
                  {"alarm", "signal", "above", "below", "within"});
      if (!when.valid()) continue;
      if (when.has("alarm") == when.has("signal")) {
        context.error(fields.get("when"), fields.field("when"),
                      "a condition needs exactly one of 'alarm' or 'signal'");
        continue;
      }
      auto within =
          when.quantity("within", Dimension::kTime, 1.0, kMaxDurationS, "1 s to 20 years", true);
      if (!within) continue;
      step.condition.within_s = *within;
      if (when.has("alarm")) {
        auto alarm = when.choice("alarm", alarm_names(), "alarm");
        if (!alarm) continue;
        step.condition.alarm = *alarm;
      } else {
        auto signal = when.choice("signal", signal_names(), "signal");
        if (!signal) continue;
        step.condition.signal = *signal;
        const std::string unit = find_signal(*signal)->unit;
        step.condition.above = read_signal_threshold(context, when, "above", unit);
        step.condition.below = read_signal_threshold(context, when, "below", unit);
        if (step.condition.above.has_value() == step.condition.below.has_value()) {
          context.error(fields.get("when"), fields.field("when"),
                        "a signal condition needs exactly one of 'above' or 'below'");
          continue;
        }
      }
    }
    std::vector<std::string> actions;
    for (const std::string& key : action_names()) {
      if (fields.has(key)) actions.push_back(key);
    }
    if (actions.size() != 1) {
      context.error(node[i], path,
                    actions.empty() ? "a step needs an action (" + joined(action_names()) + ")"
                                    : "a step has one action; this one has " + joined(actions));
      continue;
    }
    step.action_name = actions.front();
    if (fields.has("note")) step.note = fields.scalar("note").value_or("");
    auto action = read_action(context, step.action_name, fields.get(step.action_name),
                              fields.field(step.action_name), scenario.setup);
    if (!action) continue;
    if (const auto* clear = std::get_if<ClearFaultAction>(&*action)) {
      if (injected.count(clear->fault) == 0) {
        context.error(fields.get(step.action_name), fields.field(step.action_name),
                      "fault '" + clear->fault +
                          "' is not injected by any step before this one: nothing to clear");
        continue;
      }
    }
    if (const auto* inject = std::get_if<InjectFaultAction>(&*action)) {
      injected.insert(inject->fault);
      for (const std::string& left : find_fault(inject->fault)->leaves_injected) {
        injected.insert(left);
      }
    }
    step.action = *action;
    const bool telemetry = !std::holds_alternative<InjectFaultAction>(step.action) &&
                           !std::holds_alternative<ClearFaultAction>(step.action) &&
                           !std::holds_alternative<CheckpointAction>(step.action);
    step.expect_answer = step.action_name == "ptm_press" ? "any" : "accepted";
    if (fields.has("expect")) {
      if (!telemetry) {
        context.error(fields.get("expect"), fields.field("expect"),
                      "only telemetry commands have an answer to expect");
        continue;
      }
      auto expect = fields.choice("expect", {"accepted", "refused", "any"}, "answer");
      if (!expect) continue;
      step.expect_answer = *expect;
    }
    step.requirement = fields.scalar("requirement").value_or("");
    if (step.timing != Step::Timing::kWhen && earliest_s > scenario.duration_s &&
        scenario.duration_s > 0.0) {
      context.error(node[i], path,
                    "the step happens at " + pumptwin::plot::format_duration_exact(earliest_s) +
                        ", after the end of the run (duration " +
                        pumptwin::plot::format_duration_exact(scenario.duration_s) + ")");
      continue;
    }
    scenario.timeline.push_back(std::move(step));
  }
}

void read_expectations(Context& context, const YAML::Node& node, Scenario& scenario) {
  if (!node.IsSequence()) {
    context.error(node, "expect", "expected a list of expectations");
    return;
  }
  std::set<std::string> ids;
  const std::vector<std::string> kinds = {"signal", "alarm", "event", "delivered", "never_alarm"};
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = "expect[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      context.error(item, path, "expected a mapping with a requirement and a check");
      continue;
    }
    Expectation expectation;
    expectation.location = location_of(item);
    std::vector<std::string> present;
    for (const std::string& kind : kinds) {
      if (item[kind].IsDefined()) present.push_back(kind);
    }
    if (present.size() != 1) {
      context.error(item, path,
                    present.empty()
                        ? "an expectation needs one check: " + joined(kinds)
                        : "an expectation has one check; this one has " + joined(present));
      continue;
    }
    const std::string kind = present.front();
    std::vector<std::string> allowed = {"id", "requirement", "description", "known_gap", kind};
    if (kind == "signal") {
      if (item["at"].IsDefined()) {
        expectation.kind = Expectation::Kind::kSignalAt;
        allowed.insert(allowed.end(), {"at", "min", "max"});
      } else {
        expectation.kind = Expectation::Kind::kSignalBounded;
        allowed.insert(allowed.end(), {"from", "to", "min", "max"});
      }
    } else if (kind == "alarm") {
      expectation.kind = Expectation::Kind::kAlarmAt;
      allowed.insert(allowed.end(), {"at", "active"});
    } else if (kind == "event") {
      expectation.kind = Expectation::Kind::kEventBy;
      allowed.insert(allowed.end(), {"by", "at_least", "at_most"});
    } else if (kind == "delivered") {
      expectation.kind = Expectation::Kind::kDelivered;
    } else {
      expectation.kind = Expectation::Kind::kNeverAlarm;
      allowed.insert(allowed.end(), {"from", "to"});
    }
    Fields fields(context, item, path, allowed);
    const size_t errors_before = context.diagnostics().size();
    expectation.id = fields.scalar("id").value_or("E" + std::to_string(i + 1));
    if (!ids.insert(expectation.id).second) {
      context.error(item["id"], fields.field("id"), "duplicate id '" + expectation.id + "'");
    }
    expectation.harm =
        scenario.reproduces && std::count(scenario.reproduces->harm.begin(),
                                          scenario.reproduces->harm.end(), expectation.id) != 0;
    // A harm check verifies no requirement: the hazard it reproduces is its trace.
    expectation.requirement = fields.scalar("requirement", !expectation.harm).value_or("");
    expectation.description = fields.scalar("description").value_or("");
    expectation.known_gap = fields.scalar("known_gap").value_or("");
    if (expectation.harm && !expectation.known_gap.empty()) {
      context.error(item["known_gap"], fields.field("known_gap"),
                    "a harm check (reproduces.harm) is no known gap: its reason is "
                    "reproduces.residual_risk");
    }
    const double end_s = scenario.duration_s;
    auto time_in_run = [&](const std::string& key, bool required) -> std::optional<double> {
      auto time =
          fields.quantity(key, Dimension::kTime, 0.0, kMaxDurationS, "0 to 20 years", required);
      if (time && end_s > 0.0 && *time > end_s) {
        context.error(fields.get(key), fields.field(key),
                      pumptwin::plot::format_duration_exact(*time) +
                          " is after the end of the run (duration " +
                          pumptwin::plot::format_duration_exact(end_s) + ")");
        return std::nullopt;
      }
      return time;
    };
    switch (expectation.kind) {
      case Expectation::Kind::kSignalAt:
      case Expectation::Kind::kSignalBounded: {
        auto signal = fields.choice("signal", signal_names(), "signal");
        if (!signal) break;
        expectation.signal = *signal;
        const std::string unit = find_signal(*signal)->unit;
        expectation.min = read_signal_threshold(context, fields, "min", unit);
        expectation.max = read_signal_threshold(context, fields, "max", unit);
        if (!fields.has("min") && !fields.has("max")) {
          context.error(item, path, "a signal check needs 'min', 'max' or both");
        }
        if (expectation.min && expectation.max && *expectation.min > *expectation.max) {
          context.error(item["min"], fields.field("min"), "min is above max");
        }
        if (expectation.kind == Expectation::Kind::kSignalAt) {
          expectation.at_s = time_in_run("at", true).value_or(0.0);
        } else {
          expectation.from_s = time_in_run("from", false).value_or(0.0);
          expectation.to_s = time_in_run("to", false);
        }
        break;
      }
      case Expectation::Kind::kAlarmAt: {
        auto alarm = fields.choice("alarm", alarm_names(), "alarm");
        if (alarm) expectation.alarm = *alarm;
        expectation.at_s = time_in_run("at", true).value_or(0.0);
        expectation.alarm_active = fields.boolean("active").value_or(true);
        break;
      }
      case Expectation::Kind::kEventBy: {
        auto event = fields.choice("event", event_names(), "firmware event");
        if (event) expectation.event = *event;
        expectation.at_s = time_in_run("by", true).value_or(0.0);
        auto at_least = fields.integer("at_least", 0, 1000000);
        auto at_most = fields.integer("at_most", 0, 1000000);
        if (at_least) expectation.at_least = static_cast<uint32_t>(*at_least);
        if (at_most) expectation.at_most = static_cast<uint32_t>(*at_most);
        if (at_least && at_most && *at_least > *at_most) {
          context.error(fields.get("at_least"), fields.field("at_least"),
                        "at_least (" + std::to_string(*at_least) + ") is above at_most (" +
                            std::to_string(*at_most) + "): no count can meet both");
        }
        if (!at_least && !at_most && !fields.has("at_least") && !fields.has("at_most")) {
          expectation.at_least = 1;
        }
        break;
      }
      case Expectation::Kind::kDelivered: {
        Fields window(context, fields.get("delivered"), fields.field("delivered"),
                      {"from", "to", "tolerance"});
        if (!window.valid()) break;
        auto from = window.quantity("from", Dimension::kTime, 0.0, kMaxDurationS, "0 to 20 years");
        auto to =
            window.quantity("to", Dimension::kTime, 0.0, kMaxDurationS, "0 to 20 years", true);
        expectation.from_s = from.value_or(0.0);
        expectation.to_s = to;
        if (to && *to <= expectation.from_s) {
          context.error(window.get("to"), window.field("to"), "'to' must be after 'from'");
        } else if (to && end_s > 0.0 && *to > end_s) {
          context.error(
              window.get("to"), window.field("to"),
              pumptwin::plot::format_duration_exact(*to) + " is after the end of the run");
        }
        const std::optional<std::string> tolerance = window.scalar("tolerance", true);
        if (tolerance) {
          const QuantityParse fraction = parse_quantity(*tolerance, Dimension::kFraction);
          const QuantityParse volume = parse_quantity(*tolerance, Dimension::kVolume);
          if (*tolerance == "labelled") {
            expectation.tolerance_fraction = pumptwin::fluid::kLabelledVolumeAccuracyFraction;
            expectation.tolerance_labelled = true;
          } else if (tolerance->find('%') != std::string::npos && fraction.value &&
                     *fraction.value > 0.0 && *fraction.value <= 1.0) {
            expectation.tolerance_fraction = *fraction.value;
          } else if (volume.value && *volume.value > 0.0) {
            expectation.tolerance_ul = *volume.value;
          } else {
            context.error(window.get("tolerance"), window.field("tolerance"),
                          "expected a positive percentage (e.g. '2 %'), a volume (e.g. '5 uL') "
                          "or 'labelled' (the pump's labelled volume accuracy)");
          }
        }
        break;
      }
      case Expectation::Kind::kNeverAlarm: {
        auto alarm = fields.choice("never_alarm", alarm_names(), "alarm");
        if (alarm) expectation.alarm = *alarm;
        expectation.from_s = time_in_run("from", false).value_or(0.0);
        expectation.to_s = time_in_run("to", false);
        break;
      }
    }
    if (expectation.to_s && *expectation.to_s < expectation.from_s) {
      context.error(item, path, "the window ends before it starts");
    }
    if (context.diagnostics().size() == errors_before) {
      scenario.expectations.push_back(std::move(expectation));
    }
  }
}

void check_requirement_ids(Context& context, const YAML::Node& root, const Scenario& scenario,
                           std::vector<std::string>& notes) {
  const std::optional<std::string> requirements_file = find_requirements_file(scenario.file);
  if (!requirements_file) {
    notes.push_back(
        "requirement IDs not checked: no requirements.yaml in the scenario's folder "
        "or any folder above it");
    return;
  }
  const RequirementsLoad loaded = load_requirements(*requirements_file);
  if (!loaded.diagnostics.empty()) {
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      context.diagnostics().push_back(diagnostic);
    }
    return;
  }
  std::vector<std::string> known;
  for (const Requirement& requirement : loaded.requirements) known.push_back(requirement.id);
  auto check = [&](const std::string& id, const YAML::Node& where, const std::string& field) {
    if (id.empty() || std::find(known.begin(), known.end(), id) != known.end()) return;
    context.error(
        where, field,
        "requirement '" + id + "' is not in " + *requirements_file + suggestion(id, known));
  };
  const YAML::Node listed = root["requirements"];
  if (listed.IsDefined() && listed.IsSequence()) {
    for (size_t i = 0; i < listed.size(); ++i) {
      if (listed[i].IsScalar()) {
        check(listed[i].Scalar(), listed[i], "requirements[" + std::to_string(i) + "]");
      }
    }
  }
  const YAML::Node expect = root["expect"];
  for (size_t i = 0; expect.IsDefined() && expect.IsSequence() && i < scenario.expectations.size();
       ++i) {
    // Expectations were kept in order only when valid, so find each by its location.
    for (size_t j = 0; j < expect.size(); ++j) {
      if (location_of(expect[j]).line == scenario.expectations[i].location.line &&
          expect[j]["requirement"].IsDefined()) {
        check(scenario.expectations[i].requirement, expect[j]["requirement"],
              "expect[" + std::to_string(j) + "].requirement");
      }
    }
  }
  const YAML::Node timeline = root["timeline"];
  if (!timeline.IsDefined() || !timeline.IsSequence()) return;
  for (const Step& step : scenario.timeline) {
    for (size_t j = 0; j < timeline.size(); ++j) {
      if (location_of(timeline[j]).line == step.location.line &&
          timeline[j]["requirement"].IsDefined()) {
        check(step.requirement, timeline[j]["requirement"],
              "timeline[" + std::to_string(j) + "].requirement");
      }
    }
  }
}

// `sweep: {seeds: N}` (docs/scenarios.md, "Seed sweeps").
void read_sweep(Context& context, const YAML::Node& node, Scenario& scenario) {
  Fields fields(context, node, "sweep", {"seeds"});
  if (!fields.valid()) return;
  if (const auto seeds = fields.integer("seeds", 1, kMaxSweepSeeds, true)) {
    scenario.sweep_seeds = static_cast<uint64_t>(*seeds);
  }
}

// `reproduces: {hazard, harm: [expectation ids], residual_risk}` (docs/scenarios.md).
void read_reproduces(Context& context, const YAML::Node& node, Scenario& scenario) {
  Fields fields(context, node, "reproduces", {"hazard", "harm", "residual_risk"});
  if (!fields.valid()) return;
  HazardReproduction reproduces;
  reproduces.hazard = fields.scalar("hazard", true).value_or("");
  reproduces.residual_risk = fields.scalar("residual_risk", true).value_or("");
  if (fields.has("harm")) {
    const YAML::Node harm = fields.get("harm");
    if (!harm.IsSequence() || harm.size() == 0) {
      context.error(harm, "reproduces.harm", "expected a list of expectation ids, e.g. [lost]");
    }
    for (size_t i = 0; harm.IsSequence() && i < harm.size(); ++i) {
      if (!harm[i].IsScalar()) {
        context.error(harm[i], "reproduces.harm[" + std::to_string(i) + "]",
                      "expected an expectation id");
        continue;
      }
      reproduces.harm.push_back(harm[i].Scalar());
    }
  } else {
    fields.missing("harm", "the ids of the expectations that check the harm");
  }
  scenario.reproduces = std::move(reproduces);
}

// Every id in reproduces.harm names an expectation (as written, whether it loaded or not).
void check_harm_ids(Context& context, const YAML::Node& node, const YAML::Node& expect,
                    const Scenario& scenario) {
  if (!scenario.reproduces || !expect.IsSequence()) return;
  std::vector<std::string> ids;
  for (size_t i = 0; i < expect.size(); ++i) {
    // const: reading a key must not add it; a missing key gives an invalid node (false as a
    // bool), on which any other question throws.
    const YAML::Node item = expect[i];
    const YAML::Node id = item.IsMap() ? item["id"] : YAML::Node();
    ids.push_back(id && id.IsScalar() ? id.Scalar() : "E" + std::to_string(i + 1));
  }
  const std::vector<std::string>& harm = scenario.reproduces->harm;
  for (size_t i = 0; i < harm.size(); ++i) {
    if (std::count(ids.begin(), ids.end(), harm[i]) != 0) continue;
    context.error(node["harm"][i], "reproduces.harm[" + std::to_string(i) + "]",
                  "no expectation has the id '" + harm[i] + "'" + suggestion(harm[i], ids));
  }
}

std::vector<std::string> string_list(Context& context, Fields& fields, const std::string& key) {
  std::vector<std::string> items;
  if (!fields.has(key)) return items;
  const YAML::Node list = fields.get(key);
  if (!list.IsSequence()) {
    context.error(list, key, "expected a list, e.g. [A, B]");
    return items;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].IsScalar()) {
      context.error(list[i], key + "[" + std::to_string(i) + "]", "expected a single value");
      continue;
    }
    items.push_back(list[i].Scalar());
  }
  return items;
}

}  // namespace

LoadResult load_scenario(const std::string& path) {
  LoadResult result;
  const std::optional<YAML::Node> document = read_yaml_file(path, result.diagnostics);
  if (!document) return result;
  return load_scenario_document(path, *document);
}

LoadResult load_scenario_text(const std::string& path, const std::string& text) {
  LoadResult result;
  const std::optional<YAML::Node> document = parse_yaml_text(path, text, result.diagnostics);
  if (!document) return result;
  return load_scenario_document(path, *document);
}

LoadResult load_scenario_document(const std::string& path, const YAML::Node& root) {
  LoadResult result;
  Context context(path);
  try {
    Scenario scenario;
    scenario.file = path;
    Fields top(context, root, "",
               {"name", "description", "requirements", "tags", "duration", "setup", "timeline",
                "expect", "sweep", "reproduces", "pathway"});
    if (!top.valid()) {
      result.diagnostics = std::move(context.diagnostics());
      return result;
    }
    scenario.name = top.scalar("name", true).value_or("");
    scenario.description = top.scalar("description").value_or("");
    scenario.requirements = string_list(context, top, "requirements");
    scenario.tags = string_list(context, top, "tags");
    scenario.duration_s =
        top.quantity("duration", Dimension::kTime, 1.0, kMaxDurationS, "1 s to 20 years", true)
            .value_or(0.0);
    if (top.has("setup")) {
      read_setup(context, top.get("setup"), scenario.setup);
    } else {
      top.missing("setup", "the patient, drug and pump at the start");
    }
    if (top.has("timeline")) read_timeline(context, top.get("timeline"), scenario);
    if (top.has("sweep")) read_sweep(context, top.get("sweep"), scenario);
    if (top.has("reproduces")) read_reproduces(context, top.get("reproduces"), scenario);
    if (top.has("pathway")) read_pathway(context, top.get("pathway"), scenario);
    if (top.has("expect")) {
      read_expectations(context, top.get("expect"), scenario);
      check_harm_ids(context, top.get("reproduces"), top.get("expect"), scenario);
    } else {
      top.missing("expect", "at least one expectation with its requirement");
    }
    if (context.diagnostics().empty()) check_timeline_acceptance(context, scenario);
    if (context.diagnostics().empty()) {
      check_requirement_ids(context, root, scenario, result.notes);
    }
    if (context.diagnostics().empty()) result.scenario = std::move(scenario);
  } catch (const YAML::Exception& error) {
    // yaml-cpp throws on a few malformed shapes (an alias to nothing...); report, never crash.
    context.error(SourceLocation{error.mark.line + 1, error.mark.column + 1}, "",
                  "malformed YAML: " + error.msg);
  }
  result.diagnostics = std::move(context.diagnostics());
  return result;
}

RequirementsLoad load_requirements(const std::string& path) {
  RequirementsLoad result;
  Context context(path);
  const std::optional<YAML::Node> document = read_yaml_file(path, context.diagnostics());
  if (!document) {
    result.diagnostics = std::move(context.diagnostics());
    return result;
  }
  try {
    const YAML::Node root = *document;
    Fields top(context, root, "", {"requirements"});
    const YAML::Node list = top.get("requirements");
    if (top.valid() && !list.IsSequence()) {
      context.error(root, "requirements", "expected a list of {id, text}");
    }
    std::set<std::string> ids;
    for (size_t i = 0; top.valid() && list.IsSequence() && i < list.size(); ++i) {
      Fields item(context, list[i], "requirements[" + std::to_string(i) + "]", {"id", "text"});
      auto id = item.scalar("id", true);
      auto text = item.scalar("text", true);
      if (!id || !text) continue;
      if (!ids.insert(*id).second) {
        context.error(list[i]["id"], item.field("id"), "duplicate requirement '" + *id + "'");
        continue;
      }
      result.requirements.push_back({*id, *text});
    }
  } catch (const YAML::Exception& error) {
    context.error(SourceLocation{error.mark.line + 1, error.mark.column + 1}, "",
                  "malformed YAML: " + error.msg);
  }
  result.diagnostics = std::move(context.diagnostics());
  return result;
}

std::optional<std::string> find_requirements_file(const std::string& scenario_path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path folder = fs::absolute(fs::path(scenario_path), error).parent_path();
  while (!folder.empty()) {
    const fs::path candidate = folder / "requirements.yaml";
    if (fs::is_regular_file(candidate, error)) return candidate.string();
    if (folder == folder.parent_path()) break;
    folder = folder.parent_path();
  }
  return std::nullopt;
}

}  // namespace pumpbench
