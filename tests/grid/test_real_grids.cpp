// Grids on the real rasters: Sentinel-2's 20 m scene classification on its
// 10 m bands, and a Sentinel-1 GRD warped through its GCPs, against gdalwarp
// -et 0 and numpy (gdal_calc.py).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>

#include "support/data_dir.hpp"
#include "support/grid_support.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

const std::string kS2 = "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_";
const std::string kS1Vv = "/sentinel1_grd/S1A_IW_GRDH_1SDV_20180716T004042_iw-vv.tiff";

// Equal bit for bit (NaN included).
bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("NDVI masked by the 20 m SCL equals gdalwarp -et 0 -r near of SCL onto the bands, then numpy",
          "[real-data]") {
  TempDir dir;
  const std::string b08 = data_dir() + kS2 + "B08.tif", b04 = data_dir() + kS2 + "B04.tif",
                    scl = data_dir() + kS2 + "SCL.tif";
  const std::string ours = dir / "ndvi.tif", warped = dir / "scl_on_bands.tif", theirs = dir / "numpy.tif";
  const auto run = run_geostrip("run expr -i nir=" + b08 + " -i red=" + b04 + " -i scl=" + scl +
                                " --expr \"scl == 5 ? (nir - red) / (nir + red) : 0/0\" -o " + ours +
                                " --block-rows 37");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(Dataset(ours)->GetRasterXSize() == Dataset(b08)->GetRasterXSize());
  CHECK(geotransform(ours) == geotransform(b08));
  REQUIRE(run_command("/usr/bin/python3 " + kWarpOnto + " " + b08 + " " + warped + " near Byte " + scl).exit_code == 0);
  const auto calc = run_command("/usr/bin/python3 /usr/bin/gdal_calc.py --quiet --hideNoData -A " + b08 + " -B " + b04 +
                                " -C " + warped +
                                " --calc='where(C == 5, (A.astype(float64) - B) / (A.astype(float64) + B), nan)'"
                                " --type=Float32 --outfile=" + theirs);
  INFO(calc.output);
  REQUIRE(calc.exit_code == 0);
  const auto a = read_band<float>(ours), b = read_band<float>(theirs);
  std::size_t masked = 0;
  for (const float v : b) masked += std::isnan(v);
  CHECK(masked > 10000);      // the mask really masks
  CHECK(masked < b.size());   // and keeps some
  CHECK(same_floats(a, b));
}

TEST_CASE("the real B08 tile from two overlapping pieces, and from 400 tiles under ulimit -n 128, is the tile",
          "[real-data]") {
  TempDir dir;
  const std::string b08 = data_dir() + kS2 + "B08.tif";
  const std::string top = dir / "top.tif", bottom = dir / "bottom.tif";
  REQUIRE(run_command("gdal_translate -q -srcwin 0 0 1098 600 " + b08 + " " + top).exit_code == 0);
  REQUIRE(run_command("gdal_translate -q -srcwin 0 500 1098 598 " + b08 + " " + bottom).exit_code == 0);
  const std::string list = cut_into_tiles(b08, dir.path().string(), 20, 20);
  for (const std::string& source : {bottom + "," + top, "@" + list}) {
    INFO(source);
    const std::string out = dir / "mosaic.tif";
    const auto run = run_command("sh -c 'ulimit -n 128 && " + std::string(GEOSTRIP_BINARY) + " run expr -i b=" + source +
                                 " --expr b --type UInt16 --nodata b=65535 -o " + out + " --overwrite' 2>&1");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    CHECK(geotransform(out) == geotransform(b08));
    CHECK(read_band<std::uint16_t>(out) == read_band<std::uint16_t>(b08));
  }
}

TEST_CASE("a Sentinel-1 GRD warped through its GCPs (--crs EPSG:4326) equals gdalwarp -et 0 -r near, then the mean",
          "[real-data]") {
  TempDir dir;
  const std::string input = data_dir() + kS1Vv;
  const std::string ours = dir / "mean.tif", warped = dir / "gdalwarp.tif", suggested = dir / "suggested.tif";
  const auto run = run_geostrip("run mean -i src=" + input + " --window 3x3 --crs EPSG:4326 -o " + ours +
                                " --block-rows 37");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  // The grid is the one gdalwarp suggests for the same file.
  REQUIRE(run_command("gdalwarp -q -et 0 -t_srs EPSG:4326 " + input + " " + suggested).exit_code == 0);
  CHECK(Dataset(ours)->GetRasterXSize() == Dataset(suggested)->GetRasterXSize());
  CHECK(Dataset(ours)->GetRasterYSize() == Dataset(suggested)->GetRasterYSize());
  CHECK(geotransform(ours) == geotransform(suggested));
  CHECK(Dataset(ours)->GetGCPCount() == 0);
  REQUIRE(run_command("/usr/bin/python3 " + kWarpOnto + " " + ours + " " + warped + " near UInt16 " + input).exit_code ==
          0);
  // The mean of the valid (non-zero: outside the swath) pixels of each 3x3 window.
  const auto w = read_band<std::uint16_t>(warped);
  const auto m = read_band<float>(ours);
  const int cols = Dataset(ours)->GetRasterXSize(), rows = Dataset(ours)->GetRasterYSize();
  std::size_t off = 0, valid = 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const auto at = static_cast<std::size_t>(r) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(c);
      if (w[at] == 0) {
        off += !std::isnan(m[at]);
        continue;
      }
      double sum = 0;
      int n = 0;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc)
          if (r + dr >= 0 && r + dr < rows && c + dc >= 0 && c + dc < cols)
            if (const auto v = w[static_cast<std::size_t>(r + dr) * static_cast<std::size_t>(cols) +
                                 static_cast<std::size_t>(c + dc)];
                v != 0) {
              sum += v;
              ++n;
            }
      ++valid;
      off += m[at] != static_cast<float>(sum / n);
    }
  CHECK(valid > 500000);
  CHECK(off == 0);
}

TEST_CASE("a Sentinel-1 GRD warped by a first-order polynomial or a thin plate spline through its GCPs equals "
          "gdalwarp -order 1 or -tps", "[real-data]") {
  TempDir dir;
  const std::string input = data_dir() + kS1Vv;
  for (const auto& [ours_option, theirs_option] : {std::pair{"--gcp-order 1", "-order 1"}, {"--tps", "-tps"}}) {
    INFO(ours_option);
    const std::string ours = dir / "ours.tif", theirs = dir / "theirs.tif";
    const auto run = run_geostrip("run expr -i v=" + input + " --expr v --type UInt16 --crs EPSG:32643 " +
                                  ours_option + " -o " + ours + " --block-rows 37 --overwrite");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    REQUIRE(run_command("/usr/bin/python3 " + kWarpOnto + " " + ours + " " + theirs + " near UInt16 " +
                        theirs_option + " " + input).exit_code == 0);
    // expr writes UInt16 nodata as 65535 where gdalwarp leaves 0.
    const auto a = read_band<std::uint16_t>(ours), b = read_band<std::uint16_t>(theirs);
    REQUIRE(a.size() == b.size());
    std::size_t wrong = 0, valid = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      valid += b[i] != 0;
      wrong += a[i] != (b[i] == 0 ? 65535 : b[i]);
    }
    CHECK(valid > 500000);
    CHECK(wrong == 0);
  }
}
