// The bench's own lines in events.log and among the live server's events (source "bench"), each
// kind worded once here: pumpbench writes them, and the plots' markers and the live server's
// event kinds (docs/protocol.md, "event") read the kind back from the same words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pumptwin::bench_lines {

enum class LineKind : uint8_t {
  kStep,           // a step's answer: "step 2 refill: accepted", "setup program: accepted"
  kFaultInjected,  // a fault step's: "step 2 inject: injected catheter_kink"
  kFaultCleared,   // "step 3 clear: cleared catheter_kink"
  kVerdict,        // an expectation's: "expectation E1 [REQ-1] pass: ..."
};

// A step's line: its place in the timeline (none for a live client's step or the setup's), its
// action and the pump's or the bench's answer ("step 2 refill: accepted").
std::string step_line(std::optional<std::size_t> index, std::string_view action,
                      std::string_view answer);
// A fault step's answer, as its line ends: "injected catheter_kink", "cleared catheter_kink".
std::string injected_answer(std::string_view fault);
std::string cleared_answer(std::string_view fault);
// An expectation's line from what follows its lead word ("E1 [REQ-1] pass: ...").
std::string verdict_line(std::string_view verdict);
// What a line of the bench's is. A step's answer follows its action and ": ".
LineKind line_kind(std::string_view text);

}  // namespace pumptwin::bench_lines
