#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.hpp"
#include "kernel_test_support.hpp"

using namespace geostrip;
using geostrip::test::kernel_args;
using geostrip::test::row_of;

TEST_CASE("rgb maps reflectance through clamp and gamma to 8 bits with an alpha band", "[kernels]") {
  const auto kernel = make_kernel(kernel_args("rgb", {"red", "green", "blue"}, {{"clamp", {"4000"}}, {"gamma", {"2"}}}));
  CHECK(kernel->spec().output_type == PixelType::Byte);
  CHECK(kernel->spec().output_bands == 4);
  const BlockBuffer r = row_of({0, 1000, 4000, 9000, -5}), g = row_of({1, 1, 1, 1, 1}), b = row_of({0, 0, 0, 0, 0});
  const std::vector<KernelInput> in{{r, {}}, {g, {}}, {b, {}}};
  BlockBuffer out(PixelType::Byte, 4, {0, 1}, 5);
  kernel->compute(in, {{1, 5}, {0, 1}}, out);
  const auto red = out.band<std::uint8_t>(0).data;
  CHECK(red[0] == 0);
  CHECK(red[1] == std::lround(255 * std::sqrt(0.25)));  // 128
  CHECK(red[2] == 255);
  CHECK(red[3] == 255);  // clamped
  CHECK(red[4] == 0);    // negative clamps to 0
  for (int i = 0; i < 5; ++i) CHECK(out.band<std::uint8_t>(3).data[i] == 255);
}

TEST_CASE("rgb is transparent black where any input is nodata", "[kernels]") {
  const auto kernel = make_kernel(kernel_args("rgb", {"blue", "green", "red"}));
  const BlockBuffer r = row_of({5000, 5000, 5000}), g = row_of({0, 5000, 5000}), b = row_of({5000, 5000, NAN});
  const std::vector<KernelInput> in{{r, 0.0}, {g, 0.0}, {b, 0.0}};
  BlockBuffer out(PixelType::Byte, 4, {0, 1}, 3);
  kernel->compute(in, {{1, 5}, {0, 1}}, out);
  for (int band = 0; band < 4; ++band) {
    CHECK(out.band<std::uint8_t>(band).data[0] == 0);
    CHECK(out.band<std::uint8_t>(band).data[2] == 0);
  }
  CHECK(out.band<std::uint8_t>(3).data[1] == 255);
  CHECK(out.band<std::uint8_t>(0).data[1] == std::lround(255 * std::pow(0.5, 1 / 2.2)));
}

TEST_CASE("rgb refuses a non-positive clamp or gamma", "[kernels]") {
  CHECK_THROWS_AS(make_kernel(kernel_args("rgb", {"red", "green", "blue"}, {{"clamp", {"0"}}})), UsageError);
  CHECK_THROWS_AS(make_kernel(kernel_args("rgb", {"red", "green", "blue"}, {{"gamma", {"-1"}}})), UsageError);
}

TEST_CASE("rgb gives the formula's value for every whole and fractional reflectance", "[kernels]") {
  // Whole values take a lookup table; the result must not depend on it.
  const double clamp = 3000, gamma = 2.2;
  const auto kernel = make_kernel(kernel_args("rgb", {"red", "green", "blue"}, {{"clamp", {"3000"}}}));
  std::vector<double> values;
  for (double v = -2; v <= 70000; ++v) values.insert(values.end(), {v, v + 0.25, v + 0.5});
  const BlockBuffer r = row_of(values);
  const std::vector<KernelInput> in{{r, {}}, {r, {}}, {r, {}}};
  BlockBuffer out(PixelType::Byte, 4, {0, 1}, static_cast<std::int64_t>(values.size()));
  kernel->compute(in, {{1, static_cast<std::int64_t>(values.size())}, {0, 1}}, out);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double unit = std::min(std::max(values[i], 0.0), clamp) / clamp;
    differ += out.band<std::uint8_t>(0).data[i] != static_cast<std::uint8_t>(std::round(255.0 * std::pow(unit, 1 / gamma)));
  }
  CHECK(differ == 0);
}
