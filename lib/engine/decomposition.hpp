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
  std::uint64_t halo_bytes = 0;  // the halo rows one block reads beyond its own, all inputs
};

// The pixel buffers a rank holds at once with blocks of `block_rows`: two
// blocks a thread computing (inputs with halo, and outputs); on rank 0 also
// the round of every rank packed, unpacked and twice queued for the writer.
std::uint64_t pixel_memory(const BlockRowsRequest& request, std::int64_t block_rows);

// Blocks small enough that pixel_memory() fits the rank's budget, several per
// thread for load balance, and whole multiples of the input's tile height when
// possible, so a tile is decoded once.
std::int64_t auto_block_rows(const BlockRowsRequest& request);

}  // namespace geostrip
