// Main for tests on the real rasters in ../shared/data: exits 77 (CTest's
// skip code) when the data is absent, so a checkout without it skips cleanly.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "support/data_dir.hpp"

int main(int argc, char** argv) {
  const bool listing = argc > 1 && std::strncmp(argv[1], "--list", 6) == 0;
  if (!listing && !std::filesystem::is_directory(geostrip::test::data_dir())) {
    std::printf("skipped: no real data at %s\n", geostrip::test::data_dir().c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
