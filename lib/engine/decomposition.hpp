#pragma once
// How a run splits its output rows into blocks.
#include <cstdint>

namespace geostrip {

struct BlockRowsRequest {
  std::int64_t output_rows = 0;
  std::uint64_t bytes_per_output_row = 0;  // every input row it needs (with stride) plus its output
  int threads = 1;
  std::uint64_t memory_budget = 0;  // bytes this rank may hold
  std::int64_t input_tile_rows = 1;
};

// Blocks small enough that the rows in flight (about six blocks a thread:
// computing, queued, being written) fit the budget, several per thread for
// load balance, and whole multiples of the input's tile height when possible,
// so a tile is decoded once.
std::int64_t auto_block_rows(const BlockRowsRequest& request);

}  // namespace geostrip
