#include "engine/decomposition.hpp"

#include <algorithm>

namespace geostrip {

std::int64_t auto_block_rows(const BlockRowsRequest& r) {
  constexpr std::int64_t kBlocksInFlightPerThread = 6;
  constexpr std::int64_t kBlocksPerThread = 4;
  constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{256} << 20;
  const auto threads = static_cast<std::int64_t>(std::max(1, r.threads));
  const auto row_bytes = std::max<std::uint64_t>(1, r.bytes_per_output_row);
  const auto by_memory =
      static_cast<std::int64_t>(r.memory_budget / row_bytes) / (kBlocksInFlightPerThread * threads);
  const auto by_block_size = static_cast<std::int64_t>(kMaxBlockBytes / row_bytes);
  const std::int64_t by_balance = (r.output_rows + kBlocksPerThread * threads - 1) / (kBlocksPerThread * threads);
  std::int64_t rows = std::min({by_memory, by_block_size, std::max(by_balance, r.input_tile_rows)});
  if (r.input_tile_rows > 1 && rows >= r.input_tile_rows) rows -= rows % r.input_tile_rows;
  return std::clamp<std::int64_t>(rows, 1, std::max<std::int64_t>(1, r.output_rows));
}

}  // namespace geostrip
