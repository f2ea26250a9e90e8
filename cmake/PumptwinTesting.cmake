include(GoogleTest)

# pumptwin_add_gtest(NAME LABEL <folder> SOURCES ... [LIBS ...] [SYSTEMC] [SYSTEMC_CHILDREN])
# Each test case runs in its own process (SystemC elaborates once per process). SYSTEMC tests
# get an sc_main that runs GoogleTest and turns SystemC errors and warnings into failures;
# every test whose libraries link SystemC must be one (libsystemc's main calls sc_main; only
# --as-needed hides the missing sc_main, and not in the Debug asan build).
# SYSTEMC_CHILDREN marks plain tests that run SystemC programs as child processes.
function(pumptwin_add_gtest name)
  cmake_parse_arguments(T "SYSTEMC;SYSTEMC_CHILDREN;RUN_SERIAL" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  if(T_SYSTEMC)
    target_link_libraries(${name} PRIVATE ${T_LIBS} pumptwin_sc_gtest_main)
  else()
    target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  endif()
  pumptwin_warnings(${name})
  set(environment "")
  if((T_SYSTEMC OR T_SYSTEMC_CHILDREN) AND PUMPTWIN_SANITIZE)
    # LeakSanitizer does not fit SystemC's coroutines: its tracer faults now and then on their
    # stacks' guard pages, and what lives only on the stack of a thread still suspended at the
    # end of the simulation is reported as leaked. Address and undefined-behaviour checks stay
    # on for these tests.
    set(environment ENVIRONMENT ASAN_OPTIONS=detect_leaks=0)
  endif()
  if(T_RUN_SERIAL)
    # Tests that assert a wall-clock deadline the user relies on (Ctrl-C ends a run within a
    # second): alone on the machine, so another test's load cannot make them miss it.
    list(APPEND environment RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name}
    TEST_PREFIX "${T_LABEL}."
    PROPERTIES LABELS ${T_LABEL} ${environment}
    DISCOVERY_MODE PRE_TEST
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# One test per shipped scenario (`scenarios/**.yaml` but the requirement and hazard lists),
# named PREFIX.<path without .yaml> and labelled LABEL; ARGS go to pumpbench after the file.
# A cohort campaign (setup.cohort) runs through the suite: one worker process per member. A
# known gap (exit 4: an accepted residual risk shows, a requirement is NOT MET) is no pass:
# CTest reports it as skipped ("Not Run") and lists it at the end, never as passed.
function(pumptwin_add_scenario_tests)
  cmake_parse_arguments(S "" "PREFIX;LABEL;OUT_DIR" "ARGS" ${ARGN})
  file(GLOB_RECURSE scenarios CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
  foreach(scenario IN LISTS scenarios)
    get_filename_component(scenario_name ${scenario} NAME)
    if(scenario_name STREQUAL "requirements.yaml" OR scenario_name STREQUAL "hazards.yaml")
      continue()
    endif()
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR}/scenarios ${scenario})
    string(REGEX REPLACE "\\.yaml$" "" relative ${relative})
    set(test ${S_PREFIX}.${relative})
    if(relative MATCHES "^cohort/")
      add_test(NAME ${test}
        COMMAND pumpbench suite ${scenario} -j 1 ${S_ARGS} --out ${S_OUT_DIR}/${relative})
    else()
      add_test(NAME ${test}
        COMMAND pumpbench run ${scenario} --quiet ${S_ARGS} --out ${S_OUT_DIR}/${relative})
    endif()
    set_tests_properties(${test} PROPERTIES LABELS ${S_LABEL} SKIP_RETURN_CODE 4)
    if(PUMPTWIN_SANITIZE)
      # pumpbench is a SystemC program: see pumptwin_add_gtest for LeakSanitizer and coroutines.
      set_tests_properties(${test} PROPERTIES ENVIRONMENT ASAN_OPTIONS=detect_leaks=0)
    endif()
  endforeach()
endfunction()
