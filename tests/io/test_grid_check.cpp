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
  return {.file = FileSpec(name + ".tif"), .input = name, .size = size, .georef = {transform, wkt_of(epsg)}};
}
}  // namespace

TEST_CASE("inputs on one grid have no grid difference", "[io]") {
  const GeoTransform t{399960, 10, 0, 5300040, 0, -10};
  CHECK_FALSE(grid_difference(input("a", {10, 20}, t, 32633), input("b", {10, 20}, t, 32633)));
}

TEST_CASE("a grid difference names both inputs and the property", "[io]") {
  const GeoTransform t{399960, 10, 0, 5300040, 0, -10};
  GeoTransform shifted = t;
  shifted[0] += 10;
  const InputInfo a = input("a", {10, 20}, t, 32633);
  CHECK_THAT(grid_difference(a, input("b", {10, 21}, t, 32633)).value_or(""),
                    Catch::Contains("size") && Catch::Contains("a=a.tif") && Catch::Contains("b=b.tif"));
  CHECK_THAT(grid_difference(a, input("b", {10, 20}, shifted, 32633)).value_or(""),
                    Catch::Contains("geotransform") && Catch::Contains("399970"));
  CHECK_THAT(grid_difference(a, input("b", {10, 20}, t, 32632)).value_or(""),
                    Catch::Contains("CRS") && Catch::Contains("EPSG:32632") && Catch::Contains("EPSG:32633"));
}

TEST_CASE("inputs with ground control points are on one grid only with the same points", "[io]") {
  const auto with_gcps = [](const std::string& name, double line) {
    InputInfo info{.file = FileSpec(name + ".tif"), .input = name, .size = {10, 20}};
    info.georef.gcps = {{.pixel = 0, .line = line, .x = 78.2, .y = 10.7, .z = 255}};
    info.georef.gcp_crs_wkt = wkt_of(4326);
    return info;
  };
  CHECK_FALSE(grid_difference(with_gcps("vv", 0), with_gcps("vh", 1e-8)));
  CHECK_THAT(grid_difference(with_gcps("vv", 0), with_gcps("vh", 3)).value_or(""),
                    Catch::Contains("ground control points") && Catch::Contains("vh=vh.tif"));
  InputInfo none = with_gcps("plain", 0);
  none.georef.gcps.clear();
  CHECK_THAT(grid_difference(with_gcps("vv", 0), none).value_or(""),
                    Catch::Contains("1 GCPs") && Catch::Contains("0 GCPs"));
}
