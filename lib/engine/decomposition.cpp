#include "engine/decomposition.hpp"

#include <algorithm>

namespace geostrip {

std::int64_t auto_block_rows(const BlockRowsRequest& r) {
  constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{256} << 20;
  constexpr std::int64_t kBlocksPerThread = 4;
  const auto threads = static_cast<std::uint64_t>(std::max(1, r.threads));
  const auto ranks = static_cast<std::uint64_t>(std::max(1, r.ranks));
  const std::uint64_t block_row = std::max<std::uint64_t>(1, r.input_bytes_per_row + r.output_bytes_per_row);
  // Rows in flight per block row: 2 blocks a thread computing; on rank 0 the
  // round of every rank packed, unpacked and twice queued.
  std::uint64_t in_flight = 2 * threads * block_row;
  if (r.gathers) in_flight += 4 * ranks * 2 * threads * r.output_bytes_per_row;
  const auto by_memory = static_cast<std::int64_t>(r.memory_budget / std::max<std::uint64_t>(1, in_flight));
  const auto by_block_size = static_cast<std::int64_t>(kMaxBlockBytes / block_row);
  const auto blocks_wanted = kBlocksPerThread * static_cast<std::int64_t>(threads * ranks);
  const std::int64_t by_balance = (r.output_rows + blocks_wanted - 1) / blocks_wanted;
  std::int64_t rows = std::min({by_memory, by_block_size, std::max(by_balance, r.input_tile_rows)});
  if (r.input_tile_rows > 1 && rows >= r.input_tile_rows) rows -= rows % r.input_tile_rows;
  return std::clamp<std::int64_t>(rows, 1, std::max<std::int64_t>(1, r.output_rows));
}

}  // namespace geostrip
