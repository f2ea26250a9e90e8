#include "m0plus_soc.h"

#include "m0plus_memory_map.h"
#include "mcu.h"

namespace pumptwin::mcu {

namespace {
namespace regs = pumpfw::port::mcu;
namespace map = memory_map;
namespace scs = memory_map::scs;

constexpr uint32_t base(uintptr_t address) {
  return static_cast<uint32_t>(address);
}
}  // namespace

M0PlusSoc::M0PlusSoc(Mcu& mcu, std::shared_ptr<const FirmwareImage> image)
    : mcu_(mcu),
      image_(image),
      core_(image, mcu.nvm_.storage(), mcu.nvm_.size_bytes(), *this),
      probe_address_(image->symbol("pumpfw_probe")) {}

M0PlusSoc::~M0PlusSoc() {
  if (gdb_) gdb_->finish();
}

std::string M0PlusSoc::attach_gdb(const std::string& host, uint16_t port) {
  gdb_ = std::make_unique<M0PlusGdbStub>();
  const std::string problem = gdb_->listen(host, port);
  if (!problem.empty()) {
    gdb_.reset();
    return problem;
  }
  core_.attach_debugger(*this);
  return "";
}

uint16_t M0PlusSoc::gdb_port() const {
  return gdb_ ? gdb_->port() : 0;
}

void M0PlusSoc::before_instruction(uint32_t address) {
  gdb_->before_instruction(*this, core_, address);
}

void M0PlusSoc::after_store(uint32_t address, uint32_t size_bytes) {
  gdb_->after_store(address, size_bytes);
}

M0PlusStats M0PlusSoc::stats() const {
  M0PlusStats stats = stats_;
  stats.instructions = core_.instructions();
  stats.cycles = core_.cycles();
  stats.faults = core_.faults();
  stats.last_fault = core_.last_fault();
  return stats;
}

std::optional<pumpfw::port::PumpProbe> M0PlusSoc::probe() {
  if (!probe_address_) return std::nullopt;
  pumpfw::port::PumpProbe probe{};
  if (!core_.read_memory(*probe_address_, reinterpret_cast<uint8_t*>(&probe), sizeof probe) ||
      probe.magic != pumpfw::port::PumpProbe::kMagic) {
    return std::nullopt;
  }
  return probe;
}

void M0PlusSoc::reset_peripherals() {
  spi0_.reset();
  gpio0_.reset();
  rtc_.reset();
  nvmctrl_.reset();
  uart0_.reset();
  hash0_.reset();
  trng0_.reset();
  nvic_.reset();
  systick_.reset();
  scr_ = 0;
  shpr2_ = 0;
  shpr3_ = 0;
  pend_sv_ = false;
  pend_systick_ = false;
  systick_wraps_taken_ = 0;
}

void M0PlusSoc::run_instance() {
  reset_peripherals();
  core_.reset();
  while (!mcu_.halted_) {
    if (mcu_.hung_) {
      while (!mcu_.halted_) sc_core::wait(mcu_.halt_event_);
      break;
    }
    take_interrupt();
    M0PlusCore::Stop stop = M0PlusCore::Stop::kQuantum;
    {
      // The ISS's own wall time, for the profile: the host build's firmware time.
      const WorkMeter::Span work(mcu_.firmware_work_);
      stop = core_.run(kQuantumCycles);
    }
    sync();
    if (gdb_) gdb_->poll();
    if (mcu_.halted_) break;
    if (stop == M0PlusCore::Stop::kWfi) {
      sleep();
    } else if (stop == M0PlusCore::Stop::kLockup) {
      // A locked-up core executes nothing and draws its active current until a reset (the
      // ASIC's watchdog, no longer kicked) ends it.
      ++stats_.lockups;
      while (!mcu_.halted_) sc_core::wait(mcu_.halt_event_);
    }
  }
  // Cycles counted in the access that ended the instance are not given to time.
  core_.take_pending_cycles();
}

void M0PlusSoc::sync() {
  const uint64_t cycles = core_.take_pending_cycles();
  if (cycles == 0 || mcu_.halted_) return;
  stats_.active_ns += cycles * kNsPerCycle;
  sc_core::wait(sc_core::sc_time(static_cast<double>(cycles * kNsPerCycle), sc_core::SC_NS),
                mcu_.halt_event_);
}

uint32_t M0PlusSoc::interrupt_lines() {
  uint32_t lines = 0;
  if (rtc_.interrupt(*this)) lines |= 1u << regs::kIrqRtc;
  if (gpio0_.interrupt(*this)) lines |= 1u << regs::kIrqAsic;
  if (uart0_.interrupt(*this)) lines |= 1u << regs::kIrqUart;
  return lines;
}

bool M0PlusSoc::wake_pending() {
  const uint64_t wraps = systick_.wraps(*this);
  if (systick_.interrupt_enabled() && wraps > systick_wraps_taken_) {
    pend_systick_ = true;
    systick_wraps_taken_ = wraps;
  }
  return (nvic_.pending(interrupt_lines()) & nvic_.enabled()) != 0 || pend_systick_ || pend_sv_;
}

void M0PlusSoc::take_interrupt() {
  if (!wake_pending() || core_.primask() || core_.ipsr() != 0) return;
  // Thread mode only (no preemption of a running handler): the most urgent pending one, by
  // priority, then by exception number.
  uint32_t best = 0;
  uint32_t best_priority = 0x100;
  const auto consider = [&](uint32_t number, uint32_t priority) {
    if (priority < best_priority) {
      best = number;
      best_priority = priority;
    }
  };
  if (pend_sv_) consider(map::kExceptionPendSv, (shpr3_ >> 16) & 0xC0);
  if (pend_systick_) consider(map::kExceptionSysTick, (shpr3_ >> 24) & 0xC0);
  const uint32_t pending = nvic_.pending(interrupt_lines()) & nvic_.enabled();
  for (uint32_t line = 0; line < map::kIrqLines; ++line) {
    if ((pending & (1u << line)) != 0) consider(map::kExceptionIrq0 + line, nvic_.priority(line));
  }
  if (best == 0) return;
  if (best == map::kExceptionPendSv) {
    pend_sv_ = false;
  } else if (best == map::kExceptionSysTick) {
    pend_systick_ = false;
  } else {
    nvic_.acknowledge(best - map::kExceptionIrq0);
  }
  core_.enter_exception(best);
}

void M0PlusSoc::sleep() {
  if (wake_pending()) return;
  pumpfw::hal::Ticks rtc_wake_ticks = UINT64_MAX;
  pumpfw::hal::Ticks crystal_wake_ticks = UINT64_MAX;
  if ((nvic_.enabled() & (1u << regs::kIrqRtc)) != 0) {
    rtc_wake_ticks = rtc_.next_match();
    crystal_wake_ticks = rtc_.next_wakeup();
  }
  if (systick_.interrupt_enabled()) {
    // SysTick keeps counting the core clock in sleep; wake at the crystal's tick after its
    // wrap (the core clock does not follow a jump of the RTC's count).
    const uint64_t now = clock_cycles();
    const uint64_t wrap = systick_.next_wrap_cycle();
    const uint64_t wrap_ns = (wrap > now ? wrap - now : 0) * kNsPerCycle;
    const pumpfw::hal::Ticks wrap_ticks =
        crystal_ticks() + (wrap_ns * pumpfw::hal::kTicksPerSecond + 999'999'999) / 1'000'000'000 +
        1;
    if (wrap_ticks < crystal_wake_ticks) crystal_wake_ticks = wrap_ticks;
  }
  ++stats_.wfi_sleeps;
  // Nothing is pending now: any wake-up source from here on ends the sleep.
  mcu_.wake_latched_ = false;
  mcu_.sleep(rtc_wake_ticks, crystal_wake_ticks);
}

// ----------------------------------------------------------------------------------- bus

uint32_t M0PlusSoc::bus_read(uint32_t address, unsigned size_bytes) {
  {
    const WorkMeter::Excluded blocked(mcu_.firmware_work_);
    sync();
  }
  const uint32_t shift = 8 * (address & 3u);
  const uint32_t word = read_word(address & ~3u) >> shift;
  return size_bytes >= 4 ? word : word & ((1u << (8 * size_bytes)) - 1);
}

void M0PlusSoc::bus_write(uint32_t address, unsigned size_bytes, uint32_t value) {
  {
    const WorkMeter::Excluded blocked(mcu_.firmware_work_);
    sync();
  }
  const uint32_t shift = 8 * (address & 3u);
  const uint32_t field = size_bytes >= 4 ? value : value & ((1u << (8 * size_bytes)) - 1);
  write_word(address & ~3u, field << shift);
}

uint32_t M0PlusSoc::read_word(uint32_t address) {
  if (mcu_.halted_) return 0;
  switch (address & ~0xFFFu) {
    case base(regs::spi0::kBase):
      return spi0_.read(address);
    case base(regs::gpio0::kBase):
      return gpio0_.read(*this, address);
    case base(regs::rtc::kBase):
      return rtc_.read(*this, address);
    case base(regs::nvmctrl::kBase):
      return nvmctrl_.read(*this, address);
    case base(regs::uart0::kBase):
      return uart0_.read(*this, address);
    case base(regs::rstc::kBase):
      return rstc_.read(*this, address);
    case base(regs::hash0::kBase):
      return hash0_.read(address);
    case base(regs::trng0::kBase):
      return trng0_.read(*this, address);
    case map::kScsBase:
      if (address >= scs::kSysTickCsr && address <= scs::kSysTickCalib) {
        return systick_.read(*this, address);
      }
      if (address >= scs::kCpuid) return scb_read(address);
      return nvic_.read(address, interrupt_lines());
    default:
      return 0;
  }
}

void M0PlusSoc::write_word(uint32_t address, uint32_t value) {
  // A dying instance's stores reach nothing (the MCU model's rule for the host build too).
  if (mcu_.halted_) return;
  switch (address & ~0xFFFu) {
    case base(regs::spi0::kBase):
      spi0_.write(*this, address, value);
      break;
    case base(regs::gpio0::kBase):
      gpio0_.write(*this, address, value);
      break;
    case base(regs::rtc::kBase):
      rtc_.write(*this, address, value);
      break;
    case base(regs::nvmctrl::kBase):
      nvmctrl_.write(*this, address, value);
      break;
    case base(regs::uart0::kBase):
      uart0_.write(*this, address, value);
      break;
    case base(regs::hash0::kBase):
      hash0_.write(*this, address, value);
      break;
    case base(regs::trng0::kBase):
      trng0_.write(address, value);
      break;
    case map::kScsBase:
      if (address >= scs::kSysTickCsr && address <= scs::kSysTickCalib) {
        systick_.write(*this, address, value);
      } else if (address >= scs::kCpuid) {
        scb_write(address, value);
      } else {
        nvic_.write(address, value);
      }
      break;
    default:
      break;
  }
  // A reset asked for by this store (AIRCR) or caused by it (a power cut in an NVM write)
  // ends the instance: the core stops here and is never resumed.
  if (mcu_.halted_) core_.stop();
}

uint32_t M0PlusSoc::scb_read(uint32_t address) {
  switch (address) {
    case scs::kCpuid:
      return scs::kCpuidCortexM0Plus;
    case scs::kIcsr: {
      const bool external = (nvic_.pending(interrupt_lines()) & nvic_.enabled()) != 0;
      return core_.ipsr() | (external ? 1u << 22 : 0) | (pend_systick_ ? scs::kIcsrPendStSet : 0) |
             (pend_sv_ ? scs::kIcsrPendSvSet : 0);
    }
    case scs::kVtor:
      return core_.vtor();
    case scs::kAircr:
      return scs::kAircrVectKeyStat;
    case scs::kScr:
      return scr_;
    case scs::kCcr:
      return scs::kCcrValue;
    case scs::kShpr2:
      return shpr2_;
    case scs::kShpr3:
      return shpr3_;
    default:
      return 0;
  }
}

void M0PlusSoc::scb_write(uint32_t address, uint32_t value) {
  switch (address) {
    case scs::kIcsr:
      if ((value & scs::kIcsrPendSvSet) != 0) pend_sv_ = true;
      if ((value & scs::kIcsrPendSvClr) != 0) pend_sv_ = false;
      if ((value & scs::kIcsrPendStSet) != 0) pend_systick_ = true;
      if ((value & scs::kIcsrPendStClr) != 0) pend_systick_ = false;
      break;
    case scs::kVtor:
      core_.set_vtor(value);
      break;
    case scs::kAircr:
      if ((value & 0xFFFF0000u) == scs::kAircrVectKey && (value & scs::kAircrSysResetReq) != 0) {
        mcu_.request_reset();
      }
      break;
    case scs::kScr:
      scr_ = value & 0x16u;
      break;
    case scs::kShpr2:
      shpr2_ = value & 0xC0000000u;
      break;
    case scs::kShpr3:
      shpr3_ = value & 0xC0C00000u;
      break;
    default:
      break;
  }
}

// --------------------------------------------------------------------------------- board

uint32_t M0PlusSoc::spi_transfer(uint32_t mosi_frame) {
  return mcu_.spi_transfer(mosi_frame);
}

bool M0PlusSoc::asic_irq_level() {
  return mcu_.asic_irq_level();
}

bool M0PlusSoc::asic_edge_pending() {
  return mcu_.irq_pending_;
}

void M0PlusSoc::clear_asic_edge() {
  mcu_.irq_pending_ = false;
}

pumpfw::hal::Ticks M0PlusSoc::rtc_ticks() {
  return mcu_.rtc_ticks();
}

pumpfw::hal::Ticks M0PlusSoc::crystal_ticks() {
  return mcu_.crystal_ticks();
}

uint64_t M0PlusSoc::clock_cycles() {
  return sc_core::sc_time_stamp().value() / kNsPerCycle + core_.pending_cycles();
}

uint32_t M0PlusSoc::nvm_size_bytes() {
  return mcu_.nvm_.size_bytes();
}

void M0PlusSoc::nvm_store(uint32_t offset, uint8_t byte, uint32_t index_in_write) {
  // A power cut armed by a fault falls before byte `index_in_write` of a write (the run of
  // DATA stores since ADDR), as it falls inside one HAL nvm_write in the host build.
  if (mcu_.power_cut_after_nvm_bytes_ >= 0 &&
      static_cast<uint32_t>(mcu_.power_cut_after_nvm_bytes_) == index_in_write) {
    mcu_.power_cut_after_nvm_bytes_ = -1;
    mcu_.nvm_.write(offset, &byte, 1, 0);  // the write is torn here: this byte never lands
    mcu_.power_off();
    return;
  }
  mcu_.nvm_write(offset, &byte, 1);
}

uint32_t M0PlusSoc::uart_rx_count() {
  return mcu_.uart_rx_available();
}

bool M0PlusSoc::uart_tx_full() {
  return mcu_.uart.tx_space() == 0;
}

uint8_t M0PlusSoc::uart_pop() {
  uint8_t byte = 0;
  mcu_.uart_read(&byte, 1);
  return byte;
}

void M0PlusSoc::uart_push(uint8_t byte) {
  mcu_.uart_write(&byte, 1);
}

void M0PlusSoc::hmac_begin(const uint8_t* key, uint32_t key_length) {
  mcu_.hmac_begin(key, key_length);
}

void M0PlusSoc::hmac_update(uint8_t byte) {
  mcu_.hmac_update(&byte, 1);
}

void M0PlusSoc::hmac_finish(uint8_t digest[32]) {
  mcu_.hmac_finish(digest);
}

uint32_t M0PlusSoc::random_word() {
  uint8_t bytes[4];
  mcu_.random_bytes(bytes, sizeof bytes);
  return static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 |
         static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
}

pumpfw::hal::ResetCause M0PlusSoc::reset_cause() {
  return mcu_.reset_cause_;
}

}  // namespace pumptwin::mcu
