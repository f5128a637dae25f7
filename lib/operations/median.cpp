// median: the lower median of the valid pixels in a window, in the input's
// type; nodata where the centre is nodata.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"
#include "kernels/selection_network.hpp"

namespace geostrip {

namespace {

constexpr std::uint32_t kInvalid = std::numeric_limits<std::uint32_t>::max();
// Windows of at most this many pixels of mostly distinct values select their
// median directly (mostly_distinct()).
constexpr std::int64_t kSmallWindow = 49;
// Windows of at most this many pixels with no nodata go through a selection
// network (kernels/selection_network.hpp), kLanes windows of a row at once.
constexpr int kNetworkWindow = 49;

// Huang's sliding-histogram median over integer keys in [0, levels), in two
// levels (coarse bins of 16 keys) with the median's coarse bin tracked as the
// window moves: a step costs the column that leaves, the one that enters,
// the bins the median moves by and one coarse bin's scan, whatever the
// window's width. (Bins of 16 keys: a third of the time of bins of 256 keys,
// whose scan dominated for 5x5 windows of 16-bit pixels.) key(y, x) is kInvalid for
// nodata; emit(c, key) receives the lower median's key, or kInvalid where
// the centre is nodata. Positions are raster coordinates.
class SlidingHistogram {
 public:
  explicit SlidingHistogram(std::uint32_t levels)
      : fine_((levels + kBin - 1) / kBin * kBin, 0), coarse_((levels + kBin - 1) / kBin, 0) {}

  // Row r's medians in columns `cols`; the histogram is empty again after.
  template <class KeyAt, class Emit>
  void row(RasterSize raster, std::int64_t r, RowBlock cols, Halo halo, KeyAt key, Emit emit) {
    const std::int64_t first = cols.begin, last = cols.end - 1;
    const std::int64_t top = std::max<std::int64_t>(0, r - halo.rows);
    const std::int64_t bottom = std::min(raster.rows - 1, r + halo.rows);
    // The counts in locals: as members, every store into the bins might
    // change them, and they would be read again from memory after each
    // (9x9 of UInt16 took 1.7 times as long).
    std::uint32_t* const fine = fine_.data();
    std::uint32_t* const coarse = coarse_.data();
    std::uint32_t count = count_, median_bin = median_bin_, below = below_;
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
    for (std::int64_t x = std::max<std::int64_t>(0, first - halo.cols); x <= std::min(raster.cols - 1, first + halo.cols);
         ++x)
      column(x, add);
    for (std::int64_t c = first; c <= last; ++c) {
      if (c > first) {
        if (c - 1 - halo.cols >= 0) column(c - 1 - halo.cols, remove);
        if (c + halo.cols < raster.cols) column(c + halo.cols, add);
      }
      if (key(r, c) == kInvalid) {
        emit(c, kInvalid);
        continue;
      }
      const std::uint32_t rank = (count - 1) / 2;
      while (below > rank) below -= coarse[--median_bin];
      while (below + coarse[median_bin] <= rank) below += coarse[median_bin++];
      std::uint32_t seen = below, k = median_bin << kShift;
      while (seen + fine[k] <= rank) seen += fine[k++];
      emit(c, k);
    }
    for (std::int64_t x = std::max<std::int64_t>(0, last - halo.cols); x <= std::min(raster.cols - 1, last + halo.cols);
         ++x)
      column(x, remove);
    count_ = count;
    median_bin_ = median_bin;
    below_ = below;
  }

 private:
  static constexpr std::uint32_t kShift = 4, kBin = 1u << kShift;
  std::vector<std::uint32_t> fine_, coarse_;
  std::uint32_t count_ = 0, median_bin_ = 0, below_ = 0;  // below_: values in coarse bins < median_bin_
};

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

// Calls clean(r, columns) for the runs of row r's output columns whose
// windows lie inside the raster with every pixel valid, and others(r,
// columns) for the runs between them.
template <class T, class Valid, class Clean, class Others>
void split_rows(const Plane<const T>& in, const BlockGeometry& g, const Region& out, Halo halo, const Valid& valid,
                Clean clean, Others others) {
  std::vector<std::uint8_t> invalid(static_cast<std::size_t>(in.rows * in.cols));
  for (std::size_t i = 0; i < invalid.size(); ++i) invalid[i] = !valid(in.data[i]);
  // Over the columns the row's windows reach: whether any row of the window
  // is invalid there, then how many such columns precede each one.
  const std::int64_t reach0 = std::max<std::int64_t>(0, out.cols.begin - halo.cols);
  const std::int64_t reach1 = std::min(g.raster.cols, out.cols.end + halo.cols);
  std::vector<std::uint8_t> bad(static_cast<std::size_t>(reach1 - reach0));
  std::vector<std::int64_t> bad_before(bad.size() + 1);
  for (std::int64_t r = out.rows.begin; r < out.rows.end; ++r) {
    if (r - halo.rows < 0 || r + halo.rows >= g.raster.rows) {
      others(r, out.cols);
      continue;
    }
    std::fill(bad.begin(), bad.end(), std::uint8_t{0});
    for (std::int64_t y = r - halo.rows; y <= r + halo.rows; ++y) {
      const std::uint8_t* row = invalid.data() + (y - in.row0) * in.cols + (reach0 - in.col0);
      for (std::size_t x = 0; x < bad.size(); ++x) bad[x] |= row[x];
    }
    for (std::size_t x = 0; x < bad.size(); ++x) bad_before[x + 1] = bad_before[x] + bad[x];
    const auto is_clean = [&](std::int64_t c) {
      return c - halo.cols >= 0 && c + halo.cols < g.raster.cols &&
             bad_before[static_cast<std::size_t>(c + halo.cols + 1 - reach0)] ==
                 bad_before[static_cast<std::size_t>(c - halo.cols - reach0)];
    };
    for (std::int64_t c = out.cols.begin; c < out.cols.end;) {
      const bool run_clean = is_clean(c);
      std::int64_t end = c + 1;
      while (end < out.cols.end && is_clean(end) == run_clean) ++end;
      if (run_clean)
        clean(r, RowBlock{c, end});
      else
        others(r, RowBlock{c, end});
      c = end;
    }
  }
}

// Each window's lower median among its valid values, by selection: for
// small windows of continuous values (whose ranks would make a histogram as
// large as the block), and for windows with nodata beside the network's.
template <class T, class Valid>
void select_medians(const Plane<const T>& in, const BlockGeometry& g, Halo halo, const Valid& valid, T nodata,
                    const Plane<T>& o, std::int64_t r, RowBlock cols) {
  std::array<T, kSmallWindow> window;
  for (std::int64_t c = cols.begin; c < cols.end; ++c) {
    if (!valid(in.at(r, c))) {
      o.at(r, c) = nodata;
      continue;
    }
    std::size_t n = 0;
    for (std::int64_t y = std::max<std::int64_t>(0, r - halo.rows); y <= std::min(g.raster.rows - 1, r + halo.rows); ++y)
      for (std::int64_t x = std::max<std::int64_t>(0, c - halo.cols); x <= std::min(g.raster.cols - 1, c + halo.cols); ++x)
        if (const T v = in.at(y, x); valid(v)) window[n++] = v;
    const auto lower = window.begin() + static_cast<std::ptrdiff_t>((n - 1) / 2);
    std::nth_element(window.begin(), lower, window.begin() + static_cast<std::ptrdiff_t>(n));
    o.at(r, c) = unsigned_zero(*lower);
  }
}

template <class T>
void lower_median(const KernelInput& src, const BlockGeometry& g, Halo halo, const std::vector<Comparator>& network,
                  T nodata, BlockBuffer& out) {
  const auto in = src.pixels.band<T>(0);
  const auto o = out.band<T>(0);
  const auto valid = [&](T v) { return !src.is_nodata(static_cast<double>(v)); };
  const std::int64_t window_size = std::int64_t{2 * halo.rows + 1} * (2 * halo.cols + 1);
  // Windows inside the raster with no nodata: the network, on kLanes windows of a row at once.
  std::vector<T> lanes(static_cast<std::size_t>(window_size * kLanes));
  const auto by_network = [&](std::int64_t r, RowBlock cols) {
    for (std::int64_t c = cols.begin; c < cols.end; c += kLanes) {
      const auto count = static_cast<std::size_t>(std::min(kLanes, cols.end - c));
      T* lane = lanes.data();
      for (std::int64_t y = r - halo.rows; y <= r + halo.rows; ++y)
        for (std::int64_t x = c - halo.cols; x <= c + halo.cols; ++x, lane += kLanes)
          std::copy_n(&in.at(y, x), count, lane);
      run_network(network, lanes.data());
      const T* median = lanes.data() + (window_size - 1) / 2 * kLanes;
      for (std::size_t i = 0; i < count; ++i) o.at(r, c + static_cast<std::int64_t>(i)) = unsigned_zero(median[i]);
    }
  };
  // Every row: its clean runs by the network (when there is one), the rest by `others`.
  const auto each_row = [&](const auto& others) {
    if (network.empty())
      for (std::int64_t r = o.row0; r < o.row0 + o.rows; ++r) others(r, {o.col0, o.col0 + o.cols});
    else
      split_rows(in, g, out.region(), halo, valid, by_network, others);
  };
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
    // 8- and 16-bit values are their own keys.
    constexpr std::int32_t lowest = std::numeric_limits<T>::min();
    SlidingHistogram histogram(65536);
    const auto by_histogram = [&](std::int64_t r, RowBlock cols) {
      histogram.row(
          g.raster, r, cols, halo,
          [&](std::int64_t y, std::int64_t x) {
            const T v = in.at(y, x);
            return valid(v) ? static_cast<std::uint32_t>(static_cast<std::int32_t>(v) - lowest) : kInvalid;
          },
          [&](std::int64_t c, std::uint32_t k) {
            o.at(r, c) = k == kInvalid ? nodata : static_cast<T>(static_cast<std::int32_t>(k) + lowest);
          });
    };
    each_row(by_histogram);
  } else if (window_size <= kSmallWindow && (!network.empty() || mostly_distinct(in, valid))) {
    // Other types in a small window: select the median of each window with nodata.
    const auto by_selection = [&](std::int64_t r, RowBlock cols) {
      select_medians(in, g, halo, valid, nodata, o, r, cols);
    };
    each_row(by_selection);
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
    SlidingHistogram histogram(static_cast<std::uint32_t>(std::max<std::size_t>(1, levels.size())));
    for (std::int64_t r = o.row0; r < o.row0 + o.rows; ++r)
      histogram.row(
          g.raster, r, {o.col0, o.col0 + o.cols}, halo, [&](std::int64_t y, std::int64_t x) { return rank_at.at(y, x); },
          [&](std::int64_t c, std::uint32_t k) { o.at(r, c) = k == kInvalid ? nodata : levels[k]; });
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
    if (spec_.window.rows * spec_.window.cols <= kNetworkWindow)
      network_ = selection_network(spec_.window.rows * spec_.window.cols, (spec_.window.rows * spec_.window.cols - 1) / 2);
    // Integer outputs keep the input's declared nodata; floats use NaN.
    spec_.output_nodata = is_integer(type) ? args.nodata_of(spec_.inputs.front())
                                           : std::optional<double>(std::numeric_limits<double>::quiet_NaN());
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override {
    visit_real(spec_.input_type, [&](auto zero) {
      using T = decltype(zero);
      const T nodata = spec_.output_nodata ? static_cast<T>(*spec_.output_nodata) : T{};
      lower_median<T>(in[0], g, spec_.window.halo(), network_, nodata, out);
    });
  }

 private:
  KernelSpec spec_;
  std::vector<Comparator> network_;  // empty for windows of more than kNetworkWindow pixels
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
