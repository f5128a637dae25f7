#pragma once
// A synthetic Sentinel-2 scene cut into overlapping tiles, the right half of
// them (with `utm_split`) reprojected into the neighbouring UTM zone: inputs
// for mosaics at any size.
#include <cstdint>
#include <string>

#include "geometry/row_block.hpp"

namespace geostrip::synth {

struct TileLayout {
  RasterSize tiles;           // rows x columns of tiles
  std::int64_t overlap = 0;   // pixels each tile reaches into its neighbours
  bool utm_split = false;     // the eastern half of the tiles in UTM zone 34N
};

// Cuts DIR/B02.tif ... DIR/B08.tif (a written scene) into DIR/tiles/BAND_ROW_COL.tif
// and lists each band's tiles, in row-major order, in DIR/BAND.tiles.txt.
// Throws Error naming the file that failed.
void write_s2_tiles(const std::string& dir, const TileLayout& layout);

}  // namespace geostrip::synth
