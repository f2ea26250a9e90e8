# Cross-compiles the firmware for the Cortex-M0+ (with debug information for gdb-multiarch; it
# is not loaded into flash) and checks its memory budget.
#   cmake -DFIRMWARE_DIR=<repo>/firmware -DGENERATED_DIR=<build>/generated/firmware
#         -DOUTPUT_DIR=<dir> -P build_target.cmake
# (GENERATED_DIR holds drivers/motor_driver_regs.h, generated from rtl/motor_driver_regs.yaml.)
# Fails on any compiler warning (-Werror), a link error, flash over 64 KiB or RAM (data, bss
# and the stack) over 12 KiB. Run as the CTest test firmware.cortex_m0plus_build.
cmake_minimum_required(VERSION 3.25)

set(flash_budget_bytes 65536)
set(ram_budget_bytes 12288)

include(${FIRMWARE_DIR}/sources.cmake)
set(port_dir ${FIRMWARE_DIR}/ports/cortex-m0plus)
find_program(arm_gxx arm-none-eabi-g++ REQUIRED)
find_program(arm_size arm-none-eabi-size REQUIRED)

set(sources)
foreach(source IN LISTS PUMPFW_SOURCES)
  list(APPEND sources ${FIRMWARE_DIR}/${source})
endforeach()
list(APPEND sources ${port_dir}/startup.cpp ${port_dir}/m0plus_hal.cpp ${port_dir}/main.cpp)

file(MAKE_DIRECTORY ${OUTPUT_DIR})
set(elf ${OUTPUT_DIR}/pumpfw_m0plus.elf)
execute_process(
  COMMAND ${arm_gxx} -mcpu=cortex-m0plus -mthumb -Os -g -std=c++17 -ffunction-sections
          -fdata-sections ${PUMPFW_EMBEDDED_FLAGS} -Wall -Wextra -Wpedantic -Werror
          -I${FIRMWARE_DIR} -I${GENERATED_DIR} -I${port_dir}
          -nostartfiles --specs=nano.specs --specs=nosys.specs
          -Wl,--gc-sections -Wl,-T,${port_dir}/pumpfw_m0plus.ld
          -Wl,-Map,${OUTPUT_DIR}/pumpfw_m0plus.map
          ${sources} -o ${elf}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "Cortex-M0+ build failed")
endif()

execute_process(COMMAND ${arm_size} ${elf} OUTPUT_VARIABLE size_report RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "arm-none-eabi-size failed")
endif()
message("${size_report}")
# Berkeley format: text data bss dec hex filename.
string(REGEX MATCH "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" row "${size_report}")
set(text_bytes ${CMAKE_MATCH_1})
set(data_bytes ${CMAKE_MATCH_2})
set(bss_bytes ${CMAKE_MATCH_3})
math(EXPR flash_bytes "${text_bytes} + ${data_bytes}")
math(EXPR ram_bytes "${data_bytes} + ${bss_bytes}")
message("Cortex-M0+ flash: ${flash_bytes} of ${flash_budget_bytes} bytes budget (128 KiB part)")
message("Cortex-M0+ RAM:   ${ram_bytes} of ${ram_budget_bytes} bytes budget (16 KiB part; "
        "includes the stack)")
if(flash_bytes GREATER flash_budget_bytes)
  message(FATAL_ERROR "flash over budget")
endif()
if(ram_bytes GREATER ram_budget_bytes)
  message(FATAL_ERROR "RAM over budget")
endif()
