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

bool whole_tile_rows(const RowBlocks& blocks, std::int64_t tile, std::int64_t extent_rows) {
  if (blocks.empty()) return true;
  // Blocks start every block_rows() rows from the extent's start; all but the
  // last end where the next starts.
  const bool starts = blocks.extent().begin % tile == 0 && (blocks.size() == 1 || blocks.block_rows() % tile == 0);
  const std::int64_t last_end = blocks.extent().end;
  return starts && (last_end % tile == 0 || last_end == extent_rows);
}

RasterSize output_size(RasterSize input, Stride stride) {
  return {input.rows / stride.rows, input.cols / stride.cols};
}

RowBlock source_rows(RowBlock output, Stride stride, Halo halo, std::int64_t input_rows) {
  const RowBlock cells{output.begin * stride.rows, output.end * stride.rows};
  return crop(pad(cells, halo.rows), {0, input_rows});
}

std::int64_t trim_offset(RowBlock padded, RowBlock valid) {
  assert(padded.contains(valid));
  return valid.begin - padded.begin;
}

}  // namespace geostrip
