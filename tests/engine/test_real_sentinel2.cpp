// ndi and rgb on real Sentinel-2 L2A bands, checked against gdal_calc.py and
// the PRODUCT.md formula.
#include <catch2/catch.hpp>
#include <cmath>

#include "support/data_dir.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

// The tile has no nodata pixels; declaring one of B04's common values as
// nodata punches about a thousand scattered holes into it.
constexpr int kHoleValue = 3410;

std::string s2_band(const std::string& band) {
  return data_dir() + "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_" + band + ".tif";
}

// The output is tiled, compressed, on exactly the input's grid.
void check_same_grid_as_input(const std::string& output, const std::string& input) {
  Dataset out(output), in(input);
  CHECK(out->GetRasterXSize() == in->GetRasterXSize());
  CHECK(out->GetRasterYSize() == in->GetRasterYSize());
  double to[6], ti[6];
  out->GetGeoTransform(to);
  in->GetGeoTransform(ti);
  for (int i = 0; i < 6; ++i) CHECK(to[i] == ti[i]);
  CHECK(out->GetSpatialRef()->IsSame(in->GetSpatialRef()));
  int tile_cols = 0, tile_rows = 0;
  out->GetRasterBand(1)->GetBlockSize(&tile_cols, &tile_rows);
  CHECK(tile_cols == 512);
  CHECK(tile_rows == 512);
  CHECK(metadata(output, "COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE");
}

}  // namespace

TEST_CASE("ndi of Sentinel-2 B08 and B04 equals gdal_calc.py with the same nodata mask", "[real-data]") {
  TempDir dir;
  const std::string ours = dir / "ndvi.tif", theirs = dir / "gdal_calc.tif", b04 = dir / "B04_holes.vrt";
  const auto run = run_geostrip("run ndi -i a=" + s2_band("B08") + " -i b=" + s2_band("B04") + " -o " + ours +
                                " --block-rows 37 --nodata b=" + std::to_string(kHoleValue));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run_command("gdal_translate -q -of VRT -a_nodata " + std::to_string(kHoleValue) + " " + s2_band("B04") +
                      " " + b04).exit_code == 0);
  const auto calc = run_command("/usr/bin/python3 /usr/bin/gdal_calc.py --quiet -A " + s2_band("B08") + " -B " +
                                b04 +
                                " --calc='(A.astype(float)-B)/(A.astype(float)+B)' --type=Float32"
                                " --NoDataValue=-9999 --outfile=" + theirs);
  INFO(calc.output);
  REQUIRE(calc.exit_code == 0);

  const auto a = read_band<float>(ours), b = read_band<float>(theirs);
  REQUIRE(a.size() == b.size());
  std::size_t nodata = 0, mismatched_mask = 0, off = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool ours_nodata = std::isnan(a[i]), theirs_nodata = b[i] == -9999.0f;
    nodata += ours_nodata;
    if (ours_nodata != theirs_nodata) ++mismatched_mask;
    else if (!ours_nodata && std::abs(a[i] - b[i]) > 1e-6f) ++off;
  }
  CHECK(nodata > 500);  // the masks compared really have holes
  CHECK(mismatched_mask == 0);
  CHECK(off == 0);
  CHECK(std::isnan(Dataset(ours)->GetRasterBand(1)->GetNoDataValue()));
  check_same_grid_as_input(ours, s2_band("B08"));
}

TEST_CASE("rgb of Sentinel-2 B04, B03, B02 follows the formula within 1 DN, with alpha", "[real-data]") {
  TempDir dir;
  const std::string out = dir / "rgb.tif";
  const auto run = run_geostrip("run rgb -i red=" + s2_band("B04") + " -i green=" + s2_band("B03") + " -i blue=" +
                                s2_band("B02") + " -o " + out + " --clamp 3000 --gamma 2.2 --threads 2 --nodata red=" +
                                std::to_string(kHoleValue));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);

  const std::vector<float> inputs[3] = {read_band<float>(s2_band("B04")), read_band<float>(s2_band("B03")),
                                        read_band<float>(s2_band("B02"))};
  const auto alpha = read_band<unsigned char>(out, 4);
  std::size_t transparent = 0, off = 0;
  for (int band = 0; band < 3; ++band) {
    const auto dn = read_band<unsigned char>(out, band + 1);
    for (std::size_t i = 0; i < dn.size(); ++i) {
      const bool nodata = inputs[0][i] == kHoleValue || inputs[1][i] == 0 || inputs[2][i] == 0;
      const double unit = std::min(std::max(double(inputs[band][i]), 0.0), 3000.0) / 3000.0;
      const double expected = nodata ? 0 : std::round(255 * std::pow(unit, 1 / 2.2));
      if (std::abs(dn[i] - expected) > 1) ++off;
      if (band == 0) {
        transparent += alpha[i] == 0;
        CHECK(alpha[i] == (nodata ? 0 : 255));
      }
    }
  }
  CHECK(transparent > 500);
  CHECK(off == 0);
  Dataset ds(out);
  CHECK(ds->GetRasterBand(4)->GetColorInterpretation() == GCI_AlphaBand);
  for (const auto& [band, name] : {std::pair{1, "red"}, {2, "green"}, {3, "blue"}, {4, "alpha"}})
    CHECK(std::string(ds->GetRasterBand(band)->GetDescription()) == name);
  check_same_grid_as_input(out, s2_band("B04"));
}
