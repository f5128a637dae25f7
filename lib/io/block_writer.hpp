#pragma once
// An output that receives finished row blocks in any order and becomes
// visible at its path only when committed.
#include <variant>

#include "core/block_buffer.hpp"
#include "io/tile_encoder.hpp"

namespace geostrip {

// One output of a finished block: its pixels, or, when the block is whole
// tile rows of a GeoTIFF, its tiles already encoded where it was computed.
using OutputBlock = std::variant<BlockBuffer, EncodedTiles>;

class BlockWriter {
 public:
  virtual ~BlockWriter() = default;
  virtual void write(OutputBlock block) = 0;
  virtual void commit() = 0;
};

}  // namespace geostrip
