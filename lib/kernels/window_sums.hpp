#pragma once
// Sums over every window of a block, at a cost per pixel independent of the
// window size, and bit for bit the same wherever the block starts and
// whatever columns it holds.
//
// An axis is cut into segments as long as the window, anchored at position 0
// of the raster. A window (cut at the raster edge) spans at most two segments:
// its sum is the suffix sum of the segment it starts in plus the prefix sum of
// the segment it ends in. Both are accumulated from segment boundaries, which
// are absolute positions, so every window's sum is the same expression
// whatever region the block holds. Rows are summed first along each row, then
// those sums down the columns.
#include <algorithm>
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

// Prefix and suffix sums along one axis of the positions [first, first + n),
// `step` elements apart (1 along a row, a row's length down a column), each
// of `width` values: restarted at every segment boundary and at the range's
// ends. Sums of a segment that starts before the range are never used: every
// window the caller asks for lies inside it (see window_sum).
template <class T>
void prefix_suffix(const Segments& s, const T* in, std::int64_t first, std::int64_t n, std::int64_t step,
                   std::int64_t width, T* prefix, T* suffix) {
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t p = first + i;
    const T* v = in + i * step;
    T* out = prefix + i * step;
    if (p == s.start(p) || i == 0)
      std::copy(v, v + width, out);
    else
      for (std::int64_t k = 0; k < width; ++k) out[k] = out[k - step] + v[k];
  }
  for (std::int64_t i = n - 1; i >= 0; --i) {
    const std::int64_t p = first + i;
    const T* v = in + i * step;
    T* out = suffix + i * step;
    if (p == s.end(p) || i == n - 1)
      std::copy(v, v + width, out);
    else
      for (std::int64_t k = 0; k < width; ++k) out[k] = v[k] + out[k + step];
  }
}

}  // namespace window_sums_detail

// Window sums of `in` for every pixel of `out` (both planes in raster
// coordinates, `in` holding every pixel a window of `out` reaches): out(r, c)
// is the sum over the window of `halo` around (r, c), cut at the edges of a
// raster of `raster` size. T is double, std::complex<double>, ...
template <class T>
void window_sums(Plane<const T> in, RasterSize raster, Halo halo, Plane<T> out) {
  using namespace window_sums_detail;
  const Segments across{2 * halo.cols + 1, raster.cols};
  const Segments down{2 * halo.rows + 1, raster.rows};

  // Along each row: h(r, c) = sum of in(r, c-hc .. c+hc), for the output's columns.
  std::vector<T> along(static_cast<std::size_t>(in.rows * out.cols));
  std::vector<T> prefix(static_cast<std::size_t>(in.cols)), suffix(prefix.size());
  for (std::int64_t r = 0; r < in.rows; ++r) {
    prefix_suffix<T>(across, in.row(r), in.col0, in.cols, 1, 1, prefix.data(), suffix.data());
    T* h = along.data() + r * out.cols;
    for (std::int64_t c = out.col0; c < out.col0 + out.cols; ++c) {
      const std::int64_t a = std::max<std::int64_t>(0, c - halo.cols);
      const std::int64_t b = std::min(raster.cols - 1, c + halo.cols);
      h[c - out.col0] = window_sum(across, a, b, suffix[a - in.col0], prefix[b - in.col0]);
    }
  }

  // Down the columns, a whole row at a time.
  std::vector<T> down_prefix(along.size()), down_suffix(along.size());
  prefix_suffix<T>(down, along.data(), in.row0, in.rows, out.cols, out.cols, down_prefix.data(), down_suffix.data());
  for (std::int64_t r = out.row0; r < out.row0 + out.rows; ++r) {
    const std::int64_t a = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t b = std::min(raster.rows - 1, r + halo.rows);
    const T* s = down_suffix.data() + (a - in.row0) * out.cols;
    const T* p = down_prefix.data() + (b - in.row0) * out.cols;
    T* o = out.row(r - out.row0);
    for (std::int64_t c = 0; c < out.cols; ++c) o[c] = window_sum(down, a, b, s[c], p[c]);
  }
}

// Calls `strip(out_rows, in_rows)` for the rows `out` of a block a few at a
// time, with the rows of `in` their windows reach: window sums over strips
// are the sums over the whole block (segments are anchored at the raster's
// first row), and a strip's planes of sums are a few rows, not a block's.
// The rows two strips' windows share, at most an eighth of a strip's, are
// summed along twice.
template <class Strip>
void for_row_strips(RowBlock out, RowBlock in, Halo halo, const Strip& strip) {
  const std::int64_t rows = std::max<std::int64_t>(32, 16 * halo.rows);
  for (std::int64_t first = out.begin; first < out.end; first += rows) {
    const RowBlock part{first, std::min(first + rows, out.end)};
    strip(part, RowBlock{std::max(in.begin, part.begin - halo.rows), std::min(in.end, part.end + halo.rows)});
  }
}

}  // namespace geostrip
