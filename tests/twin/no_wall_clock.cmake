# The twin never reads the wall clock (docs/architecture.md, "Time and the wall clock"): only
# bench/ paces against wall time. Fails when it does, looked at twice:
#  - the sources under TWIN_DIR name no wall clock;
#  - the twin's own libraries (LIBRARIES, |-separated) call no function that reads the wall
#    clock or waits on it, whatever header it came from (a timed condition-variable wait, a
#    sleep, a Boost.Asio timer all end up in one of these).
# cmake -DTWIN_DIR=... -DNM=... -DLIBRARIES=a.a|b.a|... -P no_wall_clock.cmake
cmake_minimum_required(VERSION 3.25)
string(REPLACE "|" ";" LIBRARIES "${LIBRARIES}")
set(found "")

file(GLOB_RECURSE sources ${TWIN_DIR}/*.h ${TWIN_DIR}/*.cpp)
foreach(source IN LISTS sources)
  file(STRINGS ${source} lines REGEX
       "steady_clock|system_clock|high_resolution_clock|gettimeofday|clock_gettime|(^|[^A-Za-z0-9_.])time\\(")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    string(APPEND found "  ${source}: ${line}\n")
  endforeach()
endforeach()

# Undefined symbols, demangled: chrono's clocks, libc's clocks, timed waits and sleeps.
set(clock_symbols
    "std::chrono::_V2::steady_clock::now" "std::chrono::_V2::system_clock::now"
    "clock_gettime" "gettimeofday" "time" "ftime" "timespec_get" "pthread_cond_timedwait"
    "pthread_cond_clockwait" "nanosleep" "clock_nanosleep" "usleep" "sleep")
foreach(library IN LISTS LIBRARIES)
  execute_process(COMMAND ${NM} --demangle --undefined-only ${library}
                  OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${library}")
  endif()
  string(REPLACE "\n" ";" symbols "${symbols}")
  foreach(symbol IN LISTS symbols)
    string(REGEX REPLACE "^ *U " "" name "${symbol}")
    string(REGEX REPLACE "(\\(.*|@.*)$" "" name "${name}")
    if(name IN_LIST clock_symbols)
      string(APPEND found "  ${library}: calls ${name}\n")
    endif()
  endforeach()
endforeach()

list(LENGTH LIBRARIES library_count)
if(library_count LESS 5)
  message(FATAL_ERROR "only ${library_count} twin libraries to look at: ${LIBRARIES}")
endif()
if(found)
  message(FATAL_ERROR "the twin reads the wall clock (only bench/ may):\n${found}")
endif()
message(STATUS "no wall clock in ${TWIN_DIR} nor in ${library_count} libraries")
