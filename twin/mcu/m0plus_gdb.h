// A GDB remote-serial-protocol stub on the image's Cortex-M0+ ISS (`pumpbench --gdb
// [HOST:]PORT`, loopback by default), so that gdb-multiarch attaches to the running firmware:
// breakpoints (Z0/Z1), write watchpoints (Z2), single steps, registers (an M-profile target
// description: r0-r12, sp, lr, pc, xpsr), memory and peripheral registers.
//
// The core halts before its first instruction until GDB attaches and continues. While halted,
// the stub serves GDB from inside the core's instruction hook, on the MCU's thread: the whole
// simulation waits, so simulated time stands still. A run with a debugger attached checks every
// instruction against the breakpoints (an instruction hook); without --gdb there is no hook.
// Ctrl-C from GDB halts at the next quantum's end. When the simulation ends the stub reports
// the firmware as exited (W00), and GDB detaches. `k` and `D` both detach and let the run go on.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pumptwin::mcu {

class M0PlusCore;
class M0PlusSoc;

class M0PlusGdbStub {
 public:
  // Binds `host:port` (port 0: any free port); returns an empty string or what went wrong.
  std::string listen(const std::string& host, uint16_t port);
  uint16_t port() const { return port_; }
  ~M0PlusGdbStub();

  // Called by the core before each instruction while a debugger may be attached: returns at
  // once unless the core must halt here (breakpoint, step, watchpoint, Ctrl-C, first
  // instruction); then serves GDB until it continues, steps or detaches.
  void before_instruction(M0PlusSoc& soc, M0PlusCore& core, uint32_t address);
  // A store the core made (for write watchpoints).
  void after_store(uint32_t address, uint32_t size_bytes);
  // At quantum ends: reads a pending Ctrl-C.
  void poll();
  // The simulation ended: tells GDB the program exited.
  void finish();

 private:
  bool accept_client();
  void serve(M0PlusSoc& soc, M0PlusCore& core, const std::string& stop_reply);
  bool read_packet(std::string& packet);
  void send_packet(const std::string& payload);
  std::string handle(M0PlusSoc& soc, M0PlusCore& core, const std::string& packet, bool& resume);
  void close_client();

  int listener_ = -1;
  int client_ = -1;
  uint16_t port_ = 0;
  bool halt_next_ = true;  // halt before the first instruction
  bool stepping_ = false;
  static constexpr uint32_t kNoAddress = 0xFFFFFFFFu;
  // Where a step ('s') resumed: the instruction there runs before the step halts, also when
  // the core enters it afresh (after GDB wrote PC, the core goes on at the new PC).
  uint32_t step_from_ = kNoAddress;
  bool interrupt_ = false;
  bool pending_stop_reply_ = false;  // GDB waits for a stop reply (after 'c' or 's')
  std::set<uint32_t> breakpoints_;
  std::vector<std::pair<uint32_t, uint32_t>> watchpoints_;  // address, length
  std::string watch_hit_;
};

}  // namespace pumptwin::mcu
