@ A program for tests/twin/mcu_m0plus_soc_test.cpp, run from reset on the whole MCU model (the
@ core with its system control block and peripherals on the platform's board). It writes what it
@ reads to `results` in SRAM (the word offsets below), which keeps its contents through a system
@ reset as on the part.
@
@ After power-on (RSTC.CAUSE POWERON): with PRIMASK set, ICSR's PendSV and SysTick pend bits are
@ set and cleared and read back; with PRIMASK clear, PendSV is pended and taken through the
@ vector table at 0, then VTOR is pointed at `relocated_vectors` and PendSV and SysTick are taken
@ through that one. AIRCR is read, written with SYSRESETREQ under a wrong key (nothing happens)
@ and under VECTKEY (a software reset: the store after it never runs).
@
@ After the software reset (RSTC.CAUSE SOFTWARE): the cause and VTOR as the new instance reads
@ them, then 2 000 000 iterations of a 4-cycle loop (1 s at 8 MHz) and WFI with no interrupt
@ enabled: a core busy for a second, then asleep.
  .syntax unified
  .cpu cortex-m0plus
  .thumb

  .equ SCB, 0xE000ED00          @ ICSR at +4, VTOR at +8, AIRCR at +12
  .equ RSTC_CAUSE, 0x40006000
  .equ CAUSE_SOFTWARE, 8        @ one-hot, docs/mcu-memory-map.md
  .equ PENDSVSET, 1 << 28
  .equ PENDSVCLR, 1 << 27
  .equ PENDSTSET, 1 << 26
  .equ PENDSTCLR, 1 << 25

  .global results
  .equ results, 0x20000100
  @ Word offsets in `results`:
  .equ VTOR_OUT_OF_RESET, 0
  .equ ICSR_PENDSV_SET, 4
  .equ ICSR_PENDSV_CLEARED, 8
  .equ ICSR_SYSTICK_SET, 12
  .equ ICSR_SYSTICK_CLEARED, 16
  .equ VTOR_RELOCATED, 20
  .equ AIRCR_READ, 24
  .equ AFTER_WRONG_KEY, 28      @ 0xC0DE: the core ran on after SYSRESETREQ under a wrong key
  .equ AFTER_VECTKEY, 32        @ stays 0: SYSRESETREQ under VECTKEY reset at once
  .equ CAUSE_AFTER_RESET, 36
  .equ VTOR_AFTER_RESET, 40
  .equ PENDSV_AT_ZERO, 64       @ PendSV taken through the table at 0, a count
  .equ PENDSV_RELOCATED, 68     @ ... through relocated_vectors
  .equ ICSR_IN_HANDLER, 72      @ ICSR in that handler: VECTACTIVE
  .equ SYSTICK_AT_ZERO, 76
  .equ SYSTICK_RELOCATED, 80
  .equ FAULTS, 84

  .section .vectors, "a"
  .word 0x20004000              @ initial SP: the top of SRAM
  .word reset                   @ 1 reset
  .rept 12                      @ 2 NMI .. 13
  .word fault
  .endr
  .word pendsv_at_zero          @ 14 PendSV
  .word systick_at_zero         @ 15 SysTick

  .text
  .thumb_func
  .global reset
reset:
  ldr r4, =results
  ldr r0, =RSTC_CAUSE
  ldr r0, [r0]
  movs r1, #CAUSE_SOFTWARE
  tst r0, r1
  bne after_software_reset
  movs r0, #0
  str r0, [r4, #AFTER_WRONG_KEY]
  str r0, [r4, #AFTER_VECTKEY]
  str r0, [r4, #PENDSV_AT_ZERO]
  str r0, [r4, #PENDSV_RELOCATED]
  str r0, [r4, #SYSTICK_AT_ZERO]
  str r0, [r4, #SYSTICK_RELOCATED]
  str r0, [r4, #FAULTS]
  ldr r5, =SCB
  ldr r0, [r5, #8]
  str r0, [r4, #VTOR_OUT_OF_RESET]

  @ PRIMASK set: a pended exception stays pending.
  cpsid i
  ldr r1, =PENDSVSET
  str r1, [r5, #4]
  ldr r0, [r5, #4]
  str r0, [r4, #ICSR_PENDSV_SET]
  ldr r1, =PENDSVCLR
  str r1, [r5, #4]
  ldr r0, [r5, #4]
  str r0, [r4, #ICSR_PENDSV_CLEARED]
  ldr r1, =PENDSTSET
  str r1, [r5, #4]
  ldr r0, [r5, #4]
  str r0, [r4, #ICSR_SYSTICK_SET]
  ldr r1, =PENDSTCLR
  str r1, [r5, #4]
  ldr r0, [r5, #4]
  str r0, [r4, #ICSR_SYSTICK_CLEARED]
  cpsie i

  @ PendSV through the table at 0 (the part takes it at once, the ISS at its next quantum).
  ldr r1, =PENDSVSET
  str r1, [r5, #4]
1:
  ldr r0, [r4, #PENDSV_AT_ZERO]
  cmp r0, #0
  beq 1b

  @ The table moved: PendSV and SysTick through relocated_vectors.
  ldr r0, =relocated_vectors
  str r0, [r5, #8]
  ldr r0, [r5, #8]
  str r0, [r4, #VTOR_RELOCATED]
  ldr r1, =PENDSVSET
  str r1, [r5, #4]
2:
  ldr r0, [r4, #PENDSV_RELOCATED]
  cmp r0, #0
  beq 2b
  ldr r1, =PENDSTSET
  str r1, [r5, #4]
3:
  ldr r0, [r4, #SYSTICK_RELOCATED]
  cmp r0, #0
  beq 3b

  @ AIRCR: SYSRESETREQ resets only under VECTKEY.
  ldr r0, [r5, #12]
  str r0, [r4, #AIRCR_READ]
  ldr r1, =0x12340004
  str r1, [r5, #12]
  ldr r0, =0xC0DE
  str r0, [r4, #AFTER_WRONG_KEY]
  ldr r1, =0x05FA0004
  str r1, [r5, #12]
  ldr r0, =0xDEAD
  str r0, [r4, #AFTER_VECTKEY]
  b .

after_software_reset:
  str r0, [r4, #CAUSE_AFTER_RESET]
  ldr r5, =SCB
  ldr r0, [r5, #8]
  str r0, [r4, #VTOR_AFTER_RESET]
  .global busy_loop
busy_loop:
  ldr r1, =2000000
  movs r0, #0
4:
  adds r0, #1
  cmp r0, r1
  bne 4b
  .global asleep
asleep:
  wfi
  b asleep

@ Exception handlers: each counts in its word of `results` (r0, r1 are in the stacked frame).
  .thumb_func
pendsv_at_zero:
  ldr r0, =results + PENDSV_AT_ZERO
  b count

  .thumb_func
pendsv_relocated:
  ldr r0, =SCB
  ldr r1, [r0, #4]
  ldr r0, =results + ICSR_IN_HANDLER
  str r1, [r0]
  ldr r0, =results + PENDSV_RELOCATED
  b count

  .thumb_func
systick_at_zero:
  ldr r0, =results + SYSTICK_AT_ZERO
  b count

  .thumb_func
systick_relocated:
  ldr r0, =results + SYSTICK_RELOCATED
  b count

  .thumb_func
fault:
  ldr r0, =results + FAULTS
  ldr r1, [r0]
  adds r1, #1
  str r1, [r0]
  b .

count:
  ldr r1, [r0]
  adds r1, #1
  str r1, [r0]
  bx lr
  .pool

@ VTOR's TBLOFF is bits 31:7: the table is aligned to 128 bytes.
  .balign 128
  .global relocated_vectors
relocated_vectors:
  .word 0x20004000
  .word reset
  .rept 12
  .word fault
  .endr
  .word pendsv_relocated
  .word systick_relocated
