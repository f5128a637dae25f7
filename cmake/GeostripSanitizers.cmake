# -DGEOSTRIP_SANITIZE=ON builds everything with ASan and UBSan (use with CMAKE_BUILD_TYPE=Debug).
if(GEOSTRIP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# What every test process needs in the sanitizer build: suppressions for the
# MPI and GDAL libraries' process-lifetime allocations, with full stacks
# (those libraries have no frame pointers) so the suppressions can match.
set(GEOSTRIP_SANITIZER_TEST_ENVIRONMENT)
if(GEOSTRIP_SANITIZE)
  set(GEOSTRIP_SANITIZER_TEST_ENVIRONMENT
    LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0)
endif()
