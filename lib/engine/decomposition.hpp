#pragma once
// How a run splits its output rows into blocks.
#include <cstdint>

namespace geostrip {

struct BlockRowsRequest {
  std::int64_t output_rows = 0;
  std::uint64_t input_bytes_per_row = 0;   // every input row one output row needs (stride included)
  std::uint64_t output_bytes_per_row = 0;  // all output bands
  int threads = 1;
  int ranks = 1;
  bool gathers = false;  // rank 0: also holds the rounds gathered from every rank
  std::uint64_t memory_budget = 0;  // bytes this rank may hold
  std::int64_t input_tile_rows = 1;
};

// Blocks small enough that the rows in flight fit the rank's budget (two
// blocks per thread computing; on rank 0 also the gathered, unpacked and
// queued rounds of every rank), several per thread for load balance, and
// whole multiples of the input's tile height when possible, so a tile is
// decoded once.
std::int64_t auto_block_rows(const BlockRowsRequest& request);

}  // namespace geostrip
