include(GoogleTest)

# pumptwin_add_gtest(NAME LABEL <folder> SOURCES ... [LIBS ...] [SYSTEMC])
# Each test case runs in its own process (SystemC elaborates once per process). SYSTEMC tests
# get an sc_main that runs GoogleTest and turns SystemC errors and warnings into failures.
function(pumptwin_add_gtest name)
  cmake_parse_arguments(T "SYSTEMC" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  if(T_SYSTEMC)
    target_link_libraries(${name} PRIVATE ${T_LIBS} pumptwin_sc_gtest_main)
  else()
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  endif()
  pumptwin_warnings(${name})
  gtest_discover_tests(${name}
    TEST_PREFIX "${T_LABEL}."
    PROPERTIES LABELS ${T_LABEL}
    DISCOVERY_MODE PRE_TEST
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()
