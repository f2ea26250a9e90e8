# The firmware's portable sources, shared by the host library (CMakeLists.txt) and the
# Cortex-M0+ build (ports/cortex-m0plus/build_target.cmake), so the two can never diverge.
set(PUMPFW_SOURCES
  app/alarms.cpp
  app/battery_monitor.cpp
  app/crc.cpp
  app/dose_engine.cpp
  app/drug_library.cpp
  app/event_log.cpp
  app/link_security.cpp
  app/nvm_record.cpp
  app/pump.cpp
  app/pump_commands.cpp
  app/telemetry_link.cpp
  app/therapy.cpp
  drivers/asic_driver.cpp
)
set(PUMPFW_EMBEDDED_FLAGS -fno-exceptions -fno-rtti -fno-threadsafe-statics)
