#include <catch2/catch.hpp>

#include "geometry/georeference.hpp"

using namespace geostrip;

TEST_CASE("a strided grid scales the pixel size and keeps GCPs where they are on the ground", "[geometry]") {
  Georeference georef{.transform = GeoTransform{500000, 10, 0, 4000000, 0, -10},
                      .crs_wkt = "",
                      .gcps = {{.id = "1", .pixel = 64, .line = 30, .x = 78.1, .y = 10.7, .z = 255}},
                      .gcp_crs_wkt = ""};
  const Georeference looks = scale(georef, {4, 2});
  CHECK(*looks.transform == GeoTransform{500000, 20, 0, 4000000, 0, -40});
  REQUIRE(looks.gcps.size() == 1);
  CHECK(looks.gcps[0].pixel == 32);
  CHECK(looks.gcps[0].line == 7.5);
  CHECK(looks.gcps[0].x == 78.1);
  CHECK(looks.gcps[0].id == "1");
}

TEST_CASE("GCPs are the same within a millionth of a pixel and a billionth on the ground", "[geometry]") {
  const std::vector<Gcp> a{{.pixel = 0, .line = 0, .x = 78.2039030529351, .y = 10.7375483336348, .z = 255.3}};
  std::vector<Gcp> b = a;
  b[0].pixel += 1e-7;
  b[0].x += 1e-12;
  CHECK(same_gcps(a, b));
  b[0].line += 1e-3;
  CHECK_FALSE(same_gcps(a, b));
  CHECK_FALSE(same_gcps(a, {}));
  b = a;
  b[0].y += 1e-6;
  CHECK_FALSE(same_gcps(a, b));
}
