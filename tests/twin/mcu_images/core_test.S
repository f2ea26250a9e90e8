@ Routines for tests/twin/mcu_m0plus_core_test.cpp: each test points PC at one of them. Built with
@ arm-none-eabi-as for the Cortex-M0+; the instructions an M0+ lacks are written as raw words.
  .syntax unified
  .cpu cortex-m0plus
  .thumb

  .section .vectors, "a"
  .word 0x20004000          @ initial SP: the top of SRAM
  .word reset               @ 1 reset
  .word hard_fault          @ 2 NMI (not used)
  .word hard_fault          @ 3 HardFault
  .rept 12
  .word hard_fault
  .endr
  .word irq0                @ 16 IRQ 0

  .text
  .thumb_func
  .global reset
reset:
  b reset

@ r0 counts up to r1 (r1 >= 1): 4 cycles an iteration (ADDS 1, CMP 1, BNE taken 2), then WFI.
  .thumb_func
  .global count_loop
count_loop:
  movs r0, #0
1:
  adds r0, #1
  cmp r0, r1
  bne 1b
  .global count_loop_wfi
count_loop_wfi:
  wfi
  b count_loop_wfi

@ UDIV is ARMv7-M: an M0+ must take HardFault on it. The handler skips it and returns here.
  .thumb_func
  .global undefined_udiv
undefined_udiv:
  movs r0, #7
  movs r2, #0
  .global udiv_instruction
udiv_instruction:
  .inst.w 0xfbb0f0f0        @ udiv r0, r0, r0
  movs r2, #42
  wfi
  b .

@ HardFault handler: records IPSR in r5 and the stacked PC in r6, skips the 32-bit
@ instruction that faulted and returns through EXC_RETURN in LR.
  .thumb_func
  .global hard_fault
hard_fault:
  mrs r5, ipsr
  mov r0, sp
  ldr r6, [r0, #24]
  adds r1, r6, #4
  str r1, [r0, #24]
  bx lr

@ IRQ 0 handler: counts in r7 and returns.
  .thumb_func
  .global irq0
irq0:
  adds r7, #1
  bx lr

@ Stores r1 times to the word at r0, the values 0, 1, 2, ... then WFI.
  .thumb_func
  .global store_loop
store_loop:
  movs r2, #0
1:
  str r2, [r0]
  adds r2, #1
  cmp r2, r1
  bne 1b
  wfi
  b .

@ Loads r1 times from the word at r0, then WFI.
  .thumb_func
  .global load_loop
load_loop:
  movs r2, #0
1:
  ldr r3, [r0]
  adds r2, #1
  cmp r2, r1
  bne 1b
  wfi
  b .

@ The stack pointer 16 bytes above SRAM's start, then a push of 8 registers: the push faults
@ below SRAM, and so does the HardFault's stacking: lockup.
  .thumb_func
  .global stack_overflow
stack_overflow:
  ldr r0, =0x20000010
  mov sp, r0
  push {r0-r7}
  wfi
  b .

@ A load from an address nothing answers at: HardFault (a bus fault escalated).
  .thumb_func
  .global bad_load
bad_load:
  ldr r0, =0x30000000
  ldr r1, [r0]
  wfi
  b .
  .pool
