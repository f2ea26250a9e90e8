// The SPI slave (rtl/spi_slave.sv) one core cycle at a time in plain C++: the twin's
// transaction-level shortcut for the cycles of a frame that a core edge standing for quiet
// cycles skips. The wrapper reads the slave's flops, steps them over the skipped cycles on
// the pins the frame gives each of them, writes them back and clocks the edge's ordinary cycle
// in the netlist (MotorDriverAsic::step_spi_slave). Skipped cycles must not meet the rest of
// the chip (a register read, a frame's end): those are the netlist's.
// tests/twin/asic_spi_slave_cycles_test.cpp holds this equal to the netlist cycle by cycle.
#pragma once

#include <cstdint>

namespace pumptwin::asic {

// The slave's flops, named and sized as in rtl/spi_slave.sv.
struct SpiSlaveState {
  uint8_t cs_n_seen = 0;  // 3 bits: two synchroniser flops and the value of the cycle before
  uint8_t sclk_seen = 0;  // 3 bits, likewise
  uint8_t mosi_sync = 0;  // 2 bits
  uint8_t bits_received = 0;
  uint8_t miso_bit = 0;
  uint8_t load_read_data = 0;
  uint8_t rx_crc = 0;
  uint8_t tx_crc = 0;
  uint32_t shift_in = 0;
  uint32_t miso_word = 0;

  bool operator==(const SpiSlaveState& other) const;
};

struct SpiPinLevels {
  bool cs_n;
  bool sclk;
  bool mosi;
};

// One core cycle: the flops' next values from the pins the synchronisers take, the chip's
// status byte and the register value it presents (read_data).
void step_spi_slave(SpiSlaveState& state, SpiPinLevels pins, uint8_t status_byte,
                    uint16_t read_data);
// The slave's MISO output.
bool spi_slave_miso(const SpiSlaveState& state);
// The next cycle strobes something into the rest of the chip: the register read (after the
// eighth SCLK rise) or the end of the frame (chip select's rise).
bool spi_slave_meets_chip(const SpiSlaveState& state);

}  // namespace pumptwin::asic
