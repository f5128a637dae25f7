#pragma once
// Sums over every window of a block, at a cost per pixel independent of the
// window size, and bit for bit the same wherever the block starts.
//
// An axis is cut into segments as long as the window, anchored at position 0
// of the raster. A window (cut at the raster edge) spans at most two segments:
// its sum is the suffix sum of the segment it starts in plus the prefix sum of
// the segment it ends in. Both are accumulated from segment boundaries, which
// are absolute positions, so every window's sum is the same expression
// whatever rows the block holds. Rows are summed first along each row, then
// those sums down the columns.
#include <cstdint>
#include <vector>

#include "core/block_buffer.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

namespace window_sums_detail {

// One axis of length `extent` in segments of `length` (= window length).
struct Segments {
  std::int64_t length;
  std::int64_t extent;
  std::int64_t start(std::int64_t p) const { return p / length * length; }
  std::int64_t end(std::int64_t p) const { return std::min(start(p) + length, extent) - 1; }
};

// Combines the prefix and suffix sums of a window [a, b] (positions absolute).
template <class T>
T window_sum(const Segments& s, std::int64_t a, std::int64_t b, const T& suffix_a, const T& prefix_b) {
  if (s.start(a) != s.start(b)) return suffix_a + prefix_b;
  return a == s.start(a) ? prefix_b : suffix_a;
}

}  // namespace window_sums_detail

// Window sums of `in` (the rows `in_rows` of a raster of `raster` size, every
// column) for the rows `out_rows`: out(r, c) is the sum over the window of
// `halo` around (r, c), cut at the raster edge. T is double, std::complex<double>, ...
template <class T>
void window_sums(Plane<const T> in, RowBlock in_rows, RasterSize raster, Halo halo, RowBlock out_rows,
                 Plane<T> out) {
  using namespace window_sums_detail;
  const std::int64_t cols = raster.cols;
  const Segments across{2 * halo.cols + 1, cols};
  const Segments down{2 * halo.rows + 1, raster.rows};

  // Along each row: h(r, c) = sum of in(r, c-hc .. c+hc).
  std::vector<T> along(static_cast<std::size_t>(in.rows * cols));
  std::vector<T> prefix(static_cast<std::size_t>(cols)), suffix(static_cast<std::size_t>(cols));
  for (std::int64_t r = 0; r < in.rows; ++r) {
    const T* v = in.row(r);
    for (std::int64_t c = 0; c < cols; ++c)
      prefix[c] = c == across.start(c) ? v[c] : prefix[c - 1] + v[c];
    for (std::int64_t c = cols - 1; c >= 0; --c)
      suffix[c] = c == across.end(c) ? v[c] : v[c] + suffix[c + 1];
    T* h = along.data() + r * cols;
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::int64_t a = std::max<std::int64_t>(0, c - halo.cols);
      const std::int64_t b = std::min(cols - 1, c + halo.cols);
      h[c] = window_sum(across, a, b, suffix[a], prefix[b]);
    }
  }

  // Down the columns, a whole row at a time. Rows of a segment that starts
  // before the block are never used: see window_sum.
  const auto row_of = [&](std::vector<T>& plane, std::int64_t absolute) {
    return plane.data() + (absolute - in_rows.begin) * cols;
  };
  std::vector<T> down_prefix(along.size()), down_suffix(along.size());
  for (std::int64_t r = in_rows.begin; r < in_rows.end; ++r) {
    const T* h = row_of(along, r);
    T* p = row_of(down_prefix, r);
    if (r == down.start(r) || r == in_rows.begin) {
      std::copy(h, h + cols, p);
    } else {
      const T* previous = p - cols;
      for (std::int64_t c = 0; c < cols; ++c) p[c] = previous[c] + h[c];
    }
  }
  for (std::int64_t r = in_rows.end - 1; r >= in_rows.begin; --r) {
    const T* h = row_of(along, r);
    T* s = row_of(down_suffix, r);
    if (r == down.end(r) || r == in_rows.end - 1) {
      std::copy(h, h + cols, s);
    } else {
      const T* next = s + cols;
      for (std::int64_t c = 0; c < cols; ++c) s[c] = h[c] + next[c];
    }
  }
  for (std::int64_t r = out_rows.begin; r < out_rows.end; ++r) {
    const std::int64_t a = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t b = std::min(raster.rows - 1, r + halo.rows);
    const T* s = row_of(down_suffix, a);
    const T* p = row_of(down_prefix, b);
    T* o = out.row(r - out_rows.begin);
    for (std::int64_t c = 0; c < cols; ++c) o[c] = window_sum(down, a, b, s[c], p[c]);
  }
}

}  // namespace geostrip
