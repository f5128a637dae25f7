#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <random>
#include <type_traits>

#include <fmt/core.h>

#include "kernels/registry.hpp"

using namespace geostrip;

namespace {

// The lower median of every window, from scratch, against the kernel, for a
// block in the middle of a raster (so the halo and the raster edge both count).
template <class T>
void check_against_brute_force(std::vector<T> raster, RasterSize size, Window window, std::optional<double> nodata) {
  const Halo halo = window.halo();
  const RowBlock out_rows{size.rows / 3, size.rows - 2};
  const RowBlock in_rows = crop(pad(out_rows, halo.rows), {0, size.rows});
  BlockBuffer input(pixel_type_of<T>(), 1, in_rows, size.cols);
  std::copy_n(raster.data() + in_rows.begin * size.cols, in_rows.rows() * size.cols, input.band<T>(0).data);
  const auto kernel = make_kernel({.operation = "median",
                                   .input_names = {"src"},
                                   .input_types = {pixel_type_of<T>()},
                                   .input_nodata = {nodata},
                                   .values = {{"window", {fmt::format("{}x{}", window.rows, window.cols)}}}});
  const std::vector<KernelInput> in{{input, nodata}};
  BlockBuffer out(pixel_type_of<T>(), 1, out_rows, size.cols);
  kernel->compute(in, {size, in_rows}, out);
  const auto invalid = [&](T v) { return std::isnan(static_cast<double>(v)) || (nodata && static_cast<double>(v) == *nodata); };
  for (std::int64_t r = out_rows.begin; r < out_rows.end; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c) {
      const T got = out.band<T>(0).row(r - out_rows.begin)[c];
      if (invalid(raster[static_cast<std::size_t>(r * size.cols + c)])) {
        REQUIRE(invalid(got));
        continue;
      }
      std::vector<T> values;
      for (std::int64_t y = std::max<std::int64_t>(0, r - halo.rows); y <= std::min(size.rows - 1, r + halo.rows); ++y)
        for (std::int64_t x = std::max<std::int64_t>(0, c - halo.cols); x <= std::min(size.cols - 1, c + halo.cols); ++x)
          if (const T v = raster[static_cast<std::size_t>(y * size.cols + x)]; !invalid(v)) values.push_back(v);
      std::sort(values.begin(), values.end());
      REQUIRE(got == values[(values.size() - 1) / 2]);
      if constexpr (std::is_floating_point_v<T>) REQUIRE_FALSE((got == 0 && std::signbit(got)));  // zeros are +0
    }
}

}  // namespace

TEST_CASE("median is the lower median of the valid pixels for every pixel type path", "[kernels]") {
  std::mt19937 random(11);
  const RasterSize size{29, 23};
  std::vector<std::int16_t> signed16(static_cast<std::size_t>(size.pixels()));
  for (auto& v : signed16) v = static_cast<std::int16_t>(static_cast<int>(random() % 2001) - 1000);
  // Windows without nodata are selected by a network, in runs between windows with it: sparse holes mix both in a row.
  std::vector<std::int16_t> sparse = signed16;
  for (std::size_t i = 0; i < sparse.size(); i += 61) sparse[i] = -9999;
  for (std::size_t i = 0; i < signed16.size(); i += 7) signed16[i] = -9999;  // holes
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size.pixels()));
  for (auto& v : bytes) v = static_cast<std::uint8_t>(random() % 256);
  std::vector<float> floats(static_cast<std::size_t>(size.pixels()));
  for (auto& v : floats) v = static_cast<float>(random() % 100000) / 7.0f;
  for (std::size_t i = 3; i < floats.size(); i += 5) floats[i] = NAN;
  // Few levels: small windows of these rank them (the floats above are mostly distinct, selected directly).
  std::vector<float> levels(floats.size());
  for (auto& v : levels) v = static_cast<float>(random() % 50) / 4.0f;
  for (std::size_t i = 0; i < levels.size(); i += 3) levels[i] = random() % 2 ? -0.0f : 0.0f;  // either sign

  for (const Window window : {Window{1, 1}, Window{3, 3}, Window{5, 9}, Window{15, 15}}) {
    INFO("window " << window.rows << "x" << window.cols);
    check_against_brute_force<std::int16_t>(signed16, size, window, -9999.0);
    check_against_brute_force<std::int16_t>(sparse, size, window, -9999.0);
    check_against_brute_force<std::uint8_t>(bytes, size, window, std::nullopt);
    check_against_brute_force<float>(floats, size, window, std::nullopt);
    check_against_brute_force<float>(levels, size, window, 12.25);  // one of the levels is nodata
  }
}
