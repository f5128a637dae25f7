#pragma once
// An output that receives finished row blocks in any order and becomes
// visible at its path only when committed.
#include "core/block_buffer.hpp"

namespace geostrip {

class BlockWriter {
 public:
  virtual ~BlockWriter() = default;
  virtual void write(BlockBuffer block) = 0;
  virtual void commit() = 0;
};

}  // namespace geostrip
