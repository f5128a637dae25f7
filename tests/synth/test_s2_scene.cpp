#include <catch2/catch.hpp>

#include "synth/noise.hpp"
#include "synth/s2_scene.hpp"

using namespace geostrip;

TEST_CASE("noise depends only on position and seed", "[synth]") {
  CHECK(synth::fbm(12.5, 7.25, 4, 3) == synth::fbm(12.5, 7.25, 4, 3));
  CHECK(synth::fbm(12.5, 7.25, 4, 3) != synth::fbm(12.5, 7.25, 4, 4));
  for (int i = 0; i < 1000; ++i) {
    const double v = synth::value_noise(i * 0.37, i * 0.11, 9);
    REQUIRE(v >= -1.0);
    REQUIRE(v <= 1.0);
  }
}

TEST_CASE("the synthetic Sentinel-2 scene looks like surface reflectance", "[synth]") {
  const RasterSize size{600, 600};
  std::int64_t valid = 0, nodata = 0, vegetated = 0, water = 0;
  for (std::int64_t r = 0; r < size.rows; r += 3)
    for (std::int64_t c = 0; c < size.cols; c += 3) {
      const auto [b02, b03, b04, b08] = synth::s2_pixel(r, c, size, 1);
      if (b02 == 0) {
        CHECK((b03 == 0 && b04 == 0 && b08 == 0));  // nodata in all bands together
        ++nodata;
        continue;
      }
      ++valid;
      const double ndvi = (double(b08) - b04) / (double(b08) + b04);
      vegetated += ndvi > 0.4;
      water += ndvi < 0;
      REQUIRE(b02 < 12000);
    }
  // An orbit-edge wedge of nodata, mostly land with vegetation, some water.
  CHECK(nodata > valid / 20);
  CHECK(vegetated > valid / 4);
  CHECK(water > 0);
}
