# Warnings for geostrip's own targets; third-party headers are included as SYSTEM.
add_library(geostrip_warnings INTERFACE)
target_compile_options(geostrip_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  # GCC 12 warns of every member a designated initialiser leaves out, which is
  # their point: an operation's declaration names only what it sets.
  -Wno-missing-field-initializers)
if(GEOSTRIP_WERROR)
  target_compile_options(geostrip_warnings INTERFACE -Werror)
endif()
