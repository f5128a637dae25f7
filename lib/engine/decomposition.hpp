#pragma once
// How a run splits its output rows into blocks.
#include <cstdint>
#include <optional>
#include <vector>

#include "geometry/row_block.hpp"

namespace geostrip {

struct BlockRowsRequest {
  std::int64_t output_rows = 0;
  std::uint64_t input_bytes_per_row = 0;   // every input row one output row needs (stride included), in a column chunk
  std::uint64_t output_bytes_per_row = 0;  // all output bands
  int threads = 1;
  int ranks = 1;
  bool gathers = false;  // rank 0: also holds the rounds gathered from every rank
  std::uint64_t memory_budget = 0;  // bytes this rank may hold
  std::int64_t tile_rows = 1;  // blocks are whole multiples of it when they can be (block_alignment())
  std::int64_t chunk_rows = 0;  // a thread holds the input pixels of at most these rows of a block; 0: all
  std::uint64_t halo_bytes = 0;  // the halo rows one block reads beyond its own, all inputs
  std::int64_t halo_rows = 0;    // on each side
  std::uint64_t thread_bytes = 0;  // held by each thread whatever the rows (a mosaic's transformed rows)
  std::uint64_t rank_bytes = 0;    // held by the rank's threads together whatever the rows (tiles kept for a halo)
  bool strips = false;  // the threads make one block together (RunPlan::in_strips()), not one each
  // Of an output row, what every rank's blocks bring to rank 0: all of it
  // (gather mode, the default), or with --write direct only overview rows.
  std::optional<std::uint64_t> gathered_bytes_per_row;
};

// The rows blocks align to: the output's tile height, so every rank encodes
// whole tiles, and a multiple of the input's tile height when that costs at
// most 4 output tiles, so an input tile is decoded by one block only.
std::int64_t block_alignment(std::int64_t output_tile_rows, std::int64_t input_tile_rows);

// The pixel buffers a rank holds at once with blocks of `block_rows`: two
// chunks of inputs with halo a thread, the outputs of two blocks a thread
// (in strips two a rank) and what the threads hold whatever the rows; on
// rank 0 also the round of every rank (never more rows than the raster's)
// packed, unpacked and twice queued for the writer.
std::uint64_t pixel_memory(const BlockRowsRequest& request, std::int64_t block_rows);

// Output columns a thread computes at once: chunks of whole output tiles
// whose input columns are whole input tiles (kernels index in raster
// coordinates, so they cannot tell), about 2048 input columns, so a thread's
// pixels do not grow with the raster's width. A window reads its halo columns
// beyond the chunk. The whole width when no chunk of at most 4 output tiles
// lines up with the input's tiles (strips, odd tiles): those would be decoded
// once a chunk.
std::int64_t column_chunk(Stride stride, std::int64_t output_cols, std::int64_t output_tile,
                          std::int64_t input_tile_cols);
// The columns chunks are made of: the fewest whole output tiles whose input
// columns are whole input tiles; `output_cols` when none of at most 4 is.
std::int64_t column_unit(Stride stride, std::int64_t output_cols, std::int64_t output_tile,
                         std::int64_t input_tile_cols);

// A block's column chunks on `threads` threads: the columns in one strip a
// thread, of whole units (column_unit()) and about equal width, each strip
// in chunks of at most `chunk_cols`, left to right. A thread makes its own
// strip's chunks, so the halo columns and rows it reads lie in tiles it
// decoded itself (each thread has its own GDAL handles and their cache).
struct ColumnChunk {
  RowBlock cols;
  int thread = 0;
};
std::vector<ColumnChunk> column_chunks(std::int64_t output_cols, std::int64_t chunk_cols, std::int64_t unit,
                                       int threads);

// Whole multiples of `tile_rows`: at least twice the halo (so halo rows at
// most double the reading), at most what gives several blocks per thread.
// Smaller when pixel_memory() would not fit the rank's budget or a block would
// pass a fixed size. The size does not grow with the raster's rows.
std::int64_t auto_block_rows(const BlockRowsRequest& request);

}  // namespace geostrip
