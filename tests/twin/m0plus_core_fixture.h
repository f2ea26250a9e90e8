// The Cortex-M0+ core alone on the small programs of mcu_images/core_test.S: the image
// (PUMPTWIN_MCU_TEST_IMAGE), an erased NVM, a bus that records the peripherals' accesses in
// place of the peripherals (no SystemC), and the core, run in quanta until it sleeps.
#pragma once

#include <gtest/gtest.h>

#include <unicorn/unicorn.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "m0plus_core.h"

namespace pumptwin::mcu {

// Every store to a peripheral in order; loads counted, read as 0.
struct RecordingBus final : M0PlusBus {
  struct Access {
    uint32_t address;
    uint32_t value;
  };
  std::vector<Access> writes;
  uint64_t reads = 0;
  uint32_t bus_read(uint32_t, unsigned) override {
    ++reads;
    return 0;
  }
  void bus_write(uint32_t address, unsigned, uint32_t value) override {
    writes.push_back({address, value});
  }
};

class M0PlusCoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    image_ = FirmwareImage::load(PUMPTWIN_MCU_TEST_IMAGE, error);
    ASSERT_NE(image_, nullptr) << error;
    core_ =
        std::make_unique<M0PlusCore>(image_, nvm_.data(), static_cast<uint32_t>(nvm_.size()), bus_);
  }
  uint32_t address_of(const char* name) const {
    const auto found = image_->symbol(name);
    EXPECT_TRUE(found.has_value()) << name;
    return found.value_or(0) & ~1u;
  }
  void start_at(const char* routine) { core_->write_register(UC_ARM_REG_PC, address_of(routine)); }
  uint32_t reg(int uc_register) const { return core_->read_register(uc_register); }
  // Runs in quanta of `quantum` cycles until WFI or lockup, at most `limit` quanta.
  M0PlusCore::Stop run_to_sleep(uint64_t quantum, uint32_t limit = 1'000'000) {
    M0PlusCore::Stop stop = M0PlusCore::Stop::kQuantum;
    for (uint32_t i = 0; i < limit && stop == M0PlusCore::Stop::kQuantum; ++i) {
      stop = core_->run(quantum);
    }
    return stop;
  }

  std::shared_ptr<const FirmwareImage> image_;
  std::vector<uint8_t> nvm_ = std::vector<uint8_t>(8192, 0xFF);
  RecordingBus bus_;
  std::unique_ptr<M0PlusCore> core_;
};

}  // namespace pumptwin::mcu
