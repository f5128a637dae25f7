#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "kernel_test_support.hpp"

using namespace geostrip;
using geostrip::test::kernel_args;
using geostrip::test::row_of;

namespace {
std::vector<float> ndi(const Kernel& kernel, const std::vector<double>& a, const std::vector<double>& b,
                       std::optional<double> nodata_a = {}, std::optional<double> nodata_b = {}) {
  const BlockBuffer ba = row_of(a), bb = row_of(b);
  const std::vector<KernelInput> in{{ba, nodata_a}, {bb, nodata_b}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, static_cast<std::int64_t>(a.size()));
  kernel.compute(in, {{1, 5}, {0, 1}}, out);
  return {out.band<float>(0).data, out.band<float>(0).data + a.size()};
}
}  // namespace

TEST_CASE("ndi is (a-b)/(a+b) as Float32 with a halo of 0", "[kernels]") {
  const auto kernel = geostrip::test::kernel_of("ndi", {"a", "b"});
  CHECK(kernel->spec().output_type == PixelType::Float32);
  CHECK(kernel->spec().window.halo() == Halo{0, 0});
  const auto out = ndi(*kernel, {3000, 500, 1000}, {1000, 1500, 1000});
  CHECK(out[0] == Approx(0.5));
  CHECK(out[1] == Approx(-0.5));
  CHECK(out[2] == 0.0f);
}

TEST_CASE("ndi gives nodata where an input is nodata or NaN or a+b is 0", "[kernels]") {
  const auto kernel = geostrip::test::kernel_of("ndi", {"a", "b"});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto out = ndi(*kernel, {0, 100, nan, 5, -5}, {100, 0, 100, 5, 5}, 0.0, 0.0);
  CHECK(std::isnan(out[0]));  // a is nodata
  CHECK(std::isnan(out[1]));  // b is nodata
  CHECK(std::isnan(out[2]));  // NaN
  CHECK(out[3] == 0.0f);
  CHECK(std::isnan(out[4]));  // a+b == 0
}

TEST_CASE("ndi maps each input v*scale+offset before the difference", "[kernels]") {
  KernelArgs args = kernel_args("ndi", {"a", "b"}, {{"scale", {"a=0.0001", "b=0.0002"}}, {"offset", {"b=-0.1"}}});
  args.input_types = {PixelType::Int32, PixelType::UInt16};
  const auto kernel = make_kernel(args);
  REQUIRE(kernel->spec().input_type == PixelType::Float64);  // Int32 does not fit a float
  const BlockBuffer a = row_of({4000}), b = row_of({1000});
  const std::vector<KernelInput> in{{a, {}}, {b, {}}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, 1);
  kernel->compute(in, {{1, 5}, {0, 1}}, out);
  const double sa = 4000 * 0.0001, sb = 1000 * 0.0002 - 0.1;
  CHECK(out.band<float>(0).data[0] == static_cast<float>((sa - sb) / (sa + sb)));
}

TEST_CASE("ndi refuses other inputs and unknown names in per-input options", "[kernels]") {
  CHECK_THROWS_AS(make_kernel(kernel_args("ndi", {"a", "c"})), UsageError);
  CHECK_THROWS_AS(make_kernel(kernel_args("ndi", {"a", "b"}, {{"scale", {"nir=2"}}})), UsageError);
  CHECK_THROWS_AS(make_kernel(kernel_args("ndi", {"a", "b"}, {{"scale", {"a=two"}}})), UsageError);
}

TEST_CASE("ndi reads 16-bit inputs as Float32, with the same results as from Float64", "[kernels]") {
  KernelArgs args = kernel_args("ndi", {"a", "b"}, {{"scale", {"a=0.0001"}}, {"offset", {"b=-0.1"}}});
  args.input_types = {PixelType::UInt16, PixelType::UInt16};
  const auto narrow = make_kernel(args);
  REQUIRE(narrow->spec().input_type == PixelType::Float32);
  args.input_types = {PixelType::Int32, PixelType::Int32};  // not exact as Float32: read as Float64
  const auto wide = make_kernel(args);
  REQUIRE(wide->spec().input_type == PixelType::Float64);
  const std::vector<double> a{0, 1, 7, 4000, 65535, 12345}, b{0, 3, 9000, 1000, 1, 65534};
  BlockBuffer fa(PixelType::Float32, 1, {0, 1}, 6), fb(PixelType::Float32, 1, {0, 1}, 6);
  for (std::size_t i = 0; i < a.size(); ++i) {
    fa.band<float>(0).data[i] = static_cast<float>(a[i]);
    fb.band<float>(0).data[i] = static_cast<float>(b[i]);
  }
  const std::vector<KernelInput> in{{fa, 0.0}, {fb, {}}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, 6);
  narrow->compute(in, {{1, 6}, {0, 1}}, out);
  const auto expected = ndi(*wide, a, b, 0.0, {});
  for (std::size_t i = 0; i < a.size(); ++i) {
    const float got = out.band<float>(0).data[i];
    CHECK((std::isnan(got) ? std::isnan(expected[i]) : got == expected[i]));
  }
}

TEST_CASE("exact_real_type narrows to Float32 only when every value fits", "[core]") {
  CHECK(exact_real_type({PixelType::Byte, PixelType::Int16, PixelType::UInt16, PixelType::Float32}) ==
        PixelType::Float32);
  CHECK(exact_real_type({PixelType::UInt16, PixelType::UInt32}) == PixelType::Float64);
  CHECK(exact_real_type({PixelType::Float64}) == PixelType::Float64);
  CHECK(exact_real_type({PixelType::Int32}) == PixelType::Float64);
}
