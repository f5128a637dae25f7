#include "kernels/median.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/error.hpp"

namespace geostrip {

namespace {

// For 8- and 16-bit pixels: Huang's sliding histogram, in two levels (256
// coarse bins of 256 values) with the median's coarse bin tracked as the
// window moves, so a step costs the column updates plus one coarse bin's scan.
template <class T>
void lower_median_histogram(const KernelInput& src, const BlockGeometry& g, Halo halo, T nodata, BlockBuffer& out) {
  const auto in = src.pixels.band<T>(0);
  const auto result = out.band<T>(0);
  const std::int64_t cols = in.cols;
  const auto valid = [&](T v) { return !src.is_nodata(static_cast<double>(v)); };
  const auto key = [](T v) { return static_cast<std::uint32_t>(static_cast<std::int32_t>(v) - std::numeric_limits<T>::min()); };
  std::vector<std::uint32_t> fine(65536, 0), coarse(256, 0);
  std::uint32_t count = 0, median_bin = 0, below = 0;  // values in coarse bins < median_bin
  const auto update = [&](T v, int delta) {
    const std::uint32_t k = key(v);
    fine[k] += static_cast<std::uint32_t>(delta);
    coarse[k >> 8] += static_cast<std::uint32_t>(delta);
    count += static_cast<std::uint32_t>(delta);
    if ((k >> 8) < median_bin) below += static_cast<std::uint32_t>(delta);
  };
  for (std::int64_t r = out.rows().begin; r < out.rows().end; ++r) {
    const std::int64_t top = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t bottom = std::min(g.raster.rows - 1, r + halo.rows);
    const auto column = [&](std::int64_t x, int delta) {
      for (std::int64_t y = top; y <= bottom; ++y)
        if (const T v = in.row(y - g.input_rows.begin)[x]; valid(v)) update(v, delta);
    };
    for (std::int64_t x = 0; x <= std::min(cols - 1, static_cast<std::int64_t>(halo.cols)); ++x) column(x, +1);
    const T* centre = in.row(r - g.input_rows.begin);
    T* o = result.row(r - out.rows().begin);
    for (std::int64_t c = 0; c < cols; ++c) {
      if (c > 0) {
        if (c - 1 - halo.cols >= 0) column(c - 1 - halo.cols, -1);
        if (c + halo.cols < cols) column(c + halo.cols, +1);
      }
      if (!valid(centre[c])) {
        o[c] = nodata;
        continue;
      }
      const std::uint32_t rank = (count - 1) / 2;
      while (below > rank) below -= coarse[--median_bin];
      while (below + coarse[median_bin] <= rank) below += coarse[median_bin++];
      std::uint32_t seen = below, k = median_bin << 8;
      while (seen + fine[k] <= rank) seen += fine[k++];
      o[c] = static_cast<T>(static_cast<std::int32_t>(k) + std::numeric_limits<T>::min());
    }
    // Empty the histogram for the next row.
    for (std::int64_t x = std::max<std::int64_t>(0, cols - 1 - halo.cols); x < cols; ++x) column(x, -1);
  }
}

// Slides along each row keeping the window's valid values sorted: moving one
// column right removes the column that leaves and inserts the one that
// enters, so the lower median is an index lookup. Exact, so independent of
// blocks and order.
template <class T>
void lower_median(const KernelInput& src, const BlockGeometry& g, Halo halo, T nodata, BlockBuffer& out) {
  const auto in = src.pixels.band<T>(0);
  const auto result = out.band<T>(0);
  const std::int64_t cols = in.cols;
  const auto valid = [&](T v) { return !src.is_nodata(static_cast<double>(v)); };
  std::vector<T> sorted;
  sorted.reserve(static_cast<std::size_t>((2 * halo.rows + 1) * (2 * halo.cols + 1)));
  for (std::int64_t r = out.rows().begin; r < out.rows().end; ++r) {
    const std::int64_t top = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t bottom = std::min(g.raster.rows - 1, r + halo.rows);
    const auto column = [&](std::int64_t x, auto&& visit) {
      for (std::int64_t y = top; y <= bottom; ++y)
        if (const T v = in.row(y - g.input_rows.begin)[x]; valid(v)) visit(v);
    };
    const auto insert = [&](T v) { sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v); };
    const auto erase = [&](T v) { sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), v)); };
    sorted.clear();
    for (std::int64_t x = 0; x <= std::min(cols - 1, static_cast<std::int64_t>(halo.cols)); ++x) column(x, insert);
    const T* centre = in.row(r - g.input_rows.begin);
    T* o = result.row(r - out.rows().begin);
    for (std::int64_t c = 0; c < cols; ++c) {
      if (c > 0) {
        if (c - 1 - halo.cols >= 0) column(c - 1 - halo.cols, erase);
        if (c + halo.cols < cols) column(c + halo.cols, insert);
      }
      o[c] = valid(centre[c]) ? sorted[(sorted.size() - 1) / 2] : nodata;
    }
  }
}

}  // namespace

MedianKernel::MedianKernel(Window window, PixelType type, std::optional<double> nodata) {
  spec_.inputs = {"src"};
  spec_.input_type = type;
  spec_.output_type = type;
  spec_.window = window;
  spec_.output_nodata = nodata;
}

std::unique_ptr<Kernel> MedianKernel::make(const KernelArgs& args) {
  args.require_inputs({"src"});
  const auto [rows, cols] = args.odd_window("window", "3x3");
  const PixelType type = args.type_of("src");
  if (is_complex(type)) throw UsageError("median takes real pixels; src is " + std::string(name_of(type)));
  // Integer outputs keep the input's declared nodata; floats use NaN.
  const std::optional<double> nodata =
      is_integer(type) ? args.nodata_of("src") : std::optional<double>(std::numeric_limits<double>::quiet_NaN());
  return std::make_unique<MedianKernel>(Window{rows, cols}, type, nodata);
}

void MedianKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  visit_real(spec_.input_type, [&](auto zero) {
    using T = decltype(zero);
    const T nodata = spec_.output_nodata ? static_cast<T>(*spec_.output_nodata) : T{};
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2)
      lower_median_histogram<T>(in[0], g, spec_.window.halo(), nodata, out);
    else
      lower_median<T>(in[0], g, spec_.window.halo(), nodata, out);
  });
}

}  // namespace geostrip
