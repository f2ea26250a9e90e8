// twin/faults: the injector on a running platform (docs/faults.md): mechanism loads add up and
// clear one by one, an internal short drains the cell and loads the shaft, timed faults end
// themselves, growing ones grow as stated, and requests the twin cannot honour are refused with
// their reason. The scenario-level behaviour of every fault is in scenarios/faults/.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "fault_injector.h"
#include "platform.h"

namespace pumptwin::faults {
namespace {

using sc_core::SC_SEC;
using sc_core::sc_time;

// The extra shaft torque the drive train carries: the load at the motor above the unloaded
// one, brought back through the gear (torque at the shaft = at the motor x ratio x efficiency).
double extra_shaft_nm(const platform::Platform& platform, double unloaded_at_motor_nm) {
  const mech::GearTrainParams gear = platform::PlatformConfig{}.gear;
  return (platform.drive_train.load_at_motor_nm() - unloaded_at_motor_nm) * gear.ratio *
         gear.efficiency;
}

FaultRequest request(const std::string& name, std::map<std::string, double> values = {}) {
  return FaultRequest{name, std::move(values), {}};
}

TEST(Faults, MechanismLoadsAddUpAndClearOneByOne) {
  platform::Platform::use_time_resolution();
  platform::Platform platform("platform", {});
  FaultInjector injector(platform, 1);
  double shaft_alone = 0.0;
  double both = 0.0;
  double drain_a = 0.0;
  double after_clear = 0.0;
  double drain_after_clear_a = 1.0;
  double none = 1.0;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    const double unloaded = platform.drive_train.load_at_motor_nm();
    injector.inject(request("shaft_load", {{"torque", 0.02}}));
    shaft_alone = extra_shaft_nm(platform, unloaded);
    injector.inject(request("internal_short"));  // defaults: 5 mA, 0.05 N.m
    both = extra_shaft_nm(platform, unloaded);
    drain_a = platform.power.parasitic_load_a();
    injector.clear("internal_short");
    after_clear = extra_shaft_nm(platform, unloaded);
    drain_after_clear_a = platform.power.parasitic_load_a();
    injector.clear("shaft_load");
    none = extra_shaft_nm(platform, unloaded);
  });
  EXPECT_NEAR(shaft_alone, 0.02, 1e-12);
  EXPECT_NEAR(both, 0.07, 1e-12);
  EXPECT_DOUBLE_EQ(drain_a, 0.005);
  EXPECT_NEAR(after_clear, 0.02, 1e-12);
  EXPECT_DOUBLE_EQ(drain_after_clear_a, 0.0);
  EXPECT_NEAR(none, 0.0, 1e-12);
  EXPECT_TRUE(injector.active().empty());
}

TEST(Faults, TimedFaultsEndThemselvesAndGrowingOnesGrowAsStated) {
  platform::Platform::use_time_resolution();
  platform::Platform platform("platform", {});
  FaultInjector injector(platform, 1);
  double jammed = 0.0;
  bool active_while_jammed = false;
  double freed = 1.0;
  bool active_after = true;
  double worn_half = 0.0;
  double worn_full = 0.0;
  double corroded_half = 0.0;
  platform.run([&] {
    sc_core::wait(sc_time(1, SC_SEC));
    const double unloaded = platform.drive_train.load_at_motor_nm();
    injector.inject(request("foreign_particle", {{"torque", 0.05}, {"duration", 600.0}}));
    sc_core::wait(sc_time(599, SC_SEC));
    jammed = extra_shaft_nm(platform, unloaded);
    active_while_jammed = injector.injected("foreign_particle");
    sc_core::wait(sc_time(2, SC_SEC));
    freed = extra_shaft_nm(platform, unloaded);
    active_after = injector.injected("foreign_particle");
    // Rising linearly to 0.05 N.m over 20 000 s, updated every 100 s.
    injector.inject(request("shaft_wear", {{"torque", 0.05}, {"growth", 20000.0}}));
    sc_core::wait(sc_time(10000, SC_SEC));
    worn_half = extra_shaft_nm(platform, unloaded);
    sc_core::wait(sc_time(10100, SC_SEC));
    worn_full = extra_shaft_nm(platform, unloaded);
    injector.clear("shaft_wear");
    // Quadratic: a quarter of the torque at half the growth time.
    injector.inject(request("gear_corrosion", {{"torque", 0.05}, {"growth", 20000.0}}));
    sc_core::wait(sc_time(10000, SC_SEC));
    corroded_half = extra_shaft_nm(platform, unloaded);
  });
  EXPECT_NEAR(jammed, 0.05, 1e-12);
  EXPECT_TRUE(active_while_jammed);
  EXPECT_NEAR(freed, 0.0, 1e-12);
  EXPECT_FALSE(active_after);
  EXPECT_NEAR(worn_half, 0.025, 0.05 * 100.0 / 20000.0 + 1e-12);
  EXPECT_NEAR(worn_full, 0.05, 1e-12);
  EXPECT_NEAR(corroded_half, 0.0125, 0.05 * 2.0 * 0.5 * 100.0 / 20000.0 + 1e-12);
}

TEST(Faults, RequestsTheTwinCannotHonourAreRefusedWithTheirReason) {
  platform::Platform::use_time_resolution();
  platform::Platform platform("platform", {});
  FaultInjector injector(platform, 1);
  std::string unknown;
  std::string missing;
  platform.run([&] {
    try {
      injector.inject(request("shaft_seized"));
    } catch (const std::invalid_argument& error) {
      unknown = error.what();
    }
    try {
      injector.inject(request("shaft_load"));  // torque is required
    } catch (const std::invalid_argument& error) {
      missing = error.what();
    }
  });
  EXPECT_EQ(unknown, "unknown fault 'shaft_seized'");
  EXPECT_EQ(missing, "fault 'shaft_load': missing parameter 'torque'");
  // A refused request leaves nothing behind for a later clear to find.
  EXPECT_FALSE(injector.injected("shaft_load"));
  EXPECT_TRUE(injector.active().empty());
}

}  // namespace
}  // namespace pumptwin::faults
