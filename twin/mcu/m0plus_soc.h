// The pump's MCU running the firmware image: the Cortex-M0+ core (m0plus_core.h) with the
// register-level peripherals (m0plus_peripherals.h), inside the twin's Mcu module, which keeps
// doing what it does for the host build: power, resets and their causes, the FRAM, the UART,
// the crypto engine, the ASIC's SPI and IRQ, wake-ups and the supply current.
//
// Time. The core runs at 8 MHz and counts cycles per translated block. It runs ahead of SystemC
// time by at most a quantum, and gives its cycles to SystemC (a wait in the MCU's thread, during
// which the MCU draws its active current) before every peripheral access, at WFI and at the end
// of each quantum. A peripheral access therefore happens at the simulated time of its
// instruction, to within the rest of its translated block (a few instructions). WFI sleeps
// (the MCU's sleep current) until an enabled interrupt is pending: the RTC compare, the ASIC
// IRQ edge, a UART byte, SysTick; a reset ends it too.
//
// Interrupts. With PRIMASK clear, a pending enabled interrupt is taken (exception entry) at the
// next synchronisation point outside the core's run; the pump's firmware keeps PRIMASK set and
// only wakes from WFI (docs/mcu-memory-map.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "m0plus_core.h"
#include "m0plus_gdb.h"
#include "m0plus_peripherals.h"
#include "ports/cortex-m0plus/probe.h"

namespace pumptwin::mcu {

class Mcu;

struct M0PlusStats {
  uint64_t instructions = 0;
  uint64_t cycles = 0;
  uint64_t active_ns = 0;  // simulated time the core was running (not asleep)
  uint64_t wfi_sleeps = 0;
  uint64_t faults = 0;
  uint64_t lockups = 0;
  M0PlusFault last_fault{};
};

class M0PlusSoc final : public M0PlusBus, private M0PlusBoard, private M0PlusDebugger {
 public:
  static constexpr uint64_t kCoreHz = 8'000'000;
  static constexpr uint64_t kNsPerCycle = 1'000'000'000 / kCoreHz;
  // The run-ahead bound: 1 ms of core time. Longer quanta cost nothing in accuracy at the
  // peripherals (they synchronise anyway) and only delay how soon the rest of the twin sees
  // a core that loops without touching them.
  static constexpr uint64_t kQuantumCycles = kCoreHz / 1000;

  M0PlusSoc(Mcu& mcu, std::shared_ptr<const FirmwareImage> image);
  ~M0PlusSoc();

  // Opens the GDB stub on host:port (port 0: any free one); the core then halts before its
  // first instruction until GDB attaches. Returns an empty string or what went wrong.
  std::string attach_gdb(const std::string& host, uint16_t port);
  uint16_t gdb_port() const;

  // One firmware instance, from reset until the MCU is reset again (called from the MCU's
  // thread, like the host build's boot and loop).
  void run_instance();
  // The pump's state as of its last pass, from the image's probe (nullopt while it has none).
  std::optional<pumpfw::port::PumpProbe> probe();
  M0PlusStats stats() const;
  const FirmwareImage& image() const { return *image_; }
  M0PlusCore& core() { return core_; }

  // --- M0PlusBus (from the core, inside its run) -----------------------------------------
  uint32_t bus_read(uint32_t address, unsigned size_bytes) override;
  void bus_write(uint32_t address, unsigned size_bytes, uint32_t value) override;

 private:
  // --- M0PlusDebugger -------------------------------------------------------------------
  void before_instruction(uint32_t address) override;
  void after_store(uint32_t address, uint32_t size_bytes) override;

  // --- M0PlusBoard ---------------------------------------------------------------------------
  uint32_t spi_transfer(uint32_t mosi_frame) override;
  bool asic_irq_level() override;
  bool asic_edge_pending() override;
  void clear_asic_edge() override;
  pumpfw::hal::Ticks rtc_ticks() override;
  pumpfw::hal::Ticks crystal_ticks() override;
  uint64_t clock_cycles() override;
  uint32_t nvm_size_bytes() override;
  void nvm_store(uint32_t offset, uint8_t byte, uint32_t index_in_write) override;
  uint32_t uart_rx_count() override;
  bool uart_tx_full() override;
  uint8_t uart_pop() override;
  void uart_push(uint8_t byte) override;
  void hmac_begin(const uint8_t* key, uint32_t key_length) override;
  void hmac_update(uint8_t byte) override;
  void hmac_finish(uint8_t digest[32]) override;
  uint32_t random_word() override;
  pumpfw::hal::ResetCause reset_cause() override;

  uint32_t read_word(uint32_t address);
  void write_word(uint32_t address, uint32_t value);
  uint32_t scb_read(uint32_t address);
  void scb_write(uint32_t address, uint32_t value);
  // The lines of the NVIC's external interrupts as the peripherals drive them.
  uint32_t interrupt_lines();
  // Whether an enabled interrupt is pending (WFI's wake-up condition).
  bool wake_pending();
  // Exception entry for the most urgent pending enabled interrupt, when PRIMASK allows.
  void take_interrupt();
  // Gives the core's counted cycles to SystemC time.
  void sync();
  void sleep();
  void reset_peripherals();

  Mcu& mcu_;
  std::shared_ptr<const FirmwareImage> image_;
  M0PlusCore core_;
  std::optional<uint32_t> probe_address_;
  Spi0 spi0_;
  Gpio0 gpio0_;
  Rtc rtc_;
  NvmCtrl nvmctrl_;
  Uart0 uart0_;
  Rstc rstc_;
  Hash0 hash0_;
  Trng0 trng0_;
  Nvic nvic_;
  SysTick systick_;
  uint32_t scr_ = 0;
  uint32_t shpr2_ = 0;
  uint32_t shpr3_ = 0;
  bool pend_sv_ = false;
  bool pend_systick_ = false;
  uint64_t systick_wraps_taken_ = 0;
  M0PlusStats stats_;
  std::unique_ptr<M0PlusGdbStub> gdb_;
};

}  // namespace pumptwin::mcu
