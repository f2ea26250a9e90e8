// sc_main for GoogleTest suites that build SystemC models: SystemC errors throw (and so fail
// the test that caused them), and a SystemC warning fails the test too, in the manner of
// VCML's test base. gtest_discover_tests runs each test in its own process, because SystemC
// elaborates once per process.
#include <gtest/gtest.h>

#include <systemc>

namespace {

class SystemcReportListener : public testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const testing::TestInfo& /*info*/) override {
    const int warnings = sc_core::sc_report_handler::get_count(sc_core::SC_WARNING);
    EXPECT_EQ(warnings, 0) << "SystemC reported warnings during the test";
  }
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR,
                                          sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL,
                                          sc_core::SC_DISPLAY | sc_core::SC_THROW);
  // The deprecation notice for sc_start() without arguments is not a model's warning.
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new SystemcReportListener);
  return RUN_ALL_TESTS();
}
