// A Cortex-M0+ firmware image (the ELF that firmware/ports/cortex-m0plus builds), loaded for the
// ISS: its flash contents, the symbols the twin reads, and its identity (path and SHA-256) for
// the run's result.json.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pumptwin::mcu {

struct FirmwareImage {
  // The flash as the part would hold it after programming: every loadable segment placed at
  // its load address, the rest erased (0xFF).
  std::vector<uint8_t> flash;
  std::string path;
  std::string sha256_hex;  // of the ELF file as given
  std::map<std::string, uint32_t> symbols;  // global and local symbols by name

  std::optional<uint32_t> symbol(const std::string& name) const;

  // Reads and checks `path` (an ARM ELF32 executable whose segments fit the flash). On error
  // returns nullptr and sets `error` to a message naming the file and what is wrong.
  static std::shared_ptr<const FirmwareImage> load(const std::string& path, std::string& error);
};

}  // namespace pumptwin::mcu
