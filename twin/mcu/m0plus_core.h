// The Cortex-M0+ core of the pump's MCU, on Unicorn (Debian's libunicorn-dev, QEMU's TCG):
// instructions, registers, flash, SRAM and the FRAM read window. Everything else on the bus
// (the pump's peripherals and the system control space) goes to an M0PlusBus.
//
// What Unicorn 2.0.1 does not do, this class does (each has a test in
// tests/twin/mcu_m0plus_core_test.cpp):
//  - Opened as UC_MODE_THUMB with the Cortex-M0 model: UC_MODE_MCLASS alone gives a core that
//    accepts ARMv7-M instructions (udiv, mov.w) that an M0+ must refuse.
//  - No NVIC and no exception entry or return: enter_exception() stacks the frame and vectors
//    through VTOR; a fetch at 0xFFFFFFF0 or above (an EXC_RETURN value branched to) unstacks it.
//    IPSR is written before APSR, since a bare IPSR write leaves QEMU's view of the mode stale.
//  - Faults: an undefined instruction or an access to unmapped or read-only memory raises
//    HardFault; a fault in HardFault, or one while stacking (the stack overflowed out of
//    SRAM), locks the core up, as the architecture says (ARMv6-M B1.5.15).
//  - Time: Unicorn counts nothing. A block hook adds each translated block's cycles by the
//    Cortex-M0+ table (cycles_of_block); a conditional branch taken adds its extra cycle when
//    the next block does not start at its fall-through. The count is never switched on and
//    off (`count` in uc_emu_start stays 0: switching it flushes the translation cache).
//  - Stops: run() stops from the block hook at the end of a quantum, before the block runs, and
//    resumes at that block's address (Unicorn leaves PC stale there once a code hook exists).
//    The bus never stops the core from inside an MMIO access except to end it for good (a
//    reset): a store stopped there would be replayed on resume.
//  - WFI ends uc_emu_start (QEMU's halt) with PC after it; run() reports it.
//  - A PC write's bit 0 is taken as the Thumb state, out of which an M-profile core faults:
//    write_register() always sets it (a debugger writes PC without it, from the core's hook).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "m0plus_image.h"

struct uc_struct;

namespace pumptwin::mcu {

// The bus outside the core's memories: the peripherals and the system control space.
class M0PlusBus {
 public:
  virtual uint32_t bus_read(uint32_t address, unsigned size_bytes) = 0;
  virtual void bus_write(uint32_t address, unsigned size_bytes, uint32_t value) = 0;

 protected:
  ~M0PlusBus() = default;
};

// A debugger's view of execution (m0plus_gdb.h): called before every instruction and after
// every store to SRAM, once attached.
class M0PlusDebugger {
 public:
  virtual void before_instruction(uint32_t address) = 0;
  virtual void after_store(uint32_t address, uint32_t size_bytes) = 0;

 protected:
  ~M0PlusDebugger() = default;
};

// The core's registers as a fault or a debugger sees them.
struct M0PlusFault {
  uint32_t pc = 0;
  uint32_t lr = 0;
  uint32_t xpsr = 0;
  uint32_t address = 0;  // the data address of a bus fault, else 0
  const char* what = "";
};

class M0PlusCore {
 public:
  enum class Stop : uint8_t {
    kQuantum,  // ran its quantum of cycles
    kWfi,      // executed WFI (PC is after it)
    kStopped,  // stop() was called (from the bus)
    kLockup,   // a fault it cannot take: the core executes nothing until reset
  };

  // `nvm_window` is the FRAM's storage (read-only to the core, read in place).
  M0PlusCore(std::shared_ptr<const FirmwareImage> image, uint8_t* nvm_window,
             uint32_t nvm_window_bytes, M0PlusBus& bus);
  ~M0PlusCore();
  M0PlusCore(const M0PlusCore&) = delete;
  M0PlusCore& operator=(const M0PlusCore&) = delete;

  // Power-on or system reset: registers from the vector table at 0, VTOR 0, PRIMASK clear,
  // thread mode on MSP. SRAM keeps its contents (the part does not clear it).
  void reset();
  // Runs until `quantum_cycles` more cycles have been counted, WFI, stop() or a lockup. Faults are
  // taken on the way (HardFault).
  Stop run(uint64_t quantum_cycles);
  // From a bus access: the core ends the current run() as soon as it can (see the header note).
  void stop();
  // Hooks every instruction and SRAM store from now on (a run with --gdb; it costs speed).
  void attach_debugger(M0PlusDebugger& debugger);
  // Exception entry (IRQs: 16 + line). Returns false when stacking failed (lockup).
  bool enter_exception(uint32_t number);

  // Cycles counted and not yet given to the rest of the system as time; taking them zeroes it.
  uint64_t pending_cycles() const { return pending_cycles_; }
  uint64_t take_pending_cycles();
  uint64_t cycles() const { return cycles_; }
  uint64_t instructions() const { return instructions_; }
  // Edges between translated blocks that QEMU chained so far: it grows while new code is
  // translated and stays put while the same code runs again (a flushed cache would re-chain).
  uint64_t translations() const { return translations_; }
  // The instructions executed so far, as sorted, disjoint [begin, end) address ranges: the
  // translated blocks the core entered (those its cycle count costed, so recording them costs
  // the run nothing). A block that faulted part-way counts whole.
  std::vector<std::pair<uint32_t, uint32_t>> executed_ranges() const;
  bool locked_up() const { return locked_up_; }
  const M0PlusFault& last_fault() const { return last_fault_; }
  uint64_t faults() const { return faults_; }

  uint32_t vtor() const { return vtor_; }
  void set_vtor(uint32_t vtor) { vtor_ = vtor & ~0x7Fu; }
  uint32_t ipsr() const;
  bool primask() const;

  // Registers by Unicorn's numbering (UC_ARM_REG_*). PC is read without and written with the
  // Thumb bit; a debugger may write it from inside the core's run (its instruction hook): the
  // core then goes on at the PC written.
  uint32_t read_register(int uc_register) const;
  void write_register(int uc_register, uint32_t value);
  // Flash, SRAM and the FRAM window as a debugger sees them (no bus access, no time).
  // Returns false outside them.
  bool read_memory(uint32_t address, uint8_t* destination, uint32_t length);
  bool write_memory(uint32_t address, const uint8_t* source, uint32_t length);

  // The Cortex-M0+ cycle count of the Thumb instructions in [code, code + length), branches
  // counted not taken (Cortex-M0+ Technical Reference Manual, 3.3: most instructions 1, loads
  // and stores 2, LDM/STM/PUSH/POP 1+N, POP with PC 3+N, B taken and BX/BLX 2 (we count B
  // not-taken 1 here, +1 when taken), BL 3, MSR/MRS/DMB/DSB/ISB 3, MULS 1 (the single-cycle
  // multiplier: an assumption about the part). Sets `ends_in_conditional_branch`.
  static uint32_t cycles_of_block(const uint8_t* code, uint32_t length,
                                  bool& ends_in_conditional_branch);

 private:
  struct BlockCost {
    uint32_t cycles;
    uint32_t instructions;
    bool conditional;
  };
  static void on_block(uc_struct* uc, uint64_t address, uint32_t size, void* user);
  static uint64_t on_mmio_read(uc_struct* uc, uint64_t offset, unsigned size, void* user);
  static void on_mmio_write(uc_struct* uc, uint64_t offset, unsigned size, uint64_t value,
                            void* user);
  static uint64_t on_scs_read(uc_struct* uc, uint64_t offset, unsigned size, void* user);
  static void on_scs_write(uc_struct* uc, uint64_t offset, unsigned size, uint64_t value,
                           void* user);
  static void on_code(uc_struct* uc, uint64_t address, uint32_t size, void* user);
  static void on_store(uc_struct* uc, int type, uint64_t address, int size, int64_t value,
                       void* user);
  static void on_edge(uc_struct* uc, void* current, void* previous, void* user);
  static bool on_invalid(uc_struct* uc, int type, uint64_t address, int size, int64_t value,
                         void* user);
  const BlockCost& cost(uint32_t address, uint32_t size);
  // Takes HardFault for a failed uc_emu_start, or locks up. Returns false on lockup.
  bool fault(int error);
  bool exception_return(uint32_t exc_return);
  bool read_word(uint32_t address, uint32_t& value);
  bool write_word(uint32_t address, uint32_t value);
  void set_ipsr(uint32_t number);

  std::shared_ptr<const FirmwareImage> image_;
  std::vector<uint8_t> flash_;
  std::vector<uint8_t> sram_;
  uint8_t* nvm_window_;
  uint32_t nvm_window_bytes_;
  M0PlusBus& bus_;
  M0PlusDebugger* debugger_ = nullptr;
  uc_struct* uc_ = nullptr;

  std::unordered_map<uint64_t, BlockCost> costs_;
  // A direct-mapped cache in front of costs_: the block hook runs every few instructions.
  struct CachedCost {
    uint64_t key = UINT64_MAX;
    BlockCost cost{};
  };
  static constexpr uint32_t kCostCacheEntries = 4096;
  std::vector<CachedCost> cost_cache_ = std::vector<CachedCost>(kCostCacheEntries);
  uint64_t pending_cycles_ = 0;
  uint64_t cycles_ = 0;
  uint64_t instructions_ = 0;
  uint64_t translations_ = 0;
  uint64_t quantum_end_ = 0;
  uint32_t block_address_ = 0;
  uint32_t branch_fall_through_ = 0;  // after a block ending in a conditional branch; else 0
  uint32_t vtor_ = 0;
  bool stop_requested_ = false;
  bool quantum_stop_ = false;
  uint32_t invalid_address_ = 0;
  bool locked_up_ = false;
  M0PlusFault last_fault_{};
  uint64_t faults_ = 0;
};

}  // namespace pumptwin::mcu
