// Overview levels and statistics, tile by tile, against direct loops over
// the full resolution: the mean (or root mean square) of each level's whole
// window, its centre pixel, its mode, and two-pass statistics of every
// valid pixel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>

#include "io/overviews.hpp"

using namespace geostrip;

namespace {

constexpr float kNodata = -9999;

// A field with nodata holes, as BlockBuffer rows [0, rows) of every column.
BlockBuffer field(RasterSize size) {
  BlockBuffer pixels(PixelType::Float32, 1, RowBlock{0, size.rows}, size.cols);
  const Plane<float> plane = pixels.band<float>(0);
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(-50, 400);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      plane.at(r, c) = (r * 7 + c * 3) % 23 == 0 || (r > 40 && r < 49) ? kNodata : value(random);
  return pixels;
}

// The part of `pixels` in rows `rows` and columns `cols`.
BlockBuffer part(const BlockBuffer& pixels, RowBlock rows, RowBlock cols) {
  BlockBuffer out(pixels.type(), 1, Region{.rows = rows, .cols = cols});
  const Plane<const float> from = pixels.band<float>(0);
  const Plane<float> to = out.band<float>(0);
  for (std::int64_t r = rows.begin; r < rows.end; ++r)
    for (std::int64_t c = cols.begin; c < cols.end; ++c) to.at(r, c) = from.at(r, c);
  return out;
}

SummarySpec spec_of(RasterSize size, int tile, OverviewResampling resampling) {
  return {.type = PixelType::Float32,
          .bands = 1,
          .size = size,
          .tile = tile,
          .nodata = kNodata,
          .levels = overview_sizes(size, tile),
          .resampling = resampling,
          .stats = true};
}

// Every tile level, the summaries, and the apex levels, computed block by block.
struct Made {
  std::vector<BlockBuffer> levels;
  std::vector<TileSummary> summaries;
};
Made make(const BlockBuffer& pixels, const SummarySpec& spec, std::int64_t block_rows, std::int64_t chunk_cols) {
  Made made;
  for (int k = 1; k <= spec.tile_levels(); ++k)
    made.levels.emplace_back(PixelType::Float32, 1, RowBlock{0, spec.levels[static_cast<std::size_t>(k - 1)].rows},
                             spec.levels[static_cast<std::size_t>(k - 1)].cols);
  for (std::int64_t r = 0; r < spec.size.rows; r += block_rows) {
    const RowBlock rows{r, std::min(r + block_rows, spec.size.rows)};
    std::vector<TileSummary> summaries;
    for (std::int64_t c = 0; c < spec.size.cols; c += chunk_cols) {
      const BlockBuffer chunk = part(pixels, rows, {c, std::min(c + chunk_cols, spec.size.cols)});
      std::vector<BlockBuffer> levels = level_buffers(spec, chunk.region());
      summarize_tiles(chunk, rows, spec, summaries, levels);
      for (std::size_t k = 0; k < levels.size(); ++k) {
        const Plane<const float> from = std::as_const(levels[k]).band<float>(0);
        for (std::int64_t lr = from.row0; lr < from.row0 + from.rows; ++lr)
          for (std::int64_t lc = from.col0; lc < from.col0 + from.cols; ++lc)
            made.levels[k].band<float>(0).at(lr, lc) = from.at(lr, lc);
      }
    }
    made.summaries.insert(made.summaries.end(), summaries.begin(), summaries.end());
  }
  std::vector<Accumulator> apexes;
  for (const TileSummary& s : made.summaries) apexes.push_back(s.apex);
  for (BlockBuffer& level : apex_levels(spec, apexes)) made.levels.push_back(std::move(level));
  return made;
}

// Level k's pixel (r, c) straight from its full-resolution window.
float direct(const BlockBuffer& pixels, int k, std::int64_t r, std::int64_t c, OverviewResampling resampling) {
  const Plane<const float> full = pixels.band<float>(0);
  const std::int64_t n = std::int64_t{1} << k;
  if (resampling == OverviewResampling::Nearest) return full.at(r * n + n / 2, c * n + n / 2);
  const bool rms = resampling == OverviewResampling::Rms;
  double sum = 0, count = 0;
  for (std::int64_t i = r * n; i < (r + 1) * n; ++i)
    for (std::int64_t j = c * n; j < (c + 1) * n; ++j)
      if (full.at(i, j) != kNodata) {
        const auto v = static_cast<double>(full.at(i, j));
        sum += rms ? v * v : v;
        count += 1;
      }
  if (count == 0) return kNodata;
  return static_cast<float>(rms ? std::sqrt(sum / count) : sum / count);
}

// Statistics of the pixels of `region` that are not `nodata`, in two plain
// passes: count, extremes and mean, then the squared differences from it.
template <class T>
BandStats two_passes(const Plane<const T>& plane, Region region, T nodata) {
  BandStats s{.count = 0, .min = INFINITY, .max = -INFINITY, .mean = 0, .m2 = 0};
  double sum = 0;
  for (std::int64_t r = region.rows.begin; r < region.rows.end; ++r)
    for (std::int64_t c = region.cols.begin; c < region.cols.end; ++c)
      if (const T v = plane.at(r, c); v != nodata) {
        s.count += 1;
        sum += static_cast<double>(v);
        s.min = std::min<double>(s.min, v);
        s.max = std::max<double>(s.max, v);
      }
  s.mean = sum / s.count;
  for (std::int64_t r = region.rows.begin; r < region.rows.end; ++r)
    for (std::int64_t c = region.cols.begin; c < region.cols.end; ++c)
      if (const T v = plane.at(r, c); v != nodata) s.m2 += std::pow(static_cast<double>(v) - s.mean, 2);
  return s;
}

}  // namespace

TEST_CASE("overview sizes halve, rounded down, until one tile holds the smallest (GDAL's COG driver)", "[io]") {
  const auto sizes = overview_sizes({.rows = 4392, .cols = 4392}, 512);
  REQUIRE(sizes.size() == 4);
  CHECK(sizes.back().rows == 274);
  CHECK(sizes.front().cols == 2196);
  CHECK(overview_sizes({.rows = 512, .cols = 512}, 512).empty());
  const auto strip = overview_sizes({.rows = 3000, .cols = 40}, 256);
  REQUIRE(strip.size() == 4);
  CHECK(strip.back().rows == 187);
  CHECK(strip.back().cols == 2);
}

TEST_CASE("merged statistics equal two passes over all the pixels", "[io]") {
  const RasterSize size{.rows = 100, .cols = 90};
  const BlockBuffer pixels = field(size);
  const Made made = make(pixels, spec_of(size, 16, OverviewResampling::Average), 32, 48);
  BandStats merged;
  for (const TileSummary& s : made.summaries) merged.merge(s.stats);
  const BandStats expected =
      two_passes(pixels.band<float>(0), {.rows = {0, size.rows}, .cols = {0, size.cols}}, kNodata);
  CHECK(merged.count == expected.count);
  CHECK(merged.min == expected.min);
  CHECK(merged.max == expected.max);
  CHECK(merged.mean == Approx(expected.mean).epsilon(1e-12));
  CHECK(merged.stddev() == Approx(expected.stddev()).epsilon(1e-12));
}

TEST_CASE("statistics of integer tiles reach the type's limits and skip nodata and empty rows", "[io]") {
  // Extremes are kept in the pixels' type, an invalid pixel standing in as
  // the type's limits: valid pixels at those very limits must still count.
  const RasterSize size{.rows = 40, .cols = 37};
  BlockBuffer pixels(PixelType::UInt16, 1, RowBlock{0, size.rows}, size.cols);
  const Plane<std::uint16_t> plane = pixels.band<std::uint16_t>(0);
  constexpr std::uint16_t kMissing = 7;
  std::mt19937 random(11);
  std::uniform_int_distribution<int> value(0, 65535);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      plane.at(r, c) = r < 3 || c % 5 == 0 ? kMissing : static_cast<std::uint16_t>(value(random));
  plane.at(20, 1) = 0;
  plane.at(39, 36) = 65535;
  const SummarySpec spec{.type = PixelType::UInt16, .bands = 1, .size = size, .tile = 16, .nodata = kMissing,
                         .levels = {}, .resampling = OverviewResampling::Average, .stats = true};
  std::vector<TileSummary> summaries;
  std::vector<BlockBuffer> no_levels;
  summarize_tiles(pixels, {0, size.rows}, spec, summaries, no_levels);
  REQUIRE(summaries.size() == 9);  // 3 x 3 tiles
  const Plane<const std::uint16_t> read = std::as_const(pixels).band<std::uint16_t>(0);
  for (std::size_t t = 0; t < summaries.size(); ++t) {
    const std::int64_t r0 = static_cast<std::int64_t>(t / 3) * 16, c0 = static_cast<std::int64_t>(t % 3) * 16;
    const BandStats tile = two_passes(read, {.rows = {r0, std::min<std::int64_t>(r0 + 16, size.rows)},
                                             .cols = {c0, std::min<std::int64_t>(c0 + 16, size.cols)}}, kMissing);
    INFO("tile " << t);
    CHECK(summaries[t].stats.count == tile.count);
    CHECK(summaries[t].stats.min == tile.min);
    CHECK(summaries[t].stats.max == tile.max);
  }
  BandStats merged;
  for (const TileSummary& s : summaries) merged.merge(s.stats);
  const BandStats expected = two_passes(read, {.rows = {0, size.rows}, .cols = {0, size.cols}}, kMissing);
  CHECK(merged.count == expected.count);
  CHECK(merged.min == 0);
  CHECK(merged.max == 65535);
  CHECK(merged.mean == Approx(expected.mean).epsilon(1e-12));
  CHECK(merged.stddev() == Approx(expected.stddev()).epsilon(1e-12));
}

TEST_CASE("every level equals its windows over the full resolution, and no block or chunk changes a bit", "[io]") {
  // Tiles of 16 and a raster of 300 rows: 4 tile levels and 1 made from the tiles' apexes.
  const RasterSize size{.rows = 300, .cols = 270};
  const BlockBuffer pixels = field(size);
  for (const OverviewResampling resampling :
       {OverviewResampling::Average, OverviewResampling::Nearest, OverviewResampling::Rms}) {
    INFO(name_of(resampling));
    const SummarySpec spec = spec_of(size, 16, resampling);
    REQUIRE(spec.levels.size() == 5);
    REQUIRE(spec.tile_levels() == 4);
    const Made whole = make(pixels, spec, size.rows, size.cols), pieces = make(pixels, spec, 48, 32);
    for (std::size_t k = 0; k < spec.levels.size(); ++k) {
      const Plane<const float> level = whole.levels[k].band<float>(0), other = pieces.levels[k].band<float>(0);
      for (std::int64_t r = 0; r < level.rows; ++r)
        for (std::int64_t c = 0; c < level.cols; ++c) {
          CHECK(std::memcmp(&level.at(r, c), &other.at(r, c), sizeof(float)) == 0);
          const float expected = direct(pixels, static_cast<int>(k) + 1, r, c, resampling);
          if (level.at(r, c) != Approx(expected).epsilon(1e-6)) FAIL_CHECK("level " << k + 1 << " " << r << "," << c);
        }
    }
  }
}

TEST_CASE("mode levels take each window's most frequent value, by GDAL's tie rule, whatever the blocks", "[io]") {
  // GDAL's rule: of the most frequent values, the one that reaches that
  // count first in row-major order, nodata skipped.
  const auto mode_of = [](const std::vector<float>& window) {
    std::vector<std::pair<float, int>> counts;
    float best = kNodata;
    int best_count = 0;
    for (const float v : window) {
      if (v == kNodata) continue;
      auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == v; });
      if (it == counts.end()) it = counts.insert(counts.end(), {v, 0});
      if (++it->second > best_count) {
        best_count = it->second;
        best = v;
      }
    }
    return best;
  };
  const RasterSize size{.rows = 300, .cols = 270};
  BlockBuffer classes(PixelType::Float32, 1, RowBlock{0, size.rows}, size.cols);
  std::mt19937 random(11);
  std::uniform_int_distribution<int> category(1, 4);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      classes.band<float>(0).at(r, c) = (r * 5 + c) % 13 == 0 ? kNodata : static_cast<float>(category(random));
  // Classes: few values a window; the random field: all different.
  const BlockBuffer continuous = field(size);
  for (const BlockBuffer* pixels : std::initializer_list<const BlockBuffer*>{&classes, &continuous}) {
    const BlockBuffer& full = *pixels;
    const SummarySpec spec = spec_of(size, 16, OverviewResampling::Mode);
    REQUIRE(spec.tile_levels() == 4);
    const Made whole = make(full, spec, size.rows, size.cols), pieces = make(full, spec, 48, 32);
    // Level k <= 4 from its windows of the full resolution; level 5 from level 4's pixels.
    const auto expected = [&](int k, std::int64_t r, std::int64_t c) {
      const Plane<const float> source = k <= 4 ? full.band<float>(0) : std::as_const(whole.levels[3]).band<float>(0);
      const std::int64_t n = std::int64_t{1} << (k <= 4 ? k : 1);
      std::vector<float> window;
      for (std::int64_t i = r * n; i < (r + 1) * n; ++i)
        for (std::int64_t j = c * n; j < (c + 1) * n; ++j) window.push_back(source.at(i, j));
      return mode_of(window);
    };
    for (std::size_t k = 0; k < spec.levels.size(); ++k) {
      const Plane<const float> level = whole.levels[k].band<float>(0), other = pieces.levels[k].band<float>(0);
      for (std::int64_t r = 0; r < level.rows; ++r)
        for (std::int64_t c = 0; c < level.cols; ++c) {
          CHECK(std::memcmp(&level.at(r, c), &other.at(r, c), sizeof(float)) == 0);
          if (level.at(r, c) != expected(static_cast<int>(k) + 1, r, c))
            FAIL_CHECK("level " << k + 1 << " " << r << "," << c
                                << (pixels == &classes ? " of classes" : " of the field"));
        }
    }
  }
}

TEST_CASE("a raster one pixel wide or high has overviews of nodata whatever its blocks", "[io]") {
  // Level pixels whose window leaves the raster: no window fills them (and
  // a tile one pixel wide has no level pixel of its own to make).
  for (const RasterSize size : {RasterSize{.rows = 70, .cols = 1}, RasterSize{.rows = 1, .cols = 70}}) {
    const BlockBuffer pixels = field(size);
    const SummarySpec spec = spec_of(size, 16, OverviewResampling::Average);
    REQUIRE(spec.levels.size() == 3);
    const Made whole = make(pixels, spec, size.rows, size.cols), pieces = make(pixels, spec, 16, 16);
    for (std::size_t k = 0; k < spec.levels.size(); ++k) {
      const Plane<const float> level = whole.levels[k].band<float>(0), other = pieces.levels[k].band<float>(0);
      REQUIRE(level.rows * level.cols == std::max(size.rows, size.cols) >> (k + 1));
      for (std::int64_t i = 0; i < level.rows * level.cols; ++i) {
        CHECK(level.data[i] == kNodata);
        CHECK(other.data[i] == kNodata);
      }
    }
  }
}

TEST_CASE("an average that would read as nodata takes GDAL's replacement value", "[io]") {
  // Four 2x2 windows of a 2x8 raster, one level of 1x4 pixels.
  const auto level_of = [](PixelType type, double nodata, const std::vector<double>& values) {
    const RasterSize size{.rows = 2, .cols = 8};
    const SummarySpec spec{.type = type,
                           .bands = 1,
                           .size = size,
                           .tile = 2,
                           .nodata = nodata,
                           .levels = overview_sizes(size, 2),
                           .resampling = OverviewResampling::Average,
                           .stats = false};
    BlockBuffer pixels(type, 1, RowBlock{0, size.rows}, size.cols);
    std::vector<double> level;
    visit_real(type, [&](auto zero) {
      using T = decltype(zero);
      const Plane<T> plane = pixels.band<T>(0);
      for (std::size_t i = 0; i < values.size(); ++i) plane.data[i] = static_cast<T>(values[i]);
      std::vector<TileSummary> summaries;
      std::vector<BlockBuffer> levels = level_buffers(spec, pixels.region());
      summarize_tiles(pixels, {0, size.rows}, spec, summaries, levels);
      const Plane<const T> out = std::as_const(levels.front()).band<T>(0);
      for (std::int64_t c = 0; c < out.cols; ++c) level.push_back(static_cast<double>(out.at(0, c)));
    });
    return level;
  };
  // Windows (top row pair, bottom row pair): {6, 8, 6, 8} averages to the
  // nodata value 7 and becomes 8; all nodata stays nodata; 2.5 rounds to 3.
  const std::vector<double> bytes = level_of(PixelType::Byte, 7, {6, 8, 7, 7, 1, 2, 7, 9,  //
                                                                  6, 8, 7, 7, 3, 4, 7, 7});
  CHECK(bytes == std::vector<double>{8, 7, 3, 9});
  const std::vector<double> floats = level_of(PixelType::Float32, -9999, {-9998, -10000, 1, 2, 0, 0, -9999, 5,  //
                                                                          -9998, -10000, 3, 4, 0, 0, -9999, 5});
  CHECK(floats == std::vector<double>{static_cast<float>(-9999 + 1e-7 * -9999), 2.5, 0, 5});
}
