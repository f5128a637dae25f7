# -DGEOSTRIP_SANITIZE=ON builds everything with ASan and UBSan (use with CMAKE_BUILD_TYPE=Debug).
if(GEOSTRIP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
