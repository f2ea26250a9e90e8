#include "spi_slave_cycles.h"

#include "drivers/motor_driver_regs.h"

namespace pumptwin::asic {

namespace {

namespace regs = pumpfw::asic;

uint8_t crc8_next(uint8_t crc, bool bit) {
  const bool feedback = ((crc >> 7) & 1u) != static_cast<unsigned>(bit);
  const auto shifted = static_cast<uint8_t>(crc << 1);
  return feedback ? static_cast<uint8_t>(shifted ^ regs::kCrc8Polynomial) : shifted;
}

bool selected(const SpiSlaveState& s) {
  return ((s.cs_n_seen >> 1) & 1u) == 0;
}

// The two older samples of a three-flop edge detector: [2:1].
unsigned older_pair(uint8_t seen) {
  return (seen >> 1) & 3u;
}

bool cs_fall(const SpiSlaveState& s) {
  return older_pair(s.cs_n_seen) == 2u;
}

bool cs_rise(const SpiSlaveState& s) {
  return older_pair(s.cs_n_seen) == 1u;
}

bool sclk_rise(const SpiSlaveState& s) {
  return selected(s) && older_pair(s.sclk_seen) == 1u;
}

bool sclk_fall(const SpiSlaveState& s) {
  return selected(s) && older_pair(s.sclk_seen) == 2u;
}

bool read_strobe(const SpiSlaveState& s) {
  return sclk_rise(s) && s.bits_received == 7;
}

bool word_bit(uint32_t word, unsigned head_bit) {
  return ((word >> (31 - (head_bit & 31u))) & 1u) != 0;
}

}  // namespace

bool SpiSlaveState::operator==(const SpiSlaveState& o) const {
  return cs_n_seen == o.cs_n_seen && sclk_seen == o.sclk_seen && mosi_sync == o.mosi_sync &&
         bits_received == o.bits_received && miso_bit == o.miso_bit &&
         load_read_data == o.load_read_data && rx_crc == o.rx_crc && tx_crc == o.tx_crc &&
         shift_in == o.shift_in && miso_word == o.miso_word;
}

void step_spi_slave(SpiSlaveState& state, SpiPinLevels pins, uint8_t status_byte,
                    uint16_t read_data) {
  const SpiSlaveState s = state;  // every right-hand side reads the flops before the cycle
  const bool idle = pins.cs_n && s.cs_n_seen == 7u;
  if (idle) return;
  const bool mosi_synced = ((s.mosi_sync >> 1) & 1u) != 0;
  state.cs_n_seen = static_cast<uint8_t>(((s.cs_n_seen << 1) | pins.cs_n) & 7u);
  state.sclk_seen = static_cast<uint8_t>(((s.sclk_seen << 1) | pins.sclk) & 7u);
  state.mosi_sync = static_cast<uint8_t>(((s.mosi_sync << 1) | pins.mosi) & 3u);
  state.load_read_data = read_strobe(s);
  if (cs_fall(s)) {
    state.bits_received = 0;
    state.miso_bit = 0;
    state.rx_crc = regs::kCrc8Init;
    state.tx_crc = crc8_next(regs::kCrc8Init, ((status_byte >> 7) & 1u) != 0);
    state.miso_word = static_cast<uint32_t>(status_byte) << 24;
    return;
  }
  if (sclk_rise(s)) {
    state.shift_in = (s.shift_in << 1) | (mosi_synced ? 1u : 0u);
    if (s.bits_received != 33) state.bits_received = static_cast<uint8_t>(s.bits_received + 1);
    if (s.bits_received < 24) state.rx_crc = crc8_next(s.rx_crc, mosi_synced);
  }
  const auto next_miso_bit = static_cast<uint8_t>((s.miso_bit + 1) & 63u);
  if (sclk_fall(s) && s.miso_bit != 32) {
    state.miso_bit = next_miso_bit;
    if (next_miso_bit < 24)
      state.tx_crc = crc8_next(s.tx_crc, word_bit(s.miso_word, next_miso_bit));
  }
  if (s.load_read_data) {
    state.miso_word = (s.miso_word & 0xFF0000FFu) | (static_cast<uint32_t>(read_data) << 8);
  }
}

bool spi_slave_miso(const SpiSlaveState& s) {
  if (!selected(s) || s.miso_bit == 32) return false;
  if (s.miso_bit < 24) return word_bit(s.miso_word, s.miso_bit);
  return ((s.tx_crc >> (7 - (s.miso_bit & 7u))) & 1u) != 0;
}

bool spi_slave_meets_chip(const SpiSlaveState& s) {
  return read_strobe(s) || cs_rise(s);
}

}  // namespace pumptwin::asic
