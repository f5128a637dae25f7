#pragma once
#include <cstdlib>
#include <string>

namespace geostrip::test {

// The shared real rasters: $GEOSTRIP_DATA, else ../shared/data beside the checkout.
inline std::string data_dir() {
  if (const char* env = std::getenv("GEOSTRIP_DATA")) return env;
  return GEOSTRIP_DATA_DIR;
}

}  // namespace geostrip::test
