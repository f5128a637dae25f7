#include "geometry/row_block.hpp"

#include <algorithm>
#include <cassert>

namespace geostrip {

RowBlock pad(RowBlock block, std::int64_t halo) { return {block.begin - halo, block.end + halo}; }

RowBlock crop(RowBlock block, RowBlock extent) {
  RowBlock cut{std::max(block.begin, extent.begin), std::min(block.end, extent.end)};
  if (cut.empty()) return {extent.begin, extent.begin};
  return cut;
}

RowBlocks::RowBlocks(RowBlock extent, std::int64_t block_rows)
    : extent_(extent), block_rows_(block_rows),
      size_(extent.empty() ? 0 : static_cast<std::size_t>((extent.rows() - 1) / block_rows + 1)) {
  assert(block_rows > 0);
}

RowBlock RowBlocks::operator[](std::size_t i) const {
  const std::int64_t begin = extent_.begin + static_cast<std::int64_t>(i) * block_rows_;
  return {begin, std::min(extent_.end, begin + std::min(block_rows_, extent_.end - begin))};
}

bool whole_tile_rows(RowBlock block, std::int64_t tile, std::int64_t extent_rows) {
  return block.begin % tile == 0 && (block.end % tile == 0 || block.end == extent_rows);
}

RasterSize output_size(RasterSize input, Stride stride) {
  return {input.rows / stride.rows, input.cols / stride.cols};
}

Region source_region(const Region& output, Stride stride, Halo halo, RasterSize input) {
  const auto source = [](RowBlock out, int cell, int reach, std::int64_t extent) {
    return crop(pad(RowBlock{out.begin * cell, out.end * cell}, reach), {0, extent});
  };
  return {.rows = source(output.rows, stride.rows, halo.rows, input.rows),
          .cols = source(output.cols, stride.cols, halo.cols, input.cols)};
}

}  // namespace geostrip
