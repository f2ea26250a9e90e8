// The firmware's events, alarms and refusals have one definition each (firmware/app/events.def,
// alarms.def, refusals.def): the firmware's enums and the bench's names, details, markers and
// live event kinds are expanded from it, so these tests check what the readers make of it. The
// bench's own lines likewise (bench/vocabulary/bench_lines.h).
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "app/alarms.h"
#include "app/event_log.h"
#include "app/therapy.h"
#include "bench_lines.h"
#include "catalogue.h"
#include "firmware_vocabulary.h"
#include "hal/hal.h"
#include "plot_axes.h"
#include "protocol.h"

namespace {

namespace vocabulary = pumptwin::firmware_vocabulary;
using pumpfw::app::AlarmId;
using pumpfw::app::EventCode;
using pumpfw::app::Refusal;

TEST(FirmwareVocabulary, EveryEventCodeHasOneNameAndAKind) {
  std::set<int> codes;
  std::set<std::string> names;
  for (const vocabulary::Event& event : vocabulary::events()) {
    EXPECT_GE(event.code, 1) << event.name;  // 0 is never logged: an erased NVM entry
    EXPECT_TRUE(codes.insert(event.code).second) << "code " << int(event.code) << " twice";
    EXPECT_TRUE(names.insert(std::string(event.name)).second) << event.name << " twice";
    EXPECT_FALSE(event.argument_text.empty()) << event.name;
    EXPECT_EQ(vocabulary::find_event(event.name), &event);
    EXPECT_EQ(pumpbench::event_code(std::string(event.name)), event.code);
  }
  EXPECT_EQ(codes.size(), 26u);
  // The enum the firmware logs with and the names the bench reads are the same list.
  EXPECT_EQ(pumpbench::event_name(static_cast<uint8_t>(EventCode::kLinkRefused)), "link_refused");
  EXPECT_EQ(pumpbench::event_name(static_cast<uint8_t>(EventCode::kPtmBolus)), "ptm_bolus");
  EXPECT_EQ(pumpbench::event_name(static_cast<uint8_t>(EventCode::kStallRecovered)),
            "stall_recovered");
  EXPECT_EQ(pumpbench::event_name(200), "event_200");
  EXPECT_FALSE(pumpbench::event_code("ptm_granted"));
}

TEST(FirmwareVocabulary, AlarmsAndRefusalsAreTheFirmwaresEnums) {
  EXPECT_EQ(pumpbench::alarm_names().size(), 7u);
  EXPECT_EQ(pumpbench::alarm_bit("motor_stall"), pumpfw::app::alarm_bit(AlarmId::kMotorStall));
  EXPECT_EQ(pumpbench::alarm_bit("reservoir_low"), pumpfw::app::alarm_bit(AlarmId::kReservoirLow));
  EXPECT_FALSE(pumpbench::alarm_bit("reservoir_lowish"));
  // Reservoir empty, motor stall, end of service, memory error and ASIC fault stop therapy.
  EXPECT_EQ(pumpfw::app::kCriticalAlarmMask, 0x1F);
  uint16_t critical = 0;
  for (const vocabulary::Alarm& alarm : vocabulary::alarms()) {
    if (alarm.critical) critical = static_cast<uint16_t>(critical | 1u << alarm.bit);
  }
  EXPECT_EQ(critical, pumpfw::app::kCriticalAlarmMask);
  // Motor stall, end of service (when latched), memory error and ASIC fault.
  EXPECT_EQ(pumpfw::app::kAcknowledgeableAlarms, 0x1E);
  EXPECT_EQ(pumpbench::alarm_list(0x22), "motor_stall, reservoir_low");

  EXPECT_EQ(pumpfw::app::kRefusalCodes, 27);
  EXPECT_EQ(vocabulary::refusals().size(), pumpfw::app::kRefusalCodes);
  EXPECT_EQ(pumpbench::refusal_name(static_cast<uint8_t>(Refusal::kDailyDoseOverLimit)),
            "daily dose over limit");
  EXPECT_EQ(pumpbench::refusal_name(static_cast<uint8_t>(Refusal::kNoDeviceKey)), "no device key");
  EXPECT_EQ(pumpbench::refusal_name(27), "refusal 27");

  // The HAL's reset causes (the boot event's argument, the status's last reset), each named once.
  ASSERT_EQ(vocabulary::reset_causes().size(), 4u);
  std::set<std::string> cause_names;
  for (const vocabulary::ResetCause& cause : vocabulary::reset_causes()) {
    EXPECT_TRUE(cause_names.insert(std::string(cause.name)).second) << cause.name << " twice";
  }
  using pumpfw::hal::ResetCause;
  EXPECT_EQ(pumpbench::reset_cause_name(static_cast<uint8_t>(ResetCause::kPowerOn)), "power-on");
  EXPECT_EQ(pumpbench::reset_cause_name(static_cast<uint8_t>(ResetCause::kWatchdog)), "watchdog");
  EXPECT_EQ(pumpbench::reset_cause_name(static_cast<uint8_t>(ResetCause::kBrownOut)), "brown-out");
  EXPECT_EQ(pumpbench::reset_cause_name(static_cast<uint8_t>(ResetCause::kSoftware)), "software");
  EXPECT_EQ(pumpbench::reset_cause_name(4), "cause 4");
}

TEST(FirmwareVocabulary, EventsReadInTheirArgumentsUnits) {
  using vocabulary::describe_event;
  EXPECT_EQ(describe_event(3, 2, 1), "seq=3 alarm_raised alarm=motor_stall");
  EXPECT_EQ(describe_event(4, 8, 14), "seq=4 ptm_refused reason=PTM lockout");
  EXPECT_EQ(describe_event(5, 5, 3000000), "seq=5 program_changed 3 mg/day");
  EXPECT_EQ(describe_event(6, 7, 50000), "seq=6 ptm_bolus 50 ug");
  EXPECT_EQ(describe_event(7, 10, 1500), "seq=7 bridging_bolus 1.5 uL");
  EXPECT_EQ(describe_event(8, 22, 0x0507),
            "seq=8 command_refused opcode 0x05: daily dose over limit");
  EXPECT_EQ(describe_event(9, 23, 3 << 8 | 1), "seq=9 link_refused 3 x bad frame");
  EXPECT_EQ(describe_event(10, 18, 0x12), "seq=10 alarms_acknowledged motor_stall, asic_fault");
  EXPECT_EQ(describe_event(11, 1, 2), "seq=11 boot brown-out");
  EXPECT_EQ(describe_event(12, 15, 0), "seq=12 alarm_test");
  EXPECT_EQ(describe_event(13, 99, 5), "seq=13 event_99 5");
}

TEST(FirmwareVocabulary, PlotsAndTheLiveServerClassifyByTheDefinitionsKind) {
  using pumptwin::plot::MarkerKind;
  for (const vocabulary::Event& event : vocabulary::events()) {
    const std::string line = vocabulary::describe_event(1, event.code, 0);
    EXPECT_EQ(vocabulary::event_in_line(line), &event) << line;
    const std::string live = pumptwin::live::event_kind("firmware", line);
    const MarkerKind marker = pumptwin::plot::marker_kind("firmware", line);
    switch (event.kind) {
      case vocabulary::EventKind::kAlarmRaised:
        EXPECT_EQ(live, "alarm_raised") << line;
        EXPECT_EQ(marker, MarkerKind::kAlarmRaised) << line;
        break;
      case vocabulary::EventKind::kAlarmCleared:
        EXPECT_EQ(live, "alarm_cleared") << line;
        EXPECT_EQ(marker, MarkerKind::kAlarmCleared) << line;
        break;
      default:
        EXPECT_EQ(live, "firmware") << line;
        break;
    }
  }
  // A line that names no event, and a bench line that mentions one, are not firmware events.
  EXPECT_EQ(pumptwin::live::event_kind("firmware", "seq=4 unreadable"), "firmware");
  EXPECT_EQ(pumptwin::plot::marker_kind("firmware", "seq=4 unreadable"), MarkerKind::kNone);
  EXPECT_EQ(pumptwin::live::event_kind("bench", "step 3 expect_event: alarm_raised"), "step");
  // A fault step is a fault for the live server exactly when the plots mark it as one.
  EXPECT_EQ(pumptwin::live::event_kind("bench", "step 2 inject: injected catheter_kink"), "fault");
  EXPECT_EQ(pumptwin::live::event_kind("bench", "step 3 clear: cleared catheter_kink"), "fault");
  EXPECT_EQ(pumptwin::live::event_kind("bench", "step 4 refill: refused: bad argument"), "step");
  EXPECT_EQ(pumptwin::plot::marker_kind("firmware", "seq=5 alarms_acknowledged motor_stall"),
            MarkerKind::kAlarmCleared);
  EXPECT_EQ(pumptwin::plot::marker_kind("firmware", "seq=6 periodic_bolus 100 ug"),
            MarkerKind::kNone);
  EXPECT_EQ(pumptwin::plot::marker_kind("firmware", "seq=7 priming_bolus 500 uL"),
            MarkerKind::kBolus);
}

// The bench's lines as pumpbench writes them (a timeline step, a live client's, an
// expectation's verdict): the plots mark, and the live server names, the kind they were written
// as, whatever a fault or a check is called.
TEST(BenchLines, PlotsAndTheLiveServerReadTheKindTheBenchWrote) {
  namespace lines = pumptwin::bench_lines;
  using pumptwin::plot::MarkerKind;
  const std::optional<std::size_t> indices[] = {2, std::nullopt};  // a timeline's, a live client's
  for (const std::optional<std::size_t>& index : indices) {
    const std::string injected = lines::step_line(index, "inject", lines::injected_answer("kink"));
    EXPECT_EQ(pumptwin::plot::marker_kind("bench", injected), MarkerKind::kFaultInjected)
        << injected;
    EXPECT_EQ(pumptwin::live::event_kind("bench", injected), "fault") << injected;
    const std::string cleared = lines::step_line(index, "clear", lines::cleared_answer("kink"));
    EXPECT_EQ(pumptwin::plot::marker_kind("bench", cleared), MarkerKind::kFaultCleared) << cleared;
    EXPECT_EQ(pumptwin::live::event_kind("bench", cleared), "fault") << cleared;
    // A step whose action or answer names a fault word is a step.
    const std::string step = lines::step_line(index, "injected", "refused: cleared by nobody");
    EXPECT_EQ(pumptwin::plot::marker_kind("bench", step), MarkerKind::kNone) << step;
    EXPECT_EQ(pumptwin::live::event_kind("bench", step), "step") << step;
  }
  const std::string verdict =
      lines::verdict_line("E1 [REQ-1] pass: " + lines::injected_answer("kink"));
  EXPECT_EQ(pumptwin::plot::marker_kind("bench", verdict), MarkerKind::kNone) << verdict;
  EXPECT_EQ(pumptwin::live::event_kind("bench", verdict), "verdict") << verdict;
  EXPECT_EQ(lines::line_kind(verdict), lines::LineKind::kVerdict);
}

}  // namespace
