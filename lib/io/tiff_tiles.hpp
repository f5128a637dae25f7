#pragma once
// A GeoTIFF band's tiles (or strips) fetched with libtiff and decoded here:
// DEFLATE by libdeflate (or by zlib, which can stop early, when only a
// tile's first rows are wanted), ZSTD by libzstd, then TIFF's predictor
// undone a row at a time. GDAL reads the same bytes through libtiff, whose undoing of
// horizontal differencing is a quarter of its decoding time (store-to-load
// chains a sample long), and then copies each tile out of its block cache
// (docs/perf/floors.md). Only for layouts decoded here exactly as libtiff
// decodes them; anything else, and any tile that does not decode to its
// size, is GDAL's to read, errors and all.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/block_buffer.hpp"
#include "io/chunk_assembly.hpp"
#include "io/partial_inflate.hpp"
#include "io/raster_input.hpp"
#include "io/tiff.hpp"

struct libdeflate_decompressor;
struct ZSTD_DCtx_s;

namespace geostrip {

class TiffTiles {
 public:
  // The reader of `info`'s band from its tiles, or nullptr when GDAL must
  // read it: not a plain TIFF file, another codec, byte order or sample
  // layout, or a type GDAL converts. `overlap`: as ChunkAssembly.
  static std::unique_ptr<TiffTiles> open(const InputInfo& info, Halo overlap);
  ~TiffTiles();
  TiffTiles(const TiffTiles&) = delete;
  TiffTiles& operator=(const TiffTiles&) = delete;

  // Copies the region `into` holds; false when a tile it meets is not
  // stored or does not decode to its size: GDAL must read that region.
  bool read(BlockBuffer& into);

 private:
  // How the file's strips or tiles store the band: what decoding them takes.
  struct Layout {
    std::int64_t chunk_rows = 0;  // a tile's, or a strip's
    std::int64_t chunk_cols = 0;  // a tile's, or the image's columns for strips
    std::int64_t image_rows = 0;  // a strip at the image's end holds fewer rows
    bool tiled = true;
    int compression = 1;  // COMPRESSION_NONE, _ADOBE_DEFLATE, _DEFLATE or _ZSTD
    int predictor = 1;    // 1 none, 2 horizontal differencing, 3 floating point
    int samples = 1;      // interleaved in each chunk (1 when planar)
    int sample = 0;       // the band's, among them
    std::size_t sample_bytes = 1;
    std::uint32_t first_chunk = 0;  // of the band's plane
    std::int64_t chunks_across = 1;
  };

  TiffTiles(Tiff tiff, Layout layout, PixelType stored, Halo overlap);
  // As ChunkAssembly::Decode.
  std::int64_t decode(std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows, std::vector<std::byte>& pixels);

  Tiff tiff_;
  Layout layout_;
  ChunkAssembly assembly_;
  libdeflate_decompressor* inflater_ = nullptr;
  PartialInflater partial_;  // for a tile's first rows
  ZSTD_DCtx_s* zstd_ = nullptr;
  // Reused, so that a run does not allocate a tile's bytes for every tile.
  std::vector<std::byte> stored_;
  std::vector<std::byte> samples_;  // all samples of an interleaved chunk
  std::vector<std::byte> row_;      // predictor 3's
};

}  // namespace geostrip
