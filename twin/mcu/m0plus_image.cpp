#include "m0plus_image.h"

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <mbedtls/sha256.h>

#include "hex_text.h"
#include "m0plus_memory_map.h"

namespace pumptwin::mcu {

namespace {

template <typename T>
bool read_at(const std::vector<uint8_t>& file, uint64_t offset, T& value) {
  if (offset > file.size() || file.size() - offset < sizeof(T)) return false;
  std::memcpy(&value, file.data() + offset, sizeof(T));
  return true;
}

}  // namespace

std::optional<uint32_t> FirmwareImage::symbol(const std::string& name) const {
  const auto found = symbols.find(name);
  if (found == symbols.end()) return std::nullopt;
  return found->second;
}

std::shared_ptr<const FirmwareImage> FirmwareImage::load(const std::string& path,
                                                         std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open the firmware image";
    return nullptr;
  }
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  Elf32_Ehdr header{};
  if (!read_at(file, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS32 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    error = path + ": not a 32-bit little-endian ELF file";
    return nullptr;
  }
  if (header.e_machine != EM_ARM || header.e_type != ET_EXEC) {
    error = path + ": not an ARM executable (e_machine " + std::to_string(header.e_machine) + ")";
    return nullptr;
  }
  auto image = std::make_shared<FirmwareImage>();
  image->path = path;
  image->flash.assign(memory_map::kFlashBytes, 0xFF);
  bool loaded_any = false;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf32_Phdr segment{};
    if (!read_at(file, header.e_phoff + uint64_t{i} * header.e_phentsize, segment)) {
      error = path + ": program header " + std::to_string(i) + " lies outside the file";
      return nullptr;
    }
    if (segment.p_type != PT_LOAD || segment.p_filesz == 0) continue;
    // Loaded from flash: .data's initial values sit at their load (not run) address.
    const uint64_t end = uint64_t{segment.p_paddr} + segment.p_filesz;
    if (end > memory_map::kFlashBytes) {
      char at[16];
      std::snprintf(at, sizeof at, "0x%08x", segment.p_paddr);
      error = path + ": segment " + std::to_string(i) + " at " + at +
              " does not fit the 128 KiB flash";
      return nullptr;
    }
    if (uint64_t{segment.p_offset} + segment.p_filesz > file.size()) {
      error = path + ": segment " + std::to_string(i) + " lies outside the file";
      return nullptr;
    }
    std::memcpy(image->flash.data() + segment.p_paddr, file.data() + segment.p_offset,
                segment.p_filesz);
    loaded_any = true;
  }
  if (!loaded_any) {
    error = path + ": no loadable segment";
    return nullptr;
  }
  // Symbols, for the probes the twin reads and for messages.
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    Elf32_Shdr section{};
    if (!read_at(file, header.e_shoff + uint64_t{i} * header.e_shentsize, section)) break;
    if (section.sh_type != SHT_SYMTAB || section.sh_entsize != sizeof(Elf32_Sym)) continue;
    Elf32_Shdr strings{};
    if (!read_at(file, header.e_shoff + uint64_t{section.sh_link} * header.e_shentsize, strings))
      break;
    for (uint64_t at = section.sh_offset; at + sizeof(Elf32_Sym) <= uint64_t{section.sh_offset} + section.sh_size;
         at += sizeof(Elf32_Sym)) {
      Elf32_Sym symbol{};
      if (!read_at(file, at, symbol)) break;
      const uint64_t name_at = uint64_t{strings.sh_offset} + symbol.st_name;
      if (symbol.st_name == 0 || name_at >= file.size()) continue;
      const char* name = reinterpret_cast<const char*>(file.data() + name_at);
      const size_t length = strnlen(name, file.size() - name_at);
      image->symbols.emplace(std::string(name, length), symbol.st_value);
    }
  }
  uint8_t digest[32];
  mbedtls_sha256_ret(file.data(), file.size(), digest, 0);
  image->sha256_hex = hex_text(digest, sizeof digest);
  return image;
}

}  // namespace pumptwin::mcu
