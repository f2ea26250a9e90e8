// Register reads and writes over the ASIC model's SPI port, as a controller does them: one
// frame each, the MISO frame decoded. For SystemC threads of tests, benches and demos (the
// firmware has its own driver).
#pragma once

#include "drivers/motor_driver_regs.h"
#include "motor_driver_asic.h"

namespace pumptwin::asic {

inline pumpfw::asic::MisoFrame read_register(MotorDriverAsic& asic,
                                             const pumpfw::asic::RegisterInfo& reg) {
  return pumpfw::asic::decode_miso(
      asic.spi_transfer(pumpfw::asic::make_frame(false, reg.address, 0)));
}

inline pumpfw::asic::MisoFrame write_register(MotorDriverAsic& asic,
                                              const pumpfw::asic::RegisterInfo& reg,
                                              uint16_t value) {
  return pumpfw::asic::decode_miso(
      asic.spi_transfer(pumpfw::asic::make_frame(true, reg.address, value)));
}

// TOTAL_STEPS in 1/8 full steps: LO first, which latches HI.
inline uint32_t read_total_steps(MotorDriverAsic& asic) {
  const uint16_t lo = read_register(asic, pumpfw::asic::reg::kTotalStepsLo).data;
  return (static_cast<uint32_t>(read_register(asic, pumpfw::asic::reg::kTotalStepsHi).data) << 16) |
         lo;
}

}  // namespace pumptwin::asic
