#include "m0plus_core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include <unicorn/unicorn.h>

#include "m0plus_memory_map.h"

namespace pumptwin::mcu {

namespace {

namespace map = memory_map;

constexpr uint32_t kExcReturnMin = 0xFFFFFFF0;
constexpr uint32_t kExcReturnHandler = 0xFFFFFFF1;
constexpr uint32_t kExcReturnThreadMsp = 0xFFFFFFF9;
constexpr uint32_t kExcReturnThreadPsp = 0xFFFFFFFD;
constexpr uint32_t kExcReturnUsesPsp = 1u << 2;
constexpr uint32_t kXpsrStackAligned = 1u << 9;  // the frame was padded by 4 bytes
constexpr uint32_t kXpsrThumb = 1u << 24;
constexpr uint32_t kFrameWords = 8;
constexpr uint16_t kWfi = 0xBF30;
constexpr uint16_t kWfe = 0xBF20;

void check(uc_err error, const char* what) {
  if (error != UC_ERR_OK) {
    throw std::runtime_error(std::string("Cortex-M0+ ISS: ") + what + ": " + uc_strerror(error));
  }
}

uint32_t popcount(uint32_t value) {
  return static_cast<uint32_t>(__builtin_popcount(value));
}

const char* describe(uc_err error) {
  switch (error) {
    case UC_ERR_INSN_INVALID:
      return "undefined instruction";
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_READ_PROT:
    case UC_ERR_READ_UNALIGNED:
      return "bad read address";
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_WRITE_PROT:
    case UC_ERR_WRITE_UNALIGNED:
      return "bad write address";
    case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_FETCH_PROT:
    case UC_ERR_FETCH_UNALIGNED:
      return "bad instruction address";
    default:
      return "exception";
  }
}

}  // namespace

M0PlusCore::M0PlusCore(std::shared_ptr<const FirmwareImage> image, uint8_t* nvm_window,
                       uint32_t nvm_window_bytes, M0PlusBus& bus)
    : image_(std::move(image)),
      flash_(image_->flash),
      sram_(map::kSramBytes, 0),
      nvm_window_(nvm_window),
      nvm_window_bytes_(nvm_window_bytes),
      bus_(bus) {
  if (nvm_window_bytes_ == 0 || nvm_window_bytes_ % 4096 != 0 ||
      nvm_window_bytes_ > map::kNvmWindowBytes) {
    throw std::invalid_argument(
        "Cortex-M0+ ISS: the NVM must be a multiple of 4 KiB, at most 8 KiB");
  }
  check(uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc_), "uc_open");
  check(uc_ctl_set_cpu_model(uc_, UC_CPU_ARM_CORTEX_M0), "Cortex-M0 model");
  check(uc_mem_map_ptr(uc_, map::kFlashBase, map::kFlashBytes, UC_PROT_READ | UC_PROT_EXEC,
                       flash_.data()),
        "flash");
  check(uc_mem_map_ptr(uc_, map::kNvmWindowBase, nvm_window_bytes_, UC_PROT_READ, nvm_window_),
        "FRAM window");
  check(uc_mem_map_ptr(uc_, map::kSramBase, map::kSramBytes, UC_PROT_ALL, sram_.data()), "SRAM");
  check(uc_mmio_map(uc_, map::kPeripheralBase, map::kPeripheralBytes, on_mmio_read, this,
                    on_mmio_write, this),
        "peripherals");
  check(uc_mmio_map(uc_, map::kScsBase, map::kScsBytes, on_scs_read, this, on_scs_write, this),
        "system control space");
  uc_hook hook = 0;
  check(uc_hook_add(uc_, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(on_block), this, 1, 0),
        "block hook");
  check(
      uc_hook_add(uc_, &hook, UC_HOOK_EDGE_GENERATED, reinterpret_cast<void*>(on_edge), this, 1, 0),
      "edge hook");
  check(
      uc_hook_add(uc_, &hook, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(on_invalid), this, 1, 0),
      "fault hook");
  reset();
}

M0PlusCore::~M0PlusCore() {
  uc_close(uc_);
}

void M0PlusCore::reset() {
  for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; ++r) write_register(r, 0);
  vtor_ = 0;
  locked_up_ = false;
  branch_fall_through_ = 0;
  uint32_t stack = 0;
  uint32_t entry = 0;
  read_word(0, stack);
  read_word(4, entry);
  write_register(UC_ARM_REG_CONTROL, 0);
  write_register(UC_ARM_REG_PRIMASK, 0);
  write_register(UC_ARM_REG_MSP, stack);
  write_register(UC_ARM_REG_SP, stack);
  write_register(UC_ARM_REG_LR, 0xFFFFFFFF);
  set_ipsr(0);
  write_register(UC_ARM_REG_PC, entry & ~1u);
}

uint32_t M0PlusCore::read_register(int uc_register) const {
  uint32_t value = 0;
  uc_reg_read(uc_, uc_register, &value);
  return value;
}

void M0PlusCore::write_register(int uc_register, uint32_t value) {
  if (uc_register == UC_ARM_REG_PC) {
    // Pitfall: Unicorn 2.0.1 takes bit 0 of a PC write as the Thumb state, and an M-profile core
    // out of Thumb state faults at its next instruction (GDB writes PC without it): PC is always
    // written with bit 0 set. Written from a hook (GDB's G or P while the core is halted in its
    // instruction hook), PC ends the translated block and the core goes on at the new PC. GDB's G
    // writes every register, PC with the value it holds: that write is left alone, so that the
    // rest of the block is not entered (and costed) twice.
    if (value == read_register(UC_ARM_REG_PC)) return;
    value |= 1u;
  }
  uc_reg_write(uc_, uc_register, &value);
}

uint32_t M0PlusCore::ipsr() const {
  return read_register(UC_ARM_REG_IPSR) & 0x3F;
}

bool M0PlusCore::primask() const {
  return (read_register(UC_ARM_REG_PRIMASK) & 1) != 0;
}

void M0PlusCore::set_ipsr(uint32_t number) {
  write_register(UC_ARM_REG_IPSR, number);
  // QEMU takes the handler/thread mode from its cached flags, which a bare IPSR write leaves
  // stale; writing APSR after it brings them up to date.
  write_register(UC_ARM_REG_APSR, read_register(UC_ARM_REG_APSR));
}

bool M0PlusCore::read_memory(uint32_t address, uint8_t* destination, uint32_t length) {
  const auto inside = [&](uint32_t base, uint32_t bytes) {
    return address >= base && address - base <= bytes && length <= bytes - (address - base);
  };
  if (inside(map::kFlashBase, map::kFlashBytes)) {
    std::memcpy(destination, flash_.data() + address, length);
  } else if (inside(map::kSramBase, map::kSramBytes)) {
    std::memcpy(destination, sram_.data() + (address - map::kSramBase), length);
  } else if (inside(map::kNvmWindowBase, nvm_window_bytes_)) {
    std::memcpy(destination, nvm_window_ + (address - map::kNvmWindowBase), length);
  } else {
    return false;
  }
  return true;
}

bool M0PlusCore::write_memory(uint32_t address, const uint8_t* source, uint32_t length) {
  // Only SRAM is writable as memory: flash is programmed, FRAM written through NVMCTRL.
  if (address < map::kSramBase || address - map::kSramBase > map::kSramBytes ||
      length > map::kSramBytes - (address - map::kSramBase)) {
    return false;
  }
  std::memcpy(sram_.data() + (address - map::kSramBase), source, length);
  return true;
}

bool M0PlusCore::read_word(uint32_t address, uint32_t& value) {
  uint8_t bytes[4];
  if ((address & 3) != 0 || !read_memory(address, bytes, 4)) return false;
  value = static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 |
          static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
  return true;
}

bool M0PlusCore::write_word(uint32_t address, uint32_t value) {
  const uint8_t bytes[4] = {static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
                            static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24)};
  return (address & 3) == 0 && write_memory(address, bytes, 4);
}

uint64_t M0PlusCore::take_pending_cycles() {
  const uint64_t taken = pending_cycles_;
  pending_cycles_ = 0;
  return taken;
}

void M0PlusCore::stop() {
  stop_requested_ = true;
  uc_emu_stop(uc_);
}

// ------------------------------------------------------------------------------- running

M0PlusCore::Stop M0PlusCore::run(uint64_t quantum_cycles) {
  if (locked_up_) return Stop::kLockup;
  stop_requested_ = false;
  quantum_stop_ = false;
  quantum_end_ = cycles_ + quantum_cycles;
  for (;;) {
    const uint32_t pc = read_register(UC_ARM_REG_PC);
    const uc_err error = uc_emu_start(uc_, pc | 1u, 0xFFFFFFFF, 0, 0);
    if (error == UC_ERR_OK) {
      if (quantum_stop_) {
        // Stopped before the block ran: resume at it.
        write_register(UC_ARM_REG_PC, block_address_);
        return Stop::kQuantum;
      }
      if (stop_requested_) return Stop::kStopped;
      const uint32_t after = read_register(UC_ARM_REG_PC);
      uint8_t bytes[2] = {0, 0};
      read_memory(after - 2, bytes, 2);
      const uint16_t halfword = static_cast<uint16_t>(bytes[0] | bytes[1] << 8);
      if (halfword == kWfi || halfword == kWfe) return Stop::kWfi;
      // Unicorn ended for no reason we know of: treat it as a fault rather than run on blindly.
      if (!fault(UC_ERR_EXCEPTION)) return Stop::kLockup;
      continue;
    }
    if (stop_requested_) return Stop::kStopped;
    const uint32_t at = read_register(UC_ARM_REG_PC);
    if ((error == UC_ERR_FETCH_UNMAPPED || error == UC_ERR_FETCH_PROT) && at >= kExcReturnMin &&
        ipsr() != 0) {
      if (!exception_return(at | 1u)) return Stop::kLockup;
      continue;
    }
    if (!fault(error)) return Stop::kLockup;
    if (quantum_stop_) return Stop::kQuantum;
  }
}

bool M0PlusCore::fault(int error) {
  ++faults_;
  const auto code = static_cast<uc_err>(error);
  last_fault_ = {read_register(UC_ARM_REG_PC), read_register(UC_ARM_REG_LR),
                 read_register(UC_ARM_REG_XPSR),
                 code == UC_ERR_INSN_INVALID ? 0u : invalid_address_, describe(code)};
  invalid_address_ = 0;
  const uint32_t active = ipsr();
  // A fault in HardFault or NMI cannot escalate: the core locks up (ARMv6-M B1.5.15).
  if (active == map::kExceptionHardFault || active == map::kExceptionNmi) {
    locked_up_ = true;
    return false;
  }
  return enter_exception(map::kExceptionHardFault);
}

bool M0PlusCore::enter_exception(uint32_t number) {
  const uint32_t active = ipsr();
  const bool psp = active == 0 && (read_register(UC_ARM_REG_CONTROL) & 2u) != 0;
  uint32_t sp = read_register(UC_ARM_REG_SP);
  uint32_t xpsr = read_register(UC_ARM_REG_XPSR) | kXpsrThumb;
  uint32_t frame = sp - kFrameWords * 4;
  if ((frame & 4u) != 0) {
    frame -= 4;
    xpsr |= kXpsrStackAligned;
  } else {
    xpsr &= ~kXpsrStackAligned;
  }
  const uint32_t words[kFrameWords] = {
      read_register(UC_ARM_REG_R0),       read_register(UC_ARM_REG_R1),
      read_register(UC_ARM_REG_R2),       read_register(UC_ARM_REG_R3),
      read_register(UC_ARM_REG_R12),      read_register(UC_ARM_REG_LR),
      read_register(UC_ARM_REG_PC) & ~1u, xpsr};
  for (uint32_t i = 0; i < kFrameWords; ++i) {
    // The stack ran out of SRAM: the stacking faults, and a fault on exception entry locks
    // the core up.
    if (!write_word(frame + 4 * i, words[i])) {
      locked_up_ = true;
      return false;
    }
  }
  uint32_t vector = 0;
  if (!read_word(vtor_ + 4 * number, vector) || (vector & 1u) == 0) {
    locked_up_ = true;
    return false;
  }
  if (psp) {
    write_register(UC_ARM_REG_PSP, frame);
    write_register(UC_ARM_REG_CONTROL, read_register(UC_ARM_REG_CONTROL) & ~2u);
    write_register(UC_ARM_REG_SP, read_register(UC_ARM_REG_MSP));
  } else {
    write_register(UC_ARM_REG_SP, frame);
  }
  write_register(UC_ARM_REG_LR, active != 0 ? kExcReturnHandler
                                : psp       ? kExcReturnThreadPsp
                                            : kExcReturnThreadMsp);
  set_ipsr(number);
  branch_fall_through_ = 0;
  write_register(UC_ARM_REG_PC, vector & ~1u);
  return true;
}

bool M0PlusCore::exception_return(uint32_t exc_return) {
  const bool to_thread = exc_return == kExcReturnThreadMsp || exc_return == kExcReturnThreadPsp;
  if (!to_thread && exc_return != kExcReturnHandler) {
    // Not an EXC_RETURN value the architecture defines: a fault in the handler.
    return fault(UC_ERR_FETCH_UNMAPPED);
  }
  const bool psp = (exc_return & kExcReturnUsesPsp) != 0;
  const uint32_t frame = psp ? read_register(UC_ARM_REG_PSP) : read_register(UC_ARM_REG_SP);
  uint32_t words[kFrameWords];
  for (uint32_t i = 0; i < kFrameWords; ++i) {
    if (!read_word(frame + 4 * i, words[i])) {
      locked_up_ = true;
      return false;
    }
  }
  const uint32_t xpsr = words[7];
  const uint32_t sp = frame + kFrameWords * 4 + ((xpsr & kXpsrStackAligned) != 0 ? 4 : 0);
  write_register(UC_ARM_REG_R0, words[0]);
  write_register(UC_ARM_REG_R1, words[1]);
  write_register(UC_ARM_REG_R2, words[2]);
  write_register(UC_ARM_REG_R3, words[3]);
  write_register(UC_ARM_REG_R12, words[4]);
  write_register(UC_ARM_REG_LR, words[5]);
  if (psp) {
    write_register(UC_ARM_REG_MSP, read_register(UC_ARM_REG_SP));
    write_register(UC_ARM_REG_CONTROL, read_register(UC_ARM_REG_CONTROL) | 2u);
    write_register(UC_ARM_REG_PSP, sp);
  }
  write_register(UC_ARM_REG_SP, sp);
  write_register(UC_ARM_REG_APSR, xpsr & 0xF0000000u);
  set_ipsr(to_thread ? 0 : xpsr & 0x3Fu);
  branch_fall_through_ = 0;
  write_register(UC_ARM_REG_PC, words[6] & ~1u);
  return true;
}

// ---------------------------------------------------------------------------------- hooks

void M0PlusCore::on_block(uc_struct* uc, uint64_t address, uint32_t size, void* user) {
  auto& core = *static_cast<M0PlusCore*>(user);
  if (core.branch_fall_through_ != 0) {
    // The previous block's conditional branch was taken: its second cycle.
    if (address != core.branch_fall_through_) {
      ++core.pending_cycles_;
      ++core.cycles_;
    }
    core.branch_fall_through_ = 0;
  }
  if (core.cycles_ >= core.quantum_end_ || core.stop_requested_) {
    core.quantum_stop_ = !core.stop_requested_;
    core.block_address_ = static_cast<uint32_t>(address);
    uc_emu_stop(uc);
    return;
  }
  // The direct-mapped cache's hit, inline: this runs every few instructions.
  const uint64_t key = address | uint64_t{size} << 32;
  const CachedCost& cached = core.cost_cache_[(address >> 1) % kCostCacheEntries];
  const BlockCost& cost =
      cached.key == key ? cached.cost : core.cost(static_cast<uint32_t>(address), size);
  core.pending_cycles_ += cost.cycles;
  core.cycles_ += cost.cycles;
  core.instructions_ += cost.instructions;
  if (cost.conditional) core.branch_fall_through_ = static_cast<uint32_t>(address) + size;
}

const M0PlusCore::BlockCost& M0PlusCore::cost(uint32_t address, uint32_t size) {
  const uint64_t key = uint64_t{address} | uint64_t{size} << 32;
  CachedCost& cached = cost_cache_[(address >> 1) % kCostCacheEntries];
  if (cached.key == key) return cached.cost;
  cached.key = key;
  const auto found = costs_.find(key);
  if (found != costs_.end()) {
    cached.cost = found->second;
    return cached.cost;
  }
  std::vector<uint8_t> code(size, 0);
  read_memory(address, code.data(), size);
  BlockCost cost{};
  cost.cycles = cycles_of_block(code.data(), size, cost.conditional);
  for (uint32_t at = 0; at + 1 < size;) {
    const uint16_t halfword = static_cast<uint16_t>(code[at] | code[at + 1] << 8);
    at += (halfword >> 11) >= 0x1D ? 4 : 2;
    ++cost.instructions;
  }
  cached.cost = cost;
  return costs_.emplace(key, cost).first->second;
}

std::vector<std::pair<uint32_t, uint32_t>> M0PlusCore::executed_ranges() const {
  std::vector<std::pair<uint32_t, uint32_t>> blocks;
  blocks.reserve(costs_.size());
  for (const auto& entry : costs_) {
    const auto begin = static_cast<uint32_t>(entry.first);
    blocks.emplace_back(begin, begin + static_cast<uint32_t>(entry.first >> 32));
  }
  std::sort(blocks.begin(), blocks.end());
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const auto& block : blocks) {
    if (!ranges.empty() && block.first <= ranges.back().second) {
      ranges.back().second = std::max(ranges.back().second, block.second);
    } else {
      ranges.push_back(block);
    }
  }
  return ranges;
}

uint32_t M0PlusCore::cycles_of_block(const uint8_t* code, uint32_t length,
                                     bool& ends_in_conditional_branch) {
  uint32_t cycles = 0;
  ends_in_conditional_branch = false;
  for (uint32_t at = 0; at + 1 < length;) {
    const uint32_t h = static_cast<uint32_t>(code[at] | code[at + 1] << 8);
    if ((h >> 11) >= 0x1D) {
      // 32-bit: BL, or MSR/MRS/DMB/DSB/ISB; 3 cycles each.
      cycles += 3;
      at += 4;
      continue;
    }
    uint32_t c = 1;
    if ((h & 0xF000) == 0x5000 || (h & 0xE000) == 0x6000 || (h & 0xF000) == 0x8000 ||
        (h & 0xF000) == 0x9000 || (h & 0xF800) == 0x4800) {
      c = 2;  // LDR/STR of every form
    } else if ((h & 0xF000) == 0xC000) {
      c = 1 + popcount(h & 0xFF);  // LDM/STM
    } else if ((h & 0xFE00) == 0xB400) {
      c = 1 + popcount(h & 0x1FF);  // PUSH (bit 8: LR)
    } else if ((h & 0xFE00) == 0xBC00) {
      c = (h & 0x100) != 0 ? 3 + popcount(h & 0xFF) : 1 + popcount(h & 0xFF);  // POP (PC)
    } else if ((h & 0xF000) == 0xD000 && (h & 0x0F00) < 0x0E00) {
      ends_in_conditional_branch = at + 2 >= length;  // B<cond>: 1 not taken
    } else if ((h & 0xF800) == 0xE000 || (h & 0xFF00) == 0x4700) {
      c = 2;  // B, BX, BLX
    } else if (((h & 0xFF00) == 0x4400 || (h & 0xFF00) == 0x4600) && (h & 0x87) == 0x87) {
      c = 2;  // ADD/MOV to PC
    }
    cycles += c;
    at += 2;
  }
  return cycles;
}

uint64_t M0PlusCore::on_mmio_read(uc_struct*, uint64_t offset, unsigned size, void* user) {
  return static_cast<M0PlusCore*>(user)->bus_.bus_read(
      map::kPeripheralBase + static_cast<uint32_t>(offset), size);
}

void M0PlusCore::on_mmio_write(uc_struct*, uint64_t offset, unsigned size, uint64_t value,
                               void* user) {
  static_cast<M0PlusCore*>(user)->bus_.bus_write(
      map::kPeripheralBase + static_cast<uint32_t>(offset), size, static_cast<uint32_t>(value));
}

uint64_t M0PlusCore::on_scs_read(uc_struct*, uint64_t offset, unsigned size, void* user) {
  return static_cast<M0PlusCore*>(user)->bus_.bus_read(
      map::kScsBase + static_cast<uint32_t>(offset), size);
}

void M0PlusCore::on_scs_write(uc_struct*, uint64_t offset, unsigned size, uint64_t value,
                              void* user) {
  static_cast<M0PlusCore*>(user)->bus_.bus_write(map::kScsBase + static_cast<uint32_t>(offset),
                                                 size, static_cast<uint32_t>(value));
}

void M0PlusCore::attach_debugger(M0PlusDebugger& debugger) {
  debugger_ = &debugger;
  uc_hook hook = 0;
  check(uc_hook_add(uc_, &hook, UC_HOOK_CODE, reinterpret_cast<void*>(on_code), this, 1, 0),
        "debugger's instruction hook");
  check(uc_hook_add(uc_, &hook, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(on_store), this,
                    map::kSramBase, map::kSramBase + map::kSramBytes - 1),
        "debugger's store hook");
  // Code translated before has no hook calls in it.
  uc_ctl_flush_tlb(uc_);
}

void M0PlusCore::on_code(uc_struct*, uint64_t address, uint32_t, void* user) {
  static_cast<M0PlusCore*>(user)->debugger_->before_instruction(static_cast<uint32_t>(address));
}

void M0PlusCore::on_store(uc_struct*, int, uint64_t address, int size, int64_t, void* user) {
  static_cast<M0PlusCore*>(user)->debugger_->after_store(static_cast<uint32_t>(address),
                                                         static_cast<uint32_t>(size));
}

void M0PlusCore::on_edge(uc_struct*, void*, void*, void* user) {
  ++static_cast<M0PlusCore*>(user)->translations_;
}

bool M0PlusCore::on_invalid(uc_struct*, int, uint64_t address, int, int64_t, void* user) {
  static_cast<M0PlusCore*>(user)->invalid_address_ = static_cast<uint32_t>(address);
  return false;
}

}  // namespace pumptwin::mcu
