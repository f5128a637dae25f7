#pragma once
// Finished blocks as bytes, to gather them from ranks: self-describing, so
// rank 0 needs nothing but the bytes to rebuild them.
#include <cstddef>
#include <span>
#include <variant>
#include <vector>

#include "core/block_buffer.hpp"
#include "io/tile_encoder.hpp"

namespace geostrip {

// One output of a finished block: its pixels, or, when the block is whole
// tile rows, its tiles already encoded on the rank that computed it.
using OutputBlock = std::variant<BlockBuffer, EncodedTiles>;

// Blocks, each with one entry per output.
using BlockOutputs = std::vector<std::vector<OutputBlock>>;

std::vector<std::byte> pack(const BlockOutputs& blocks);
BlockOutputs unpack(std::span<const std::byte> bytes);

}  // namespace geostrip
