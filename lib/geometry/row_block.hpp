#pragma once
// Geometry of a row decomposition: plain values and pure functions
// (in the spirit of heffte's box3d and ITK's ImageRegion::PadByRadius).
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace geostrip {

struct RasterSize {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t pixels() const { return rows * cols; }
  friend bool operator==(const RasterSize&, const RasterSize&) = default;
};

// Half-open range of raster rows [begin, end).
struct RowBlock {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t rows() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool contains(const RowBlock& other) const { return begin <= other.begin && other.end <= end; }
  friend bool operator==(const RowBlock&, const RowBlock&) = default;
};

// A rectangle of a raster in its absolute coordinates: a half-open range of
// rows and one of columns (RowBlock serves for columns too).
struct Region {
  RowBlock rows;
  RowBlock cols;
  friend bool operator==(const Region&, const Region&) = default;
};

// Rows and columns a window reaches on each side of its centre.
struct Halo {
  int rows = 0;
  int cols = 0;
  friend bool operator==(const Halo&, const Halo&) = default;
};

// A kernel's neighbourhood, centred on the output pixel; both sides odd.
struct Window {
  int rows = 1;
  int cols = 1;
  Halo halo() const { return {rows / 2, cols / 2}; }
  friend bool operator==(const Window&, const Window&) = default;
};

// Input pixels per output pixel along rows and columns (multilook looks).
struct Stride {
  int rows = 1;
  int cols = 1;
  friend bool operator==(const Stride&, const Stride&) = default;
};

// The block grown by `halo` rows on both sides (may leave the raster).
RowBlock pad(RowBlock block, std::int64_t halo);

// The part of `block` inside `extent`.
RowBlock crop(RowBlock block, RowBlock extent);

// Consecutive blocks of `block_rows` rows covering `extent`; the last may be
// shorter. A value, not a list: the same few bytes for any number of blocks,
// so a raster that declares a billion rows costs nothing to split.
class RowBlocks {
 public:
  RowBlocks(RowBlock extent, std::int64_t block_rows);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  RowBlock operator[](std::size_t i) const;
  std::int64_t block_rows() const { return block_rows_; }
  RowBlock extent() const { return extent_; }

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RowBlock;
    using difference_type = std::ptrdiff_t;
    using pointer = const RowBlock*;
    using reference = RowBlock;
    Iterator() = default;
    Iterator(const RowBlocks* blocks, std::size_t i) : blocks_(blocks), i_(i) {}
    RowBlock operator*() const { return (*blocks_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) { return {blocks_, i_++}; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }

   private:
    const RowBlocks* blocks_ = nullptr;
    std::size_t i_ = 0;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size_}; }

 private:
  RowBlock extent_;
  std::int64_t block_rows_;
  std::size_t size_;
};

inline RowBlocks split_rows(RowBlock extent, std::int64_t block_rows) { return {extent, block_rows}; }
inline RowBlocks split_rows(std::int64_t rows, std::int64_t block_rows) { return {RowBlock{0, rows}, block_rows}; }

// Whether `block` is whole rows of tiles `tile` rows high: it starts on a
// tile row and ends on one or at the end of `extent_rows` (the raster's rows).
bool whole_tile_rows(RowBlock block, std::int64_t tile, std::int64_t extent_rows);

// Output grid of a strided operation: whole cells only.
RasterSize output_size(RasterSize input, Stride stride);

// The input region an output region needs: its cells, padded by the halo, cut
// at the edges of an input raster of `input` size.
Region source_region(const Region& output, Stride stride, Halo halo, RasterSize input);

}  // namespace geostrip
