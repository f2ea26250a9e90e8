// How the core domain is clocked, for the two netlists rtl/CMakeLists.txt builds:
//  - silicon (lockstep): every core flop on the rising edge of clk_core;
//  - the twin's bulk-clocking netlist (PUMPTWIN_BULK_CLOCKING, decoupled mode): every toggle of
//    clk_core is one core cycle, so the model takes one evaluation per cycle, not two, and a
//    cycle may stand for a run of quiet ones (core_cycles; motor_driver_asic.sv).
`ifdef PUMPTWIN_BULK_CLOCKING
`define CORE_EDGE edge
`define BULK_CLOCKING_ENABLED 1
`else
`define CORE_EDGE posedge
`define BULK_CLOCKING_ENABLED 0
`endif
