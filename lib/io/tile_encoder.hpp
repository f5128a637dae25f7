#pragma once
// Encodes whole tile rows of an output into GeoTIFF tiles, on the rank that
// computed them, with TIFF's predictors and libtiff's codecs (DEFLATE's
// level 1: igzip's, io/igzip.hpp): the bytes are the tiles as the file
// holds them, so rank 0 only places them (GeoTiffWriter). Pure functions of
// the pixels: any thread may call them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/block_buffer.hpp"
#include "io/output_format.hpp"
#include "core/pixel_type.hpp"

namespace geostrip {

enum class Codec { Deflate, Zstd, Lzw, None };
Codec parse_codec(std::string_view name, std::string_view option = "--compress");  // throws UsageError naming `option`
std::string_view codec_name(Codec codec);

// The output's tiling and compression: the same on every rank.
struct TileFormat {
  PixelType type = PixelType::Float32;
  int bands = 1;  // pixel-interleaved in each tile
  std::int64_t cols = 0;
  int tile = 512;  // edge
  Codec codec = Codec::Deflate;
  std::optional<int> level;  // codec default when unset

  // TIFF predictor: horizontal differencing (2) for integers, floating point
  // (3) for floats; none (1) for complex samples, which libtiff's predictors
  // do not take, and for uncompressed tiles.
  int predictor() const;
  std::int64_t tiles_across() const { return (cols + tile - 1) / tile; }
  // The tile rows and the tiles of whole tile rows `rows` (the last may end at the raster's end).
  std::int64_t tile_rows_in(RowBlock rows) const { return (rows.rows() + tile - 1) / tile; }
  std::size_t tiles_in(RowBlock rows) const { return static_cast<std::size_t>(tile_rows_in(rows) * tiles_across()); }
};

// Throws UsageError for a tile edge that is not a multiple of 16 from 16 to
// 4096, and, for the format, also for a level the codec does not take.
void check_tile_edge(int tile);
void check_tile_format(const TileFormat& format);
// Throws UsageError for a level `codec` does not take, naming `option` and
// the option that chose the codec.
void check_level(Codec codec, std::optional<int> level, std::string_view option,
                 std::string_view codec_option = "--compress");

// The level of overview tiles of `type`: `chosen`, or by default the full
// resolution's `level` capped at the fast end of the codec (deflate 4, or 1
// for samples wider than a byte; zstd 3).
std::optional<int> overview_level(Codec codec, PixelType type, std::optional<int> level, std::optional<int> chosen);

// Whole tile rows, encoded: tiles row by row, left to right, as TIFF numbers
// them. The last tile row may be cut at the raster's end; its tiles are
// padded with zeros, as every TIFF tile is whole.

// `block` holds whole tile rows (its first row a multiple of format.tile) of
// every band, every column. Its tiles are split among `threads` threads, the
// caller's one of them: for a writer's tiles that others would wait for.
// Throws Error with libtiff's message.
EncodedRows encode_tiles(const BlockBuffer& block, const TileFormat& format, int threads);

// The same for some of a block's tile rows and columns only (its first row
// and column multiples of format.tile, its last at a tile edge or the
// raster's end): their tiles go to their places in `into`, whose rows are
// the block's.
void encode_tiles(const BlockBuffer& block, const TileFormat& format, EncodedRows& into);

// Pixels encoded where they lie: rows `rows` of columns [first_col,
// first_col + cols), each band's rows one after another from its pointer
// (a BlockBuffer's bands, or the rows of raw rows that make a tile row).
struct TileSource {
  PixelType type = PixelType::Byte;
  RowBlock rows;
  std::int64_t first_col = 0;
  std::int64_t cols = 0;
  std::vector<const std::byte*> band_rows;
  int bands() const { return static_cast<int>(band_rows.size()); }
};
void encode_tiles(const TileSource& pixels, const TileFormat& format, EncodedRows& into);
// Gives `into`, whose rows are whole tile rows, room for all their tiles (as
// encode_tiles() does), so that parts of it may be encoded at once on several threads.
void size_tiles(const TileFormat& format, EncodedRows& into);

}  // namespace geostrip
