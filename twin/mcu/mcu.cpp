#include "mcu.h"

#include <array>
#include <utility>

#include "m0plus_soc.h"

namespace pumptwin::mcu {

namespace {

using pumpfw::hal::ResetCause;
using pumpfw::hal::Ticks;

constexpr uint64_t kNsPerSecond = 1'000'000'000;
constexpr Ticks kTicksPerSecond = pumpfw::hal::kTicksPerSecond;
constexpr Ticks kNeverTicks = UINT64_MAX;
constexpr size_t kImageThreadStackBytes = 4 * 1024 * 1024;
// The brown-out detector's first look at the supply after a brown-out reset, then doubling up
// to the last interval (an assumption: the comparator is continuous on the part; the model only
// knows the supply where it is brought up to date).
constexpr uint64_t kBrownOutFirstSampleNs = 1'000'000;
constexpr uint64_t kBrownOutLastSampleNs = 64'000'000'000;

// The TRNG's stream: a fixed prefix and the board's seed, little-endian.
constexpr size_t kTrngSeedBytes = 16;
std::array<uint8_t, kTrngSeedBytes> trng_seed(uint64_t random_seed) {
  std::array<uint8_t, kTrngSeedBytes> seed = {'p', 'u', 'm', 'p', ' ', 't', 'r', 'n', 'g'};
  for (int i = 0; i < 8; ++i) seed[8 + i] = static_cast<uint8_t>(random_seed >> (8 * i));
  return seed;
}

sc_core::sc_time ns(uint64_t value) {
  return sc_core::sc_time(static_cast<double>(value), sc_core::SC_NS);
}

// RTC ticks elapsed in `elapsed_ns`, rounded down (split so that nothing overflows in the
// 584 years of a 64-bit ns count).
Ticks ticks_in(uint64_t elapsed_ns) {
  return elapsed_ns / kNsPerSecond * kTicksPerSecond +
         elapsed_ns % kNsPerSecond * kTicksPerSecond / kNsPerSecond;
}

// The first ns at which `ticks` have elapsed (ticks are 976 562.5 ns, so round up).
uint64_t ns_for_ticks(Ticks ticks) {
  return ticks / kTicksPerSecond * kNsPerSecond +
         (ticks % kTicksPerSecond * kNsPerSecond + kTicksPerSecond - 1) / kTicksPerSecond;
}

// When causes coincide, the RSTC reports the most drastic one.
int severity(ResetCause cause) {
  switch (cause) {
    case ResetCause::kPowerOn:
      return 3;
    case ResetCause::kBrownOut:
      return 2;
    case ResetCause::kWatchdog:
      return 1;
    case ResetCause::kSoftware:
      return 0;
  }
  return 0;
}

}  // namespace

Mcu::Mcu(const sc_core::sc_module_name& name, asic::MotorDriverAsic& asic, const McuConfig& config)
    : sc_core::sc_module(name),
      uart("uart", config.uart),
      asic_(asic),
      config_(config),
      nvm_(config.nvm_size_bytes),
      crypto_(trng_seed(config.random_seed).data(), kTrngSeedBytes) {
  if (config.provision_device_key) {
    factory_ = true;
    pumpfw::app::provision_device_key(*this, config.device_key.data());
    factory_ = false;
  }
  if (config_.image) soc_ = std::make_unique<M0PlusSoc>(*this, config_.image);
  SC_THREAD(firmware_thread);
  // The image's peripheral accesses wait on SystemC from inside Unicorn's callbacks, on this
  // thread's stack, below QEMU's own frames.
  if (soc_) set_stack_size(kImageThreadStackBytes);
  SC_METHOD(on_irq_rise);
  sensitive << asic_.irq.posedge_event();
  dont_initialize();
  SC_METHOD(on_reset_request);
  sensitive << asic_.reset_request;
  dont_initialize();
  SC_METHOD(on_uart_byte);
  sensitive << uart.byte_received;
  dont_initialize();
}

Mcu::~Mcu() {
  // The firmware instance goes first: it may still hold the HAL.
  slot_.clear();
}

uint64_t Mcu::now_ns() const {
  return sc_core::sc_time_stamp().value();
}

Ticks Mcu::rtc_ticks() const {
  return ticks_in(now_ns() - rtc_origin_ns_);
}

Ticks Mcu::crystal_ticks() const {
  return ticks_in(now_ns() - crystal_origin_ns_);
}

uint32_t Mcu::boots(ResetCause cause) const {
  return boots_by_cause_[static_cast<size_t>(cause)];
}

double Mcu::charge_drawn_as() const {
  double current_a = 0.0;
  switch (state_) {
    case McuState::kOff:
      break;
    case McuState::kRunning:
      current_a = config_.active_current_a;
      break;
    case McuState::kInReset:
    case McuState::kAsleep:
      current_a = config_.sleep_current_a;
      break;
  }
  return charge_before_state_as_ + current_a * static_cast<double>(now_ns() - state_since_ns_) /
                                       static_cast<double>(kNsPerSecond);
}

void Mcu::set_state(McuState state) {
  charge_before_state_as_ = charge_drawn_as();
  state_since_ns_ = now_ns();
  state_ = state;
}

bool Mcu::held_in_reset() const {
  return !powered_ || supply_low_ || asic_.reset_request.read();
}

// ------------------------------------------------------------------------ board inputs

void Mcu::set_supply_v(double volts) {
  if (!supply_low_ && volts < config_.brown_out_v) {
    supply_low_ = true;
    enter_reset(ResetCause::kBrownOut);
  } else if (supply_low_ && volts > config_.brown_out_v + config_.brown_out_hysteresis_v) {
    supply_low_ = false;
    reset_released_.notify(sc_core::SC_ZERO_TIME);
  }
}

void Mcu::power_off() {
  if (!powered_) return;
  powered_ = false;
  enter_reset(ResetCause::kPowerOn);
  if (power_hook_) power_hook_(false);
}

void Mcu::power_on() {
  if (powered_) return;
  powered_ = true;
  rtc_origin_ns_ = now_ns();
  crystal_origin_ns_ = rtc_origin_ns_;
  if (power_hook_) power_hook_(true);
  reset_released_.notify(sc_core::SC_ZERO_TIME);
}

bool Mcu::firmware_running() const {
  return slot_.running() || image_running_;
}

std::optional<FirmwareStatus> Mcu::firmware_status() const {
  if (const pumpfw::app::Pump* pump = slot_.pump()) {
    return FirmwareStatus{pump->active_alarms(), pump->reservoir_volume_nl(), pump->wall_clock_s()};
  }
  if (!image_running_ || halted_) return std::nullopt;
  const std::optional<pumpfw::port::PumpProbe> probe = soc_->probe();
  if (!probe) return std::nullopt;
  return FirmwareStatus{static_cast<uint16_t>(probe->active_alarms), probe->reservoir_volume_nl(),
                        probe->wall_clock_s};
}

void Mcu::hang_firmware() {
  if (!firmware_running() || halted_) return;
  hung_ = true;
  wake();
}

void Mcu::cut_power_during_next_nvm_write(uint32_t bytes_stored) {
  power_cut_after_nvm_bytes_ = bytes_stored;
}

void Mcu::enter_reset(ResetCause cause) {
  // Causes that coincide within one reset keep the most drastic.
  if (!halted_ || severity(cause) > severity(pending_cause_)) pending_cause_ = cause;
  halted_ = true;
  irq_pending_ = false;
  wake_latched_ = false;
  uart.reset_fifos();
  wake_event_.notify(sc_core::SC_ZERO_TIME);
  halt_event_.notify(sc_core::SC_ZERO_TIME);
}

void Mcu::on_irq_rise() {
  if (halted_ || !firmware_running()) return;
  irq_pending_ = true;
  wake();
}

void Mcu::on_reset_request() {
  if (asic_.reset_request.read()) {
    enter_reset(ResetCause::kWatchdog);
  } else {
    reset_released_.notify(sc_core::SC_ZERO_TIME);
  }
}

void Mcu::on_uart_byte() {
  if (halted_ || !firmware_running()) return;
  wake();
}

void Mcu::wake() {
  wake_latched_ = true;
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

// -------------------------------------------------------------------------- the core

void Mcu::firmware_thread() {
  for (;;) {
    set_state(powered_ ? McuState::kInReset : McuState::kOff);
    uint64_t brown_out_sample_ns = kBrownOutFirstSampleNs;
    while (held_in_reset()) {
      if (supply_low_ && powered_ && wake_hook_) {
        wait(ns(brown_out_sample_ns), reset_released_);
        if (brown_out_sample_ns < kBrownOutLastSampleNs) brown_out_sample_ns *= 2;
        // The hook brings the supply up to date; set_supply_v releases the reset from there.
        if (held_in_reset()) wake_hook_();
      } else {
        wait(reset_released_);
      }
      set_state(powered_ ? McuState::kInReset : McuState::kOff);
    }
    halted_ = false;
    wait(ns(config_.startup_ns));
    // Reset again while starting up: start over.
    if (halted_ || held_in_reset()) continue;
    run_instance();
  }
}

void Mcu::run_instance() {
  reset_cause_ = pending_cause_;
  // The next reset's cause is whatever stops this instance; software is the default for a
  // reset this instance asks for itself.
  pending_cause_ = ResetCause::kSoftware;
  hung_ = false;
  irq_pending_ = false;
  wake_latched_ = false;
  set_state(McuState::kRunning);
  ++boots_total_;
  ++boots_by_cause_[static_cast<size_t>(reset_cause_)];
  if (wake_hook_) wake_hook_();
  if (!halted_ && soc_) {
    image_running_ = true;
    soc_->run_instance();
    image_running_ = false;
  } else if (!halted_) {
    {
      const WorkMeter::Span work(firmware_work_);
      slot_.boot(*this, config_.firmware);
    }
    while (!halted_) {
      if (hung_) {
        while (!halted_) wait(halt_event_);
        break;
      }
      Ticks wake_ticks = 0;
      {
        const WorkMeter::Span work(firmware_work_);
        wake_ticks = slot_.run_once();
      }
      sleep_until(wake_ticks);
    }
  }
  slot_.clear();
}

// ----------------------------------------------------------------------------- the HAL

uint32_t Mcu::spi_transfer(uint32_t mosi_frame) {
  if (halted_) return 0;
  ++spi_frames_;
  const WorkMeter::Excluded blocked(firmware_work_);
  if (spi_interposer_) {
    return spi_interposer_(mosi_frame,
                           [this](uint32_t frame) { return asic_.spi_transfer(frame); });
  }
  return asic_.spi_transfer(mosi_frame);
}

void Mcu::shift_rtc_s(double seconds) {
  const auto shift_ns = static_cast<int64_t>(seconds * 1e9);
  const auto elapsed_ns = static_cast<int64_t>(now_ns() - rtc_origin_ns_);
  // A jump back cannot take the RTC below zero (its counter is unsigned).
  const int64_t applied_ns = shift_ns < -elapsed_ns ? -elapsed_ns : shift_ns;
  rtc_origin_ns_ = static_cast<uint64_t>(static_cast<int64_t>(rtc_origin_ns_) - applied_ns);
  rtc_jumped_.notify(sc_core::SC_ZERO_TIME);
}

bool Mcu::asic_irq_level() {
  return !halted_ && asic_.irq.read();
}

bool Mcu::take_asic_irq_pending() {
  const bool pending = irq_pending_;
  irq_pending_ = false;
  return pending;
}

void Mcu::sleep_until(Ticks wake_ticks) {
  if (halted_) return;
  if (wake_latched_) {
    wake_latched_ = false;
    return;
  }
  const Ticks now_ticks = rtc_ticks();
  if (wake_ticks <= now_ticks) return;
  // As the port's HAL does: the RTC's wake-up timer started with the ticks to go, at most
  // its 32 bits' worth.
  const Ticks ticks_to_go = wake_ticks - now_ticks;
  sleep(wake_ticks, crystal_ticks() + (ticks_to_go < UINT32_MAX ? ticks_to_go : UINT32_MAX));
}

void Mcu::sleep(Ticks rtc_wake_ticks, Ticks crystal_wake_ticks) {
  set_state(McuState::kAsleep);
  for (;;) {
    const uint64_t rtc_wake_ns =
        rtc_wake_ticks == kNeverTicks ? UINT64_MAX : rtc_origin_ns_ + ns_for_ticks(rtc_wake_ticks);
    const uint64_t crystal_wake_ns = crystal_wake_ticks == kNeverTicks
                                         ? UINT64_MAX
                                         : crystal_origin_ns_ + ns_for_ticks(crystal_wake_ticks);
    const uint64_t wake_ns = rtc_wake_ns < crystal_wake_ns ? rtc_wake_ns : crystal_wake_ns;
    if (wake_ns <= now_ns()) break;
    if (wake_ns == UINT64_MAX) {
      wait(wake_event_ | rtc_jumped_);
    } else {
      wait(ns(wake_ns - now_ns()), wake_event_ | rtc_jumped_);
    }
    // Anything but a jump of the RTC's count ends the sleep; a jump moves its end.
    if (wake_latched_ || halted_) break;
  }
  wake_latched_ = false;
  if (halted_) return;
  set_state(McuState::kRunning);
  ++wake_ups_;
  if (wake_hook_) wake_hook_();
}

void Mcu::nvm_read(uint32_t offset, uint8_t* destination, uint32_t length) {
  nvm_.read(offset, destination, length);
}

void Mcu::nvm_write(uint32_t offset, const uint8_t* source, uint32_t length) {
  if (factory_) {
    nvm_.write(offset, source, length, length);
    return;
  }
  if (halted_ || length == 0) return;
  const uint64_t start_ns = now_ns();
  const bool cut = power_cut_after_nvm_bytes_ >= 0 && power_cut_after_nvm_bytes_ < length;
  const uint64_t bytes_to_store = cut ? static_cast<uint64_t>(power_cut_after_nvm_bytes_) : length;
  {
    const WorkMeter::Excluded blocked(firmware_work_);
    wait(ns(bytes_to_store * config_.nvm_byte_write_ns), halt_event_);
  }
  if (cut && !halted_) {
    power_cut_after_nvm_bytes_ = -1;
    power_off();
  }
  // A reset or power loss during the write cuts it after the last byte stored.
  const uint64_t stored = (now_ns() - start_ns) / config_.nvm_byte_write_ns;
  nvm_.write(offset, source, length,
             halted_ && stored < length ? static_cast<uint32_t>(stored) : length);
}

uint32_t Mcu::uart_rx_available() {
  return halted_ ? 0 : uart.rx_available();
}

uint32_t Mcu::uart_read(uint8_t* destination, uint32_t max_length) {
  return halted_ ? 0 : uart.read(destination, max_length);
}

uint32_t Mcu::uart_write(const uint8_t* source, uint32_t length) {
  return halted_ ? 0 : uart.write(source, length);
}

void Mcu::hmac_begin(const uint8_t* key, uint32_t key_length) {
  crypto_.hmac_begin(key, key_length);
}

void Mcu::hmac_update(const uint8_t* data, uint32_t length) {
  crypto_.hmac_update(data, length);
}

void Mcu::hmac_finish(uint8_t digest[32]) {
  crypto_.hmac_finish(digest);
}

void Mcu::random_bytes(uint8_t* destination, uint32_t length) {
  crypto_.random_bytes(destination, length);
}

void Mcu::request_reset() {
  enter_reset(ResetCause::kSoftware);
}

}  // namespace pumptwin::mcu
