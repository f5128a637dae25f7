// Grids and mosaics as a user meets them (PRODUCT.md section 4), checked
// against GDAL's own tools: gdal_translate cuts the pieces, gdalwarp -et 0
// and gdal_rasterize make the references.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <filesystem>
#include <cstring>
#include <fstream>

#include <gdal_alg.h>

#include "support/grid_support.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

std::string srcwin(const std::string& from, const std::string& to, int col, int row, int cols, int rows) {
  REQUIRE(run_command("gdal_translate -q -srcwin " + std::to_string(col) + " " + std::to_string(row) + " " +
                      std::to_string(cols) + " " + std::to_string(rows) + " " + from + " " + to)
              .exit_code == 0);
  return to;
}

// A synthetic scene: B08 and B04, UInt16 with nodata 0 (an orbit-edge wedge).
struct Scene {
  TempDir dir;
  std::string b08 = dir / "scene/B08.tif", b04 = dir / "scene/B04.tif";
  Scene() { REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 300x400").exit_code == 0); }
};

CommandResult copy_of(const std::string& source, const std::string& output, const std::string& extra = "") {
  return run_geostrip("run expr -i b=" + source + " --expr b --type UInt16 -o " + output + " " + extra);
}

// `copy`, an expr copy of `original`, holds its pixels (its nodata, 0, as
// the copy's own nodata value).
void check_copy(const std::string& copy, const std::string& original) {
  CHECK(geotransform(copy) == geotransform(original));
  const auto ours = read_band<std::uint16_t>(copy), theirs = read_band<std::uint16_t>(original);
  REQUIRE(ours.size() == theirs.size());
  const auto nodata = static_cast<std::uint16_t>(Dataset(copy)->GetRasterBand(1)->GetNoDataValue());
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) wrong += ours[i] != (theirs[i] == 0 ? nodata : theirs[i]);
  CHECK(wrong == 0);
}

// Two float rasters agree within `relative`, with the same nodata (NaN) mask.
void check_close(const std::string& ours, const std::string& theirs, double relative) {
  const auto a = read_band<double>(ours), b = read_band<double>(theirs);
  REQUIRE(a.size() == b.size());
  std::size_t mask = 0, off = 0, valid = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) ++mask;
    else if (!std::isnan(a[i]) && ++valid && std::abs(a[i] - b[i]) > relative * std::max(1.0, std::abs(b[i]))) ++off;
  }
  CHECK(valid > a.size() / 4);
  CHECK(mask == 0);
  CHECK(off == 0);
}

// A mosaic of 2x2 tiles of a `size` scene across two UTM zones, copied by
// expr with `method` and `options`, against gdalwarp -et 0 with `method`
// and `warp_options` onto the same grid: within `relative`.
void check_two_zone_mosaic(const std::string& size, const std::string& method, const std::string& options,
                           const std::string& warp_options, double relative) {
  TempDir dir;
  const std::string scene = dir / "scene";
  REQUIRE(run_geostrip("synth s2 -o " + scene + " --size " + size + " --tiles 2x2 --overlap 8 --utm-split").exit_code ==
          0);
  const std::string ours = dir / "mosaic.tif", theirs = dir / "gdalwarp.tif";
  const auto run = run_geostrip("run expr -i b=@" + scene + "/B08.tiles.txt --expr b -o " + ours + " --resampling " +
                                method + " " + options);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  std::string sources;
  std::ifstream list(scene + "/B08.tiles.txt");
  for (std::string line; std::getline(list, line);) sources += " " + line;
  const auto reference = run_command("/usr/bin/python3 " + kWarpOnto + " " + ours + " " + theirs + " " + method +
                                     " Float32" + warp_options + sources);
  INFO(reference.output);
  REQUIRE(reference.exit_code == 0);
  check_close(ours, theirs, relative);
}

}  // namespace

TEST_CASE("a mosaic of two overlapping pieces of one raster equals it, for every mosaic rule", "[grid]") {
  Scene s;
  const std::string top = srcwin(s.b08, s.dir / "top.tif", 0, 0, 400, 170);
  const std::string bottom = srcwin(s.b08, s.dir / "bottom.tif", 0, 130, 400, 170);
  for (const char* rule : {"last", "first", "min", "max", "mean"}) {
    INFO(rule);
    const std::string out = s.dir / (std::string(rule) + ".tif");
    const auto run = copy_of(bottom + "," + top, out, std::string("--mosaic ") + rule + " --block-rows 37");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    check_copy(out, s.b08);
  }
}

TEST_CASE("a mosaic of 400 tiles runs under ulimit -n 128 and equals the raster", "[grid]") {
  Scene s;
  const std::string list = cut_into_tiles(s.b08, s.dir.path().string(), 20, 20);
  const std::string out = s.dir / "mosaic.tif";
  const auto run = run_command("sh -c 'ulimit -n 128 && " + std::string(GEOSTRIP_BINARY) + " run expr -i b=@" + list +
                               " --expr b --type UInt16 -o " + out + " --threads 2 --block-rows 16' 2>&1");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  check_copy(out, s.b08);
}

TEST_CASE("a mosaic across two UTM zones equals gdalwarp -et 0 with bilinear resampling", "[grid]") {
  // GDAL widens a kernel by the ratio of the chunk it warps to the source
  // window that chunk needs, which differs per chunk (and per tile of a
  // mosaic); geostrip fixes it per file, at the file's own scale (about 1
  // here), and gdalwarp is told the same.
  check_two_zone_mosaic("500x600", "bilinear", "--block-rows 37", " -wo XSCALE=1 -wo YSCALE=1", 1e-5);
}

TEST_CASE("a mosaic across two UTM zones equals gdalwarp -et 0 with nearest resampling, pixel for pixel", "[grid]") {
  // Nearest interpolates coordinates between exact ones on a lattice and
  // transforms exactly only where a pick could differ: the picks are exact.
  check_two_zone_mosaic("900x1000", "near", "--block-rows 37 --threads 2", "", 0);
}

TEST_CASE("a chosen grid (--grid FILE) has FILE's size and geotransform", "[grid]") {
  Scene s;
  const std::string grid = s.dir / "grid.tif";
  REQUIRE(run_command("gdal_translate -q -srcwin 40 30 200 150 -outsize 100 75 " + s.b04 + " " + grid).exit_code == 0);
  const std::string out = s.dir / "ndi.tif";
  const auto run = run_geostrip("run ndi -i a=" + s.b08 + " -i b=" + s.b04 + " --grid " + grid +
                                " --resampling average -o " + out);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(Dataset(out)->GetRasterXSize() == 100);
  CHECK(Dataset(out)->GetRasterYSize() == 75);
  CHECK(geotransform(out) == geotransform(grid));
}

TEST_CASE("an extent clips: on the inputs' pixel corners it is read as it is, the window of the whole", "[grid]") {
  Scene s;
  const auto t = geotransform(s.b08);
  const std::string whole = s.dir / "whole.tif", clipped = s.dir / "clipped.tif";
  REQUIRE(run_geostrip("run ndi -i a=" + s.b08 + " -i b=" + s.b04 + " -o " + whole).exit_code == 0);
  // Columns 50-249, rows 20-139.
  const std::string extent = std::to_string(t[0] + 50 * t[1]) + "," + std::to_string(t[3] + 140 * t[5]) + "," +
                             std::to_string(t[0] + 250 * t[1]) + "," + std::to_string(t[3] + 20 * t[5]);
  const auto run = run_geostrip("run ndi -i a=" + s.b08 + " -i b=" + s.b04 + " --extent " + extent + " -o " + clipped);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE(Dataset(clipped)->GetRasterXSize() == 200);
  REQUIRE(Dataset(clipped)->GetRasterYSize() == 120);
  CHECK(geotransform(clipped) == std::array<double, 6>{t[0] + 50 * t[1], t[1], 0, t[3] + 20 * t[5], 0, t[5]});
  const auto all = read_band<float>(whole), part = read_band<float>(clipped);
  std::size_t wrong = 0;
  for (std::size_t r = 0; r < 120; ++r)
    wrong += std::memcmp(part.data() + r * 200, all.data() + (r + 20) * 400 + 50, 200 * sizeof(float)) != 0;
  CHECK(wrong == 0);
}

TEST_CASE("a 1e-7 m shift of one input's geotransform is the same grid: read as it is", "[grid]") {
  Scene s;
  const std::string shifted = s.dir / "shifted.tif";
  const auto t = geotransform(s.b04);
  char ullr[200];
  std::snprintf(ullr, sizeof ullr, "%.9f %.9f %.9f %.9f", t[0] + 1e-7, t[3], t[0] + 1e-7 + 400 * t[1], t[3] + 300 * t[5]);
  REQUIRE(run_command("gdal_translate -q -a_ullr " + std::string(ullr) + " " + s.b04 + " " + shifted).exit_code == 0);
  REQUIRE(geotransform(shifted) != t);
  const auto plan = run_geostrip("plan ndi -i a=" + s.b08 + " -i b=" + shifted + " -o " + s.dir / "x.tif");
  INFO(plan.output);
  CHECK_THAT(plan.output, Catch::Contains("input b: " + shifted + ", read as it is"));
  const std::string ours = s.dir / "shifted_ndi.tif", plain = s.dir / "plain_ndi.tif";
  REQUIRE(run_geostrip("run ndi -i a=" + s.b08 + " -i b=" + shifted + " -o " + ours).exit_code == 0);
  REQUIRE(run_geostrip("run ndi -i a=" + s.b08 + " -i b=" + s.b04 + " -o " + plain).exit_code == 0);
  CHECK(read_raw(ours) == read_raw(plain));
}

TEST_CASE("a cutline makes every pixel outside its polygons nodata, as gdal_rasterize decides them", "[grid]") {
  Scene s;
  const auto t = geotransform(s.b08);
  const std::string cutline = s.dir / "cut.geojson";
  // A polygon with a hole, its corners off the pixel centres.
  const auto x = [&](double col) { return std::to_string(t[0] + col * t[1]); };
  const auto y = [&](double row) { return std::to_string(t[3] + row * t[5]); };
  write_file(cutline, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                      "\"urn:ogc:def:crs:EPSG::32633\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" + x(20.13) + "," + y(10.31) + "],[" +
                      x(350.77) + "," + y(40.21) + "],[" + x(300.41) + "," + y(280.93) + "],[" + x(30.29) + "," +
                      y(250.17) + "],[" + x(20.13) + "," + y(10.31) + "]],[[" + x(100.3) + "," + y(100.6) + "],[" +
                      x(200.7) + "," + y(110.2) + "],[" + x(150.1) + "," + y(190.9) + "],[" + x(100.3) + "," +
                      y(100.6) + "]]]}}]}");
  const std::string out = s.dir / "cut.tif", mask = s.dir / "mask.tif";
  const auto run = copy_of(s.b08, out, "--cutline " + cutline + " --block-rows 37");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run_command("gdal_rasterize -q -burn 1 -ot Byte -te " + x(0) + " " + y(300) + " " + x(400) + " " + y(0) +
                      " -ts 400 300 " + cutline + " " + mask).exit_code == 0);
  const auto cut = read_band<std::uint16_t>(out), full = read_band<std::uint16_t>(s.b08);
  const auto inside = read_band<std::uint8_t>(mask);
  const double nodata = Dataset(out)->GetRasterBand(1)->GetNoDataValue();
  std::size_t wrong = 0, kept = 0;
  for (std::size_t i = 0; i < cut.size(); ++i) {
    if (inside[i] && full[i] != 0) {
      kept += 1;
      wrong += cut[i] != full[i];
    } else {
      wrong += cut[i] != nodata;
    }
  }
  CHECK(kept > 30000);
  CHECK(wrong == 0);
}

TEST_CASE("an RPC input keeps its RPCs (scaled by multilook) and is warped through them with --crs", "[grid]") {
  Scene s;
  // B04 placed by an RPC model alone: lines follow latitude, samples longitude, slightly skewed.
  const std::string rpc = s.dir / "rpc.tif";
  REQUIRE(run_command("cp " + s.b04 + " " + rpc).exit_code == 0);
  REQUIRE(run_command("/usr/bin/python3 -c \"from osgeo import gdal\n"
                      "ds = gdal.Open('" + rpc + "', gdal.GA_Update)\n"
                      "ds.SetGeoTransform([0, 1, 0, 0, 0, 1]); ds.SetProjection('')\n"
                      "zeros = ' '.join(['0'] * 16)\n"
                      "ds.SetMetadata({'LINE_OFF': '150', 'SAMP_OFF': '200', 'LAT_OFF': '47.0', 'LONG_OFF': '8.0',"
                      " 'HEIGHT_OFF': '0', 'LINE_SCALE': '150', 'SAMP_SCALE': '200', 'LAT_SCALE': '0.015',"
                      " 'LONG_SCALE': '0.02', 'HEIGHT_SCALE': '500',"
                      " 'LINE_NUM_COEFF': '0 0 -1 0 0.02 ' + zeros[:-2],"
                      " 'LINE_DEN_COEFF': '1 ' + zeros + ' 0 0 0', 'SAMP_NUM_COEFF': '0 1 0.01 0 ' + zeros,"
                      " 'SAMP_DEN_COEFF': '1 ' + zeros + ' 0 0 0'}, 'RPC')\n"
                      "ds = None\"").exit_code == 0);
  REQUIRE(Dataset(rpc)->GetMetadata("RPC"));
  const std::string kept = s.dir / "kept.tif", looks = s.dir / "looks.tif";
  REQUIRE(copy_of(rpc, kept).exit_code == 0);
  REQUIRE(run_geostrip("run multilook -i src=" + rpc + " --looks 2x4 -o " + looks).exit_code == 0);
  {
    Dataset in(rpc), out(kept);
    for (const char* key : {"LINE_OFF", "SAMP_SCALE", "LINE_NUM_COEFF", "SAMP_DEN_COEFF"})
      CHECK(std::string(out->GetMetadataItem(key, "RPC")) == in->GetMetadataItem(key, "RPC"));
  }
  // A point on the ground is at the same place in both, in pixels scaled by the looks.
  const auto to_ground = [](const std::string& path, double pixel, double line) {
    Dataset ds(path);
    char* options[] = {const_cast<char*>("DST_SRS=EPSG:4326"), nullptr};
    void* transformer = GDALCreateGenImgProjTransformer2(GDALDataset::ToHandle(ds.operator->()), nullptr, options);
    REQUIRE(transformer);
    double x = pixel, y = line, z = 0;
    int ok = 0;
    GDALGenImgProjTransform(transformer, FALSE, 1, &x, &y, &z, &ok);
    GDALDestroyGenImgProjTransformer(transformer);
    CHECK(ok);
    return std::array<double, 2>{x, y};
  };
  const auto a = to_ground(rpc, 100, 60), b = to_ground(looks, 100.0 / 4, 60.0 / 2);
  CHECK(a[0] == Approx(b[0]).epsilon(1e-10));
  CHECK(a[1] == Approx(b[1]).epsilon(1e-10));

  const std::string warped = s.dir / "wgs84.tif", theirs = s.dir / "gdalwarp.tif";
  const auto run = copy_of(rpc, warped, "--crs EPSG:4326 --block-rows 37");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run_command("/usr/bin/python3 " + kWarpOnto + " " + warped + " " + theirs + " near UInt16 " + rpc).exit_code ==
          0);
  const auto ours = read_band<std::uint16_t>(warped), reference = read_band<std::uint16_t>(theirs);
  const auto nodata = static_cast<std::uint16_t>(Dataset(warped)->GetRasterBand(1)->GetNoDataValue());
  std::size_t wrong = 0, valid = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    valid += reference[i] != 0;
    wrong += ours[i] != (reference[i] == 0 ? nodata : reference[i]);
  }
  CHECK(valid > 50000);
  CHECK(wrong == 0);
}
