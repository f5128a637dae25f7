#pragma once
// What the grid and mosaic tests share: tiles cut with GDAL's own
// gdal_translate (the C API), whose reference is the raster they came from;
// a raster's geotransform; and the gdalwarp reference script.
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <array>
#include <fstream>
#include <stdexcept>
#include <string>

namespace geostrip::test {

// tests/support/warp_onto.py: GDAL's warper painting sources onto exactly the grid of a raster.
inline const std::string kWarpOnto = std::string(GEOSTRIP_SOURCE_DIR) + "/tests/support/warp_onto.py";

inline std::array<double, 6> geotransform(const std::string& path) {
  GDALAllRegister();
  std::array<double, 6> t{};
  GDALDatasetH dataset = GDALOpen(path.c_str(), GA_ReadOnly);
  if (!dataset) throw std::runtime_error("cannot open " + path);
  GDALGetGeoTransform(dataset, t.data());
  GDALClose(dataset);
  return t;
}

// Cuts `raster` into rows x cols tiles DIR/tile_R_C.tif (the last row and
// column of tiles take what is left) and lists them, one a line, in the
// returned list file.
inline std::string cut_into_tiles(const std::string& raster, const std::string& dir, int rows, int cols) {
  GDALAllRegister();
  GDALDatasetH source = GDALOpen(raster.c_str(), GA_ReadOnly);
  if (!source) throw std::runtime_error("cannot open " + raster);
  const int width = GDALGetRasterXSize(source), height = GDALGetRasterYSize(source);
  const int tile_w = width / cols, tile_h = height / rows;
  const std::string list = dir + "/tiles.txt";
  std::ofstream out(list);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const std::string tile = dir + "/tile_" + std::to_string(i) + "_" + std::to_string(j) + ".tif";
      const int w = j + 1 < cols ? tile_w : width - j * tile_w, h = i + 1 < rows ? tile_h : height - i * tile_h;
      const std::string window[] = {std::to_string(j * tile_w), std::to_string(i * tile_h), std::to_string(w),
                                    std::to_string(h)};
      char* argv[] = {const_cast<char*>("-q"), const_cast<char*>("-srcwin"), const_cast<char*>(window[0].c_str()),
                      const_cast<char*>(window[1].c_str()), const_cast<char*>(window[2].c_str()),
                      const_cast<char*>(window[3].c_str()), nullptr};
      GDALTranslateOptions* options = GDALTranslateOptionsNew(argv, nullptr);
      GDALDatasetH written = GDALTranslate(tile.c_str(), source, options, nullptr);
      GDALTranslateOptionsFree(options);
      if (!written) throw std::runtime_error("cannot write " + tile);
      GDALClose(written);
      out << tile << '\n';
    }
  GDALClose(source);
  return list;
}

}  // namespace geostrip::test
