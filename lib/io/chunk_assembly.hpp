#pragma once
// A raster stored in chunks that are decoded whole or in their first rows
// (HDF5 chunks, TIFF tiles or strips), read region by region: each read
// copies the region out of the chunks it meets. With a halo, a thread's reads overlap: it reads its
// column strip of each block in column chunks, left to right, and the
// block below after (engine/decomposition.hpp). So a read keeps decoded the
// chunks its right-hand neighbour takes again (those meeting its last
// columns, whole), and the rows the read below takes again (its last rows,
// and the rest of a chunk it stopped inside), until a read passes below
// them. A read that takes only the top rows of a chunk, no more than the
// reads below take again, decodes only those rows (where the decoder can)
// and keeps none of them for below: the read below decodes that chunk
// whole. So a chunk is decoded twice only in its first rows, and what is
// kept is the overlap rows across the strip, not a row of chunks.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/block_buffer.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

class ChunkAssembly {
 public:
  // Decodes the chunk at (chunk_row, chunk_col), counted in chunks, into
  // `pixels`, sized for a whole chunk: at least its first `rows` rows, or
  // all of them. Returns the rows it decoded, 0 when it cannot (not stored).
  using Decode = std::function<std::int64_t(std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows,
                                            std::vector<std::byte>& pixels)>;

  // Chunks of `chunk_rows` x `chunk_cols` pixels of `stored`; `overlap`:
  // the rows at the bottom and the columns at the right of a read that the
  // next reads take again (twice the operation's halo).
  ChunkAssembly(std::int64_t chunk_rows, std::int64_t chunk_cols, PixelType stored, Halo overlap);

  // Copies the region `into` holds from the chunks it meets, converted to
  // its pixel type as GDAL converts (GDALCopyWords); false as soon as
  // `decode` fails, with `into` partly filled.
  bool read(BlockBuffer& into, const Decode& decode);

 private:
  // A decoded chunk's rows from first_row to end_row (absolute).
  struct Decoded {
    std::int64_t chunk_row;
    std::int64_t chunk_col;
    std::int64_t first_row;
    std::int64_t end_row;
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
  Halo overlap_;
  std::vector<Decoded> kept_;  // for the next reads' halos
  // Reused, so that a run does not allocate a chunk's bytes for every chunk.
  std::vector<std::vector<std::byte>> spare_;
};

}  // namespace geostrip
