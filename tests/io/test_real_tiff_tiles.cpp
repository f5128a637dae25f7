// Every GeoTIFF of the shared real data that io/tiff_tiles decodes, read as
// the engine reads, with and without a halo, against GDAL reading it whole.
#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>

#include "io/gdal.hpp"
#include "io/raster_input.hpp"
#include "io/tiff_tiles.hpp"
#include "support/data_dir.hpp"
#include "support/test_support.hpp"

using namespace geostrip;

TEST_CASE("real GeoTIFFs read from their tiles equal GDAL's reading", "[data]") {
  int decoded_here = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(test::data_dir())) {
    std::string extension = entry.path().extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    if (extension != ".tif" && extension != ".tiff") continue;
    const std::string path = entry.path().string();
    const int bands = test::Dataset(path)->GetRasterCount();
    for (int band = 1; band <= bands; ++band) {
      const InputInfo info = describe_input("src", FileSpec(path, band));
      if (!TiffTiles::open(info, {})) continue;
      ++decoded_here;
      const Region whole{.rows = {0, info.size.rows}, .cols = {0, info.size.cols}};
      BlockBuffer expected(info.type, 1, whole);
      REQUIRE(test::Dataset(path)->GetRasterBand(band)->RasterIO(
                  GF_Read, 0, 0, static_cast<int>(info.size.cols), static_cast<int>(info.size.rows), expected.band_data(0),
                  static_cast<int>(info.size.cols), static_cast<int>(info.size.rows), to_gdal(info.type), 0, 0) == CE_None);
      const std::size_t row_bytes = static_cast<std::size_t>(info.size.cols) * size_of(info.type);
      // As the engine reads without a halo: blocks of 100 rows. With a 7x7
      // window's: each block in column chunks of 128, left to right, each
      // with 3 rows and columns beyond it.
      for (const int halo : {0, 3}) {
        const auto reader = open_reader(info, {.rows = 2 * halo, .cols = 2 * halo});
        for (std::int64_t first = 0; first < info.size.rows; first += 100)
          for (std::int64_t col = 0; col < info.size.cols; col += halo ? 128 : info.size.cols) {
            const Region window{.rows = {std::max<std::int64_t>(0, first - halo), std::min(info.size.rows, first + 100 + halo)},
                                .cols = {std::max<std::int64_t>(0, col - halo),
                                         std::min(info.size.cols, col + (halo ? 128 : info.size.cols) + halo)}};
            INFO(path << " band " << band << " halo " << halo << " rows " << window.rows.begin << "-" << window.rows.end
                      << " cols " << window.cols.begin << "-" << window.cols.end);
            BlockBuffer mine(info.type, 1, window);
            reader->read(mine);
            const std::size_t pixel = size_of(info.type);
            bool same = true;
            for (std::int64_t row = window.rows.begin; row < window.rows.end; ++row)
              same = same && std::memcmp(mine.band_data(0) + static_cast<std::size_t>((row - window.rows.begin) * window.cols.rows()) * pixel,
                                         expected.band_data(0) + (static_cast<std::size_t>(row) * row_bytes +
                                                                  static_cast<std::size_t>(window.cols.begin) * pixel),
                                         static_cast<std::size_t>(window.cols.rows()) * pixel) == 0;
            CHECK(same);
          }
      }
    }
  }
  // Sentinel-2, Sentinel-1, Landsat 8, the Copernicus DEM, rasterio's RGB, ...
  CHECK(decoded_here >= 15);
}
