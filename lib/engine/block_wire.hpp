#pragma once
// Finished blocks as bytes, to gather them from ranks: self-describing, so
// rank 0 needs nothing but the bytes to rebuild them.
#include <cstddef>
#include <span>
#include <vector>

#include "io/output_format.hpp"

namespace geostrip {

// Blocks, each with its encoded rows for every output.
using BlockOutputs = std::vector<std::vector<EncodedRows>>;

std::vector<std::byte> pack(const BlockOutputs& blocks);
BlockOutputs unpack(std::span<const std::byte> bytes);

}  // namespace geostrip
