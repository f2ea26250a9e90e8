// Non-volatile memory: dual copies with CRC, repair, torn writes, and the event log ring.
#include "app/crc.h"
#include "app/event_log.h"
#include "app/nvm_record.h"
#include "pump_fixture.h"

namespace pumpfw::test {
namespace {

using app::alarm_bit;
using app::AlarmId;
using app::DrugId;
using app::RecordLoad;
using app::Refusal;

struct Sample {
  uint32_t a;
  uint32_t b;
  uint8_t text[40];
};

TEST(NvmRecord, RecordCrcIsIeee8023AndContinuesAcrossChunks) {
  // CRC-32 (IEEE 802.3) check value; records are checked in chunks, so a CRC continued over
  // two pieces must equal the CRC of the whole.
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(app::crc32(check, 9), 0xCBF43926u);
  EXPECT_EQ(app::crc32(check + 4, 5, app::crc32(check, 4)), 0xCBF43926u);
  EXPECT_EQ(app::crc32(check, 0), 0u);
}

TEST(NvmRecord, BlankMemoryIsANewPumpNotAnError) {
  FakeHal hal;
  app::NvmRecord record(hal, 0, 256, 7);
  Sample sample{};
  EXPECT_EQ(record.load(reinterpret_cast<uint8_t*>(&sample), sizeof sample), RecordLoad::kBlank);
}

TEST(NvmRecord, OneBadCopyIsRepairedFromTheOther) {
  FakeHal hal;
  app::NvmRecord record(hal, 0, 256, 7);
  Sample written{0x11223344, 42, {}};
  record.store(reinterpret_cast<const uint8_t*>(&written), sizeof written);
  hal.nvm[20] ^= 0x40;  // a bit flips in copy A's payload
  Sample read{};
  app::NvmRecord reloaded(hal, 0, 256, 7);
  EXPECT_EQ(reloaded.load(reinterpret_cast<uint8_t*>(&read), sizeof read),
            RecordLoad::kRepairedCopyA);
  EXPECT_EQ(read.a, 0x11223344u);
  EXPECT_EQ(read.b, 42u);
  EXPECT_EQ(reloaded.load(reinterpret_cast<uint8_t*>(&read), sizeof read), RecordLoad::kBothValid);
  hal.nvm[256 + 30] ^= 0x01;  // now copy B
  EXPECT_EQ(reloaded.load(reinterpret_cast<uint8_t*>(&read), sizeof read),
            RecordLoad::kRepairedCopyB);
}

TEST(NvmRecord, BothBadIsReported) {
  FakeHal hal;
  app::NvmRecord record(hal, 0, 256, 7);
  Sample written{1, 2, {}};
  record.store(reinterpret_cast<const uint8_t*>(&written), sizeof written);
  hal.nvm[20] ^= 0x40;
  hal.nvm[256 + 20] ^= 0x40;
  Sample read{};
  EXPECT_EQ(record.load(reinterpret_cast<uint8_t*>(&read), sizeof read), RecordLoad::kBothInvalid);
}

TEST(NvmRecord, PowerLostAtEveryByteOfAWriteLeavesTheOldOrTheNewRecord) {
  FakeHal reference;
  app::NvmRecord writer(reference, 0, 256, 7);
  const Sample old_value{100, 200, {}};
  writer.store(reinterpret_cast<const uint8_t*>(&old_value), sizeof old_value);
  const std::vector<uint8_t> before = reference.nvm;
  const Sample new_value{300, 400, {}};
  const uint32_t write_bytes = 2 * app::NvmRecord::footprint_bytes(sizeof(Sample));
  for (uint32_t cut = 0; cut <= write_bytes; ++cut) {
    FakeHal hal;
    hal.nvm = before;
    app::NvmRecord record(hal, 0, 256, 7);
    Sample loaded{};
    ASSERT_NE(record.load(reinterpret_cast<uint8_t*>(&loaded), sizeof loaded),
              RecordLoad::kBothInvalid);
    hal.lose_power_after_nvm_bytes(cut);
    record.store(reinterpret_cast<const uint8_t*>(&new_value), sizeof new_value);
    hal.restore_power();
    app::NvmRecord after_reset(hal, 0, 256, 7);
    const RecordLoad result = after_reset.load(reinterpret_cast<uint8_t*>(&loaded), sizeof loaded);
    ASSERT_NE(result, RecordLoad::kBothInvalid) << "cut after byte " << cut;
    ASSERT_TRUE((loaded.a == 100 && loaded.b == 200) || (loaded.a == 300 && loaded.b == 400))
        << "cut after byte " << cut;
    // Once copy A is complete, the new value must win.
    if (cut >= write_bytes / 2) {
      EXPECT_EQ(loaded.a, 300u) << "cut after byte " << cut;
    }
  }
}

TEST(EventLog, RingKeepsTheNewestAndSurvivesATornEntry) {
  FakeHal hal;
  app::EventLog log(hal, 0x800, 8);
  log.recover();
  for (uint32_t i = 1; i <= 11; ++i) log.append(1000 + i, app::EventCode::kRefill, i);
  EXPECT_EQ(log.count(), 8u);
  app::Event event{};
  ASSERT_TRUE(log.read_newest(0, event));
  EXPECT_EQ(event.argument, 11u);
  ASSERT_TRUE(log.read_newest(7, event));
  EXPECT_EQ(event.argument, 4u);
  EXPECT_FALSE(log.read_newest(8, event));
  // Power lost half-way through the 12th entry: it is lost, the rest recover.
  hal.lose_power_after_nvm_bytes(7);
  log.append(1012, app::EventCode::kRefill, 12);
  hal.restore_power();
  app::EventLog recovered(hal, 0x800, 8);
  recovered.recover();
  ASSERT_TRUE(recovered.read_newest(0, event));
  EXPECT_EQ(event.argument, 11u);
  EXPECT_EQ(event.time_s, 1011u);
  recovered.append(1013, app::EventCode::kClockSet, 13);
  ASSERT_TRUE(recovered.read_newest(0, event));
  EXPECT_EQ(event.code, app::EventCode::kClockSet);
}

class PumpNvm : public PumpFixture {
 protected:
  void SetUp() override {
    boot();
    ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 20000).refusal, Refusal::kNone);
    ASSERT_EQ(program_continuous(300000).refusal, Refusal::kNone);
    run_for(kHour);
  }
};

TEST_F(PumpNvm, ACorruptTherapyCopyIsRepairedAtBootAndLogged) {
  hal.nvm[app::nvm_layout::kTherapyA + 40] ^= 0xFF;
  reboot(hal::ResetCause::kBrownOut);
  EXPECT_EQ(pump->active_alarms(), 0);
  EXPECT_TRUE(pump->delivering());
  EXPECT_EQ(pump->therapy().program.steps[0].rate_ng_per_day, 300000u);
  app::Event event{};
  bool repaired = false;
  for (uint32_t age = 0; pump->event_log().read_newest(age, event); ++age) {
    if (event.code == app::EventCode::kNvmRepaired &&
        event.argument == ((uint32_t{app::nvm_layout::kTherapyKind} << 8) |
                           static_cast<uint32_t>(RecordLoad::kRepairedCopyA))) {
      repaired = true;
    }
  }
  EXPECT_TRUE(repaired);
  // Both copies good again: a second reset finds nothing to repair.
  const uint32_t events = pump->event_log().next_sequence();
  reboot(hal::ResetCause::kBrownOut);
  EXPECT_EQ(pump->event_log().next_sequence(), events + 1) << "only the boot event";
}

TEST_F(PumpNvm, BothCopiesBadRaisesMemoryErrorAndStopsTherapy) {
  hal.nvm[app::nvm_layout::kTherapyA + 40] ^= 0xFF;
  hal.nvm[app::nvm_layout::kTherapyB + 40] ^= 0xFF;
  reboot(hal::ResetCause::kBrownOut);
  EXPECT_TRUE(pump->active_alarms() & alarm_bit(AlarmId::kMemoryError));
  EXPECT_FALSE(pump->delivering());
  // A move the ASIC had in hand at the reset still ends; nothing starts after it.
  run_for(kSecond);
  const uint32_t driven = driven_microsteps();
  run_for(kDay);
  EXPECT_EQ(driven_microsteps(), driven);
  // The clinician refills, reprograms and acknowledges: therapy resumes.
  ASSERT_EQ(refill(DrugId::kBaclofen, 2000, 15000).refusal, Refusal::kNone);
  ASSERT_EQ(program_continuous(300000).refusal, Refusal::kNone);
  EXPECT_FALSE(pump->delivering());
  ASSERT_EQ(
      send(Payload(app::Command::kAcknowledgeAlarms).u16(alarm_bit(AlarmId::kMemoryError)).bytes)
          .refusal,
      Refusal::kNone);
  EXPECT_TRUE(pump->delivering());
}

TEST_F(PumpNvm, PowerLossAtEveryByteOfAProgramChangeLeavesAValidTherapy) {
  const std::vector<uint8_t> nvm_before = hal.nvm;
  const FakeAsic asic_before = hal.asic;
  const hal::Ticks now = hal.now();
  // Find how many NVM bytes the command writes.
  const uint64_t written_before = hal.nvm_bytes_written;
  ASSERT_EQ(program_continuous(450000).refusal, Refusal::kNone);
  const uint64_t command_bytes = hal.nvm_bytes_written - written_before;
  EXPECT_GT(command_bytes, 2 * sizeof(app::TherapyRecord));
  for (uint64_t cut = 0; cut < command_bytes; ++cut) {
    hal.nvm = nvm_before;
    hal.asic = asic_before;
    hal.set_now(now);
    reboot(hal::ResetCause::kWatchdog);
    hal.lose_power_after_nvm_bytes(static_cast<int64_t>(cut));
    program_continuous(450000);
    reboot(hal::ResetCause::kBrownOut);
    ASSERT_EQ(pump->active_alarms() & alarm_bit(AlarmId::kMemoryError), 0) << "cut " << cut;
    ASSERT_TRUE(pump->delivering()) << "cut " << cut;
    const uint32_t rate = pump->therapy().program.steps[0].rate_ng_per_day;
    ASSERT_TRUE(rate == 300000u || rate == 450000u) << "cut " << cut;
  }
}

}  // namespace
}  // namespace pumpfw::test
