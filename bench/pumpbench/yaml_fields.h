// Reading YAML input files field by field with located diagnostics: the scenario loader and the
// campaign loader report every problem as "file:line:column: error: field: message" and go on
// where they can, so one pass shows them all.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "scenario_loader.h"
#include "units.h"

namespace pumpbench {

inline SourceLocation location_of(const YAML::Node& node) {
  // A key that is not there has no place in the file (and yaml-cpp throws on asking).
  if (!node.IsDefined()) return {0, 0};
  const YAML::Mark mark = node.Mark();
  // yaml-cpp counts from 0 and gives -1 for nodes it made up.
  if (mark.line < 0) return {0, 0};
  return {mark.line + 1, mark.column + 1};
}

// Reads a YAML input file strictly, the one way every loader reads one: a regular file (not a
// directory, a device or a pipe) of at most kMaxYamlFileBytes, valid UTF-8, exactly one
// document, no key twice in a mapping, keys that are plain values, and at most
// kMaxYamlNodes nodes (nested at most kMaxYamlDepth deep) once anchors and aliases are expanded (a
// "billion laughs" file is refused, not walked). Problems go to `diagnostics` with their line and
// column; the node is returned only when there are none.
inline constexpr std::size_t kMaxYamlFileBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxYamlNodes = 200000;
inline constexpr std::size_t kMaxYamlDepth = 64;
std::optional<YAML::Node> read_yaml_file(const std::string& path,
                                         std::vector<Diagnostic>& diagnostics);
// The same checks on text already read (`path` names it in messages).
std::optional<YAML::Node> parse_yaml_text(const std::string& path, const std::string& text,
                                          std::vector<Diagnostic>& diagnostics);

class Context {
 public:
  explicit Context(std::string file) : file_(std::move(file)) {}
  void error(const YAML::Node& where, const std::string& field, const std::string& message) {
    diagnostics_.push_back({file_, location_of(where), field, message});
  }
  void error(SourceLocation where, const std::string& field, const std::string& message) {
    diagnostics_.push_back({file_, where, field, message});
  }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  const std::string& file() const { return file_; }
  // A plain number for a quantity is in its base unit (the live protocol's JSON numbers:
  // 3600 for "1 h"); a scenario file writes every unit.
  void accept_bare_numbers_in_base_unit() { bare_numbers_in_base_unit_ = true; }
  bool bare_numbers_in_base_unit() const { return bare_numbers_in_base_unit_; }

 private:
  bool bare_numbers_in_base_unit_ = false;
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

inline std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::optional<std::string> near = nearest(word, candidates);
  return near ? " (did you mean '" + *near + "'?)" : "";
}

inline std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

// A YAML mapping read field by field; unknown keys are reported at construction.
class Fields {
 public:
  Fields(Context& context, const YAML::Node& node, std::string path,
         std::vector<std::string> allowed)
      : context_(context), node_(node), path_(std::move(path)), allowed_(std::move(allowed)) {
    if (!node_.IsMap()) {
      context_.error(node_, path_, "expected a mapping of fields (" + joined(allowed_) + ")");
      valid_ = false;
      return;
    }
    for (const auto& entry : node_) {
      const std::string key = entry.first.Scalar();
      if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) {
        context_.error(entry.first, field(key),
                       "unknown key '" + key + "'" + suggestion(key, allowed_) +
                           "; allowed here: " + joined(allowed_));
      }
    }
  }

  bool valid() const { return valid_; }
  // Read through a const node: yaml-cpp's non-const operator[] may add the key to the map.
  bool has(const std::string& key) const { return valid_ && node()[key].IsDefined(); }
  YAML::Node get(const std::string& key) const { return valid_ ? node()[key] : YAML::Node(); }
  const YAML::Node& node() const { return node_; }
  std::string field(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  Context& context() { return context_; }

  void missing(const std::string& key, const std::string& what) {
    context_.error(node_, field(key), "missing required field (" + what + ")");
  }

  std::optional<std::string> scalar(const std::string& key, bool required = false) {
    if (!has(key)) {
      if (required) missing(key, "a value");
      return std::nullopt;
    }
    const YAML::Node value = get(key);
    if (!value.IsScalar()) {
      context_.error(value, field(key), "expected a single value, not a list or mapping");
      return std::nullopt;
    }
    return value.Scalar();
  }

  std::optional<double> quantity(const std::string& key, Dimension dimension, double min_base,
                                 double max_base, const std::string& range_text,
                                 bool required = false) {
    if (!has(key)) {
      if (required)
        missing(key, dimension_name(dimension) + ", e.g. in " + accepted_units(dimension));
      return std::nullopt;
    }
    const YAML::Node value = get(key);
    if (!value.IsScalar()) {
      context_.error(value, field(key),
                     "expected " + dimension_name(dimension) + " with its unit, e.g. '12 h'");
      return std::nullopt;
    }
    QuantityParse parsed = parse_quantity(value.Scalar(), dimension);
    if (!parsed.value && context_.bare_numbers_in_base_unit()) {
      const QuantityParse bare = parse_quantity(value.Scalar(), Dimension::kCount);
      if (bare.value) parsed = bare;
    }
    if (!parsed.value) {
      context_.error(value, field(key), parsed.error);
      return std::nullopt;
    }
    // Written so that a NaN (which no parser here returns) would fail it too.
    if (!(*parsed.value >= min_base && *parsed.value <= max_base)) {
      context_.error(value, field(key), "'" + value.Scalar() + "' is out of range: " + range_text);
      return std::nullopt;
    }
    return parsed.value;
  }

  // A quantity the firmware receives as an integer of its own unit (`per_base` of them in one
  // base unit, e.g. 1000 ng per ug): in range as quantity() checks it, then a whole number of
  // the firmware's unit that its field holds (firmware_integer(): never rounded, never wrapped).
  std::optional<double> firmware_quantity(const std::string& key, Dimension dimension,
                                          double min_base, double max_base,
                                          const std::string& range_text, double per_base,
                                          uint32_t field_max, const std::string& firmware_unit,
                                          bool required = false) {
    const std::optional<double> value =
        quantity(key, dimension, min_base, max_base, range_text, required);
    if (!value) return std::nullopt;
    const FirmwareInteger converted = firmware_integer(*value, per_base, field_max, firmware_unit);
    if (!converted.value) {
      context_.error(get(key), field(key), "'" + get(key).Scalar() + "': " + converted.error);
      return std::nullopt;
    }
    return value;
  }

  std::optional<int64_t> integer(const std::string& key, int64_t min, int64_t max,
                                 bool required = false) {
    const std::optional<std::string> text = scalar(key, required);
    if (!text) return std::nullopt;
    size_t used = 0;
    int64_t number = 0;
    try {
      number = std::stoll(*text, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text->size()) {
      context_.error(get(key), field(key), "'" + *text + "' is not a whole number");
      return std::nullopt;
    }
    if (number < min || number > max) {
      context_.error(
          get(key), field(key),
          "'" + *text + "' is out of range: " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return number;
  }

  std::optional<bool> boolean(const std::string& key) {
    const std::optional<std::string> text = scalar(key);
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "yes") return true;
    if (*text == "false" || *text == "no") return false;
    context_.error(get(key), field(key), "'" + *text + "' is not true or false");
    return std::nullopt;
  }

  // "HH:MM" of the pump's wall clock, as minutes after midnight.
  std::optional<uint16_t> time_of_day(const std::string& key, bool required = false) {
    const std::optional<std::string> text = scalar(key, required);
    if (!text) return std::nullopt;
    int hours = -1;
    int minutes = -1;
    char tail = 0;
    if (std::sscanf(text->c_str(), "%d:%d%c", &hours, &minutes, &tail) != 2 || hours < 0 ||
        hours > 23 || minutes < 0 || minutes > 59) {
      context_.error(get(key), field(key),
                     "'" + *text + "' is not a time of day: expected HH:MM from 00:00 to 23:59");
      return std::nullopt;
    }
    return static_cast<uint16_t>(hours * 60 + minutes);
  }

  // One of `choices`.
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& choices,
                                    const std::string& what, bool required = false) {
    const std::optional<std::string> text = scalar(key, required);
    if (!text) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *text) == choices.end()) {
      context_.error(get(key), field(key),
                     "unknown " + what + " '" + *text + "'" + suggestion(*text, choices) +
                         "; known: " + joined(choices));
      return std::nullopt;
    }
    return text;
  }

 private:
  Context& context_;
  YAML::Node node_;
  std::string path_;
  std::vector<std::string> allowed_;
  bool valid_ = true;
};

}  // namespace pumpbench
