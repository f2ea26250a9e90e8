#include "fst_waveform_file.h"

#include <cstdlib>

#include "gtkwave/fstapi.h"

namespace pumptwin::asic {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

fstVarType variable_type(const std::string& vcd_type) {
  if (vcd_type == "real") return FST_VT_VCD_REAL;
  if (vcd_type == "integer") return FST_VT_VCD_INTEGER;
  if (vcd_type == "parameter") return FST_VT_VCD_PARAMETER;
  if (vcd_type == "reg") return FST_VT_VCD_REG;
  return FST_VT_VCD_WIRE;
}

}  // namespace

FstWaveformFile::~FstWaveformFile() {
  close();
}

bool FstWaveformFile::open(const std::string& name) {
  close();
  fst_ = fstWriterCreate(name.c_str(), 1);
  if (fst_ == nullptr) return false;
  // The writer stamps the wall-clock date into the header; a fixed one keeps the same run's
  // waveform byte-identical.
  fstWriterSetDate(fst_, "simulated time");
  fstWriterSetPackType(fst_, FST_WR_PT_LZ4);
  partial_.clear();
  command_.clear();
  in_header_ = true;
  vector_value_.clear();
  variables_.clear();
  return true;
}

void FstWaveformFile::close() {
  if (fst_ == nullptr) return;
  if (!partial_.empty()) token(partial_);
  partial_.clear();
  fstWriterClose(fst_);
  fst_ = nullptr;
}

ssize_t FstWaveformFile::write(const char* bufp, ssize_t len) {
  if (fst_ == nullptr) return len;
  // VCD is a stream of whitespace-separated tokens; a write may end inside one.
  ssize_t start = 0;
  for (ssize_t i = 0; i < len; ++i) {
    if (!is_space(bufp[i])) continue;
    if (i > start || !partial_.empty()) {
      partial_.append(bufp + start, static_cast<size_t>(i - start));
      if (!partial_.empty()) token(partial_);
      partial_.clear();
    }
    start = i + 1;
  }
  partial_.append(bufp + start, static_cast<size_t>(len - start));
  return len;
}

void FstWaveformFile::token(const std::string& word) {
  if (in_header_) {
    if (word == "$end") {
      header_command(command_);
      command_.clear();
    } else {
      command_.push_back(word);
    }
    return;
  }
  if (!vector_value_.empty()) {
    value_change(word, vector_value_);
    vector_value_.clear();
    return;
  }
  switch (word[0]) {
    case '#':
      fstWriterEmitTimeChange(fst_, std::strtoull(word.c_str() + 1, nullptr, 10));
      break;
    case 'b':
    case 'B':
    case 'r':
    case 'R':
      vector_value_ = word;
      break;
    case '0':
    case '1':
    case 'x':
    case 'X':
    case 'z':
    case 'Z':
      value_change(word.substr(1), word.substr(0, 1));
      break;
    default:  // $dumpvars, $end and the like: no values of their own
      break;
  }
}

void FstWaveformFile::header_command(const std::vector<std::string>& words) {
  if (words.empty()) return;
  const std::string& command = words[0];
  if (command == "$timescale" && words.size() >= 2) {
    std::string scale;
    for (size_t i = 1; i < words.size(); ++i) scale += words[i];
    fstWriterSetTimescaleFromString(fst_, scale.c_str());
  } else if (command == "$scope" && words.size() >= 3) {
    fstWriterSetScope(fst_, FST_ST_VCD_MODULE, words[2].c_str(), nullptr);
  } else if (command == "$upscope") {
    fstWriterSetUpscope(fst_);
  } else if (command == "$var" && words.size() >= 5) {
    // $var TYPE WIDTH CODE NAME [RANGE]: a code seen before is an alias of that variable.
    const auto width = static_cast<uint32_t>(std::strtoul(words[2].c_str(), nullptr, 10));
    std::string name = words[4];
    for (size_t i = 5; i < words.size(); ++i) name += " " + words[i];
    const fstVarType type = variable_type(words[1]);
    const auto found = variables_.find(words[3]);
    const fstHandle alias = found == variables_.end() ? 0 : found->second.handle;
    const fstHandle handle =
        fstWriterCreateVar(fst_, type, FST_VD_IMPLICIT, width, name.c_str(), alias);
    if (found == variables_.end()) {
      variables_[words[3]] = Variable{handle, width, type == FST_VT_VCD_REAL};
    }
  } else if (command == "$enddefinitions") {
    in_header_ = false;
  }
}

void FstWaveformFile::value_change(const std::string& code, const std::string& value) {
  const auto found = variables_.find(code);
  if (found == variables_.end()) return;
  const Variable& variable = found->second;
  if (variable.real) {
    const double number = std::strtod(value.c_str() + 1, nullptr);
    fstWriterEmitValueChange(fst_, variable.handle, &number);
    return;
  }
  // Scalars come as one character; vectors as b<bits>, left-extended with 0 (or with x or z
  // when those lead) to the variable's width.
  std::string bits = value[0] == 'b' || value[0] == 'B' ? value.substr(1) : value;
  if (bits.size() < variable.width) {
    const char fill =
        bits[0] == 'x' || bits[0] == 'z' || bits[0] == 'X' || bits[0] == 'Z' ? bits[0] : '0';
    bits.insert(0, variable.width - bits.size(), fill);
  } else if (bits.size() > variable.width) {
    bits.erase(0, bits.size() - variable.width);
  }
  fstWriterEmitValueChange(fst_, variable.handle, bits.c_str());
}

}  // namespace pumptwin::asic
