#include "io/overviews.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/error.hpp"

namespace geostrip {

namespace {

// The output's own nodata, as its pixels hold it.
template <class T>
Validity<T> validity(const std::optional<double>& nodata) {
  return {.has_nodata = nodata.has_value(), .nodata = nodata ? to_pixel<T>(*nodata) : T{}};
}

// Whether levels are made of (sum, count) accumulators: of the values, or of their squares.
bool sums(OverviewResampling resampling) {
  return resampling == OverviewResampling::Average || resampling == OverviewResampling::Rms;
}

// The pixel an accumulator becomes, as GDAL's overviews make it: the mean
// (average) or the square root of the mean of squares (rms), rounded for
// integers; an average is never the nodata value by chance (GDAL's
// replacement value), an rms may be (GDAL's rms has none). Without
// branches, so that a level's loop vectorizes.
template <class T>
class AveragePixel {
 public:
  AveragePixel(const std::optional<double>& nodata, OverviewResampling resampling)
      : empty_(nodata_pixel<T>(nodata)),
        root_(resampling == OverviewResampling::Rms),
        replaces_(nodata.has_value() && !root_),
        replacement_(replacement(nodata)) {}
  [[gnu::always_inline]] T operator()(const Accumulator& a) const {
    const double mean = a.count > 0 ? a.sum / a.count : 0.0;
    const T value = to_pixel<T>(root_ ? std::sqrt(mean) : mean);
    const T kept = (replaces_ & (value == empty_)) ? replacement_ : value;
    return a.count > 0 ? kept : empty_;
  }

 private:
  static T replacement(const std::optional<double>& nodata) {
    if (!nodata) return T{};
    if constexpr (std::is_floating_point_v<T>)
      return *nodata == 0 ? static_cast<T>(std::numeric_limits<float>::min()) : static_cast<T>(*nodata + 1e-7 * *nodata);
    const T value = to_pixel<T>(*nodata);
    return value == std::numeric_limits<T>::max() ? static_cast<T>(value - 1) : static_cast<T>(value + 1);
  }
  T empty_;
  bool root_, replaces_;
  T replacement_;
};

[[gnu::always_inline]] inline void add(Accumulator& a, const Accumulator& b) {
  a.sum += b.sum;
  a.count += b.count;
}

// Statistics of one tile's valid pixels, row by row: two passes over a row
// while it is in cache, the rows merged in order (Chan's formula). The
// first pass is one loop with one result a column, which the compiler
// vectorizes: the row's valid values as doubles (0 for the others, summed
// after on kLanes independent lanes), their count, and the tile's extremes
// column by column, in T, an invalid pixel standing in as T's greatest (for
// the minimum) or least (for the maximum), which is exact. (Reduced in the
// same loop, in doubles, it did not vectorize.)
template <class T>
[[gnu::always_inline]] inline BandStats tile_stats_as(const Plane<const T>& full, Region tile,
                                                      const Validity<T>& valid) {
  constexpr int kLanes = 4;
  constexpr T kGreatest = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                                : std::numeric_limits<T>::max();
  constexpr T kLeast = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                             : std::numeric_limits<T>::lowest();
  const std::int64_t n = tile.cols.rows(), whole = n / kLanes * kLanes;
  thread_local std::vector<double> values;
  thread_local std::vector<T> low, high;
  values.resize(static_cast<std::size_t>(n));
  low.assign(static_cast<std::size_t>(n), kGreatest);
  high.assign(static_cast<std::size_t>(n), kLeast);
  BandStats s;
  for (std::int64_t r = tile.rows.begin; r < tile.rows.end; ++r) {
    const T* row = &full.at(r, tile.cols.begin);
    std::int64_t count = 0;
    for (std::int64_t c = 0; c < n; ++c) {
      const T v = row[c];
      const bool ok = valid(v);
      count += ok;
      values[c] = static_cast<double>(ok ? v : T{});
      const T for_low = ok ? v : kGreatest, for_high = ok ? v : kLeast;
      low[c] = for_low < low[c] ? for_low : low[c];
      high[c] = for_high > high[c] ? for_high : high[c];
    }
    if (count == 0) continue;
    double sum[kLanes] = {}, m2[kLanes] = {};
    for (std::int64_t c = 0; c < whole; c += kLanes)
      for (int lane = 0; lane < kLanes; ++lane) sum[lane] += values[c + lane];
    for (std::int64_t c = whole; c < n; ++c) sum[0] += values[c];
    BandStats line{.count = static_cast<double>(count)};
    for (int lane = 0; lane < kLanes; ++lane) line.mean += sum[lane];
    line.mean /= line.count;
    const auto spread = [&](int lane, T v) {
      const double d = valid(v) ? static_cast<double>(v) - line.mean : 0.0;
      m2[lane] += d * d;
    };
    for (std::int64_t c = 0; c < whole; c += kLanes)
      for (int lane = 0; lane < kLanes; ++lane) spread(lane, row[c + lane]);
    for (std::int64_t c = whole; c < n; ++c) spread(0, row[c]);
    for (int lane = 0; lane < kLanes; ++lane) line.m2 += m2[lane];
    s.merge(line);
  }
  if (s.count > 0) {
    s.min = static_cast<double>(*std::min_element(low.begin(), low.end()));
    s.max = static_cast<double>(*std::max_element(high.begin(), high.end()));
  }
  return s;
}

// Level pixels from windows of 2 x 2 accumulators of the level above, in a
// fixed order (top left, top right, bottom left, bottom right).
[[gnu::always_inline]] inline void halve(const std::vector<Accumulator>& above, std::int64_t rows, std::int64_t cols,
                                         std::vector<Accumulator>& below) {
  const std::int64_t half_rows = rows / 2, half_cols = cols / 2;
  below.assign(static_cast<std::size_t>(half_rows * half_cols), Accumulator{});
  for (std::int64_t r = 0; r < half_rows; ++r)
    for (std::int64_t c = 0; c < half_cols; ++c) {
      Accumulator& a = below[static_cast<std::size_t>(r * half_cols + c)];
      for (const std::int64_t dr : {0, 1})
        for (const std::int64_t dc : {0, 1}) add(a, above[static_cast<std::size_t>((2 * r + dr) * cols + 2 * c + dc)]);
    }
}

// Level 1 of rows `above` and `below` (`cols` level pixels), in halve()'s
// order. An invalid pixel counts as 0, replaced before it is widened, so
// that the loop has no branch and no mask of doubles, and vectorizes;
// adding 0 leaves the sum's bits as skipping it would (a sum from +0 is
// never -0).
template <bool kSquares, class T>
[[gnu::always_inline]] inline void first_level(const T* above, const T* below, std::int64_t cols,
                                               const Validity<T>& valid, Accumulator* out) {
  const auto term = [&](T v) {
    const double x = static_cast<double>(valid(v) ? v : T{});
    return kSquares ? x * x : x;
  };
  for (std::int64_t c = 0; c < cols; ++c) {
    const T v[4] = {above[2 * c], above[2 * c + 1], below[2 * c], below[2 * c + 1]};
    const int count = int{valid(v[0])} + int{valid(v[1])} + int{valid(v[2])} + int{valid(v[3])};
    out[c] = {.sum = (((0.0 + term(v[0])) + term(v[1])) + term(v[2])) + term(v[3]), .count = static_cast<double>(count)};
  }
}

// One tile, one band: its average or rms levels (into `levels`) and its apex.
template <class T>
[[gnu::always_inline]] inline Accumulator average_levels_as(const Plane<const T>& full, Region tile,
                                                            const Validity<T>& valid, const SummarySpec& spec,
                                                            std::vector<BlockBuffer>& levels, int band) {
  // The levels' accumulators are the thread's own, kept from tile to tile.
  thread_local std::vector<Accumulator> level, next;
  std::int64_t rows = tile.rows.rows() / 2, cols = tile.cols.rows() / 2;
  level.resize(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    const T* above = &full.at(tile.rows.begin + 2 * r, tile.cols.begin);
    Accumulator* out = level.data() + r * cols;  // no level pixel where the tile is 1 wide
    if (spec.resampling == OverviewResampling::Rms)
      first_level<true>(above, above + full.cols, cols, valid, out);
    else
      first_level<false>(above, above + full.cols, cols, valid, out);
  }
  for (int k = 1; k <= spec.tile_levels(); ++k) {
    if (k > 1) {
      halve(level, rows, cols, next);
      level.swap(next);
      rows /= 2;
      cols /= 2;
    }
    const Plane<T> out = levels[static_cast<std::size_t>(k - 1)].band<T>(band);
    const std::int64_t r0 = tile.rows.begin >> k, c0 = tile.cols.begin >> k;
    const std::int64_t level_rows = std::min(rows, out.row0 + out.rows - r0),
                       level_cols = std::min(cols, out.col0 + out.cols - c0);
    const AveragePixel<T> average(spec.nodata, spec.resampling);
    for (std::int64_t r = 0; r < level_rows; ++r)
      for (std::int64_t c = 0; c < level_cols; ++c)
        out.at(r0 + r, c0 + c) = average(level[static_cast<std::size_t>(r * cols + c)]);
  }
  return rows == 1 && cols == 1 ? level.front() : Accumulator{};
}

// The statistics and average levels of a tile, for each pixel type, in AVX2
// where the CPU has it: twice the lanes of x86-64's baseline SSE2, half the
// instructions (an NDVI COG of 16.7 Mpixel: 0.28 G against 0.53 G) and the
// same bits, as AVX2 brings no FMA to contract into and nothing reorders a
// sum. One function a type: clang clones no templates.
#define GEOSTRIP_SUMMARY_FOR(T)                                                                                     \
  [[gnu::target_clones("avx2", "default")]] BandStats tile_stats(const Plane<const T>& full, Region tile,           \
                                                                 const Validity<T>& valid) {                        \
    return tile_stats_as(full, tile, valid);                                                                       \
  }                                                                                                                 \
  [[gnu::target_clones("avx2", "default")]] Accumulator average_levels(                                            \
      const Plane<const T>& full, Region tile, const Validity<T>& valid, const SummarySpec& spec,                  \
      std::vector<BlockBuffer>& levels, int band) {                                                                 \
    return average_levels_as(full, tile, valid, spec, levels, band);                                               \
  }
GEOSTRIP_SUMMARY_FOR(std::uint8_t)
GEOSTRIP_SUMMARY_FOR(std::int8_t)
GEOSTRIP_SUMMARY_FOR(std::uint16_t)
GEOSTRIP_SUMMARY_FOR(std::int16_t)
GEOSTRIP_SUMMARY_FOR(std::uint32_t)
GEOSTRIP_SUMMARY_FOR(std::int32_t)
GEOSTRIP_SUMMARY_FOR(float)
GEOSTRIP_SUMMARY_FOR(double)
#undef GEOSTRIP_SUMMARY_FOR

// The mode of `values` (a window's valid values in row-major order) as GDAL
// picks it: the value whose count first exceeds every count before it, that
// is, of the most frequent the one whose last occurrence comes first.
template <class T>
std::optional<T> mode_of(const std::vector<T>& values) {
  // Categorical windows hold few values, which a short list counts; a window
  // of many (a continuous band) is sorted instead.
  constexpr std::size_t kFew = 16;
  thread_local std::vector<std::pair<T, std::size_t>> counts;
  counts.clear();
  T best{};
  std::size_t best_count = 0;
  bool few = true;
  for (const T v : values) {
    auto counted = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == v; });
    if (counted == counts.end()) {
      if (!(few = counts.size() < kFew)) break;
      counted = counts.insert(counts.end(), {v, 0});
    }
    if (++counted->second > best_count) {
      best_count = counted->second;
      best = v;
    }
  }
  if (few) return best_count > 0 ? std::optional<T>(best) : std::nullopt;
  thread_local std::vector<std::size_t> order;
  order.resize(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::size_t best_last = values.size();
  best_count = 0;
  for (std::size_t i = 0, j = 0; i < order.size(); i = j) {
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const std::size_t count = j - i, last = order[j - 1];
    if (count > best_count || (count == best_count && last < best_last)) {
      best_count = count;
      best_last = last;
      best = values[order[i]];
    }
  }
  return best;
}

// One tile, one band: its mode levels, each window from the full resolution
// (a mode is not made of its quarters' modes); returns its apex.
template <class T>
Accumulator mode_levels(const Plane<const T>& full, Region tile, const Validity<T>& valid, const SummarySpec& spec,
                        std::vector<BlockBuffer>& levels, int band) {
  thread_local std::vector<T> window;
  Accumulator apex;
  for (int k = 1; k <= spec.tile_levels(); ++k) {
    const Plane<T> out = levels[static_cast<std::size_t>(k - 1)].band<T>(band);
    const std::int64_t r0 = tile.rows.begin >> k, r1 = std::min(tile.rows.end >> k, out.row0 + out.rows);
    const std::int64_t c0 = tile.cols.begin >> k, c1 = std::min(tile.cols.end >> k, out.col0 + out.cols);
    const std::int64_t n = std::int64_t{1} << k;
    for (std::int64_t r = r0; r < r1; ++r)
      for (std::int64_t c = c0; c < c1; ++c) {
        window.clear();
        for (std::int64_t i = r * n; i < (r + 1) * n; ++i) {
          const T* row = &full.at(i, c * n);
          for (std::int64_t j = 0; j < n; ++j)
            if (valid(row[j])) window.push_back(row[j]);
        }
        const std::optional<T> mode = mode_of(window);
        out.at(r, c) = mode.value_or(nodata_pixel<T>(spec.nodata));
        // A whole tile's one pixel of its last tile level.
        if (k == spec.tile_levels()) apex = {.sum = static_cast<double>(mode.value_or(T{})), .count = mode ? 1.0 : 0.0};
      }
  }
  return apex;
}

// One tile, one band: its nearest levels, pixel by pixel from the full resolution.
void nearest_levels(const BlockBuffer& pixels, Region tile, std::vector<BlockBuffer>& levels, int band) {
  const std::size_t pixel = size_of(pixels.type());
  const std::byte* full = pixels.band_data(band);
  const auto full_at = [&](std::int64_t r, std::int64_t c) {
    return full + static_cast<std::size_t>((r - pixels.rows().begin) * pixels.cols() + (c - pixels.first_col())) * pixel;
  };
  for (std::size_t k = 1; k <= levels.size(); ++k) {
    BlockBuffer& level = levels[k - 1];
    const std::int64_t r0 = tile.rows.begin >> k, r1 = std::min(tile.rows.end >> k, level.rows().end);
    const std::int64_t c0 = tile.cols.begin >> k, c1 = std::min(tile.cols.end >> k, level.first_col() + level.cols());
    std::byte* out = level.band_data(band);
    const std::int64_t centre = std::int64_t{1} << (k - 1);
    for (std::int64_t r = r0; r < r1; ++r)
      for (std::int64_t c = c0; c < c1; ++c)
        std::memcpy(out + static_cast<std::size_t>((r - level.rows().begin) * level.cols() + (c - level.first_col())) * pixel,
                    full_at((r << k) + centre, (c << k) + centre), pixel);
  }
}

}  // namespace

OverviewResampling parse_overview_resampling(std::string_view name) {
  if (name == "nearest" || name == "near") return OverviewResampling::Nearest;
  if (name == "average") return OverviewResampling::Average;
  if (name == "mode") return OverviewResampling::Mode;
  if (name == "rms") return OverviewResampling::Rms;
  throw UsageError("--overview-resampling " + std::string(name) +
                   ": geostrip's overviews are nearest, average, rms or mode");
}

std::string_view name_of(OverviewResampling resampling) {
  switch (resampling) {
    case OverviewResampling::Nearest: return "nearest";
    case OverviewResampling::Average: return "average";
    case OverviewResampling::Mode: return "mode";
    case OverviewResampling::Rms: return "rms";
  }
  return "average";
}

std::vector<RasterSize> overview_sizes(RasterSize full, int tile) {
  std::vector<RasterSize> sizes;
  for (RasterSize size = full; size.rows > tile || size.cols > tile;) {
    size = {.rows = std::max<std::int64_t>(1, size.rows / 2), .cols = std::max<std::int64_t>(1, size.cols / 2)};
    sizes.push_back(size);
  }
  return sizes;
}

void BandStats::merge(const BandStats& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  const double total = count + other.count, delta = other.mean - mean;
  m2 += other.m2 + delta * delta * count * other.count / total;
  mean += delta * other.count / total;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  count = total;
}

double BandStats::stddev() const { return count > 0 ? std::sqrt(m2 / count) : 0; }

int SummarySpec::tile_levels() const {
  return std::min(static_cast<int>(levels.size()), std::countr_zero(static_cast<unsigned>(tile)));
}

// The rows (or columns) that end the raster make the rest of the level too:
// its one row where the raster is lower than the level's window.
RowBlock SummarySpec::level_rows(int level, RowBlock rows) const {
  const std::int64_t all = levels[static_cast<std::size_t>(level - 1)].rows;
  return {rows.begin >> level, rows.end == size.rows ? all : std::min(rows.end >> level, all)};
}

RowBlock SummarySpec::level_cols(int level, RowBlock cols) const {
  const std::int64_t all = levels[static_cast<std::size_t>(level - 1)].cols;
  return {cols.begin >> level, cols.end == size.cols ? all : std::min(cols.end >> level, all)};
}

std::vector<BlockBuffer> level_buffers(const SummarySpec& spec, const Region& region) {
  std::vector<BlockBuffer> levels;
  for (int k = 1; k <= spec.tile_levels(); ++k) {
    BlockBuffer& level = levels.emplace_back(
        spec.type, spec.bands, Region{.rows = spec.level_rows(k, region.rows), .cols = spec.level_cols(k, region.cols)});
    // A level one pixel wide or high where the raster is narrower than its
    // window has pixels no window fills: they are nodata.
    visit_real(spec.type, [&](auto t) {
      using T = decltype(t);
      for (int b = 0; b < spec.bands; ++b) {
        const Plane<T> plane = level.band<T>(b);
        std::fill_n(plane.data, plane.rows * plane.cols, nodata_pixel<T>(spec.nodata));
      }
    });
  }
  return levels;
}

std::size_t summary_count(const SummarySpec& spec, RowBlock block) {
  const std::int64_t tile = spec.tile;
  return static_cast<std::size_t>((block.rows() + tile - 1) / tile * ((spec.size.cols + tile - 1) / tile) * spec.bands);
}

void summarize_tiles(const BlockBuffer& pixels, RowBlock block, const SummarySpec& spec,
                     std::vector<TileSummary>& summaries, std::vector<BlockBuffer>& levels) {
  const std::int64_t tile = spec.tile, across = (spec.size.cols + tile - 1) / tile;
  const std::int64_t first_row = pixels.rows().begin, end_row = pixels.rows().end;
  const std::int64_t first_col = pixels.first_col(), end_col = first_col + pixels.cols();
  if (spec.summarizes()) summaries.resize(summary_count(spec, block));
  for (std::int64_t r = first_row; r < end_row; r += tile)
    for (std::int64_t c = first_col; c < end_col; c += tile) {
      const Region region{.rows = {r, std::min(r + tile, end_row)}, .cols = {c, std::min(c + tile, end_col)}};
      const std::size_t at = static_cast<std::size_t>(((r - block.begin) / tile * across + c / tile) * spec.bands);
      for (int b = 0; b < spec.bands; ++b) {
        if (spec.resampling == OverviewResampling::Nearest) nearest_levels(pixels, region, levels, b);
        visit_real(spec.type, [&](auto t) {
          using T = decltype(t);
          const Plane<const T> full = pixels.band<T>(b);
          const Validity<T> valid = validity<T>(spec.nodata);
          Accumulator apex{.sum = static_cast<double>(full.at(r, c)), .count = 1};  // nearest's
          if (sums(spec.resampling) && !levels.empty()) apex = average_levels(full, region, valid, spec, levels, b);
          if (spec.resampling == OverviewResampling::Mode && !levels.empty())
            apex = mode_levels(full, region, valid, spec, levels, b);
          if (!spec.summarizes()) return;
          TileSummary& summary = summaries[at + static_cast<std::size_t>(b)];
          if (spec.stats) summary.stats = tile_stats(full, region, valid);
          if (spec.wants_apex()) summary.apex = apex;
        });
      }
    }
}

std::vector<BlockBuffer> apex_levels(const SummarySpec& spec, const std::vector<Accumulator>& apexes) {
  const int first = spec.tile_levels() + 1, last = static_cast<int>(spec.levels.size());
  const std::int64_t tile = spec.tile;
  const std::int64_t rows = (spec.size.rows + tile - 1) / tile, cols = (spec.size.cols + tile - 1) / tile;
  std::vector<BlockBuffer> out;
  for (int k = first; k <= last; ++k) {
    const RasterSize size = spec.levels[static_cast<std::size_t>(k - 1)];
    out.emplace_back(spec.type, spec.bands, RowBlock{0, size.rows}, size.cols);
  }
  for (int b = 0; b < spec.bands; ++b) {
    std::vector<Accumulator> level(static_cast<std::size_t>(rows * cols)), below;
    for (std::size_t t = 0; t < level.size(); ++t)
      level[t] = apexes[t * static_cast<std::size_t>(spec.bands) + static_cast<std::size_t>(b)];
    std::int64_t level_rows = rows, level_cols = cols;
    for (int k = first; k <= last; ++k) {
      const int below_tiles = k - spec.tile_levels();  // levels below the apexes
      if (sums(spec.resampling)) {
        halve(level, level_rows, level_cols, below);
      } else if (spec.resampling == OverviewResampling::Mode) {
        // The mode of the window's tiles' modes, row by row.
        const std::int64_t n = std::int64_t{1} << below_tiles;
        std::vector<double> window;
        below.clear();
        for (std::int64_t r = 0; r < rows >> below_tiles; ++r)
          for (std::int64_t c = 0; c < cols >> below_tiles; ++c) {
            window.clear();
            for (std::int64_t i = r * n; i < (r + 1) * n; ++i)
              for (std::int64_t j = c * n; j < (c + 1) * n; ++j)
                if (const Accumulator& apex = level[static_cast<std::size_t>(i * cols + j)]; apex.count > 0)
                  window.push_back(apex.sum);
            const std::optional<double> mode = mode_of(window);
            below.push_back({.sum = mode.value_or(0), .count = mode ? 1.0 : 0.0});
          }
      } else {
        // The centre of the window: the first pixel of the tile at its centre.
        const std::int64_t centre = std::int64_t{1} << (below_tiles - 1);
        below.clear();
        for (std::int64_t r = 0; r < rows >> below_tiles; ++r)
          for (std::int64_t c = 0; c < cols >> below_tiles; ++c)
            below.push_back(level[static_cast<std::size_t>(((r << below_tiles) + centre) * cols + (c << below_tiles) +
                                                           centre)]);
      }
      level_rows /= 2;
      level_cols /= 2;
      const RasterSize size = spec.levels[static_cast<std::size_t>(k - 1)];
      visit_real(spec.type, [&](auto t) {
        using T = decltype(t);
        const Plane<T> plane = out[static_cast<std::size_t>(k - first)].band<T>(b);
        std::fill_n(plane.data, plane.rows * plane.cols, nodata_pixel<T>(spec.nodata));
        for (std::int64_t r = 0; r < std::min(size.rows, level_rows); ++r)
          for (std::int64_t c = 0; c < std::min(size.cols, level_cols); ++c) {
            const Accumulator& a = below[static_cast<std::size_t>(r * level_cols + c)];
            if (sums(spec.resampling))
              plane.at(r, c) = AveragePixel<T>(spec.nodata, spec.resampling)(a);
            else if (spec.resampling == OverviewResampling::Mode && a.count == 0)
              plane.at(r, c) = nodata_pixel<T>(spec.nodata);
            else
              plane.at(r, c) = static_cast<T>(a.sum);
          }
      });
      // Average and rms halve the level just made; nearest and mode always take the apexes.
      if (sums(spec.resampling)) level.swap(below);
    }
  }
  return out;
}

}  // namespace geostrip
