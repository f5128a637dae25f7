#pragma once
// Pixels of one row block: `bands` planes of rows x cols, band after band.
#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdlib>
#include <memory>

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/pixel_type.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

// A typed view of one band: row-major, `cols` pixels a row, its first pixel
// at raster row `row0` and column `col0`.
template <class T>
struct Plane {
  T* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t row0 = 0;
  std::int64_t col0 = 0;
  T* row(std::int64_t i) const { return data + i * cols; }  // the i-th row held
  // The pixel at raster row r and column c (absolute).
  T& at(std::int64_t r, std::int64_t c) const { return data[(r - row0) * cols + (c - col0)]; }
  // A plane of the same region over other pixels (as many).
  template <class U>
  Plane<U> over(U* pixels) const {
    return {.data = pixels, .rows = rows, .cols = cols, .row0 = row0, .col0 = col0};
  }
  // The raster rows `held` of this plane, which holds them.
  Plane rows_of(RowBlock held) const {
    return {.data = data + (held.begin - row0) * cols, .rows = held.rows(), .cols = cols, .row0 = held.begin,
            .col0 = col0};
  }
  RowBlock held_rows() const { return {row0, row0 + rows}; }
};

class BlockBuffer {
 public:
  BlockBuffer() = default;
  // Throws Error, saying what it was for, when there is no memory for it.
  // malloc, not new: a failed malloc returns null under AddressSanitizer too.
  // The pixels of `region` (absolute raster coordinates).
  BlockBuffer(PixelType type, int bands, Region region) : type_(type), bands_(bands), region_(region) {
    const std::size_t bytes = band_bytes() * static_cast<std::size_t>(bands);
    bytes_.reset(static_cast<std::byte*>(std::malloc(std::max<std::size_t>(bytes, 1))));
    if (!bytes_)
      throw Error(fmt::format("out of memory for the pixels of rows {}-{} ({} x {} x {} band(s) of {}, {} bytes); "
                              "fewer --threads or --block-rows need less",
                              region.rows.begin, region.rows.end - 1, region.rows.rows(), cols(), bands,
                              name_of(type), bytes));
  }
  // Rows `rows` of every column from 0 to `cols`.
  BlockBuffer(PixelType type, int bands, RowBlock rows, std::int64_t cols)
      : BlockBuffer(type, bands, Region{.rows = rows, .cols = {0, cols}}) {}

  PixelType type() const { return type_; }
  int bands() const { return bands_; }
  const Region& region() const { return region_; }
  RowBlock rows() const { return region_.rows; }
  std::int64_t cols() const { return region_.cols.rows(); }
  std::int64_t first_col() const { return region_.cols.begin; }
  std::size_t band_bytes() const {
    return static_cast<std::size_t>(rows().rows() * cols()) * size_of(type_);
  }

  std::byte* band_data(int band) { return bytes_.get() + band_bytes() * static_cast<std::size_t>(band); }
  const std::byte* band_data(int band) const {
    return bytes_.get() + band_bytes() * static_cast<std::size_t>(band);
  }

  template <class T>
  Plane<T> band(int band) {
    assert(pixel_type_of<T>() == type_ && band < bands_);
    return {.data = reinterpret_cast<T*>(band_data(band)),
            .rows = rows().rows(),
            .cols = cols(),
            .row0 = rows().begin,
            .col0 = first_col()};
  }
  template <class T>
  Plane<const T> band(int band) const {
    assert(pixel_type_of<T>() == type_ && band < bands_);
    return {.data = reinterpret_cast<const T*>(band_data(band)),
            .rows = rows().rows(),
            .cols = cols(),
            .row0 = rows().begin,
            .col0 = first_col()};
  }

 private:
  PixelType type_ = PixelType::Byte;
  int bands_ = 0;
  Region region_;
  struct Free {
    void operator()(std::byte* bytes) const { std::free(bytes); }
  };
  std::unique_ptr<std::byte[], Free> bytes_;
};

// Every pixel of `from` (real) into `to`, of the same shape, as `to`'s type.
inline void convert_pixels(const BlockBuffer& from, BlockBuffer& to) {
  assert(!is_complex(from.type()) && from.bands() == to.bands() && from.rows() == to.rows() && from.cols() == to.cols());
  const auto n = static_cast<std::size_t>(from.rows().rows() * from.cols());
  visit_real(from.type(), [&](auto in_zero) {
    using In = decltype(in_zero);
    for (int b = 0; b < from.bands(); ++b) {
      const In* in = reinterpret_cast<const In*>(from.band_data(b));
      if (is_complex(to.type())) {
        auto* out = reinterpret_cast<std::complex<float>*>(to.band_data(b));
        for (std::size_t i = 0; i < n; ++i) out[i] = {static_cast<float>(in[i]), 0.0f};
        continue;
      }
      visit_real(to.type(), [&](auto out_zero) {
        using Out = decltype(out_zero);
        Out* out = reinterpret_cast<Out*>(to.band_data(b));
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(in[i]);
      });
    }
  });
}

}  // namespace geostrip
