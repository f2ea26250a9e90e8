// FST waveforms from the netlist's VCD trace. Verilator 5.006 builds a model for one trace
// format, and the twin has one netlist, traced as VCD: this is the file that VerilatedVcdC
// writes through, and it translates the VCD stream as it comes into GTKWave's FST (its writer
// library ships with Verilator), so FST costs no second Verilated model. The translation keeps
// every scope, variable (aliases included), time and value change.
// Include before SystemC (Verilator's headers expect that order).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "verilated_vcd_c.h"

namespace pumptwin::asic {

class FstWaveformFile final : public VerilatedVcdFile {
 public:
  FstWaveformFile() = default;
  ~FstWaveformFile() override;
  FstWaveformFile(const FstWaveformFile&) = delete;
  FstWaveformFile& operator=(const FstWaveformFile&) = delete;

  bool open(const std::string& name) override;
  void close() override;
  ssize_t write(const char* bufp, ssize_t len) override;

 private:
  struct Variable {
    uint32_t handle;
    uint32_t width;
    bool real;
  };
  void token(const std::string& word);
  void header_command(const std::vector<std::string>& words);
  void value_change(const std::string& code, const std::string& value);

  void* fst_ = nullptr;
  std::string partial_;               // a token cut by the end of a write
  std::vector<std::string> command_;  // the header command being read, up to its $end
  bool in_header_ = true;
  std::string vector_value_;  // a b/r value waiting for its identifier code
  std::unordered_map<std::string, Variable> variables_;
};

}  // namespace pumptwin::asic
