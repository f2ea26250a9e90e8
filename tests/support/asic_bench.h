// A drive train and the motor-driver ASIC, with a test thread that talks to it over SPI the
// way the firmware's driver does. One per process (SystemC elaborates once).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <systemc>

#include "asic_register_access.h"
#include "drive_train.h"
#include "motor_driver_asic.h"

namespace pumptwin::testing {

namespace regs = pumpfw::asic;

// Sets the 1 ns resolution the twin counts in; call before any sc_time exists.
inline void use_twin_time_resolution() {
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
}

inline sc_core::sc_time ns(uint64_t value) {
  return sc_core::sc_time(static_cast<double>(value), sc_core::SC_NS);
}
inline uint64_t now_ns() {
  return sc_core::sc_time_stamp().value();
}

class AsicBench {
 public:
  explicit AsicBench(const asic::MotorDriverAsicConfig& config = {},
                     const mech::StepperMotorParams& motor = {})
      : drive_train(motor), asic("asic", drive_train, config) {}

  uint32_t transfer(uint32_t frame) { return asic.spi_transfer(frame); }

  uint16_t read(const regs::RegisterInfo& reg) {
    const auto miso = asic::read_register(asic, reg);
    EXPECT_TRUE(miso.crc_ok) << "MISO CRC reading register 0x" << std::hex << int(reg.address);
    EXPECT_TRUE(miso.pattern_ok);
    return miso.data;
  }

  void write(const regs::RegisterInfo& reg, uint16_t value) {
    const auto miso = asic::write_register(asic, reg, value);
    EXPECT_TRUE(miso.crc_ok) << "MISO CRC writing register 0x" << std::hex << int(reg.address);
  }

  uint32_t total_steps() { return asic::read_total_steps(asic); }

  // Waits for the IRQ line to be high, at most `limit`; returns whether it is.
  bool wait_for_irq(sc_core::sc_time limit) {
    if (!asic.irq.read()) sc_core::wait(limit, asic.irq.posedge_event());
    return asic.irq.read();
  }

  void start_move(uint16_t steps, regs::StepMode mode, uint16_t period_us, bool reverse = false) {
    write(regs::reg::kStepPeriod, period_us);
    write(regs::reg::kCtrl, regs::field::kCtrlEnable.make(1) |
                                regs::field::kCtrlDir.make(reverse ? 1 : 0) |
                                regs::field::kCtrlStepMode.make(static_cast<uint16_t>(mode)));
    write(regs::reg::kMoveSteps, steps);
  }

  // Runs `body` in a SystemC thread until it returns, then stops the simulation.
  void run(std::function<void()> body) {
    sc_core::sc_spawn([body = std::move(body)] {
      body();
      sc_core::sc_stop();
    });
    sc_core::sc_start();
  }

  mech::DriveTrain drive_train;
  asic::MotorDriverAsic asic;
};

}  // namespace pumptwin::testing
