#include <catch2/catch.hpp>
#include <complex>
#include <cstring>
#include <random>

#include "kernels/window_sums.hpp"

using namespace geostrip;

namespace {

// Sums of a raster's windows for `out_rows`, computed from a block holding only the rows they need.
std::vector<double> block_sums(const std::vector<double>& raster, RasterSize size, Halo halo, RowBlock out_rows) {
  const RowBlock in_rows = crop(pad(out_rows, halo.rows), {0, size.rows});
  std::vector<double> out(static_cast<std::size_t>(out_rows.rows() * size.cols));
  window_sums<double>({raster.data() + in_rows.begin * size.cols, in_rows.rows(), size.cols}, in_rows, size, halo,
                      out_rows, {out.data(), out_rows.rows(), size.cols});
  return out;
}

}  // namespace

TEST_CASE("window sums equal brute force and are bit-identical for any block start", "[kernels]") {
  std::mt19937 random(3);
  std::uniform_real_distribution<double> value(-1e3, 1e3);
  for (const RasterSize size : {RasterSize{23, 17}, RasterSize{5, 40}, RasterSize{1, 9}}) {
    std::vector<double> raster(static_cast<std::size_t>(size.pixels()));
    for (double& v : raster) v = value(random);
    for (const Halo halo : {Halo{0, 0}, Halo{1, 1}, Halo{2, 3}, Halo{7, 1}, Halo{30, 30}}) {
      const auto whole = block_sums(raster, size, halo, {0, size.rows});
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
          const auto part = block_sums(raster, size, halo, block);
          CHECK(std::memcmp(part.data(), whole.data() + block.begin * size.cols, part.size() * sizeof(double)) == 0);
        }
      }
    }
  }
}
