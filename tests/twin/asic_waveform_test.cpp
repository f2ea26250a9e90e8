// The netlist's FST waveform (twin/asic/fst_waveform_file.h: the VCD trace translated as it is
// written) against its VCD waveform of the same cycles: the same signals, each with the same
// value changes at the same times, read back with GTKWave's FST reader.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "asic_netlist.h"
#include "drivers/motor_driver_regs.h"
#include "gtkwave/fstapi.h"

namespace pumptwin::asic {
namespace {

namespace regs = pumpfw::asic;

using Changes = std::map<std::string, std::vector<std::pair<uint64_t, std::string>>>;

// Reset, then an SPI write of STEP_PERIOD and a move's start, every half core cycle dumped.
void trace_cycles(WaveformFormat format, const std::string& path) {
  VerilatedContext context;
  context.traceEverOn(true);
  std::unique_ptr<AsicNetlist> rtl = make_asic_netlist(context, format);
  rtl->open_trace(path.c_str());
  uint64_t time_ns = 0;
  const auto cycle = [&] {
    rtl->clk_core = 1;
    rtl->eval();
    rtl->dump_trace(time_ns += 500);
    rtl->clk_core = 0;
    rtl->eval();
    rtl->dump_trace(time_ns += 500);
  };
  rtl->rst_n = 0;
  rtl->spi_cs_n = 1;
  for (int i = 0; i < 4; ++i) cycle();
  rtl->rst_n = 1;
  for (const uint32_t frame : {regs::make_frame(true, regs::reg::kStepPeriod.address, 0x1234),
                               regs::make_frame(false, regs::reg::kStepPeriod.address, 0)}) {
    rtl->spi_cs_n = 0;
    for (int i = 0; i < 4; ++i) cycle();
    for (int bit = 31; bit >= 0; --bit) {
      rtl->spi_mosi = (frame >> bit) & 1u;
      for (int i = 0; i < 4; ++i) cycle();
      rtl->spi_sclk = 1;
      for (int i = 0; i < 4; ++i) cycle();
      rtl->spi_sclk = 0;
    }
    rtl->spi_cs_n = 1;
    for (int i = 0; i < 8; ++i) cycle();
  }
  rtl->close_trace();
  rtl->final();
}

// The VCD's changes by hierarchical name (aliases under each of their names).
Changes read_vcd(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::vector<std::string>> names_by_code;
  std::vector<std::string> scope;
  Changes changes;
  uint64_t time = 0;
  std::string word;
  const auto record = [&](const std::string& code, const std::string& value) {
    for (const std::string& name : names_by_code[code]) changes[name].emplace_back(time, value);
  };
  while (in >> word) {
    if (word == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scope.push_back(name);
    } else if (word == "$upscope") {
      scope.pop_back();
    } else if (word == "$var") {
      std::string type, width, code, name, rest;
      in >> type >> width >> code >> name;
      while (in >> rest && rest != "$end") name += " " + rest;
      std::string full;
      for (const std::string& s : scope) full += s + ".";
      names_by_code[code].push_back(full + name);
    } else if (word[0] == '#') {
      time = std::stoull(word.substr(1));
    } else if (word[0] == 'b') {
      std::string code;
      in >> code;
      record(code, word.substr(1));
    } else if (word[0] == '0' || word[0] == '1') {
      record(word.substr(1), word.substr(0, 1));
    }
  }
  return changes;
}

struct FstRead {
  std::map<fstHandle, std::vector<std::string>> names;
  Changes changes;
};

Changes read_fst(const std::string& path) {
  void* reader = fstReaderOpen(path.c_str());
  EXPECT_NE(reader, nullptr) << path;
  if (reader == nullptr) return {};
  FstRead read;
  std::vector<std::string> scope;
  while (const fstHier* hier = fstReaderIterateHier(reader)) {
    if (hier->htyp == FST_HT_SCOPE) {
      scope.emplace_back(hier->u.scope.name);
    } else if (hier->htyp == FST_HT_UPSCOPE) {
      scope.pop_back();
    } else if (hier->htyp == FST_HT_VAR) {
      std::string full;
      for (const std::string& s : scope) full += s + ".";
      read.names[hier->u.var.handle].push_back(full + hier->u.var.name);
    }
  }
  fstReaderSetFacProcessMaskAll(reader);
  fstReaderIterBlocks(
      reader,
      [](void* user, uint64_t time, fstHandle handle, const unsigned char* value) {
        auto* into = static_cast<FstRead*>(user);
        for (const std::string& name : into->names[handle]) {
          into->changes[name].emplace_back(time, reinterpret_cast<const char*>(value));
        }
      },
      &read, nullptr);
  fstReaderClose(reader);
  return read.changes;
}

// A VCD vector value without its leading zeros, as the FST reader's full-width one compares.
std::string trimmed(const std::string& bits) {
  const size_t first = bits.find_first_not_of('0');
  return first == std::string::npos ? "0" : bits.substr(first);
}

TEST(AsicWaveform, FstHoldsTheSameChangesAsTheVcd) {
  const std::string dir = ::testing::TempDir();
  const std::string vcd = dir + "asic_waveform_test.vcd";
  const std::string fst = dir + "asic_waveform_test.fst";
  trace_cycles(WaveformFormat::kVcd, vcd);
  trace_cycles(WaveformFormat::kFst, fst);
  const Changes from_vcd = read_vcd(vcd);
  const Changes from_fst = read_fst(fst);
  ASSERT_GT(from_vcd.size(), 100u) << "signals in the VCD";
  ASSERT_EQ(from_fst.size(), from_vcd.size());
  size_t compared = 0;
  for (const auto& [name, changes] : from_vcd) {
    const auto found = from_fst.find(name);
    ASSERT_NE(found, from_fst.end()) << name << " is missing from the FST";
    ASSERT_EQ(found->second.size(), changes.size()) << name;
    for (size_t i = 0; i < changes.size(); ++i) {
      EXPECT_EQ(found->second[i].first, changes[i].first) << name << " change " << i;
      EXPECT_EQ(trimmed(found->second[i].second), trimmed(changes[i].second))
          << name << " at " << changes[i].first;
      ++compared;
    }
  }
  EXPECT_GT(compared, 10'000u) << "value changes compared";
  const auto period = from_fst.find("asic.motor_driver_asic.step_period [15:0]");
  ASSERT_NE(period, from_fst.end());
  EXPECT_EQ(period->second.back().second, "0001001000110100");
  std::remove(vcd.c_str());
  std::remove(fst.c_str());
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Same cycles, same bytes: the writer's header would otherwise carry the wall-clock date.
TEST(AsicWaveform, FstOfTheSameCyclesIsByteIdentical) {
  const std::string dir = ::testing::TempDir();
  const std::string first = dir + "asic_waveform_first.fst";
  const std::string second = dir + "asic_waveform_second.fst";
  trace_cycles(WaveformFormat::kFst, first);
  trace_cycles(WaveformFormat::kFst, second);
  const std::string first_bytes = file_bytes(first);
  ASSERT_GT(first_bytes.size(), 1000u);
  EXPECT_NE(first_bytes.find("simulated time"), std::string::npos) << "the header's fixed date";
  EXPECT_TRUE(first_bytes == file_bytes(second)) << "two FST files of the same cycles differ";
  std::remove(first.c_str());
  std::remove(second.c_str());
}

}  // namespace
}  // namespace pumptwin::asic
