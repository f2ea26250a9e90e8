# Our own code builds warning-clean with these; generated (Verilated) code is exempt.
function(pumptwin_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()
