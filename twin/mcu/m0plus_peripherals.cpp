#include "m0plus_peripherals.h"

#include "m0plus_memory_map.h"

namespace pumptwin::mcu {

namespace {
namespace regs = pumpfw::port::mcu;
namespace scs = memory_map::scs;

constexpr uint32_t at(uintptr_t address) {
  return static_cast<uint32_t>(address);
}
}  // namespace

// ----------------------------------------------------------------------------------- SPI0

uint32_t Spi0::read(uint32_t address) const {
  switch (address) {
    case at(regs::spi0::kCtrl):
      return ctrl_;
    case at(regs::spi0::kStatus):
      return 0;  // a frame completes within the TXDATA store (the board takes its time)
    case at(regs::spi0::kRxData):
      return rx_data_;
    default:
      return 0;
  }
}

void Spi0::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  if (address == at(regs::spi0::kCtrl)) {
    ctrl_ = value & (regs::spi0::kCtrlEnable | 0xFF00u);
  } else if (address == at(regs::spi0::kTxData) && (ctrl_ & regs::spi0::kCtrlEnable) != 0) {
    rx_data_ = board.spi_transfer(value);
  }
}

// ---------------------------------------------------------------------------------- GPIO0

uint32_t Gpio0::read(M0PlusBoard& board, uint32_t address) const {
  switch (address) {
    case at(regs::gpio0::kIn):
      return board.asic_irq_level() ? regs::gpio0::kAsicIrqPin : 0;
    case at(regs::gpio0::kEdgePending):
      return board.asic_edge_pending() ? regs::gpio0::kAsicIrqPin : 0;
    case at(regs::gpio0::kEdgeEnable):
      return edge_enable_;
    default:
      return 0;
  }
}

void Gpio0::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  if (address == at(regs::gpio0::kEdgePending) && (value & regs::gpio0::kAsicIrqPin) != 0) {
    board.clear_asic_edge();
  } else if (address == at(regs::gpio0::kEdgeEnable)) {
    edge_enable_ = value & regs::gpio0::kAsicIrqPin;
  }
}

bool Gpio0::interrupt(M0PlusBoard& board) const {
  return edge_enable_ != 0 && board.asic_edge_pending();
}

// ------------------------------------------------------------------------------------ RTC

static_assert(regs::rtc::kCompare == (1u << 0) && regs::rtc::kWakeupFlag == (1u << 1),
              "Rtc's flag bits are registers.h's");

void Rtc::reset() {
  count_hi_latched_ = 0;
  compare_ = UINT64_MAX;
  flags_ = 0;
  armed_ = false;
  wakeup_end_ = 0;
  wakeup_armed_ = false;
  int_enable_ = 0;
}

void Rtc::update(M0PlusBoard& board) {
  if (armed_ && board.rtc_ticks() >= compare_) {
    flags_ |= kCompareBit;
    armed_ = false;
  }
  if (wakeup_armed_ && board.crystal_ticks() >= wakeup_end_) {
    flags_ |= kWakeupBit;
    wakeup_armed_ = false;
  }
}

uint32_t Rtc::read(M0PlusBoard& board, uint32_t address) {
  update(board);
  switch (address) {
    case at(regs::rtc::kCountLo): {
      const pumpfw::hal::Ticks count = board.rtc_ticks();
      count_hi_latched_ = static_cast<uint32_t>(count >> 32);
      return static_cast<uint32_t>(count);
    }
    case at(regs::rtc::kCountHi):
      return count_hi_latched_;
    case at(regs::rtc::kCompareLo):
      return static_cast<uint32_t>(compare_);
    case at(regs::rtc::kCompareHi):
      return static_cast<uint32_t>(compare_ >> 32);
    case at(regs::rtc::kIntFlag):
      return flags_;
    case at(regs::rtc::kIntEnable):
      return int_enable_;
    case at(regs::rtc::kWakeup):
      return wakeup_armed_ ? static_cast<uint32_t>(wakeup_end_ - board.crystal_ticks()) : 0;
    default:
      return 0;
  }
}

void Rtc::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  update(board);
  switch (address) {
    case at(regs::rtc::kCompareLo):
      compare_ = (compare_ & 0xFFFFFFFF00000000u) | value;
      armed_ = true;
      break;
    case at(regs::rtc::kCompareHi):
      compare_ = (compare_ & 0xFFFFFFFFu) | uint64_t{value} << 32;
      armed_ = true;
      break;
    case at(regs::rtc::kIntFlag):
      if ((value & kCompareBit) != 0) {
        flags_ &= ~kCompareBit;
        armed_ = board.rtc_ticks() < compare_;
      }
      if ((value & kWakeupBit) != 0) flags_ &= ~kWakeupBit;
      break;
    case at(regs::rtc::kIntEnable):
      int_enable_ = value & (kCompareBit | kWakeupBit);
      break;
    case at(regs::rtc::kWakeup):
      flags_ &= ~kWakeupBit;
      wakeup_armed_ = value != 0;
      wakeup_end_ = board.crystal_ticks() + value;
      break;
    default:
      break;
  }
  update(board);
}

bool Rtc::interrupt(M0PlusBoard& board) {
  update(board);
  return (flags_ & int_enable_) != 0;
}

// -------------------------------------------------------------------------------- NVMCTRL

uint32_t NvmCtrl::read(M0PlusBoard& board, uint32_t address) const {
  switch (address) {
    case at(regs::nvmctrl::kAddr):
      return address_;
    case at(regs::nvmctrl::kStatus):
      return regs::nvmctrl::kReady;  // the byte store completes within the DATA store
    case at(regs::nvmctrl::kSize):
      return board.nvm_size_bytes();
    default:
      return 0;
  }
}

void NvmCtrl::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  if (address == at(regs::nvmctrl::kAddr)) {
    address_ = value;
    index_in_write_ = 0;
  } else if (address == at(regs::nvmctrl::kData)) {
    board.nvm_store(address_, static_cast<uint8_t>(value), index_in_write_);
    ++address_;
    ++index_in_write_;
  }
}

// ---------------------------------------------------------------------------------- UART0

uint32_t Uart0::read(M0PlusBoard& board, uint32_t address) {
  switch (address) {
    case at(regs::uart0::kData):
      return board.uart_rx_count() > 0 ? board.uart_pop() : 0;
    case at(regs::uart0::kStatus): {
      const uint32_t count = board.uart_rx_count();
      return (count > 0 ? regs::uart0::kRxNotEmpty : 0) |
             (board.uart_tx_full() ? regs::uart0::kTxFull : 0) |
             ((count > 0xFF ? 0xFF : count) << regs::uart0::kRxCountShift);
    }
    case at(regs::uart0::kBaud):
      return baud_;
    case at(regs::uart0::kIntEnable):
      return int_enable_;
    default:
      return 0;
  }
}

void Uart0::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  switch (address) {
    case at(regs::uart0::kData):
      if (!board.uart_tx_full()) board.uart_push(static_cast<uint8_t>(value));
      break;
    case at(regs::uart0::kBaud):
      baud_ = value;
      break;
    case at(regs::uart0::kIntEnable):
      int_enable_ = value & regs::uart0::kRxNotEmpty;
      break;
    default:
      break;
  }
}

bool Uart0::interrupt(M0PlusBoard& board) const {
  return int_enable_ != 0 && board.uart_rx_count() > 0;
}

// ----------------------------------------------------------------------------------- RSTC

uint32_t Rstc::read(M0PlusBoard& board, uint32_t address) const {
  if (address != at(regs::rstc::kCause)) return 0;
  switch (board.reset_cause()) {
    case pumpfw::hal::ResetCause::kPowerOn:
      return regs::rstc::kPowerOn;
    case pumpfw::hal::ResetCause::kWatchdog:
      return regs::rstc::kWatchdog;
    case pumpfw::hal::ResetCause::kBrownOut:
      return regs::rstc::kBrownOut;
    case pumpfw::hal::ResetCause::kSoftware:
      return regs::rstc::kSoftware;
  }
  return 0;
}

// ---------------------------------------------------------------------------------- HASH0

void Hash0::reset() {
  key_ = {};
  digest_ = {};
  key_length_ = 0;
  done_ = false;
}

uint32_t Hash0::read(uint32_t address) const {
  const uint32_t digest0 = at(regs::hash0::kDigest0);
  if (address >= digest0 && address < digest0 + 4 * regs::hash0::kDigestWords) {
    const uint32_t word = (address - digest0) / 4;
    uint32_t value = 0;
    for (uint32_t byte = 0; byte < 4; ++byte) {
      value |= static_cast<uint32_t>(digest_[word * 4 + byte]) << (8 * byte);
    }
    return value;
  }
  switch (address) {
    case at(regs::hash0::kStatus):
      return done_ ? regs::hash0::kStatusDone : 0;  // never BUSY: a block takes no time here
    case at(regs::hash0::kKeyLen):
      return key_length_;
    default:
      return 0;  // CTRL, DATAIN and the key read as zero
  }
}

void Hash0::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  const uint32_t key0 = at(regs::hash0::kKey0);
  if (address >= key0 && address < key0 + 4 * regs::hash0::kKeyWords) {
    key_[(address - key0) / 4] = value;
    return;
  }
  switch (address) {
    case at(regs::hash0::kKeyLen):
      key_length_ = value > 4 * regs::hash0::kKeyWords ? 4 * regs::hash0::kKeyWords : value;
      break;
    case at(regs::hash0::kCtrl):
      if ((value & regs::hash0::kCtrlStart) != 0) {
        uint8_t key[4 * regs::hash0::kKeyWords];
        for (uint32_t i = 0; i < sizeof key; ++i) {
          key[i] = static_cast<uint8_t>(key_[i / 4] >> (8 * (i % 4)));
        }
        board.hmac_begin(key, key_length_);
        done_ = false;
      }
      if ((value & regs::hash0::kCtrlFinish) != 0) {
        board.hmac_finish(digest_.data());
        done_ = true;
      }
      break;
    case at(regs::hash0::kDataIn):
      board.hmac_update(static_cast<uint8_t>(value));
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------- TRNG0

uint32_t Trng0::read(M0PlusBoard& board, uint32_t address) {
  switch (address) {
    case at(regs::trng0::kCtrl):
      return enabled_ ? regs::trng0::kCtrlEnable : 0;
    case at(regs::trng0::kStatus):
      return enabled_ ? regs::trng0::kStatusReady : 0;  // a fresh word is always ready
    case at(regs::trng0::kData):
      return enabled_ ? board.random_word() : 0;
    default:
      return 0;
  }
}

void Trng0::write(uint32_t address, uint32_t value) {
  if (address == at(regs::trng0::kCtrl)) enabled_ = (value & regs::trng0::kCtrlEnable) != 0;
}

// -------------------------------------------------------------------------------- SysTick

uint64_t SysTick::wraps(M0PlusBoard& board) const {
  if ((csr_ & scs::kSysTickEnable) == 0 || rvr_ == 0) return 0;
  return (board.clock_cycles() - start_cycle_) / (uint64_t{rvr_} + 1);
}

bool SysTick::interrupt_enabled() const {
  return (csr_ & (scs::kSysTickEnable | scs::kSysTickTickInt)) ==
             (scs::kSysTickEnable | scs::kSysTickTickInt) &&
         rvr_ != 0;
}

uint64_t SysTick::next_wrap_cycle() const {
  if (!interrupt_enabled()) return UINT64_MAX;
  return start_cycle_ + (flag_read_wraps_ + 1) * (uint64_t{rvr_} + 1);
}

uint32_t SysTick::read(M0PlusBoard& board, uint32_t address) {
  switch (address) {
    case scs::kSysTickCsr: {
      const uint64_t now_wraps = wraps(board);
      const bool flag = now_wraps > flag_read_wraps_;
      flag_read_wraps_ = now_wraps;
      return csr_ | (flag ? scs::kSysTickCountFlag : 0);
    }
    case scs::kSysTickRvr:
      return rvr_;
    case scs::kSysTickCvr: {
      if ((csr_ & scs::kSysTickEnable) == 0 || rvr_ == 0) return 0;
      const uint64_t into = (board.clock_cycles() - start_cycle_) % (uint64_t{rvr_} + 1);
      return into == 0 ? 0 : rvr_ + 1 - static_cast<uint32_t>(into);
    }
    case scs::kSysTickCalib:
      return 0x80000000u;  // no reference clock, no calibration value
    default:
      return 0;
  }
}

void SysTick::write(M0PlusBoard& board, uint32_t address, uint32_t value) {
  switch (address) {
    case scs::kSysTickCsr:
      if ((csr_ & scs::kSysTickEnable) == 0 && (value & scs::kSysTickEnable) != 0) {
        start_cycle_ = board.clock_cycles();
        flag_read_wraps_ = 0;
      }
      csr_ = value & (scs::kSysTickEnable | scs::kSysTickTickInt | scs::kSysTickClkSource);
      break;
    case scs::kSysTickRvr:
      rvr_ = value & 0x00FFFFFFu;
      break;
    case scs::kSysTickCvr:
      // Any write clears the counter and COUNTFLAG; it reloads on the next cycle.
      start_cycle_ = board.clock_cycles();
      flag_read_wraps_ = 0;
      break;
    default:
      break;
  }
}

// ----------------------------------------------------------------------------------- NVIC

uint32_t Nvic::read(uint32_t address, uint32_t lines) const {
  if (address == scs::kNvicIser || address == scs::kNvicIcer) return enabled_;
  if (address == scs::kNvicIspr || address == scs::kNvicIcpr) return pending(lines);
  if (address >= scs::kNvicIpr0 && address < scs::kNvicIpr0 + 4 * scs::kNvicIprWords) {
    return priority_[(address - scs::kNvicIpr0) / 4];
  }
  return 0;
}

void Nvic::write(uint32_t address, uint32_t value) {
  if (address == scs::kNvicIser) {
    enabled_ |= value;
  } else if (address == scs::kNvicIcer) {
    enabled_ &= ~value;
  } else if (address == scs::kNvicIspr) {
    latched_ |= value;
  } else if (address == scs::kNvicIcpr) {
    latched_ &= ~value;
  } else if (address >= scs::kNvicIpr0 && address < scs::kNvicIpr0 + 4 * scs::kNvicIprWords) {
    // ARMv6-M implements the top two bits of each priority byte.
    priority_[(address - scs::kNvicIpr0) / 4] = value & 0xC0C0C0C0u;
  }
}

}  // namespace pumptwin::mcu
