#include "bench_lines.h"

namespace pumptwin::bench_lines {

namespace {

constexpr std::string_view kVerdictLead = "expectation ";
constexpr std::string_view kInjected = "injected ";
constexpr std::string_view kCleared = "cleared ";

struct FaultWord {
  LineKind kind;
  std::string_view lead;  // the answer's first word and a space, before the fault's name
};
constexpr FaultWord kFaultWords[] = {
    {LineKind::kFaultInjected, kInjected},
    {LineKind::kFaultCleared, kCleared},
};

}  // namespace

std::string step_line(std::optional<std::size_t> index, std::string_view action,
                      std::string_view answer) {
  return (index ? "step " + std::to_string(*index) + " " : std::string()) + std::string(action) +
         ": " + std::string(answer);
}

std::string injected_answer(std::string_view fault) {
  return std::string(kInjected) + std::string(fault);
}

std::string cleared_answer(std::string_view fault) {
  return std::string(kCleared) + std::string(fault);
}

std::string verdict_line(std::string_view verdict) {
  return std::string(kVerdictLead) + std::string(verdict);
}

LineKind line_kind(std::string_view text) {
  if (text.substr(0, kVerdictLead.size()) == kVerdictLead) return LineKind::kVerdict;
  const std::size_t colon = text.find(": ");
  if (colon == std::string_view::npos) return LineKind::kStep;
  const std::string_view answer = text.substr(colon + 2);
  for (const FaultWord& fault_word : kFaultWords) {
    if (answer.substr(0, fault_word.lead.size()) == fault_word.lead) return fault_word.kind;
  }
  return LineKind::kStep;
}

}  // namespace pumptwin::bench_lines
