// The pump's microcontroller (a Cortex-M0+ with RTC, FRAM, SPI, UART; docs/mcu-memory-map.md)
// as a SystemC model that runs the host-compiled pump firmware in one SystemC thread:
//
//   boot:  pump.boot();
//   loop:  wake = pump.run_once(); sleep_until(wake);
//
// It implements the firmware's HAL (pumpfw::hal::Hal) itself; the firmware instance lives in
// the board layer firmware/ports/twin (PumpSlot), which holds no SystemC.
//
// Time. The firmware's code takes no simulated time; what takes time is what takes time on the
// board: an SPI frame (the ASIC model's frame duration), an NVM write (a byte per store), the
// start-up after a reset, and sleep. sleep_until waits on a timed event or a wake-up source (the
// ASIC IRQ's rising edge, a received UART byte), so a sleeping MCU costs nothing to simulate. A
// wake-up source that fires while the firmware runs is latched, so the next sleep returns at
// once, as WFI does with an interrupt pending. A sleep ends as the RTC's compare and wake-up
// timer end it on the part: when the RTC's count reaches the wake tick (a jump of the count
// moves that moment) or when the wake-up timer, which counts the crystal and not the count,
// has run out.
//
// Brown-out. The supply is only known where the board model brings it up to date (the wake
// hook). Held in reset by a low supply, the MCU's brown-out detector samples it (through the
// wake hook) 1 ms after the reset and then at doubling intervals, so that the reset ends soon
// after the load that caused it has gone (the motor stopped), as the detector's comparator
// would release it on the part.
//
// Resets. The ASIC's reset_request (watchdog), a supply below the brown-out level and a loss of
// power hold the MCU in reset; a software reset (request_reset) is immediate. A reset takes
// effect at once on the board: from then on the HAL of the dying firmware instance is inert (no
// SPI frame, no NVM byte, no UART byte, no sleep; an NVM write in progress is cut where it is)
// until the firmware's current pass returns, and the instance is then destroyed. Its RAM is
// gone; NVM and the RTC stay (the RTC restarts from zero only after a loss of power). When the
// reset is released and the start-up time has passed, a new instance boots with the cause.
// An SPI frame already on the wire completes (the ASIC model has no aborted frames).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <systemc>

#include "app/link_security.h"
#include "fram.h"
#include "hal/hal.h"
#include "m0plus_image.h"
#include "motor_driver_asic.h"
#include "ports/twin/mbed_crypto.h"
#include "ports/twin/pump_slot.h"
#include "telemetry_uart.h"
#include "work_meter.h"

namespace pumptwin::mcu {

// The link key the twin's pumps are provisioned with unless a test says otherwise, and which
// the in-twin clinician programmer holds (docs/security.md). A bench key, not a secret.
using DeviceKey = std::array<uint8_t, pumpfw::app::kDeviceKeyBytes>;
inline constexpr DeviceKey kBenchDeviceKey = {
    0x70, 0x75, 0x6d, 0x70, 0x74, 0x77, 0x69, 0x6e, 0x2d, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x6b,
    0x65, 0x79, 0x2d, 0x30, 0x30, 0x30, 0x31, 0x00, 0x5a, 0xc3, 0x96, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b};

struct McuConfig {
  pumpfw::app::PumpConfig firmware{};
  uint32_t nvm_size_bytes = 8192;  // docs/mcu-memory-map.md
  // One byte per store through NVMCTRL: a few instructions at 8 MHz plus the FRAM cycle.
  uint64_t nvm_byte_write_ns = 1000;
  TelemetryUartConfig uart{};
  // Release of reset to the first instruction of main: oscillator start-up and the copy of
  // .data. Cortex-M0+ parts of this class start in a few hundred µs.
  uint64_t startup_ns = 500'000;
  // Supply current: ~150 µA/MHz at 8 MHz plus the SPI and UART clocks while running; RTC, RAM
  // retention and the wake-up logic while asleep (docs/platform.md).
  double active_current_a = 1.2e-3;
  double sleep_current_a = 2.0e-6;
  // Brown-out detector on the supply, with hysteresis so that a sagging cell cannot chatter.
  double brown_out_v = 2.2;
  double brown_out_hysteresis_v = 0.1;
  // Factory provisioning: the link key written into a blank FRAM before the first boot.
  bool provision_device_key = true;
  DeviceKey device_key = kBenchDeviceKey;
  // The crypto peripheral's random-number generator: a seeded stream, so runs repeat.
  uint64_t random_seed = 1;
  // The firmware image to run on the Cortex-M0+ ISS (m0plus_soc.h) instead of the host build.
  // Its own build fixes its configuration (PumpConfig{}); `firmware` above is then not used.
  std::shared_ptr<const FirmwareImage> image;
};

// What the bench reads of the running firmware, from either build: the host build's Pump
// object, or the image's probe (as of its last pass).
struct FirmwareStatus {
  uint16_t active_alarms = 0;
  uint64_t reservoir_volume_nl = 0;
  uint32_t wall_clock_s = 0;
};

class M0PlusSoc;

enum class McuState : uint8_t {
  kOff,      // no power
  kInReset,  // held in reset or starting up
  kRunning,  // the firmware runs (or is stuck in a loop)
  kAsleep,
};

class Mcu : public sc_core::sc_module, private pumpfw::hal::Hal {
 public:
  TelemetryUart uart;

  SC_HAS_PROCESS(Mcu);
  Mcu(const sc_core::sc_module_name& name, asic::MotorDriverAsic& asic,
      const McuConfig& config = {});
  ~Mcu() override;

  // --- board inputs (call from SystemC processes) -------------------------------------------
  // The supply from the power model; below the brown-out level the MCU is held in reset.
  void set_supply_v(double volts);
  void power_off();
  void power_on();
  // Fault: the firmware gets stuck in a loop (a hang): it runs, draws active current and never
  // returns to its main loop, so nothing kicks the ASIC's watchdog. The next reset ends it.
  void hang_firmware();
  // Fault: power fails after `bytes_stored` bytes of the next NVM write longer than that (a
  // torn write); the MCU stays off until power_on().
  void cut_power_during_next_nvm_write(uint32_t bytes_stored);
  // Called in the MCU's thread before the firmware runs: after each wake-up and before each
  // boot. The platform brings the board's analog state (supply, sensors) up to date there.
  void set_wake_hook(std::function<void()> hook) { wake_hook_ = std::move(hook); }
  // Called when the board's power goes (false) or comes back (true) through power_off(),
  // power_on() or a cut during an NVM write: the rest of the board is on the same supply.
  void set_power_hook(std::function<void(bool powered)> hook) { power_hook_ = std::move(hook); }
  // Fault injection (twin/faults): every SPI frame passes through `interposer`, which gets the
  // MOSI frame and the wire to the ASIC and returns the MISO frame the firmware sees (it may
  // alter either, or not use the wire: it then waits out the frame's time itself). Empty: none.
  using SpiInterposer =
      std::function<uint32_t(uint32_t mosi_frame, const std::function<uint32_t(uint32_t)>& wire)>;
  void set_spi_interposer(SpiInterposer interposer) { spi_interposer_ = std::move(interposer); }
  // Fault: the RTC's count jumps by `seconds` (negative: back, at most to zero), a time-base
  // glitch. The crystal and the prescaler behind it (the wake-up timer) do not jump.
  void shift_rtc_s(double seconds);

  // --- probes -----------------------------------------------------------------------------------
  // The running firmware instance; nullptr while the MCU is in reset or off.
  const pumpfw::app::Pump* firmware() const { return slot_.pump(); }
  // The running firmware's status, host build or image; nullopt while none runs.
  std::optional<FirmwareStatus> firmware_status() const;
  // The image's ISS; nullptr for the host build.
  M0PlusSoc* image() const { return soc_.get(); }
  Fram& nvm() { return nvm_; }
  const Fram& nvm() const { return nvm_; }
  McuState state() const { return state_; }
  uint32_t boots() const { return boots_total_; }
  uint32_t boots(pumpfw::hal::ResetCause cause) const;
  pumpfw::hal::ResetCause last_reset_cause() const { return reset_cause_; }
  uint64_t wake_ups() const { return wake_ups_; }
  uint64_t spi_frames() const { return spi_frames_; }
  // Wall time the firmware's own code ran (when metering is on), without the time its
  // blocking calls waited on the ASIC or the NVM.
  WorkMeter& firmware_work_meter() { return firmware_work_; }
  // RTC ticks now (what the firmware's hal.now() returns).
  pumpfw::hal::Ticks rtc_ticks() const;
  // Ticks of the RTC's prescaler since power-on: the RTC's count without its jumps.
  pumpfw::hal::Ticks crystal_ticks() const;
  // Charge drawn from the supply since the start, up to now.
  double charge_drawn_as() const;

 private:
  // --- pumpfw::hal::Hal ---------------------------------------------------------------------
  uint32_t spi_transfer(uint32_t mosi_frame) override;
  bool asic_irq_level() override;
  bool take_asic_irq_pending() override;
  pumpfw::hal::Ticks now() override { return rtc_ticks(); }
  void sleep_until(pumpfw::hal::Ticks wake_ticks) override;
  uint32_t nvm_size_bytes() override { return nvm_.size_bytes(); }
  void nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) override;
  void nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) override;
  uint32_t uart_rx_available() override;
  uint32_t uart_read(uint8_t* destination, uint32_t max_length) override;
  uint32_t uart_write(const uint8_t* source, uint32_t length) override;
  pumpfw::hal::ResetCause reset_cause() override { return reset_cause_; }
  void request_reset() override;
  // The crypto peripheral (HASH0, TRNG0 in docs/mcu-memory-map.md), with mbedTLS. It takes no
  // simulated time, like the firmware's own code.
  void hmac_begin(const uint8_t* key, uint32_t key_length) override;
  void hmac_update(const uint8_t* data, uint32_t length) override;
  void hmac_finish(uint8_t digest[32]) override;
  void random_bytes(uint8_t* destination, uint32_t length) override;

  friend class M0PlusSoc;

  void firmware_thread();
  bool firmware_running() const;
  void run_instance();
  void on_irq_rise();
  void on_reset_request();
  void on_uart_byte();
  // A wake-up source fired: wakes a sleeping firmware or latches for the next sleep.
  void wake();
  // Sleeps until the RTC's count reaches `rtc_wake_ticks`, the crystal reaches
  // `crystal_wake_ticks` (UINT64_MAX: never, for either), a wake-up source fires or a reset.
  void sleep(pumpfw::hal::Ticks rtc_wake_ticks, pumpfw::hal::Ticks crystal_wake_ticks);
  void enter_reset(pumpfw::hal::ResetCause cause);
  bool held_in_reset() const;
  void set_state(McuState state);
  uint64_t now_ns() const;

  asic::MotorDriverAsic& asic_;
  McuConfig config_;
  Fram nvm_;
  pumpfw::ports::twin::PumpSlot slot_;
  std::function<void()> wake_hook_;
  std::function<void(bool)> power_hook_;
  SpiInterposer spi_interposer_;

  McuState state_ = McuState::kInReset;
  bool powered_ = true;
  bool supply_low_ = false;
  // The running instance is dying: its HAL is inert until its pass returns.
  bool halted_ = false;
  bool hung_ = false;
  bool irq_pending_ = false;
  bool wake_latched_ = false;
  pumpfw::hal::ResetCause reset_cause_ = pumpfw::hal::ResetCause::kPowerOn;
  pumpfw::hal::ResetCause pending_cause_ = pumpfw::hal::ResetCause::kPowerOn;
  uint64_t rtc_origin_ns_ = 0;
  uint64_t crystal_origin_ns_ = 0;
  int64_t power_cut_after_nvm_bytes_ = -1;  // armed when >= 0
  // Provisioning at construction: NVM writes land at once, outside simulated time.
  bool factory_ = false;
  pumpfw::port::MbedCrypto crypto_;  // HASH0 and TRNG0

  uint32_t boots_total_ = 0;
  std::array<uint32_t, 4> boots_by_cause_{};
  uint64_t wake_ups_ = 0;
  uint64_t spi_frames_ = 0;
  WorkMeter firmware_work_;
  uint64_t state_since_ns_ = 0;
  double charge_before_state_as_ = 0.0;

  std::unique_ptr<M0PlusSoc> soc_;
  bool image_running_ = false;

  sc_core::sc_event wake_event_;
  sc_core::sc_event rtc_jumped_;
  sc_core::sc_event halt_event_;
  sc_core::sc_event reset_released_;
};

}  // namespace pumptwin::mcu
