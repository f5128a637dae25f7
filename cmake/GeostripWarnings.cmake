# Warnings for geostrip's own targets; third-party headers are included as SYSTEM.
add_library(geostrip_warnings INTERFACE)
target_compile_options(geostrip_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(GEOSTRIP_WERROR)
  target_compile_options(geostrip_warnings INTERFACE -Werror)
endif()
