// Runs one fixed stimulus against the ASIC model in the mode named on the command line and
// prints everything an observer can see: every phase-output change, every change of IRQ,
// reset request and tone, with its time in ns, and the registers at the end. Lockstep and
// decoupled runs must print the same bytes (tests/twin/asic_cosim_test.cpp).
#include <cstdio>
#include <cstring>

#include "asic_bench.h"

namespace {

using pumptwin::testing::AsicBench;
using pumptwin::testing::now_ns;
using pumptwin::asic::MotorDriverAsic;
using pumptwin::testing::ns;
namespace regs = pumpfw::asic;

struct OutputLogger : sc_core::sc_module {
  SC_HAS_PROCESS(OutputLogger);
  explicit OutputLogger(const sc_core::sc_module_name& name, pumptwin::asic::MotorDriverAsic& asic)
      : sc_core::sc_module(name), asic_(asic) {
    SC_METHOD(log);
    sensitive << asic_.irq << asic_.reset_request << asic_.tone;
    dont_initialize();
  }
  void log() {
    std::printf("%llu outputs irq=%d reset=%d tone=%d\n", static_cast<unsigned long long>(now_ns()),
                asic_.irq.read(), asic_.reset_request.read(), asic_.tone.read());
  }
  pumptwin::asic::MotorDriverAsic& asic_;
};

void wait_and_clear(AsicBench& bench) {
  bench.wait_for_irq(ns(2'000'000'000));
  std::printf("%llu fault 0x%02x\n", static_cast<unsigned long long>(now_ns()),
              bench.read(regs::reg::kFault));
  bench.write(regs::reg::kFault, 0x7F);
  bench.write(regs::reg::kIntStatus, 0x1FF);
}

void stimulus(AsicBench& bench) {
  using namespace regs::reg;
  bench.asic.set_analog_input_v(pumptwin::asic::AnalogInput::kBattery, 1.62);
  bench.asic.set_analog_input_v(pumptwin::asic::AnalogInput::kTemperature, 0.91);
  bench.write(kIntMask, 0x1FF);
  bench.write(kWdtTimeout, 0x4000);
  bench.write(kWdtKick, regs::kWdtKickKey);

  bench.start_move(30, regs::StepMode::kFull, 2000);
  // A reader at an edge's own instant sees that edge in both modes, whichever process the
  // kernel runs first there (bring_to_now).
  for (int read = 0; read < 4; ++read) {
    sc_core::wait(ns(MotorDriverAsic::kCorePeriodNs - now_ns() % MotorDriverAsic::kCorePeriodNs +
                     7 * MotorDriverAsic::kCorePeriodNs));
    bench.asic.bring_to_now();
    std::printf("%llu read core_cycles %llu bridge_charge_as %a\n",
                static_cast<unsigned long long>(now_ns()),
                static_cast<unsigned long long>(bench.asic.core_cycles_evaluated()),
                bench.asic.bridge_charge_as());
  }
  wait_and_clear(bench);
  bench.write(kStallConfig, regs::field::kStallConfigCount.make(2) |
                                regs::field::kStallConfigRiseTimeUs.make(280));
  bench.start_move(40, regs::StepMode::kHalf, 1000, true);
  wait_and_clear(bench);
  bench.write(kStallConfig, regs::field::kStallConfigCount.make(2) |
                                regs::field::kStallConfigRiseTimeUs.make(45));
  bench.start_move(64, regs::StepMode::kEighth, 250);
  wait_and_clear(bench);
  bench.write(kStallConfig, kStallConfig.reset_value);

  bench.write(kAdcCtrl,
              regs::field::kAdcCtrlChannels.make(0x1F) | regs::field::kAdcCtrlStart.make(1));
  wait_and_clear(bench);

  bench.write(kAlarmTone, static_cast<uint16_t>(regs::TonePattern::kTwoTone));
  sc_core::wait(ns(1'600'000'000));
  bench.write(kAlarmTone, 0);

  bench.drive_train.set_extra_shaft_load_nm(0.05);
  bench.start_move(20, regs::StepMode::kFull, 2000);
  wait_and_clear(bench);
  bench.drive_train.set_extra_shaft_load_nm(0.0);
  bench.start_move(10, regs::StepMode::kFull, 2000);
  wait_and_clear(bench);

  // Winding faults: the current crosses the overcurrent limit, or never reaches its target.
  bench.drive_train.motor().set_phase_shorted(0, true);
  bench.start_move(20, regs::StepMode::kFull, 2000);
  wait_and_clear(bench);
  bench.drive_train.motor().set_phase_shorted(0, false);
  bench.drive_train.motor().set_phase_open(1, true);
  bench.start_move(20, regs::StepMode::kFull, 2000);
  wait_and_clear(bench);
  bench.drive_train.motor().set_phase_open(1, false);

  bench.write(kWdtTimeout, 4);
  bench.write(kWdtKick, regs::kWdtKickKey);
  sc_core::wait(bench.asic.reset_request.posedge_event());
  sc_core::wait(ns(3'000'000));

  for (uint8_t address = 0; address < 0x20; ++address) {
    const auto miso = regs::decode_miso(bench.transfer(regs::make_frame(false, address, 0)));
    std::printf("register 0x%02x = 0x%04x\n", address, miso.data);
  }
  std::printf("rotor_full_steps %lld displaced_volume_ul %.9f core_cycles %llu end %llu\n",
              static_cast<long long>(bench.drive_train.rotor_full_steps()),
              bench.drive_train.displaced_volume_ul(),
              static_cast<unsigned long long>(bench.asic.core_cycles_evaluated()),
              static_cast<unsigned long long>(now_ns()));
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  if (argc != 2 ||
      (std::strcmp(argv[1], "lockstep") != 0 && std::strcmp(argv[1], "decoupled") != 0)) {
    std::fprintf(stderr, "usage: %s lockstep|decoupled\n", argv[0]);
    return 2;
  }
  pumptwin::testing::use_twin_time_resolution();
  pumptwin::asic::MotorDriverAsicConfig config;
  config.mode = std::strcmp(argv[1], "lockstep") == 0 ? pumptwin::asic::SimulationMode::kLockstep
                                                      : pumptwin::asic::SimulationMode::kDecoupled;
  AsicBench bench(config);
  OutputLogger logger("logger", bench.asic);
  bench.asic.set_phase_observer([](uint64_t t, uint8_t a, uint8_t b) {
    std::printf("%llu phases a=%d b=%d\n", static_cast<unsigned long long>(t), a, b);
  });
  bench.run([&] { stimulus(bench); });
  return 0;
}
