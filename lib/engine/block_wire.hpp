#pragma once
// Finished blocks as bytes, to gather them from ranks: self-describing, so
// rank 0 needs nothing but the bytes to rebuild them.
#include <cstddef>
#include <span>
#include <vector>

#include "io/block_writer.hpp"

namespace geostrip {

// Blocks, each with one entry per output.
using BlockOutputs = std::vector<std::vector<OutputBlock>>;

std::vector<std::byte> pack(const BlockOutputs& blocks);
BlockOutputs unpack(std::span<const std::byte> bytes);

}  // namespace geostrip
