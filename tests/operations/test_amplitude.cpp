#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "kernel_test_support.hpp"

using namespace geostrip;

namespace {

// amplitude of one row of complex pixels (nodata NaN), as the engine runs it.
std::vector<float> amplitude(const std::vector<std::complex<float>>& z, bool db) {
  KernelArgs args = test::kernel_args("amplitude", {"src"}, db ? std::map<std::string, std::vector<std::string>>{{"db", {"true"}}}
                                                                : std::map<std::string, std::vector<std::string>>{});
  args.input_types = {PixelType::CFloat32};
  const auto kernel = make_kernel(args);
  BlockBuffer in(PixelType::CFloat32, 1, {0, 1}, static_cast<std::int64_t>(z.size()));
  std::copy(z.begin(), z.end(), in.band<std::complex<float>>(0).data);
  const std::vector<KernelInput> inputs{{in, {}}};
  BlockBuffer out(kernel->spec().output_type, 1, {0, 1}, static_cast<std::int64_t>(z.size()));
  kernel->compute(inputs, {.raster = {1, static_cast<std::int64_t>(z.size())}, .input = in.region()}, out);
  return {out.band<float>(0).data, out.band<float>(0).data + z.size()};
}

}  // namespace

TEST_CASE("amplitude is abs(z) as Float32, and 20*log10(abs(z)) with --db, nodata where z is 0 there",
          "[kernels]") {
  const float nan = std::nanf("");
  const std::vector<std::complex<float>> z{{3, 4}, {0, 0}, {-1e-3f, 2e-3f}, {nan, nan}, {1e4f, -1e4f}};
  const auto linear = amplitude(z, false);
  const auto db = amplitude(z, true);
  for (std::size_t i = 0; i < z.size(); ++i) {
    INFO(i);
    const double magnitude = std::abs(std::complex<double>(z[i]));
    if (std::isnan(magnitude)) {
      CHECK(std::isnan(linear[i]));
      CHECK(std::isnan(db[i]));
      continue;
    }
    CHECK(linear[i] == static_cast<float>(magnitude));
    if (magnitude == 0)
      CHECK(std::isnan(db[i]));
    else
      CHECK(db[i] == static_cast<float>(20 * std::log10(magnitude)));
  }
  CHECK(linear[0] == 5.0f);
  CHECK(db[0] == Approx(20 * std::log10(5.0)));
}

TEST_CASE("amplitude of a real image is its absolute value", "[kernels]") {
  const auto kernel = test::kernel_of("amplitude", {"src"});
  const BlockBuffer in = test::row_of({-2.5, 0, 7, -9999});
  const std::vector<KernelInput> inputs{{in, -9999.0}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, 4);
  kernel->compute(inputs, {.raster = {1, 4}, .input = in.region()}, out);
  const float* v = out.band<float>(0).data;
  CHECK(v[0] == 2.5f);
  CHECK(v[1] == 0.0f);
  CHECK(v[2] == 7.0f);
  CHECK(std::isnan(v[3]));
}
