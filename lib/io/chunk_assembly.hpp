#pragma once
// A raster stored in chunks that are decoded whole (HDF5 chunks, TIFF tiles
// or strips), read region by region: each read copies the region out of the
// chunks it meets, and keeps decoded the rows of them that the next read
// takes again (its halo), so that no chunk is decoded twice for them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/block_buffer.hpp"

namespace geostrip {

class ChunkAssembly {
 public:
  // Decodes the chunk at (chunk_row, chunk_col), counted in chunks, into
  // `pixels`, sized for a whole chunk; false when it cannot (not stored).
  using Decode = std::function<bool(std::int64_t chunk_row, std::int64_t chunk_col, std::vector<std::byte>& pixels)>;

  // Chunks of `chunk_rows` x `chunk_cols` pixels of `stored`; `keep_rows`:
  // rows at the bottom of a read that the next read takes again (twice the halo).
  ChunkAssembly(std::int64_t chunk_rows, std::int64_t chunk_cols, PixelType stored, std::int64_t keep_rows);

  // Copies the region `into` holds from the chunks it meets, converted to
  // its pixel type as GDAL converts (GDALCopyWords); false as soon as
  // `decode` fails, with `into` partly filled.
  bool read(BlockBuffer& into, const Decode& decode);

 private:
  // A decoded chunk's rows from first_row (absolute) to its end.
  struct Decoded {
    std::int64_t chunk_row;
    std::int64_t chunk_col;
    std::int64_t first_row;
    std::vector<std::byte> pixels;
  };
  std::size_t chunk_bytes() const { return static_cast<std::size_t>(chunk_rows_ * chunk_cols_) * pixel_bytes_; }
  // A whole chunk's buffer, reused when one is spare.
  std::vector<std::byte> buffer();
  void recycle(std::vector<std::byte>&& pixels);

  std::int64_t chunk_rows_;
  std::int64_t chunk_cols_;
  PixelType stored_;
  std::size_t pixel_bytes_;
  std::int64_t keep_rows_;
  std::vector<Decoded> kept_;  // from the last read, for the next one's halo rows
  // Reused, so that a run does not allocate a chunk's bytes for every chunk.
  std::vector<std::vector<std::byte>> spare_;
};

}  // namespace geostrip
