#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include "core/error.hpp"
#include "io/raster_input.hpp"

using namespace geostrip;

namespace {
std::string wkt_of(int epsg) {
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string out = wkt;
  CPLFree(wkt);
  return out;
}

InputInfo input(const std::string& name, RasterSize size, GeoTransform transform, int epsg) {
  return {.spec = InputSpec(name, name + ".tif"), .size = size, .georef = {transform, wkt_of(epsg)}};
}
}  // namespace

TEST_CASE("inputs on one grid pass the check", "[io]") {
  const GeoTransform t{399960, 10, 0, 5300040, 0, -10};
  const std::vector<InputInfo> inputs{input("a", {10, 20}, t, 32633), input("b", {10, 20}, t, 32633)};
  CHECK_NOTHROW(check_same_grid(inputs));
}

TEST_CASE("a grid difference names both inputs and the property", "[io]") {
  const GeoTransform t{399960, 10, 0, 5300040, 0, -10};
  GeoTransform shifted = t;
  shifted[0] += 10;
  const InputInfo a = input("a", {10, 20}, t, 32633);
  CHECK_THROWS_WITH(check_same_grid(std::vector{a, input("b", {10, 21}, t, 32633)}),
                    Catch::Contains("size") && Catch::Contains("a=a.tif") && Catch::Contains("b=b.tif"));
  CHECK_THROWS_WITH(check_same_grid(std::vector{a, input("b", {10, 20}, shifted, 32633)}),
                    Catch::Contains("geotransform") && Catch::Contains("399970"));
  CHECK_THROWS_WITH(check_same_grid(std::vector{a, input("b", {10, 20}, t, 32632)}),
                    Catch::Contains("CRS") && Catch::Contains("EPSG:32632") && Catch::Contains("EPSG:32633"));
}
