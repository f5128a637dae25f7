#pragma once
// Runs row blocks on every rank's OpenMP threads and brings them to one
// writer thread on rank 0. Blocks are dealt to ranks round-robin; a round
// gives every rank `blocks_per_rank` blocks, so it covers a contiguous band of
// the output. Rank 0 gathers each round (MPI_Gatherv) and hands it to its
// writer thread while the next round computes; at most two rounds wait for
// the writer, which bounds memory. This is the only place with OpenMP pragmas.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/block_buffer.hpp"
#include "engine/block_wire.hpp"
#include "geometry/row_block.hpp"
#include "parallel/mpi.hpp"

namespace geostrip {

// How a block is made, one entry of its outputs per output file: `start`
// gives them, sized (RowEncoder::start); then its `parts` (chunks of whole
// tiles) are made into them by their `owner` threads (0..threads-1), or by
// any other that is idle, in any order and at once; once all are in, `finish_parts` says how many
// finishing parts follow (RowEncoder::finish_parts), made the same way;
// `finish` runs once every part is in, on the thread that made the last
// (engine/part_dealer.hpp says which thread makes what).
struct BlockMaker {
  std::function<std::size_t(RowBlock rows)> parts;
  std::function<int(RowBlock rows, std::size_t part)> owner;  // the thread that makes it unless another is idle
  std::function<std::vector<EncodedRows>(RowBlock rows)> start;
  std::function<void(RowBlock rows, std::size_t part, int thread, std::vector<EncodedRows>& outputs)> make_part;
  // A block with nothing to finish needs none of these.
  std::function<std::size_t(RowBlock rows, std::vector<EncodedRows>& outputs)> finish_parts =
      [](RowBlock, std::vector<EncodedRows>&) { return std::size_t{0}; };
  std::function<void(RowBlock rows, std::size_t part, int thread, std::vector<EncodedRows>& outputs)> finish_part =
      [](RowBlock, std::size_t, int, std::vector<EncodedRows>&) {};
  std::function<void(RowBlock rows, int thread, std::vector<EncodedRows>& outputs)> finish =
      [](RowBlock, int, std::vector<EncodedRows>&) {};
};
// Receives finished blocks on rank 0, in any order, always on the same writer thread.
using BlockSink = std::function<void(std::vector<EncodedRows>&& outputs)>;

// --write direct: every rank writes its own blocks' tiles into the shared
// file, where rank 0 says; only the tiles' sizes travel before, and the
// blocks without their tiles after (checksums, statistics, overviews).
struct DirectWrite {
  // Rank 0: where each tile row of the block `rows` starts in the file, its
  // tiles having `sizes`. Called for a round's blocks in row order.
  std::function<std::vector<std::uint64_t>(RowBlock rows, const std::vector<std::uint64_t>& sizes)> reserve;
  // Every rank: writes the block's tile rows from `starts` and drops their bytes.
  std::function<void(EncodedRows& block, const std::vector<std::uint64_t>& starts)> write;
  // Every rank: its writes of the round to disk, before rank 0 records them.
  std::function<void()> sync;
};

struct DriverOptions {
  int threads = 1;
  int blocks_per_rank = 1;  // per round; the same on every rank
  std::size_t max_message = max_message_bytes();
  std::chrono::duration<double> stall_timeout{0};  // parallel/stall_watch.hpp; 0: none
  std::vector<std::string> hosts;                  // by rank, to name a stalled one
  const DirectWrite* direct = nullptr;             // --write direct (blocks of one output); null: gather
};

struct DriverResult {
  int signal = 0;             // the interrupt that stopped the rounds, or 0
  double gather_seconds = 0;  // this rank in the gathers (packing and unpacking included)
  double write_seconds = 0;   // rank 0's writer thread in the sink
  std::uint64_t bytes_sent = 0;  // this rank's blocks, packed, that went to rank 0 (rank 0's own stay)
};

// Collective over `comm`. A thread with no part left in a round goes on
// into the next round's blocks while the others make the round's last
// parts and the main thread hands it off (gather, writer); the round after
// that may open once this one is handed off. Before
// the first round and after handing off each, the ranks agree whether any
// of them received an interrupt signal (parallel/interrupt.hpp); if so, the
// round in flight is finished and written too, and no more open (`signal`
// says which). Each rank's main thread
// makes no part itself: it keeps a StallWatch (parallel/stall_watch.hpp)
// going on `threads` + 1 OpenMP threads.
// Rethrows the first failure of this rank's blocks or of the writer; the
// caller ends the job (other ranks may be in a gather).
DriverResult run_blocks(const RowBlocks& blocks, const Communicator& comm, const DriverOptions& options,
                        const BlockMaker& maker, const BlockSink& sink);

}  // namespace geostrip
