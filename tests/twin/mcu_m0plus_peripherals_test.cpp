// The register-level peripherals of the image's MCU (twin/mcu/m0plus_peripherals.h) against
// docs/mcu-memory-map.md, over a fake board. Addresses and bits come from the firmware's own
// registers.h, the one definition the HAL uses too.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "m0plus_memory_map.h"
#include "m0plus_peripherals.h"

namespace pumptwin::mcu {
namespace {

namespace regs = pumpfw::port::mcu;
namespace scs = memory_map::scs;
using pumpfw::hal::ResetCause;

constexpr uint32_t at(uintptr_t address) {
  return static_cast<uint32_t>(address);
}

struct FakeBoard final : M0PlusBoard {
  std::vector<uint32_t> frames;
  bool irq_level = false;
  bool edge = false;
  pumpfw::hal::Ticks ticks = 0;
  pumpfw::hal::Ticks crystal = 0;
  uint64_t cycles = 0;
  std::vector<std::pair<uint32_t, uint8_t>> nvm;
  std::vector<uint32_t> nvm_indices;
  std::deque<uint8_t> rx;
  std::vector<uint8_t> tx;
  uint32_t tx_capacity = 64;
  std::vector<uint8_t> hmac_key;
  std::vector<uint8_t> hmac_message;
  ResetCause cause = ResetCause::kPowerOn;
  uint32_t next_random = 0x11223344;

  uint32_t spi_transfer(uint32_t mosi) override {
    frames.push_back(mosi);
    return ~mosi;
  }
  bool asic_irq_level() override { return irq_level; }
  bool asic_edge_pending() override { return edge; }
  void clear_asic_edge() override { edge = false; }
  pumpfw::hal::Ticks rtc_ticks() override { return ticks; }
  pumpfw::hal::Ticks crystal_ticks() override { return crystal; }
  uint64_t clock_cycles() override { return cycles; }
  uint32_t nvm_size_bytes() override { return 8192; }
  void nvm_store(uint32_t offset, uint8_t byte, uint32_t index) override {
    nvm.emplace_back(offset, byte);
    nvm_indices.push_back(index);
  }
  uint32_t uart_rx_count() override { return static_cast<uint32_t>(rx.size()); }
  bool uart_tx_full() override { return tx.size() >= tx_capacity; }
  uint8_t uart_pop() override {
    const uint8_t byte = rx.front();
    rx.pop_front();
    return byte;
  }
  void uart_push(uint8_t byte) override { tx.push_back(byte); }
  void hmac_begin(const uint8_t* key, uint32_t length) override {
    hmac_key.assign(key, key + length);
    hmac_message.clear();
  }
  void hmac_update(uint8_t byte) override { hmac_message.push_back(byte); }
  void hmac_finish(uint8_t digest[32]) override {
    for (int i = 0; i < 32; ++i) digest[i] = static_cast<uint8_t>(i + 1);
  }
  uint32_t random_word() override { return next_random++; }
  ResetCause reset_cause() override { return cause; }
};

TEST(Spi0, TxDataStartsAFrameOnlyWhenEnabled) {
  FakeBoard board;
  Spi0 spi;
  spi.write(board, at(regs::spi0::kTxData), 0x12345678);
  EXPECT_TRUE(board.frames.empty());
  spi.write(board, at(regs::spi0::kCtrl), regs::spi0::kCtrlEnable | regs::spi0::kClkDiv125kHz);
  EXPECT_EQ(spi.read(at(regs::spi0::kCtrl)), regs::spi0::kCtrlEnable | (31u << 8));
  spi.write(board, at(regs::spi0::kTxData), 0x12345678);
  ASSERT_EQ(board.frames, std::vector<uint32_t>{0x12345678});
  EXPECT_EQ(spi.read(at(regs::spi0::kStatus)) & regs::spi0::kStatusBusy, 0u);
  EXPECT_EQ(spi.read(at(regs::spi0::kRxData)), ~0x12345678u);
}

TEST(Gpio0, LevelEdgeAndInterrupt) {
  FakeBoard board;
  Gpio0 gpio;
  board.irq_level = true;
  board.edge = true;
  EXPECT_EQ(gpio.read(board, at(regs::gpio0::kIn)), regs::gpio0::kAsicIrqPin);
  EXPECT_EQ(gpio.read(board, at(regs::gpio0::kEdgePending)), regs::gpio0::kAsicIrqPin);
  EXPECT_FALSE(gpio.interrupt(board));  // EDGE_ENABLE clear
  gpio.write(board, at(regs::gpio0::kEdgeEnable), regs::gpio0::kAsicIrqPin);
  EXPECT_TRUE(gpio.interrupt(board));
  gpio.write(board, at(regs::gpio0::kEdgePending), 0);  // writing 0 clears nothing
  EXPECT_TRUE(board.edge);
  gpio.write(board, at(regs::gpio0::kEdgePending), regs::gpio0::kAsicIrqPin);
  EXPECT_FALSE(board.edge);
  EXPECT_FALSE(gpio.interrupt(board));
}

TEST(Rtc, CountLoLatchesCountHi) {
  FakeBoard board;
  Rtc rtc;
  board.ticks = 0x0000000500000010u;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kCountLo)), 0x10u);
  board.ticks = 0x0000000600000000u;  // COUNT_HI as latched, not as now
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kCountHi)), 5u);
}

TEST(Rtc, CompareFlagSetsAtMatchAndStaysClearedOnceCleared) {
  FakeBoard board;
  Rtc rtc;
  rtc.write(board, at(regs::rtc::kIntEnable), regs::rtc::kCompare);
  board.ticks = 100;
  rtc.write(board, at(regs::rtc::kCompareLo), 200);
  rtc.write(board, at(regs::rtc::kCompareHi), 0);
  EXPECT_EQ(rtc.next_match(), 200u);
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), 0u);
  EXPECT_FALSE(rtc.interrupt(board));
  board.ticks = 200;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), regs::rtc::kCompare);
  EXPECT_TRUE(rtc.interrupt(board));
  rtc.write(board, at(regs::rtc::kIntFlag), regs::rtc::kCompare);
  board.ticks = 300;  // still past COMPARE: no new match
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), 0u);
  EXPECT_EQ(rtc.next_match(), UINT64_MAX);
}

// The wake-up timer counts the prescaler, not COUNT: a jump of COUNT back (a time-base glitch)
// delays the compare by the jump and leaves the wake-up timer on time; a jump forward sets the
// compare's flag at once. Writing WAKEUP restarts it and clears its flag; 0 stops it.
TEST(Rtc, WakeupTimerCountsTheCrystalWhateverCountDoes) {
  FakeBoard board;
  Rtc rtc;
  rtc.write(board, at(regs::rtc::kIntEnable), regs::rtc::kCompare | regs::rtc::kWakeupFlag);
  board.ticks = 2'000'000;
  board.crystal = 1000;
  rtc.write(board, at(regs::rtc::kCompareLo), 2'000'000 + 30 * 1024);
  rtc.write(board, at(regs::rtc::kCompareHi), 0);
  rtc.write(board, at(regs::rtc::kWakeup), 30 * 1024);
  EXPECT_EQ(rtc.next_wakeup(), 1000u + 30 * 1024);
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kWakeup)), 30u * 1024);
  // 10 s on, COUNT jumps 30 min back.
  board.crystal += 10 * 1024;
  board.ticks = 2'000'000 + 10 * 1024 - 30 * 60 * 1024;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kWakeup)), 20u * 1024);
  EXPECT_FALSE(rtc.interrupt(board));
  board.crystal += 20 * 1024;
  board.ticks += 20 * 1024;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), regs::rtc::kWakeupFlag)
      << "the wake-up timer ran out on time; the compare is 30 min away";
  EXPECT_TRUE(rtc.interrupt(board));
  EXPECT_EQ(rtc.next_wakeup(), UINT64_MAX);
  rtc.write(board, at(regs::rtc::kWakeup), 100);
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), 0u) << "restarting clears the flag";
  rtc.write(board, at(regs::rtc::kWakeup), 0);
  board.crystal += 200;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), 0u) << "0 stopped it";
  // COUNT jumps forward past COMPARE: its flag sets at once.
  board.ticks += 31 * 60 * 1024;
  EXPECT_EQ(rtc.read(board, at(regs::rtc::kIntFlag)), regs::rtc::kCompare);
}

// The HAL's nvm_write sets ADDR once and stores the bytes through DATA; a power cut falls at
// the byte counted from that ADDR.
TEST(NvmCtrl, DataStoresIncrementAddrAndCountFromTheLastAddrWrite) {
  FakeBoard board;
  NvmCtrl nvm;
  EXPECT_EQ(nvm.read(board, at(regs::nvmctrl::kSize)), 8192u);
  nvm.write(board, at(regs::nvmctrl::kAddr), 100);
  nvm.write(board, at(regs::nvmctrl::kData), 0xA1);
  nvm.write(board, at(regs::nvmctrl::kData), 0x1B2);  // bits 7:0 only
  EXPECT_EQ(nvm.read(board, at(regs::nvmctrl::kAddr)), 102u);
  EXPECT_EQ(nvm.read(board, at(regs::nvmctrl::kStatus)), regs::nvmctrl::kReady);
  nvm.write(board, at(regs::nvmctrl::kAddr), 7);
  nvm.write(board, at(regs::nvmctrl::kData), 0xC3);
  const std::vector<std::pair<uint32_t, uint8_t>> stored = {{100, 0xA1}, {101, 0xB2}, {7, 0xC3}};
  EXPECT_EQ(board.nvm, stored);
  EXPECT_EQ(board.nvm_indices, (std::vector<uint32_t>{0, 1, 0}));
}

TEST(Uart0, FifosStatusAndInterrupt) {
  FakeBoard board;
  Uart0 uart;
  EXPECT_EQ(uart.read(board, at(regs::uart0::kStatus)), 0u);
  board.rx = {0x41, 0x42, 0x43};
  EXPECT_FALSE(uart.interrupt(board));
  uart.write(board, at(regs::uart0::kIntEnable), regs::uart0::kRxNotEmpty);
  EXPECT_TRUE(uart.interrupt(board));
  EXPECT_EQ(uart.read(board, at(regs::uart0::kStatus)),
            regs::uart0::kRxNotEmpty | (3u << regs::uart0::kRxCountShift));
  EXPECT_EQ(uart.read(board, at(regs::uart0::kData)), 0x41u);
  EXPECT_EQ(uart.read(board, at(regs::uart0::kData)), 0x42u);
  board.tx_capacity = 1;
  uart.write(board, at(regs::uart0::kData), 0x55);
  EXPECT_EQ(uart.read(board, at(regs::uart0::kStatus)) & regs::uart0::kTxFull,
            regs::uart0::kTxFull);
  uart.write(board, at(regs::uart0::kData), 0x66);  // dropped: the FIFO is full
  EXPECT_EQ(board.tx, std::vector<uint8_t>{0x55});
  uart.write(board, at(regs::uart0::kBaud), regs::uart0::kBaud19200);
  EXPECT_EQ(uart.read(board, at(regs::uart0::kBaud)), 416u);
}

// RSTC.CAUSE is one-hot (docs/mcu-memory-map.md): the HAL decodes these bits, so each cause
// reads as the bit registers.h gives it, never as a value 0-3 (where a watchdog reset, value
// 1, would decode as power-on).
TEST(Rstc, CauseIsOneHot) {
  FakeBoard board;
  const Rstc rstc;
  const std::pair<ResetCause, uint32_t> expected[] = {{ResetCause::kPowerOn, 1u << 0},
                                                      {ResetCause::kWatchdog, 1u << 1},
                                                      {ResetCause::kBrownOut, 1u << 2},
                                                      {ResetCause::kSoftware, 1u << 3}};
  for (const auto& [cause, bits] : expected) {
    board.cause = cause;
    EXPECT_EQ(rstc.read(board, at(regs::rstc::kCause)), bits);
  }
  EXPECT_EQ(regs::rstc::kWatchdog, 1u << 1);
}

TEST(Hash0, KeyWordsAreLittleEndianAndDigestReadsBack) {
  FakeBoard board;
  Hash0 hash;
  hash.write(board, at(regs::hash0::kKey0), 0x04030201);
  hash.write(board, at(regs::hash0::kKey0) + 4, 0x08070605);
  hash.write(board, at(regs::hash0::kKeyLen), 6);
  hash.write(board, at(regs::hash0::kCtrl), regs::hash0::kCtrlStart);
  EXPECT_EQ(board.hmac_key, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(hash.read(at(regs::hash0::kStatus)), 0u);
  hash.write(board, at(regs::hash0::kDataIn), 0x1FF);
  hash.write(board, at(regs::hash0::kDataIn), 0x00);
  EXPECT_EQ(board.hmac_message, (std::vector<uint8_t>{0xFF, 0x00}));
  hash.write(board, at(regs::hash0::kCtrl), regs::hash0::kCtrlFinish);
  EXPECT_EQ(hash.read(at(regs::hash0::kStatus)), regs::hash0::kStatusDone);
  EXPECT_EQ(hash.read(at(regs::hash0::kDigest0)), 0x04030201u);
  EXPECT_EQ(hash.read(at(regs::hash0::kDigest0) + 28), 0x201F1E1Du);
  EXPECT_EQ(hash.read(at(regs::hash0::kKey0)), 0u);  // the key is write-only
}

TEST(Trng0, DataOnlyWhenEnabled) {
  FakeBoard board;
  Trng0 trng;
  EXPECT_EQ(trng.read(board, at(regs::trng0::kStatus)), 0u);
  EXPECT_EQ(trng.read(board, at(regs::trng0::kData)), 0u);
  trng.write(at(regs::trng0::kCtrl), regs::trng0::kCtrlEnable);
  EXPECT_EQ(trng.read(board, at(regs::trng0::kStatus)), regs::trng0::kStatusReady);
  EXPECT_EQ(trng.read(board, at(regs::trng0::kData)), 0x11223344u);
  EXPECT_EQ(trng.read(board, at(regs::trng0::kData)), 0x11223345u);
}

TEST(Nvic, EnablePendingAndPriority) {
  Nvic nvic;
  nvic.write(scs::kNvicIser, 0b111);
  nvic.write(scs::kNvicIcer, 0b010);
  EXPECT_EQ(nvic.read(scs::kNvicIser, 0), 0b101u);
  // A line held high reads pending whatever ICPR says; a set-pending is latched until cleared.
  EXPECT_EQ(nvic.read(scs::kNvicIspr, 0b100), 0b100u);
  nvic.write(scs::kNvicIspr, 0b001);
  nvic.write(scs::kNvicIcpr, 0b100);
  EXPECT_EQ(nvic.pending(0), 0b001u);
  EXPECT_EQ(nvic.pending(0b100), 0b101u);
  nvic.write(scs::kNvicIpr0, 0xFFFFFF40);
  EXPECT_EQ(nvic.read(scs::kNvicIpr0, 0), 0xC0C0C040u);  // two priority bits a line
  EXPECT_EQ(nvic.priority(0), 0x40);
  EXPECT_EQ(nvic.priority(1), 0xC0);
}

TEST(SysTick, CountsDownFromReloadAndFlagsWraps) {
  FakeBoard board;
  SysTick tick;
  tick.write(board, scs::kSysTickRvr, 999);
  board.cycles = 5000;
  tick.write(board, scs::kSysTickCsr,
             scs::kSysTickEnable | scs::kSysTickTickInt | scs::kSysTickClkSource);
  EXPECT_TRUE(tick.interrupt_enabled());
  EXPECT_EQ(tick.next_wrap_cycle(), 6000u);
  board.cycles = 5250;
  EXPECT_EQ(tick.read(board, scs::kSysTickCvr), 750u);
  EXPECT_EQ(tick.read(board, scs::kSysTickCsr) & scs::kSysTickCountFlag, 0u);
  board.cycles = 7100;
  EXPECT_EQ(tick.wraps(board), 2u);
  EXPECT_EQ(tick.read(board, scs::kSysTickCsr) & scs::kSysTickCountFlag, scs::kSysTickCountFlag);
  EXPECT_EQ(tick.read(board, scs::kSysTickCsr) & scs::kSysTickCountFlag, 0u);  // read clears it
}

}  // namespace
}  // namespace pumptwin::mcu
