#include <catch2/catch.hpp>
#include <complex>
#include <cstring>
#include <random>

#include "kernels/window_sums.hpp"

using namespace geostrip;

namespace {

// Sums of a raster's windows for the region `out`, computed from a block
// holding only the pixels they need, in raster coordinates.
std::vector<double> block_sums(const std::vector<double>& raster, RasterSize size, Halo halo, const Region& out) {
  const Region in = source_region(out, {}, halo, size);
  std::vector<double> block;
  for (std::int64_t r = in.rows.begin; r < in.rows.end; ++r)
    for (std::int64_t c = in.cols.begin; c < in.cols.end; ++c) block.push_back(raster[static_cast<std::size_t>(r * size.cols + c)]);
  std::vector<double> sums(static_cast<std::size_t>(out.rows.rows() * out.cols.rows()));
  window_sums<double>({.data = block.data(), .rows = in.rows.rows(), .cols = in.cols.rows(), .row0 = in.rows.begin, .col0 = in.cols.begin},
                      size, halo,
                      {.data = sums.data(), .rows = out.rows.rows(), .cols = out.cols.rows(), .row0 = out.rows.begin, .col0 = out.cols.begin});
  return sums;
}

Region rows_of(RowBlock rows, RasterSize size) { return {.rows = rows, .cols = {0, size.cols}}; }

}  // namespace

TEST_CASE("window sums equal brute force and are bit-identical for any block rows and columns", "[kernels]") {
  std::mt19937 random(3);
  std::uniform_real_distribution<double> value(-1e3, 1e3);
  for (const RasterSize size : {RasterSize{23, 17}, RasterSize{5, 40}, RasterSize{1, 9}}) {
    std::vector<double> raster(static_cast<std::size_t>(size.pixels()));
    for (double& v : raster) v = value(random);
    for (const Halo halo : {Halo{0, 0}, Halo{1, 1}, Halo{2, 3}, Halo{7, 1}, Halo{30, 30}}) {
      const auto whole = block_sums(raster, size, halo, rows_of({0, size.rows}, size));
      for (std::int64_t r = 0; r < size.rows; ++r)
        for (std::int64_t c = 0; c < size.cols; ++c) {
          double brute = 0;
          for (std::int64_t y = std::max<std::int64_t>(0, r - halo.rows); y <= std::min(size.rows - 1, r + halo.rows); ++y)
            for (std::int64_t x = std::max<std::int64_t>(0, c - halo.cols); x <= std::min(size.cols - 1, c + halo.cols); ++x)
              brute += raster[static_cast<std::size_t>(y * size.cols + x)];
          REQUIRE(whole[static_cast<std::size_t>(r * size.cols + c)] == Approx(brute).epsilon(1e-12).margin(1e-9));
        }
      for (const std::int64_t block_rows : {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, std::int64_t{7}}) {
        for (const RowBlock block : split_rows(size.rows, block_rows)) {
          const auto part = block_sums(raster, size, halo, rows_of(block, size));
          CHECK(std::memcmp(part.data(), whole.data() + block.begin * size.cols, part.size() * sizeof(double)) == 0);
        }
      }
      // Any rectangle, its columns cut anywhere: the same bits as the whole raster's.
      for (const std::int64_t cols : {std::int64_t{1}, std::int64_t{4}, std::int64_t{9}})
        for (const RowBlock block : split_rows(size.rows, 5))
          for (const RowBlock span : split_rows(size.cols, cols)) {
            const auto part = block_sums(raster, size, halo, {.rows = block, .cols = span});
            std::size_t differ = 0;
            for (std::int64_t r = block.begin; r < block.end; ++r)
              for (std::int64_t c = span.begin; c < span.end; ++c)
                differ += part[static_cast<std::size_t>((r - block.begin) * span.rows() + (c - span.begin))] !=
                          whole[static_cast<std::size_t>(r * size.cols + c)];
            REQUIRE(differ == 0);
          }
    }
  }
}
