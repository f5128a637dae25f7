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

std::vector<RowBlock> split_rows(RowBlock extent, std::int64_t block_rows) {
  assert(block_rows > 0);
  std::vector<RowBlock> blocks;
  blocks.reserve(static_cast<std::size_t>((extent.rows() + block_rows - 1) / block_rows));
  for (std::int64_t begin = extent.begin; begin < extent.end; begin += block_rows)
    blocks.push_back({begin, std::min(extent.end, begin + block_rows)});
  return blocks;
}

bool whole_tile_rows(const std::vector<RowBlock>& blocks, std::int64_t tile, std::int64_t extent_rows) {
  return std::all_of(blocks.begin(), blocks.end(), [&](const RowBlock& b) {
    return b.begin % tile == 0 && (b.end % tile == 0 || b.end == extent_rows);
  });
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
