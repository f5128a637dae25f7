#pragma once
// What an output holds besides its pixels, computed from them as they are
// produced: overview levels and per-band statistics. Pure functions of a
// block's pixels, for any rank or thread (docs/architecture.md, "Overviews
// and statistics").
//
// Overview level k halves level k-1, rounded down as GDAL's COG driver does,
// until the smallest fits in one tile. Its pixel (r, c) is made from the
// full-resolution window of rows [r * 2^k, (r + 1) * 2^k) and the same
// columns, which always lies inside the raster (sizes round down). With a
// tile edge of 2^m, windows of levels up to m lie inside one output tile, so
// every tile makes its own part of those levels wherever it was computed;
// deeper levels come from one value per tile (its "apex": the tile's level-m
// accumulator, for nearest its first pixel, for mode its level-m pixel)
// once every tile is done.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/block_buffer.hpp"
#include "core/pixel_type.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

// As GDAL resamples the full resolution to the level's size (gdal_translate
// -outsize, gdalwarp -ts): nearest takes the window's centre pixel (row and
// column r * 2^k + 2^(k-1)); average the mean of the window's valid pixels,
// nodata where none is; rms the square root of the mean of the valid
// pixels' squares (power, for SAR amplitudes), as average; mode the most
// frequent valid value, of several the one that reaches that count first in
// row-major order (GDAL's rule), nodata where none is valid. Mode's levels
// below the tile levels are the modes of the tiles' own (cascaded, as
// gdaladdo makes every level).
enum class OverviewResampling { Nearest, Average, Rms, Mode };
OverviewResampling parse_overview_resampling(std::string_view name);  // throws UsageError
std::string_view name_of(OverviewResampling resampling);

// The sizes of the overview levels of a raster of `full` with tiles of edge `tile`.
std::vector<RasterSize> overview_sizes(RasterSize full, int tile);

// Statistics of a band's valid pixels (not nodata, not NaN), as gdalinfo -stats gives them.
struct BandStats {
  double count = 0;  // valid pixels
  double min = 0, max = 0, mean = 0;
  double m2 = 0;  // sum of squared differences from the mean
  // Chan's pairwise merge: `this` followed by `other`, in that order.
  void merge(const BandStats& other);
  double stddev() const;  // population
};

// A window's average so far: the sum (for rms: of squares) and count of its valid pixels.
struct Accumulator {
  double sum = 0;
  double count = 0;
};

// What one full-resolution tile of one band gives that is not its own level
// pixels: its statistics and its apex.
struct TileSummary {
  BandStats stats;
  // average, rms: its whole window's; nearest: `sum` holds its first pixel, `count`
  // 1; mode: `sum` holds its mode, `count` 1, or 0 where none is valid.
  Accumulator apex;
};

struct SummarySpec {
  PixelType type = PixelType::Float32;
  int bands = 1;
  RasterSize size;  // the full resolution
  int tile = 512;   // a power of two when there are overviews
  std::optional<double> nodata;
  std::vector<RasterSize> levels;  // overview_sizes(), or none
  OverviewResampling resampling = OverviewResampling::Average;
  bool stats = false;

  // Levels made tile by tile (the rest from apexes): log2(tile) at most.
  int tile_levels() const;
  bool wants_apex() const { return static_cast<int>(levels.size()) > tile_levels(); }
  bool summarizes() const { return stats || wants_apex(); }  // tiles have summaries
  bool keeps_anything() const { return stats || !levels.empty(); }
  // The rows of level `level` (1-based) made from full-resolution `rows`,
  // which start at a tile row; rows that end the raster end the level.
  RowBlock level_rows(int level, RowBlock rows) const;
  // The columns of level `level` made from full-resolution `cols`, which
  // start at a tile column; columns that end the raster end the level.
  RowBlock level_cols(int level, RowBlock cols) const;
};

// How many tile summaries a block of whole tile rows `block` has.
std::size_t summary_count(const SummarySpec& spec, RowBlock block);

// `pixels` holds whole tiles of the block `block`: its rows and columns
// start at a tile edge and end at one or at the raster's end. Adds each
// tile's summary to `summaries` (indexed tile row of the block by tile
// column of the raster, then band) and its part of every tile level to
// `levels` (level_buffers() of its region).
void summarize_tiles(const BlockBuffer& pixels, RowBlock block, const SummarySpec& spec,
                     std::vector<TileSummary>& summaries, std::vector<BlockBuffer>& levels);

// The level buffers summarize_tiles() fills from the full-resolution
// `region`, filled with nodata.
std::vector<BlockBuffer> level_buffers(const SummarySpec& spec, const Region& region);

// The levels below the tile levels, from the apex of every tile (indexed
// tile by tile in TIFF order, then band).
std::vector<BlockBuffer> apex_levels(const SummarySpec& spec, const std::vector<Accumulator>& apexes);

}  // namespace geostrip
