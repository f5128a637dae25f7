#include "engine/decomposition.hpp"

#include <algorithm>
#include <numeric>

namespace geostrip {

namespace {

// Saturating: a header may declare sizes whose products overflow 64 bits.
std::uint64_t times(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? UINT64_MAX : product;
}
std::uint64_t plus(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

std::uint64_t pixel_memory(const BlockRowsRequest& r, std::int64_t block_rows) {
  const auto threads = static_cast<std::uint64_t>(std::max(1, r.threads));
  const auto ranks = static_cast<std::uint64_t>(std::max(1, r.ranks));
  const auto rows = static_cast<std::uint64_t>(std::max<std::int64_t>(0, block_rows));
  const auto input_rows = r.chunk_rows > 0 ? std::min(rows, static_cast<std::uint64_t>(r.chunk_rows)) : rows;
  const std::uint64_t blocks = r.strips ? 1 : threads;  // a rank's blocks in a round
  std::uint64_t bytes = plus(times(2 * threads, plus(times(input_rows, r.input_bytes_per_row), r.halo_bytes)),
                             times(2 * blocks, times(rows, r.output_bytes_per_row)));
  bytes = plus(bytes, plus(times(threads, r.thread_bytes), r.rank_bytes));
  if (r.gathers) {
    // A round is every rank's blocks, but never more rows than the raster has.
    const std::uint64_t round_rows = times(times(ranks, blocks), rows);
    const std::uint64_t held = r.output_rows > 0 ? std::min(round_rows, static_cast<std::uint64_t>(r.output_rows))
                                                 : round_rows;
    bytes = plus(bytes, times(8 * held, r.gathered_bytes_per_row.value_or(r.output_bytes_per_row)));
  }
  return bytes;
}

std::int64_t block_alignment(std::int64_t output_tile_rows, std::int64_t input_tile_rows) {
  const std::int64_t both = std::lcm(output_tile_rows, std::max<std::int64_t>(1, input_tile_rows));
  return both <= 4 * output_tile_rows ? both : output_tile_rows;
}

std::int64_t column_unit(Stride stride, std::int64_t output_cols, std::int64_t output_tile,
                         std::int64_t input_tile_cols) {
  const std::int64_t input_tile = std::max<std::int64_t>(1, input_tile_cols);
  for (std::int64_t unit = output_tile; unit <= 4 * output_tile; unit += output_tile)
    if (unit * stride.cols % input_tile == 0) return unit;
  return output_cols;
}

std::int64_t column_chunk(Stride stride, std::int64_t output_cols, std::int64_t output_tile,
                          std::int64_t input_tile_cols) {
  constexpr std::int64_t kChunkInputCols = 2048;
  const std::int64_t unit = column_unit(stride, output_cols, output_tile, input_tile_cols);
  return std::min(output_cols, std::max(unit, kChunkInputCols / (unit * stride.cols) * unit));
}

std::vector<ColumnChunk> column_chunks(std::int64_t output_cols, std::int64_t chunk_cols, std::int64_t unit,
                                       int threads) {
  const std::int64_t units = (output_cols + unit - 1) / unit, strips = std::max(1, threads);
  std::vector<ColumnChunk> chunks;
  for (std::int64_t t = 0; t < strips; ++t) {
    const std::int64_t end = std::min(output_cols, (t + 1) * units / strips * unit);
    for (std::int64_t first = t * units / strips * unit; first < end; first += chunk_cols)
      chunks.push_back({.cols = {first, std::min(first + chunk_cols, end)}, .thread = static_cast<int>(t)});
  }
  return chunks;
}

namespace {

// The most rows, up to the raster's, whose pixel_memory() fits the budget
// (it grows with the rows, but not in proportion: inputs are held a chunk of
// rows at a time, and gathered rounds never pass the raster's rows).
std::int64_t rows_within_budget(const BlockRowsRequest& r) {
  std::int64_t fits = 0, too_many = std::max<std::int64_t>(1, r.output_rows);
  if (pixel_memory(r, too_many) <= r.memory_budget) return too_many;
  while (too_many - fits > 1) {
    const std::int64_t rows = fits + (too_many - fits) / 2;
    (pixel_memory(r, rows) <= r.memory_budget ? fits : too_many) = rows;
  }
  return fits;
}

}  // namespace

std::int64_t auto_block_rows(const BlockRowsRequest& r) {
  constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{256} << 20;
  constexpr std::int64_t kBlocksPerThread = 4;
  const std::int64_t unit = std::max<std::int64_t>(1, r.tile_rows);
  const auto whole_units = [&](std::int64_t rows) { return (rows + unit - 1) / unit * unit; };
  const auto threads = static_cast<std::int64_t>(std::max(1, r.threads));
  const auto ranks = static_cast<std::int64_t>(std::max(1, r.ranks));

  const std::int64_t blocks_wanted = kBlocksPerThread * threads * ranks;
  const std::int64_t by_balance = whole_units((r.output_rows + blocks_wanted - 1) / blocks_wanted);
  std::int64_t rows = std::min(whole_units(std::max<std::int64_t>(1, 2 * r.halo_rows)), by_balance);

  const std::int64_t by_memory = rows_within_budget(r);
  const std::uint64_t block_row = std::max<std::uint64_t>(1, r.input_bytes_per_row + r.output_bytes_per_row);
  // The size cap never cuts a tile row (an input's tiles would be decoded
  // once a piece) while the budget holds a whole one: many inputs make wide rows.
  const auto by_block_size =
      std::max(static_cast<std::int64_t>(kMaxBlockBytes / block_row), std::min(unit, by_memory));
  if (const std::int64_t limit = std::min(by_memory, by_block_size); rows > limit)
    rows = limit >= unit ? limit / unit * unit : limit;
  return std::clamp<std::int64_t>(rows, 1, std::max<std::int64_t>(1, r.output_rows));
}

}  // namespace geostrip
