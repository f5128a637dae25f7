#include <catch2/catch.hpp>

#include <cmath>
#include <complex>

#include "kernel_test_support.hpp"

using namespace geostrip;

namespace {

using Z = std::complex<float>;

BlockBuffer grid_of(const std::vector<Z>& pixels, int rows, int cols) {
  BlockBuffer b(PixelType::CFloat32, 1, RowBlock{0, rows}, cols);
  std::copy(pixels.begin(), pixels.end(), b.band<Z>(0).data);
  return b;
}

// The interferogram of 2 x 4 pixels, as the engine runs it over the whole raster.
BlockBuffer interferogram(const std::vector<Z>& r, const std::vector<Z>& s, const std::string& looks, bool phase) {
  std::map<std::string, std::vector<std::string>> values{{"looks", {looks}}};
  if (phase) values["phase"] = {""};
  KernelArgs args = test::kernel_args("interferogram", {"ref", "sec"}, values);
  args.input_types.assign(2, PixelType::CFloat32);
  const auto kernel = make_kernel(args);
  const BlockBuffer a = grid_of(r, 2, 4), b = grid_of(s, 2, 4);
  const std::vector<KernelInput> inputs{{a, {}}, {b, {}}};
  const Stride stride = kernel->spec().stride;
  BlockBuffer out(kernel->spec().output_type, 1, RowBlock{0, 2 / stride.rows}, 4 / stride.cols);
  kernel->compute(inputs, {.raster = {2, 4}, .input = a.region()}, out);
  return out;
}

}  // namespace

TEST_CASE("interferogram is r*conj(s), the mean of each cell's valid pixels with looks, or its phase", "[kernels]") {
  const float nan = std::nanf("");
  const std::vector<Z> r{{1, 1}, {2, 0}, {0, 0}, {1, 2}, {0, 3}, {1, -1}, {nan, 0}, {3, 0}};
  const std::vector<Z> s{{1, -1}, {0, 1}, {5, 5}, {1, 2}, {2, 0}, {1, 1}, {1, 0}, {0, 0}};
  const BlockBuffer full = interferogram(r, s, "1x1", false);
  const Z* z = full.band<Z>(0).data;
  CHECK(z[0] == Z(0, 2));  // (1+i)(1+i)
  CHECK(z[1] == Z(0, -2));
  CHECK(std::isnan(z[2].real()));  // r is 0
  CHECK(z[3] == Z(5, 0));
  CHECK(std::isnan(z[6].real()));  // r is NaN
  CHECK(std::isnan(z[7].real()));  // s is 0
  // 2x2 cells: {0, 1, 4, 5} all valid; {2, 3, 6, 7} only 3.
  const BlockBuffer looks = interferogram(r, s, "2x2", false);
  const std::complex<double> cell0 =
      (std::complex<double>(0, 2) + std::complex<double>(0, -2) + std::complex<double>(0, 6) + std::complex<double>(0, -2)) / 4.0;
  CHECK(looks.band<Z>(0).data[0] == Z(cell0));
  CHECK(looks.band<Z>(0).data[1] == Z(5, 0));
  const BlockBuffer phase = interferogram(r, s, "2x2", true);
  CHECK(phase.type() == PixelType::Float32);
  CHECK(phase.band<float>(0).data[0] == static_cast<float>(std::arg(cell0)));
  CHECK(phase.band<float>(0).data[1] == 0.0f);
}
