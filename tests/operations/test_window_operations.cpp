// mean, coherence, hillshade, slope and multilook on synthetic blocks, against
// references computed here from their definitions, for blocks and column
// regions cut anywhere: no file and no ../shared/data needed.
#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <type_traits>

#include "kernel_test_support.hpp"
#include "kernels/registry.hpp"

using namespace geostrip;

namespace {

constexpr RasterSize kSize{23, 19};

// A raster of `kSize` in raster coordinates, and the block of it a region needs.
template <class T>
struct Raster {
  std::vector<T> pixels;
  T at(std::int64_t r, std::int64_t c) const { return pixels[static_cast<std::size_t>(r * kSize.cols + c)]; }
  // The region in the kernel's input type, as the engine converts it.
  BlockBuffer block(PixelType type, const Region& region) const {
    BlockBuffer out(type, 1, region);
    const auto fill = [&](auto pixel) {
      using U = decltype(pixel);
      for (std::int64_t r = region.rows.begin; r < region.rows.end; ++r)
        for (std::int64_t c = region.cols.begin; c < region.cols.end; ++c)
          out.band<U>(0).at(r, c) = static_cast<U>(at(r, c));
    };
    if constexpr (std::is_arithmetic_v<T>)
      visit_real(type, fill);
    else
      fill(T{});
    return out;
  }
};

Raster<double> real_raster(double nodata) {
  std::mt19937 random(5);
  Raster<double> raster;
  for (std::int64_t i = 0; i < kSize.pixels(); ++i)
    raster.pixels.push_back(random() % 9 == 0 ? nodata : 100 + static_cast<double>(random() % 1000) / 7);
  return raster;
}

// Runs `kernel` on the output region `cells` with its inputs cut from `rasters`.
template <class T>
BlockBuffer run(const Kernel& kernel, std::initializer_list<const Raster<T>*> rasters, const Region& cells,
                std::optional<double> nodata = {}) {
  const KernelSpec& spec = kernel.spec();
  const Region source = source_region(cells, spec.stride, spec.window.halo(), kSize);
  std::vector<BlockBuffer> blocks;
  for (const Raster<T>* raster : rasters) blocks.push_back(raster->block(spec.input_type, source));
  std::vector<KernelInput> inputs;
  for (const BlockBuffer& block : blocks) inputs.push_back({block, nodata});
  BlockBuffer out(spec.output_type, spec.output_bands, cells);
  kernel.compute(inputs, {.raster = kSize, .input = source}, out);
  return out;
}

// Regions covering the output in blocks of rows and columns cut at odd places.
std::vector<Region> regions(RasterSize output) {
  std::vector<Region> all;
  for (const RowBlock rows : split_rows(output.rows, 5))
    for (const RowBlock cols : split_rows(output.cols, 7)) all.push_back({.rows = rows, .cols = cols});
  return all;
}

}  // namespace

TEST_CASE("mean is the mean of the valid pixels of each window, for any region", "[kernels]") {
  const double nodata = -1;
  const Raster<double> raster = real_raster(nodata);
  KernelArgs args = test::kernel_args("mean", {"src"}, {{"window", {"5x3"}}});
  const auto kernel = make_kernel(args);
  for (const Region& cells : regions(kSize)) {
    const BlockBuffer out = run(*kernel, {&raster}, cells, nodata);
    for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
      for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
        const float got = out.band<float>(0).at(r, c);
        if (raster.at(r, c) == nodata) {
          REQUIRE(std::isnan(got));
          continue;
        }
        double sum = 0;
        int n = 0;
        for (std::int64_t y = std::max<std::int64_t>(0, r - 2); y <= std::min(kSize.rows - 1, r + 2); ++y)
          for (std::int64_t x = std::max<std::int64_t>(0, c - 1); x <= std::min(kSize.cols - 1, c + 1); ++x)
            if (raster.at(y, x) != nodata) {
              sum += raster.at(y, x);
              ++n;
            }
        REQUIRE(got == Approx(sum / n).epsilon(1e-6));
      }
  }
}

TEST_CASE("mean of 16-bit integers sums in integers, to the bits of the sums of any other pixels", "[kernels]") {
  // The same integer values read from a UInt16 and from a Float32 file: exact
  // running sums for one, window_sums() for the other, the same result.
  const double nodata = 0;
  Raster<double> raster;
  std::mt19937 random(11);
  for (std::int64_t i = 0; i < kSize.pixels(); ++i)
    raster.pixels.push_back(random() % 7 == 0 ? nodata : static_cast<double>(random() % 65536));
  for (const char* window : {"3x3", "5x3", "9x9", "45x1"}) {
    INFO(window);
    KernelArgs as_integers = test::kernel_args("mean", {"src"}, {{"window", {window}}});
    as_integers.input_types = {PixelType::UInt16};
    KernelArgs as_floats = as_integers;
    as_floats.input_types = {PixelType::Float32};
    const auto exact = make_kernel(as_integers), general = make_kernel(as_floats);
    // -5: a nodata value UInt16 cannot hold, so no pixel's.
    for (const double declared : {nodata, -5.0})
      for (const Region& cells : regions(kSize)) {
        const BlockBuffer a = run(*exact, {&raster}, cells, declared), b = run(*general, {&raster}, cells, declared);
        for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
          for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
            const float x = a.band<float>(0).at(r, c), y = b.band<float>(0).at(r, c);
            REQUIRE(((std::isnan(x) && std::isnan(y)) || x == y));
          }
      }
  }
}

TEST_CASE("coherence is |S|/sqrt(Pr Ps) and its phase arg(S) over the valid pixels of each window", "[kernels]") {
  std::mt19937 random(9);
  std::normal_distribution<float> normal;
  Raster<std::complex<float>> ref, sec;
  for (std::int64_t i = 0; i < kSize.pixels(); ++i) {
    const std::complex<float> a(normal(random), normal(random)), b(normal(random), normal(random));
    const bool hole = i % 17 == 3;
    ref.pixels.push_back(hole ? std::complex<float>(0) : a);
    sec.pixels.push_back(0.8f * a + 0.6f * b);
  }
  const auto kernel = make_kernel(test::kernel_args("coherence", {"ref", "sec"}, {{"window", {"3x5"}}}));
  for (const Region& cells : regions(kSize)) {
    const BlockBuffer out = run(*kernel, {&ref, &sec}, cells);
    for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
      for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
        const float magnitude = out.band<float>(0).at(r, c), phase = out.band<float>(1).at(r, c);
        if (ref.at(r, c) == std::complex<float>(0)) {
          REQUIRE((std::isnan(magnitude) && std::isnan(phase)));
          continue;
        }
        std::complex<double> S = 0;
        double pr = 0, ps = 0;
        for (std::int64_t y = std::max<std::int64_t>(0, r - 1); y <= std::min(kSize.rows - 1, r + 1); ++y)
          for (std::int64_t x = std::max<std::int64_t>(0, c - 2); x <= std::min(kSize.cols - 1, c + 2); ++x) {
            const std::complex<double> a = ref.at(y, x), b = sec.at(y, x);
            if (a == 0.0) continue;
            S += a * std::conj(b);
            pr += std::norm(a);
            ps += std::norm(b);
          }
        REQUIRE(magnitude == Approx(std::abs(S) / std::sqrt(pr * ps)).epsilon(1e-5));
        REQUIRE(std::abs(std::remainder(static_cast<double>(phase) - std::arg(S), 2 * std::numbers::pi)) < 1e-5);
      }
  }
}

TEST_CASE("multilook averages the valid pixels of each cell, real or complex, and --power averages |z|^2",
          "[kernels]") {
  const double nodata = -1;
  const Raster<double> real = real_raster(nodata);
  Raster<std::complex<float>> complex;
  for (const double v : real.pixels)
    complex.pixels.push_back(v == nodata ? std::complex<float>(NAN, NAN)
                                         : std::polar(static_cast<float>(v), static_cast<float>(v / 50)));
  const RasterSize cells_size = output_size(kSize, {4, 3});
  for (const bool power : {false, true}) {
    std::map<std::string, std::vector<std::string>> values{{"looks", {"4x3"}}};
    if (power) values["power"] = {"true"};
    KernelArgs args = test::kernel_args("multilook", {"src"}, values);
    const auto on_real = make_kernel(args);
    args.input_types = {PixelType::CFloat32};
    const auto on_complex = make_kernel(args);
    for (const Region& cells : regions(cells_size)) {
      const BlockBuffer real_out = run(*on_real, {&real}, cells, nodata);
      const BlockBuffer complex_out = run(*on_complex, {&complex}, cells);
      for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
        for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
          double sum = 0, power_sum = 0;
          std::complex<double> complex_sum = 0;
          int n = 0;
          for (std::int64_t y = r * 4; y < r * 4 + 4; ++y)
            for (std::int64_t x = c * 3; x < c * 3 + 3; ++x)
              if (real.at(y, x) != nodata) {
                sum += power ? real.at(y, x) * real.at(y, x) : real.at(y, x);
                complex_sum += std::complex<double>(complex.at(y, x));
                power_sum += std::norm(std::complex<double>(complex.at(y, x)));
                ++n;
              }
          if (n == 0) {
            REQUIRE(std::isnan(real_out.band<float>(0).at(r, c)));
            continue;
          }
          REQUIRE(real_out.band<float>(0).at(r, c) == Approx(sum / n).epsilon(1e-6));
          if (power)
            REQUIRE(complex_out.band<float>(0).at(r, c) == Approx(power_sum / n).epsilon(1e-5));
          else
            REQUIRE(std::abs(std::complex<double>(complex_out.band<std::complex<float>>(0).at(r, c)) - complex_sum / double(n)) <
                    1e-4 * std::abs(complex_sum / double(n)) + 1e-4);
        }
    }
  }
}

TEST_CASE("slope and hillshade follow Horn's formula inside the raster, for any region", "[kernels]") {
  // A tilted plane z = 3x + 2y (metres, 10 m pixels): Horn's gradient is exact.
  Raster<float> plane;
  for (std::int64_t r = 0; r < kSize.rows; ++r)
    for (std::int64_t c = 0; c < kSize.cols; ++c) plane.pixels.push_back(static_cast<float>(3 * c * 10 + 2 * r * 10));
  KernelArgs args = test::kernel_args("slope", {"dem"});
  args.input_types = {PixelType::Float32};
  args.transform = GeoTransform{0, 10, 0, 0, 0, -10};
  const auto slope = make_kernel(args);
  args.operation = "hillshade";
  const auto hillshade = make_kernel(args);
  // dz/dx = 3, dz/dy = -2 (rows run south): slope atan(sqrt(13)).
  const double expected_slope = std::atan(std::sqrt(13.0)) * 180 / std::numbers::pi;
  // gdaldem's hillshade of the plane with the default light (azimuth 315, altitude 45).
  const double az = 315 * std::numbers::pi / 180, alt = 45 * std::numbers::pi / 180;
  // Horn's west-minus-east and south-minus-north differences over 8 pixel
  // sizes (north-up rows: nsres is negative).
  const double x = -3.0, y = -2.0;
  const double shade = (std::sin(alt) - (y * std::cos(az) * std::cos(alt) - x * std::sin(az) * std::cos(alt))) /
                       std::sqrt(1 + x * x + y * y);
  const auto expected_shade = static_cast<int>(std::lround(1 + 254 * std::max(0.0, shade)));
  for (const Region& cells : regions(kSize)) {
    const BlockBuffer s = run(*slope, {&plane}, cells), h = run(*hillshade, {&plane}, cells);
    for (std::int64_t r = cells.rows.begin; r < cells.rows.end; ++r)
      for (std::int64_t c = cells.cols.begin; c < cells.cols.end; ++c) {
        // -compute_edges extrapolates the plane, so edges are the same; at the
        // four corners gdaldem clamps columns instead.
        const bool corner = (r == 0 || r == kSize.rows - 1) && (c == 0 || c == kSize.cols - 1);
        if (corner) continue;
        INFO("row " << r << ", column " << c);
        REQUIRE(s.band<float>(0).at(r, c) == Approx(expected_slope).epsilon(1e-5));
        REQUIRE(std::abs(h.band<std::uint8_t>(0).at(r, c) - expected_shade) <= 1);
      }
  }
}
