// GeoTIFF tiles decoded by geostrip (io/tiff_tiles) against GDAL reading
// the same files: every layout it takes, whole and in windows, as the file's
// type and converted, and in a thread's reads with a halo; the layouts it leaves to GDAL; tiles not written and
// tiles damaged.
#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/raster_input.hpp"
#include "io/tiff_tiles.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::TempDir;

namespace {

constexpr int kRows = 203;  // neither tiles nor strips divide it
constexpr int kCols = 171;

// A band of `type` whose neighbouring values differ as in real scenes (so
// predictors matter), with noise, negative values, and NaN in floats.
std::vector<double> band_values(GDALDataType type, int band) {
  std::vector<double> values(static_cast<std::size_t>(kRows) * kCols);
  std::uint32_t state = 12345u + static_cast<std::uint32_t>(band);
  const bool floats = type == GDT_Float32 || type == GDT_Float64;
  const bool is_signed = type == GDT_Int16 || type == GDT_Int32 || floats;
  const double top = type == GDT_Byte ? 255 : type == GDT_Int16 || type == GDT_UInt16 ? 30000 : 2e9;
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c) {
      state = state * 1664525u + 1013904223u;
      const double noise = static_cast<double>(state >> 20) / 4096.0;
      double v = (std::sin(r * 0.05 + band) * 0.4 + 0.5 + 0.1 * noise) * top;
      if (is_signed && (r + c) % 7 == 0) v = -v / 2;
      if (floats) v = v * 1e-3 + noise * 1e-7;
      if (floats && state % 97 == 0) v = std::numeric_limits<double>::quiet_NaN();
      values[static_cast<std::size_t>(r) * kCols + c] = floats ? v : std::floor(v);
    }
  return values;
}

// A GeoTIFF made by GDAL from band_values() with `options`.
std::string make_tiff(const TempDir& dir, const std::string& name, GDALDataType type, int bands,
                      const std::vector<std::string>& options) {
  GDALAllRegister();
  GDALDataset* memory = GetGDALDriverManager()->GetDriverByName("MEM")->Create("", kCols, kRows, bands, type, nullptr);
  for (int b = 1; b <= bands; ++b) {
    std::vector<double> values = band_values(type, b);
    REQUIRE(memory->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, kCols, kRows, values.data(), kCols, kRows, GDT_Float64,
                                               0, 0) == CE_None);
  }
  CPLStringList creation;
  for (const auto& option : options) creation.AddString(option.c_str());
  const std::string path = dir / name;
  GDALDataset* file =
      GetGDALDriverManager()->GetDriverByName("GTiff")->CreateCopy(path.c_str(), memory, FALSE, creation.List(), nullptr, nullptr);
  REQUIRE(file);
  GDALClose(file);
  GDALClose(memory);
  return path;
}

// `region` of band `band` of `path` as `type`, read by GDAL.
BlockBuffer gdal_read(const std::string& path, int band, PixelType type, Region region) {
  BlockBuffer pixels(type, 1, region);
  test::Dataset ds(path);
  REQUIRE(ds->GetRasterBand(band)->RasterIO(
              GF_Read, static_cast<int>(region.cols.begin), static_cast<int>(region.rows.begin),
              static_cast<int>(region.cols.rows()), static_cast<int>(region.rows.rows()), pixels.band_data(0),
              static_cast<int>(region.cols.rows()), static_cast<int>(region.rows.rows()), to_gdal(type), 0, 0) == CE_None);
  return pixels;
}

bool same_bytes(const BlockBuffer& a, const BlockBuffer& b) {
  const auto bytes = static_cast<std::size_t>(a.rows().rows() * a.cols()) * size_of(a.type());
  return std::memcmp(a.band_data(0), b.band_data(0), bytes) == 0;
}

// Reads `path`'s band through TiffTiles, which must take it, as the file's
// type and as Float64: whole and in windows; every read equal to GDAL's.
void check_against_gdal(const std::string& path, int band) {
  const InputInfo info = describe_input("src", FileSpec(path, band));
  REQUIRE(TiffTiles::open(info, {}));
  for (const PixelType type : {info.type, PixelType::Float64}) {
    const std::vector<Region> windows = {
        {.rows = {0, kRows}, .cols = {0, kCols}},   {.rows = {5, 6}, .cols = {0, kCols}},
        {.rows = {63, 130}, .cols = {17, 150}},     {.rows = {200, 203}, .cols = {160, 171}},
        {.rows = {0, 64}, .cols = {64, 128}}};
    const auto tiles = TiffTiles::open(info, {});
    for (const Region& window : windows) {
      INFO(path << " band " << band << " as " << name_of(type) << " rows " << window.rows.begin << "-"
                << window.rows.end << " cols " << window.cols.begin << "-" << window.cols.end);
      BlockBuffer mine(type, 1, window);
      REQUIRE(tiles->read(mine));
      CHECK(same_bytes(mine, gdal_read(path, band, type, window)));
    }
  }
  // A thread's reads with a halo of 2 (blocks of 63 rows, column chunks of
  // 64): the rows kept between them, and the tiles' first rows decoded alone.
  constexpr int kHalo = 2;
  const auto tiles = TiffTiles::open(info, Halo{.rows = 2 * kHalo, .cols = 2 * kHalo});
  for (int row = 0; row < kRows; row += 63)
    for (int col = 0; col < kCols; col += 64) {
      const Region window{.rows = {std::max(0, row - kHalo), std::min(kRows, row + 63 + kHalo)},
                          .cols = {std::max(0, col - kHalo), std::min(kCols, col + 64 + kHalo)}};
      INFO(path << " band " << band << " with a halo, rows " << window.rows.begin << "-" << window.rows.end
                << " cols " << window.cols.begin << "-" << window.cols.end);
      BlockBuffer mine(info.type, 1, window);
      REQUIRE(tiles->read(mine));
      CHECK(same_bytes(mine, gdal_read(path, band, info.type, window)));
    }
}

}  // namespace

TEST_CASE("GeoTIFF tiles decoded by geostrip equal GDAL's reading for every layout it takes", "[io]") {
  TempDir dir;
  struct Case {
    GDALDataType type;
    int bands;
    std::vector<std::string> options;
  };
  const std::vector<Case> cases = {
      {GDT_UInt16, 1, {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "PREDICTOR=2"}},
      {GDT_Byte, 1, {"TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "PREDICTOR=2"}},
      {GDT_Int16, 1, {"TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=2"}},
      {GDT_Int32, 1, {"COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKYSIZE=7"}},
      {GDT_UInt32, 1, {"COMPRESS=DEFLATE", "ZLEVEL=9"}},
      {GDT_Float32, 1, {"TILED=YES", "BLOCKXSIZE=48", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"}},
      {GDT_Float64, 1, {"TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=3"}},
      {GDT_Float32, 1, {"BLOCKYSIZE=16"}},
      {GDT_UInt16, 3, {"TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "PREDICTOR=2", "INTERLEAVE=PIXEL"}},
      {GDT_Float32, 3, {"COMPRESS=DEFLATE", "PREDICTOR=3", "INTERLEAVE=PIXEL", "BLOCKYSIZE=5"}},
      {GDT_Int16, 2, {"TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=64", "COMPRESS=ZSTD", "PREDICTOR=2", "INTERLEAVE=BAND"}},
      {GDT_Byte, 3, {"COMPRESS=DEFLATE", "INTERLEAVE=PIXEL", "PHOTOMETRIC=RGB"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const std::string path = make_tiff(dir, "case" + std::to_string(i) + ".tif", c.type, c.bands, c.options);
    for (int band = 1; band <= c.bands; ++band) check_against_gdal(path, band);
  }
}

TEST_CASE("layouts geostrip does not decode itself are read by GDAL", "[io]") {
  TempDir dir;
  const std::vector<std::pair<GDALDataType, std::vector<std::string>>> others = {
      {GDT_UInt16, {"TILED=YES", "COMPRESS=LZW", "PREDICTOR=2"}},
      {GDT_UInt16, {"TILED=YES", "COMPRESS=DEFLATE", "ENDIANNESS=BIG"}},
      {GDT_Byte, {"TILED=YES", "COMPRESS=DEFLATE", "PIXELTYPE=SIGNEDBYTE"}},
      {GDT_Byte, {"COMPRESS=DEFLATE", "NBITS=4"}},
      {GDT_CFloat32, {"TILED=YES", "COMPRESS=DEFLATE"}},
  };
  for (std::size_t i = 0; i < others.size(); ++i) {
    const std::string path = make_tiff(dir, "other" + std::to_string(i) + ".tif", others[i].first, 1, others[i].second);
    INFO(path);
    const InputInfo info = describe_input("src", FileSpec(path));
    CHECK_FALSE(TiffTiles::open(info, {}));
    // And open_reader still reads it, through GDAL.
    const Region whole{.rows = {0, kRows}, .cols = {0, kCols}};
    BlockBuffer mine(info.type, 1, whole);
    open_reader(info, {})->read(mine);
    if (info.type != PixelType::Int8) CHECK(same_bytes(mine, gdal_read(path, 1, info.type, whole)));
  }
}

TEST_CASE("a tile not written reads as GDAL fills it and a damaged tile fails naming the file", "[io]") {
  TempDir dir;
  // A sparse file: GDAL skips the tiles of nodata only, and fills them back with it.
  GDALAllRegister();
  const std::string sparse = dir / "sparse.tif";
  {
    const char* options[] = {"TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE", nullptr};
    GDALDataset* file = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        sparse.c_str(), 100, 90, 1, GDT_Int16, const_cast<char**>(options));
    REQUIRE(file);
    file->GetRasterBand(1)->SetNoDataValue(-7);
    std::vector<std::int16_t> values(32 * 32, 42);
    REQUIRE(file->GetRasterBand(1)->RasterIO(GF_Write, 32, 32, 32, 32, values.data(), 32, 32, GDT_Int16, 0, 0) == CE_None);
    GDALClose(file);
  }
  const InputInfo info = describe_input("src", FileSpec(sparse));
  REQUIRE(TiffTiles::open(info, {}));
  const Region whole{.rows = {0, 90}, .cols = {0, 100}};
  BlockBuffer mine(PixelType::Int16, 1, whole);
  open_reader(info, {})->read(mine);
  CHECK(same_bytes(mine, gdal_read(sparse, 1, PixelType::Int16, whole)));
  CHECK(mine.band<std::int16_t>(0).data[0] == -7);
  CHECK(mine.band<std::int16_t>(0).data[40 * 100 + 40] == 42);

  // Garbage over the one written tile's DEFLATE stream.
  const std::vector<std::vector<std::byte>> tiles = test::raw_tiles(sparse);
  const auto written = std::find_if(tiles.begin(), tiles.end(), [](const auto& t) { return !t.empty(); });
  REQUIRE(written != tiles.end());
  std::string bytes = test::file_text(sparse);
  const auto at = bytes.find(std::string(reinterpret_cast<const char*>(written->data()), written->size()));
  REQUIRE(at != std::string::npos);
  for (std::size_t k = 2; k < written->size(); ++k) bytes[at + k] = static_cast<char>(0xA5 ^ k);
  std::ofstream(sparse, std::ios::binary | std::ios::trunc) << bytes;
  BlockBuffer damaged(PixelType::Int16, 1, whole);
  CHECK_THROWS_WITH(open_reader(describe_input("src", FileSpec(sparse)), {})->read(damaged),
                    Catch::Contains(sparse) && Catch::Contains("rows 0-89"));
}
