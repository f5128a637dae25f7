#pragma once
// Builds kernel inputs from plain vectors: one row of pixels per input.
#include <vector>

#include "core/block_buffer.hpp"

namespace geostrip::test {

inline BlockBuffer row_of(const std::vector<double>& values) {
  BlockBuffer buffer(PixelType::Float64, 1, {0, 1}, static_cast<std::int64_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) buffer.band<double>(0).data[i] = values[i];
  return buffer;
}

}  // namespace geostrip::test
