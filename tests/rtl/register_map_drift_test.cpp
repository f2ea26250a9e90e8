// docs/asic-registers.md is the register map's single source of truth: the RTL package and the
// firmware's header must say exactly what its two tables say.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "../../firmware/drivers/motor_driver_regs.h"

namespace {

namespace regs = pumpfw::asic;

struct DocRegister {
  unsigned address;
  std::string access;
  unsigned reset;
};
struct FieldSpan {
  unsigned lsb;
  unsigned width;
  bool operator==(const FieldSpan& o) const { return lsb == o.lsb && width == o.width; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, DocRegister> doc_registers() {
  const std::string doc = read_file("docs/asic-registers.md");
  std::map<std::string, DocRegister> result;
  const std::regex row(
      R"(\| 0x([0-9A-F]{2}) \| ([A-Z0-9_]+) \| (R|RW|W1C|W) \| 0x([0-9A-F]{4}) \|)");
  for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
    result[(*it)[2]] = {static_cast<unsigned>(std::stoul((*it)[1], nullptr, 16)), (*it)[3],
                        static_cast<unsigned>(std::stoul((*it)[4], nullptr, 16))};
  }
  return result;
}

std::map<std::string, FieldSpan> doc_fields() {
  const std::string doc = read_file("docs/asic-registers.md");
  std::map<std::string, FieldSpan> result;
  const std::regex row(R"(\| ([A-Z_]+) \| ([A-Z0-9_]+) \| (\d+)(?::(\d+))? \|)");
  for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
    const unsigned high = std::stoul((*it)[3]);
    const unsigned low = (*it)[4].matched ? std::stoul((*it)[4]) : high;
    result[std::string((*it)[1]) + "_" + std::string((*it)[2])] = {low, high - low + 1};
  }
  return result;
}

const std::map<std::string, regs::RegisterInfo>& header_registers() {
  using namespace regs::reg;
  static const std::map<std::string, regs::RegisterInfo> registers{
      {"CHIP_ID", kChipId},
      {"REVISION", kRevision},
      {"CTRL", kCtrl},
      {"MOVE_STEPS", kMoveSteps},
      {"STEP_PERIOD", kStepPeriod},
      {"CURRENT_LIMIT", kCurrentLimit},
      {"STATUS", kStatus},
      {"STEPS_REMAINING", kStepsRemaining},
      {"FAULT", kFault},
      {"INT_MASK", kIntMask},
      {"INT_STATUS", kIntStatus},
      {"TOTAL_STEPS_LO", kTotalStepsLo},
      {"TOTAL_STEPS_HI", kTotalStepsHi},
      {"STALL_CONFIG", kStallConfig},
      {"ADC_CTRL", kAdcCtrl},
      {"ADC_MOTOR_CURRENT", kAdcMotorCurrent},
      {"ADC_BATTERY", kAdcBattery},
      {"ADC_TEMPERATURE", kAdcTemperature},
      {"ADC_PRESSURE_RESERVOIR", kAdcPressureReservoir},
      {"ADC_PRESSURE_OUTLET", kAdcPressureOutlet},
      {"WDT_KICK", kWdtKick},
      {"WDT_TIMEOUT", kWdtTimeout},
      {"WDT_REMAINING", kWdtRemaining},
      {"ALARM_TONE", kAlarmTone},
  };
  return registers;
}

const std::map<std::string, regs::Field>& header_fields() {
  using namespace regs::field;
  static const std::map<std::string, regs::Field> fields{
      {"CTRL_ENABLE", kCtrlEnable},
      {"CTRL_DIR", kCtrlDir},
      {"CTRL_STEP_MODE", kCtrlStepMode},
      {"CTRL_SLEEP", kCtrlSleep},
      {"CTRL_STOP", kCtrlStop},
      {"STATUS_BUSY", kStatusBusy},
      {"STATUS_ADC_BUSY", kStatusAdcBusy},
      {"STATUS_TONE_ACTIVE", kStatusToneActive},
      {"STATUS_RESET_REQUEST", kStatusResetRequest},
      {"FAULT_OVERCURRENT", kFaultOvercurrent},
      {"FAULT_STALL", kFaultStall},
      {"FAULT_OPEN_LOAD", kFaultOpenLoad},
      {"FAULT_UNDERVOLTAGE", kFaultUndervoltage},
      {"FAULT_OVERTEMPERATURE", kFaultOvertemperature},
      {"FAULT_SPI_ERROR", kFaultSpiError},
      {"FAULT_WATCHDOG", kFaultWatchdog},
      {"INT_STATUS_FAULTS", kIntStatusFaults},
      {"INT_STATUS_MOVE_DONE", kIntStatusMoveDone},
      {"INT_STATUS_ADC_DONE", kIntStatusAdcDone},
      {"STALL_CONFIG_RISE_TIME_US", kStallConfigRiseTimeUs},
      {"STALL_CONFIG_COUNT", kStallConfigCount},
      {"ADC_CTRL_CHANNELS", kAdcCtrlChannels},
      {"ADC_CTRL_START", kAdcCtrlStart},
      {"ALARM_TONE_PATTERN", kAlarmTonePattern},
  };
  return fields;
}

TEST(RegisterMap, DocMatchesRtlAndFirmwareHeader) {
  const auto doc = doc_registers();
  ASSERT_EQ(doc.size(), 24u) << "the register table in docs/asic-registers.md did not parse";
  const std::string rtl = read_file("rtl/motor_driver_regs_pkg.sv");

  std::map<std::string, unsigned> rtl_addresses, rtl_resets;
  const std::regex address(R"(localparam logic \[6:0\] ADDR_([A-Z0-9_]+) = 7'h([0-9A-F]+);)");
  for (std::sregex_iterator it(rtl.begin(), rtl.end(), address), end; it != end; ++it)
    rtl_addresses[(*it)[1]] = std::stoul((*it)[2], nullptr, 16);
  const std::regex reset(R"(localparam logic \[15:0\] RESET_([A-Z0-9_]+) = 16'h([0-9A-F]+);)");
  for (std::sregex_iterator it(rtl.begin(), rtl.end(), reset), end; it != end; ++it)
    rtl_resets[(*it)[1]] = std::stoul((*it)[2], nullptr, 16);

  EXPECT_EQ(rtl_addresses.size(), doc.size()) << "the RTL package and the doc list other registers";
  EXPECT_EQ(header_registers().size(), doc.size()) << "the header and the doc list other registers";
  for (const auto& [name, entry] : doc) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(rtl_addresses.count(name)) << "missing in rtl/motor_driver_regs_pkg.sv";
    EXPECT_EQ(rtl_addresses[name], entry.address);
    EXPECT_EQ(rtl_resets[name], entry.reset);
    ASSERT_TRUE(header_registers().count(name)) << "missing in motor_driver_regs.h";
    EXPECT_EQ(header_registers().at(name).address, entry.address);
    EXPECT_EQ(header_registers().at(name).reset_value, entry.reset);
  }
}

TEST(RegisterMap, FieldsMatchRtlAndFirmwareHeader) {
  const auto doc = doc_fields();
  ASSERT_EQ(doc.size(), header_fields().size()) << "the field table and the header differ";
  const std::string rtl = read_file("rtl/motor_driver_regs_pkg.sv");
  std::map<std::string, FieldSpan> rtl_fields;
  const std::regex lsb(R"(localparam int ([A-Z0-9_]+)_LSB = (\d+);)");
  for (std::sregex_iterator it(rtl.begin(), rtl.end(), lsb), end; it != end; ++it) {
    const std::string name = (*it)[1];
    const std::regex width("localparam int " + name + R"(_WIDTH = (\d+);)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rtl, m, width)) << name << " has no _WIDTH";
    rtl_fields[name] = {static_cast<unsigned>(std::stoul((*it)[2])),
                        static_cast<unsigned>(std::stoul(m[1]))};
  }
  EXPECT_EQ(rtl_fields.size(), doc.size());
  for (const auto& [name, span] : doc) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(header_fields().count(name)) << "missing in motor_driver_regs.h";
    const regs::Field field = header_fields().at(name);
    EXPECT_EQ((FieldSpan{field.lsb, field.width}), span);
    ASSERT_TRUE(rtl_fields.count(name)) << "missing in rtl/motor_driver_regs_pkg.sv";
    EXPECT_EQ(rtl_fields[name], span);
  }
}

TEST(RegisterMap, FrameCrcMatchesDocumentedPolynomial) {
  // The documented definition (poly 0x2F, init 0xFF, no reflection, no final XOR) computed
  // byte-wise must agree with the frame helper's bit-serial form.
  uint8_t crc = 0xFF;
  for (uint8_t byte : {0x31, 0x32, 0x33}) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i)
      crc = (crc & 0x80) ? static_cast<uint8_t>((crc << 1) ^ 0x2F) : static_cast<uint8_t>(crc << 1);
  }
  EXPECT_EQ(regs::frame_crc8(0x313233), crc);
  // A frame differing in one bit has a different CRC.
  EXPECT_NE(regs::frame_crc8(0x020000), regs::frame_crc8(0x020001));
}

}  // namespace
