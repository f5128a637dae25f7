// Every GeoTIFF of the shared real data that io/tiff_tiles decodes, read in
// blocks, against GDAL reading it whole.
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
      if (!TiffTiles::open(info)) continue;
      ++decoded_here;
      const Region whole{.rows = {0, info.size.rows}, .cols = {0, info.size.cols}};
      BlockBuffer expected(info.type, 1, whole);
      REQUIRE(test::Dataset(path)->GetRasterBand(band)->RasterIO(
                  GF_Read, 0, 0, static_cast<int>(info.size.cols), static_cast<int>(info.size.rows), expected.band_data(0),
                  static_cast<int>(info.size.cols), static_cast<int>(info.size.rows), to_gdal(info.type), 0, 0) == CE_None);
      const std::size_t row_bytes = static_cast<std::size_t>(info.size.cols) * size_of(info.type);
      // Blocks of 100 rows, as the engine reads them for an operation without a halo.
      const auto reader = open_reader(info, 0);
      for (std::int64_t first = 0; first < info.size.rows; first += 100) {
        const Region window{.rows = {first, std::min(info.size.rows, first + 100)}, .cols = whole.cols};
        INFO(path << " band " << band << " rows " << window.rows.begin << "-" << window.rows.end);
        BlockBuffer mine(info.type, 1, window);
        reader->read(mine);
        CHECK(std::memcmp(mine.band_data(0), expected.band_data(0) + static_cast<std::size_t>(window.rows.begin) * row_bytes,
                          static_cast<std::size_t>(window.rows.rows()) * row_bytes) == 0);
      }
    }
  }
  // Sentinel-2, Sentinel-1, Landsat 8, the Copernicus DEM, rasterio's RGB, ...
  CHECK(decoded_here >= 15);
}
