// Event log: a ring buffer of fixed-size entries in NVM, each with its own sequence number and
// CRC. A torn write spoils only the entry being written (which held the oldest event), and the
// head is found again at boot as the valid entry with the highest sequence number.
#pragma once

#include <cstdint>

#include "hal/hal.h"

namespace pumpfw::app {

enum class EventCode : uint8_t {
  kBoot = 1,                 // arg: hal::ResetCause
  kAlarmRaised = 2,          // arg: AlarmId
  kAlarmCleared = 3,         // arg: AlarmId
  kRefill = 4,               // arg: volume in µL
  kProgramChanged = 5,       // arg: total daily dose in ng
  kClinicianBolus = 6,       // arg: dose in ng
  kPtmBolus = 7,             // arg: dose in ng
  kPtmRefused = 8,           // arg: RefusalReason
  kPeriodicBolus = 9,        // arg: dose in ng
  kBridgingBolus = 10,       // arg: volume in nL
  kPrimingBolus = 11,        // arg: volume in nL
  kMotorFault = 12,          // arg: FAULT register bits (0: the move did not complete)
  kStepsNotDriven = 13,      // arg: microsteps commanded but not driven
  kClockSet = 14,            // arg: the new wall clock, seconds
  kAlarmTest = 15,           // arg: 0
  kNvmRepaired = 16,         // arg: record kind << 8 | RecordLoad
  kPtmConfigured = 17,       // arg: dose per bolus in ng
  kAlarmsAcknowledged = 18,  // arg: AlarmId bits cleared
  kTherapyStopped = 19,      // arg: AlarmId that stopped it
  kAsicCommFailure = 20,     // arg: 0 (1: the battery channel does not follow the cell)
  kSessionOpened = 21,       // arg: 0
  kCommandRefused = 22,      // arg: opcode << 8 | Refusal (an authenticated command refused)
  kLinkRefused = 23,         // arg: count << 8 | Refusal (refusals outside a session, summed)
  kLockout = 24,             // arg: lockout seconds after repeated authentication failures
  kTimeBaseJump = 25,        // arg: the RTC's jump in seconds (int32: negative = backward)
  kStallRecovered = 26,      // arg: microsteps of the stroke that turned after a stall
};
// The highest code: the bench's names of the codes are checked against it.
inline constexpr EventCode kLastEventCode = EventCode::kStallRecovered;

struct Event {
  uint32_t sequence;  // 1, 2, 3... never 0
  uint32_t time_s;    // wall clock, seconds (RTC + clock offset)
  uint32_t argument;
  EventCode code;
};

class EventLog {
 public:
  static constexpr uint32_t kEntryBytes = 16;

  EventLog(hal::Hal& hal, uint32_t offset, uint32_t capacity_entries)
      : hal_(hal), offset_(offset), capacity_(capacity_entries) {}

  // Finds the newest valid entry; call once at boot.
  void recover();
  void append(uint32_t time_s, EventCode code, uint32_t argument);
  // The entry `age` places before the newest (0 = newest). False if there is none that old or
  // it was spoilt.
  bool read_newest(uint32_t age, Event& event);
  uint32_t count() const { return next_sequence_ - 1 < capacity_ ? next_sequence_ - 1 : capacity_; }
  uint32_t next_sequence() const { return next_sequence_; }

 private:
  bool read_slot(uint32_t slot, Event& event);

  hal::Hal& hal_;
  uint32_t offset_;
  uint32_t capacity_;
  uint32_t next_sequence_ = 1;
};

}  // namespace pumpfw::app
