// Reset handler and vector table for the Cortex-M0+. Interrupts stay masked for the whole run
// (see m0plus_hal.h), so every handler but reset is the same trap: a fault ends in a loop that
// stops kicking the ASIC's watchdog, which then resets the MCU.
#include <cstdint>
#include <initializer_list>

extern "C" {
extern uint32_t _sidata;
extern uint32_t _sdata;
extern uint32_t _edata;
extern uint32_t _sbss;
extern uint32_t _ebss;
extern uint32_t _estack;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
[[noreturn]] void Reset_Handler();
[[noreturn]] void Trap_Handler();
// The firmware's abstract HAL has pure virtual functions; calling one is a bug, and a trap.
[[noreturn]] void __cxa_pure_virtual();
}

void Reset_Handler() {
  __asm volatile("cpsid i" ::: "memory");
  for (uint32_t *source = &_sidata, *destination = &_sdata; destination < &_edata;) {
    *destination++ = *source++;
  }
  for (uint32_t* destination = &_sbss; destination < &_ebss;) *destination++ = 0;
  for (void (**constructor)() = __init_array_start; constructor < __init_array_end; ++constructor) {
    (*constructor)();
  }
  // C++ forbids calling main from the program; the branch is made in assembly.
  __asm volatile("bl main" ::: "memory");
  Trap_Handler();
}

void Trap_Handler() {
  for (;;) {
  }
}

void __cxa_pure_virtual() {
  Trap_Handler();
}

namespace {
using Handler = void (*)();
struct VectorTable {
  uint32_t* initial_stack;
  Handler handlers[15 + 32];  // 15 system exceptions, then 32 external interrupts
};

constexpr VectorTable make_vector_table() {
  VectorTable table{&_estack, {}};
  for (Handler& handler : table.handlers) handler = Trap_Handler;
  table.handlers[0] = Reset_Handler;
  // handlers[n] is exception n + 1; exceptions 4-10, 12 and 13 are reserved on ARMv6-M.
  for (int reserved : {3, 4, 5, 6, 7, 8, 9, 11, 12}) table.handlers[reserved] = nullptr;
  return table;
}
}  // namespace

// The core reads the initial stack pointer and the reset vector from here.
__attribute__((section(".isr_vector"), used)) constexpr VectorTable kVectorTable =
    make_vector_table();
