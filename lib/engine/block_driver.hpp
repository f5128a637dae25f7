#pragma once
// Runs row blocks on OpenMP threads, a round at a time, and hands every
// finished block to a single writer thread while the next round computes.
// This is the only place with OpenMP pragmas.
#include <functional>
#include <span>
#include <vector>

#include "core/block_buffer.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

// Computes one block on thread `thread` (0..threads-1): one buffer per output.
using BlockProducer = std::function<std::vector<BlockBuffer>(RowBlock rows, int thread)>;
// Receives finished blocks, in any order, always on the same writer thread.
using BlockSink = std::function<void(std::vector<BlockBuffer>&& outputs)>;

// Rethrows the first exception of any block or of the sink, after the threads stop.
void run_blocks(std::span<const RowBlock> blocks, int threads, const BlockProducer& produce,
                       const BlockSink& sink);

}  // namespace geostrip
