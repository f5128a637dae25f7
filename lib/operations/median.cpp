// median: the lower median of the valid pixels in a window, in the input's
// type; nodata where the centre is nodata.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

constexpr std::uint32_t kInvalid = std::numeric_limits<std::uint32_t>::max();
// Windows of at most this many pixels of mostly distinct values select their
// median directly (mostly_distinct()).
constexpr std::int64_t kSmallWindow = 49;

// Huang's sliding-histogram median over integer keys in [0, levels), in two
// levels (coarse bins of 16 keys) with the median's coarse bin tracked as the
// window moves: a step costs the column that leaves, the one that enters,
// the bins the median moves by and one coarse bin's scan, whatever the
// window's width. (Bins of 16 keys: a third of the time of bins of 256 keys,
// whose scan dominated for 5x5 windows of 16-bit pixels.) key(y, x) is kInvalid for
// nodata; emit(r, c, key) receives the lower median's key, or kInvalid where
// the centre is nodata. Positions are raster coordinates.
template <class KeyAt, class Emit>
void sliding_median(const BlockGeometry& g, const Region& out, Halo halo, std::uint32_t levels, KeyAt key,
                    Emit emit) {
  const std::int64_t cols = g.raster.cols;
  const std::int64_t first = out.cols.begin, last = out.cols.end - 1;
  constexpr std::uint32_t kShift = 4, kBin = 1u << kShift;
  std::vector<std::uint32_t> fine((levels + kBin - 1) / kBin * kBin, 0), coarse((levels + kBin - 1) / kBin, 0);
  std::uint32_t count = 0, median_bin = 0, below = 0;  // values in coarse bins < median_bin
  for (std::int64_t r = out.rows.begin; r < out.rows.end; ++r) {
    const std::int64_t top = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t bottom = std::min(g.raster.rows - 1, r + halo.rows);
    const auto column = [&](std::int64_t x, std::uint32_t delta) {
      for (std::int64_t y = top; y <= bottom; ++y)
        if (const std::uint32_t k = key(y, x); k != kInvalid) {
          fine[k] += delta;
          coarse[k >> kShift] += delta;
          count += delta;
          if ((k >> kShift) < median_bin) below += delta;
        }
    };
    const std::uint32_t add = 1, remove = static_cast<std::uint32_t>(-1);
    for (std::int64_t x = std::max<std::int64_t>(0, first - halo.cols); x <= std::min(cols - 1, first + halo.cols); ++x)
      column(x, add);
    for (std::int64_t c = first; c <= last; ++c) {
      if (c > first) {
        if (c - 1 - halo.cols >= 0) column(c - 1 - halo.cols, remove);
        if (c + halo.cols < cols) column(c + halo.cols, add);
      }
      if (key(r, c) == kInvalid) {
        emit(r, c, kInvalid);
        continue;
      }
      const std::uint32_t rank = (count - 1) / 2;
      while (below > rank) below -= coarse[--median_bin];
      while (below + coarse[median_bin] <= rank) below += coarse[median_bin++];
      std::uint32_t seen = below, k = median_bin << kShift;
      while (seen + fine[k] <= rank) seen += fine[k++];
      emit(r, c, k);
    }
    // Empty the histogram for the next row.
    for (std::int64_t x = std::max<std::int64_t>(0, last - halo.cols); x <= std::min(cols - 1, last + halo.cols); ++x)
      column(x, remove);
  }
}

// Whether most of a sample of the block's valid values differ: continuous
// values (a DEM in floats) make the ranks' histogram as large as the block,
// whose scans then cost more than selecting each small window's median (5x5
// of a Float32 DEM: 440 against 71 ns a pixel); values of a few thousand
// levels (reflectances in floats) rank cheaply (110 against 180).
template <class T, class Valid>
bool mostly_distinct(const Plane<const T>& in, const Valid& valid) {
  constexpr std::int64_t kSample = 4096;
  const std::int64_t n = in.rows * in.cols, step = std::max<std::int64_t>(1, n / kSample);
  std::vector<T> sample;
  for (std::int64_t i = 0; i < n; i += step)
    if (valid(in.data[i])) sample.push_back(in.data[i]);
  std::sort(sample.begin(), sample.end());
  const auto distinct = std::unique(sample.begin(), sample.end()) - sample.begin();
  return 2 * distinct > static_cast<std::ptrdiff_t>(sample.size());
}

// -0 and +0 are equal, so which one a median of them is would depend on the
// values around it in the block: a median of zero is always +0.
template <class T>
T unsigned_zero(T value) {
  return value == T{0} ? T{0} : value;
}

template <class T>
void lower_median(const KernelInput& src, const BlockGeometry& g, Halo halo, T nodata, BlockBuffer& out) {
  const auto in = src.pixels.band<T>(0);
  const auto o = out.band<T>(0);
  const auto valid = [&](T v) { return !src.is_nodata(static_cast<double>(v)); };
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
    // 8- and 16-bit values are their own keys.
    constexpr std::int32_t lowest = std::numeric_limits<T>::min();
    sliding_median(
        g, out.region(), halo, 65536,
        [&](std::int64_t y, std::int64_t x) {
          const T v = in.at(y, x);
          return valid(v) ? static_cast<std::uint32_t>(static_cast<std::int32_t>(v) - lowest) : kInvalid;
        },
        [&](std::int64_t r, std::int64_t c, std::uint32_t k) {
          o.at(r, c) = k == kInvalid ? nodata : static_cast<T>(static_cast<std::int32_t>(k) + lowest);
        });
  } else if (std::int64_t{2 * halo.rows + 1} * (2 * halo.cols + 1) <= kSmallWindow && mostly_distinct(in, valid)) {
    // Other types in a small window: select each window's lower median among its valid values.
    std::array<T, kSmallWindow> window;
    for (std::int64_t r = o.row0; r < o.row0 + o.rows; ++r)
      for (std::int64_t c = o.col0; c < o.col0 + o.cols; ++c) {
        if (!valid(in.at(r, c))) {
          o.at(r, c) = nodata;
          continue;
        }
        std::size_t n = 0;
        for (std::int64_t y = std::max<std::int64_t>(0, r - halo.rows); y <= std::min(g.raster.rows - 1, r + halo.rows); ++y)
          for (std::int64_t x = std::max<std::int64_t>(0, c - halo.cols); x <= std::min(g.raster.cols - 1, c + halo.cols);
               ++x)
            if (const T v = in.at(y, x); valid(v)) window[n++] = v;
        const auto lower = window.begin() + static_cast<std::ptrdiff_t>((n - 1) / 2);
        std::nth_element(window.begin(), lower, window.begin() + static_cast<std::ptrdiff_t>(n));
        o.at(r, c) = unsigned_zero(*lower);
      }
  } else {
    // Other types in larger windows: rank the block's distinct valid values once, then slide over ranks.
    std::vector<T> levels;
    levels.reserve(static_cast<std::size_t>(in.rows * in.cols));
    for (std::int64_t i = 0; i < in.rows * in.cols; ++i)
      if (valid(in.data[i])) levels.push_back(in.data[i]);
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    for (T& level : levels) level = unsigned_zero(level);
    std::vector<std::uint32_t> ranks(static_cast<std::size_t>(in.rows * in.cols));
    for (std::size_t i = 0; i < ranks.size(); ++i)
      ranks[i] = valid(in.data[i]) ? static_cast<std::uint32_t>(
                                         std::lower_bound(levels.begin(), levels.end(), in.data[i]) - levels.begin())
                                   : kInvalid;
    const Plane<const std::uint32_t> rank_at = in.template over<const std::uint32_t>(ranks.data());
    sliding_median(
        g, out.region(), halo, static_cast<std::uint32_t>(std::max<std::size_t>(1, levels.size())),
        [&](std::int64_t y, std::int64_t x) { return rank_at.at(y, x); },
        [&](std::int64_t r, std::int64_t c, std::uint32_t k) { o.at(r, c) = k == kInvalid ? nodata : levels[k]; });
  }
}

class MedianKernel final : public Kernel {
 public:
  explicit MedianKernel(const KernelArgs& args) {
    const PixelType type = args.type_of(args.inputs().front());
    spec_.inputs = args.inputs();
    spec_.input_type = type;
    spec_.output_type = type;
    spec_.window = args.window();
    // Integer outputs keep the input's declared nodata; floats use NaN.
    spec_.output_nodata = is_integer(type) ? args.nodata_of(spec_.inputs.front())
                                           : std::optional<double>(std::numeric_limits<double>::quiet_NaN());
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override {
    visit_real(spec_.input_type, [&](auto zero) {
      using T = decltype(zero);
      const T nodata = spec_.output_nodata ? static_cast<T>(*spec_.output_nodata) : T{};
      lower_median<T>(in[0], g, spec_.window.halo(), nodata, out);
    });
  }

 private:
  KernelSpec spec_;
};

const OperationRegistration median{{
    .name = "median",
    .summary = "lower median of the valid pixels in the window, in the input's type; nodata where the centre is nodata",
    .inputs = {"src"},
    .output = "the input's type",
    .options = {odd_window_option("3x3")},
    .window_option = "window",
    .make = &construct<MedianKernel>,
    .example = {{"window", "3x7"}},
}};

}  // namespace

}  // namespace geostrip
