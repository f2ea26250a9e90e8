// Runs one fixed stimulus against the ASIC model in the mode named on the command line and
// prints everything an observer can see: every phase-output change, every change of IRQ,
// reset request and tone, with its time in ns, and the registers at the end. Lockstep and
// decoupled runs must print the same bytes (tests/twin/asic_cosim_test.cpp).
#include <cstdio>
#include <cstring>

#include "asic_bench.h"

namespace {

using pumptwin::asic::MotorDriverAsic;
using pumptwin::testing::AsicBench;
using pumptwin::testing::now_ns;
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

// A frame read (or written) and printed with its MISO word.
void logged_transfer(AsicBench& bench, bool write, uint8_t address, uint16_t data) {
  const uint32_t miso = bench.transfer(regs::make_frame(write, address, data));
  std::printf("%llu frame %c 0x%02x miso 0x%08x\n", static_cast<unsigned long long>(now_ns()),
              write ? 'w' : 'r', address, miso);
}

// Frames at scattered instants (any ns) while a move runs, which bulk edges take in with their
// pin changes in decoupled mode.
void scattered_frames(AsicBench& bench) {
  using namespace regs::reg;
  bench.start_move(60, regs::StepMode::kHalf, 1000);
  uint32_t lcg = 12345;
  for (int frame = 0; frame < 150; ++frame) {
    lcg = lcg * 1664525u + 1013904223u;
    sc_core::wait(ns(lcg % 7919));
    const auto address = static_cast<uint8_t>((lcg >> 24) % (kAlarmTone.address + 1));
    if (address == kWdtKick.address) {
      logged_transfer(bench, true, address, regs::kWdtKickKey);
    } else {
      logged_transfer(bench, false, address, 0);
    }
  }
  wait_and_clear(bench);
}

// A frame that the core clock stopping (or the supply failing) cuts at `cut_ns` into it, for
// `gap_ns`: its cycles no longer follow from its pin changes.
void cut_frame(AsicBench& bench, uint64_t cut_ns, uint64_t gap_ns, bool power) {
  sc_core::sc_spawn([&bench, cut_ns, gap_ns, power] {
    sc_core::wait(ns(cut_ns));
    if (power) {
      bench.asic.set_powered(false);
    } else {
      bench.asic.set_core_clock_stopped(true);
    }
    sc_core::wait(ns(gap_ns));
    if (power) {
      bench.asic.set_powered(true);
    } else {
      bench.asic.set_core_clock_stopped(false);
    }
  });
  logged_transfer(bench, false, regs::reg::kChipId.address, 0);
  logged_transfer(bench, false, regs::reg::kFault.address, 0);
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
  scattered_frames(bench);
  // Stopped across the register read (eighth SCLK rise at 64 µs), and in the data bits.
  cut_frame(bench, 60'250, 9'000, false);
  cut_frame(bench, 100'000, 30'000, false);
  bench.write(kFault, 0x7F);
  bench.write(kIntStatus, 0x1FF);
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
  // The supply fails in the middle of a frame and comes back: the chip starts from reset.
  cut_frame(bench, 50'500, 40'000, true);

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
