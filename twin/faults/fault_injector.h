// Applies the faults of the registry (fault_registry.h) to a running platform, and clears them.
// Every call comes from a SystemC process (the ASIC's run-ahead rule); faults that evolve in
// time (a growing load, an intermittent stall, a brown-out's end) run their own SystemC
// processes, which a `clear` (or a new injection of the same fault) stops. Randomness (SPI bit
// errors, telemetry corruption) comes from the injector's own stream, seeded per run.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>

#include "fault_registry.h"
#include "platform.h"

namespace pumptwin::faults {

// A fault to inject: numbers in the parameter's base unit (integers and booleans as numbers,
// choices as their text). A parameter left out takes the registry's default.
struct FaultRequest {
  std::string name;
  std::map<std::string, double> values;
  std::map<std::string, std::string> text;
};

// The armed refill faults the next refill step consumes (pocket_fill, wrong_concentration,
// refill_over_capacity).
struct RefillFault {
  bool pocket = false;
  double concentration_factor = 1.0;
  double excess_fraction_of_capacity = 0.0;
};

class FaultInjector {
 public:
  FaultInjector(platform::Platform& platform, uint64_t seed);

  // Throws std::invalid_argument for an unknown fault, a missing required parameter or a fault
  // the twin has no hook for (FaultDefinition::missing_hook).
  void inject(const FaultRequest& request);
  // Undoes a clearable fault (nothing for one not active).
  void clear(const std::string& name);
  // The refill faults armed since the last refill; disarms them.
  RefillFault take_refill_fault();
  const std::set<std::string>& active() const { return active_; }
  // Whether `clear: name` has something to undo (on any channel, for the ADC faults).
  bool injected(const std::string& name) const;

 private:
  double number(const FaultRequest& request, const std::string& parameter) const;
  std::string text(const FaultRequest& request, const std::string& parameter) const;
  void set_load(const std::string& source, double torque_nm);
  void set_drain(const std::string& source, double current_a);
  // Runs `body` in a SystemC process that a clear or a re-injection of `name` stops: `body`
  // gets a function that waits and tells whether the fault is still the same injection.
  void spawn(const std::string& name, std::function<void(const std::function<bool(double)>&)> body);
  void install_spi_interposer();
  void install_line_filter();
  uint32_t spi(uint32_t mosi, const std::function<uint32_t(uint32_t)>& wire);

  platform::Platform& platform_;
  std::mt19937_64 random_;
  std::set<std::string> active_;
  std::map<std::string, uint64_t> generation_;
  std::map<std::string, double> loads_nm_;
  std::map<std::string, double> drains_a_;
  RefillFault refill_;
  // SPI faults
  int stuck_register_ = -1;
  unsigned stuck_bit_ = 0;
  bool stuck_value_ = false;
  double spi_bit_error_rate_ = 0.0;
  bool spi_errors_mosi_ = false;
  bool spi_errors_miso_ = false;
  // Telemetry faults
  double telemetry_byte_error_rate_ = 0.0;
  int64_t dropout_after_bytes_ = -1;  // armed when >= 0
  double dropout_duration_s_ = 0.0;
  double link_down_until_s_ = -1.0;
};

}  // namespace pumptwin::faults
