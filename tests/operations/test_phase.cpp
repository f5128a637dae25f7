#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>

#include "kernel_test_support.hpp"

using namespace geostrip;

TEST_CASE("phase is arg(z) as Float32 radians, nodata where the input is", "[kernels]") {
  KernelArgs args = test::kernel_args("phase", {"src"});
  args.input_types = {PixelType::CFloat32};
  const auto kernel = make_kernel(args);
  const float nan = std::nanf("");
  const std::vector<std::complex<float>> z{{1, 1}, {-1, 0}, {0, -2}, {nan, 0}, {-3, -1e-7f}};
  BlockBuffer in(PixelType::CFloat32, 1, {0, 1}, static_cast<std::int64_t>(z.size()));
  std::copy(z.begin(), z.end(), in.band<std::complex<float>>(0).data);
  const std::vector<KernelInput> inputs{{in, {}}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, static_cast<std::int64_t>(z.size()));
  kernel->compute(inputs, {.raster = {1, static_cast<std::int64_t>(z.size())}, .input = in.region()}, out);
  const float* v = out.band<float>(0).data;
  CHECK(v[0] == static_cast<float>(std::numbers::pi / 4));
  CHECK(v[1] == static_cast<float>(std::numbers::pi));
  CHECK(v[2] == static_cast<float>(-std::numbers::pi / 2));
  CHECK(std::isnan(v[3]));
  CHECK(v[4] == static_cast<float>(std::arg(std::complex<double>(z[4]))));  // just below -pi's branch cut
}

TEST_CASE("phase of a real image is 0 or pi", "[kernels]") {
  const auto kernel = test::kernel_of("phase", {"src"});
  const BlockBuffer in = test::row_of({2, -2, 0});
  const std::vector<KernelInput> inputs{{in, {}}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, 3);
  kernel->compute(inputs, {.raster = {1, 3}, .input = in.region()}, out);
  CHECK(out.band<float>(0).data[0] == 0.0f);
  CHECK(out.band<float>(0).data[1] == static_cast<float>(std::numbers::pi));
  CHECK(out.band<float>(0).data[2] == 0.0f);
}
