#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernel_test_support.hpp"

using namespace geostrip;

namespace {

constexpr double kNodata = -1;
const double kNaN = std::nan("");

// Five dates of four pixels; -1 is nodata, NaN is nodata too. Pixel 3 has no valid date.
const std::vector<std::vector<double>> kDates{
    {3, 10, kNodata, kNodata}, {1, kNaN, 7, kNodata}, {4, 20, kNodata, kNaN}, {1, 40, kNodata, kNodata}, {5, 30, kNodata, kNodata}};

struct Composite {
  PixelType type;
  std::optional<double> nodata;
  std::vector<double> values;  // NaN where the output is nodata
};

Composite composite(const std::string& reduce, PixelType input_type = PixelType::Float64) {
  std::vector<std::string> names;
  for (std::size_t d = 0; d < kDates.size(); ++d) names.push_back(fmt::format("d{}", d));
  KernelArgs args = test::kernel_args("composite", names, {{"reduce", {reduce}}});
  args.input_types.assign(names.size(), input_type);
  args.input_nodata.assign(names.size(), kNodata);
  const auto kernel = make_kernel(args);
  const KernelSpec& spec = kernel->spec();
  std::vector<BlockBuffer> buffers;
  std::vector<KernelInput> inputs;
  for (const auto& date : kDates) {
    // As the engine hands them over: in the kernel's input type.
    BlockBuffer& b = buffers.emplace_back(spec.input_type, 1, RowBlock{0, 1}, 4);
    visit_real(spec.input_type, [&](auto zero) {
      using T = decltype(zero);
      for (std::size_t i = 0; i < date.size(); ++i)
        if constexpr (std::is_floating_point_v<T>)
          b.band<T>(0).data[i] = static_cast<T>(date[i]);
        else  // integers hold no NaN: the nodata value instead
          b.band<T>(0).data[i] = std::isnan(date[i]) ? nodata_pixel<T>(kNodata) : to_pixel<T>(date[i]);
    });
  }
  for (const BlockBuffer& b : buffers) inputs.push_back({b, kNodata});
  BlockBuffer out(spec.output_type, 1, {0, 1}, 4);
  kernel->compute(inputs, {.raster = {1, 4}, .input = buffers[0].region()}, out);
  Composite result{.type = spec.output_type, .nodata = spec.output_nodata, .values = {}};
  visit_real(spec.output_type, [&](auto zero) {
    using T = decltype(zero);
    for (int i = 0; i < 4; ++i) {
      const T v = out.band<T>(0).data[i];
      const bool nodata = std::isnan(static_cast<double>(v)) || (spec.output_nodata && v == static_cast<T>(*spec.output_nodata));
      result.values.push_back(nodata ? kNaN : static_cast<double>(v));
    }
  });
  return result;
}

}  // namespace

TEST_CASE("composite reduces each pixel's valid dates: median, percentiles, mean, std, dispersion", "[kernels]") {
  // Pixel 0: {3, 1, 4, 1, 5}; pixel 1: {10, 20, 40, 30}; pixel 2: {7}; pixel 3: none.
  const auto median = composite("median").values;
  CHECK(median[0] == 3);
  CHECK(median[1] == 20);  // the lower median of four
  CHECK(median[2] == 7);
  CHECK(std::isnan(median[3]));
  CHECK(composite("p90").values[0] == 5);   // rank ceil(4.5) = 5 of 5
  CHECK(composite("p50").values[1] == 20);  // rank 2 of 4
  CHECK(composite("p0").values[1] == 10);
  CHECK(composite("p100").values[1] == 40);
  CHECK(composite("p75").values[1] == 30);  // rank 3 of 4
  CHECK(composite("min").values[0] == 1);
  CHECK(composite("max").values[1] == 40);
  const auto mean = composite("mean").values;
  CHECK(mean[0] == Approx(2.8));
  CHECK(mean[1] == 25);
  const double std0 = std::sqrt((0.04 + 3.24 + 1.44 + 3.24 + 4.84) / 5);
  CHECK(composite("std").values[0] == Approx(std0));
  CHECK(composite("std").values[2] == 0);
  CHECK(composite("dispersion").values[0] == Approx(std0 / 2.8));
  for (const char* reduce : {"mean", "std", "dispersion", "min", "p10"}) CHECK(std::isnan(composite(reduce).values[3]));
}

TEST_CASE("composite counts valid dates as UInt16 with nodata 0, and picks of integers keep their type",
          "[kernels]") {
  const Composite count = composite("count");
  CHECK(count.type == PixelType::UInt16);
  CHECK(count.nodata == 0.0);
  CHECK(count.values[0] == 5);
  CHECK(count.values[1] == 4);
  CHECK(count.values[2] == 1);
  CHECK(std::isnan(count.values[3]));  // 0: nodata
  CHECK(composite("median", PixelType::Int16).type == PixelType::Int16);
  CHECK(composite("median", PixelType::Int16).values[1] == 20);
  CHECK(composite("max", PixelType::Int16).nodata == kNodata);
  CHECK(composite("mean", PixelType::Int16).type == PixelType::Float32);
  CHECK(composite("median", PixelType::Float32).type == PixelType::Float32);
  // Picks read dates of one integer type as stored; of several types, or
  // painted onto the grid (the warper's values), as Float32.
  KernelArgs args = test::kernel_args("composite", {"d0", "d1"}, {{"reduce", {"median"}}});
  args.input_types.assign(2, PixelType::UInt16);
  CHECK(make_kernel(args)->spec().input_type == PixelType::UInt16);
  args.input_types = {PixelType::UInt16, PixelType::Byte};
  CHECK(make_kernel(args)->spec().input_type == PixelType::Float32);
  args.input_types.assign(2, PixelType::UInt16);
  args.input_painted = {false, true};
  CHECK(make_kernel(args)->spec().input_type == PixelType::Float32);
  CHECK(common_integer_type({PixelType::UInt16, PixelType::Int16}) == PixelType::Int32);
  CHECK(common_integer_type({PixelType::Byte, PixelType::UInt16}) == PixelType::UInt16);
  CHECK(common_integer_type({PixelType::Int8, PixelType::Byte}) == PixelType::Int16);
  CHECK(common_integer_type({PixelType::UInt32, PixelType::Int8}) == PixelType::Float64);
}

TEST_CASE("composite reduces complex dates on abs(z)", "[kernels]") {
  KernelArgs args = test::kernel_args("composite", {"a", "b", "c"}, {{"reduce", {"mean"}}});
  args.input_types.assign(3, PixelType::CFloat32);
  const auto kernel = make_kernel(args);
  const float nan = std::nanf("");
  std::vector<BlockBuffer> buffers;
  for (const std::complex<float> z : {std::complex<float>(3, 4), std::complex<float>(0, -1), std::complex<float>(nan, 0)}) {
    buffers.emplace_back(PixelType::CFloat32, 1, RowBlock{0, 1}, 1);
    buffers.back().band<std::complex<float>>(0).data[0] = z;
  }
  const std::vector<KernelInput> inputs{{buffers[0], {}}, {buffers[1], {}}, {buffers[2], {}}};
  BlockBuffer out(PixelType::Float32, 1, {0, 1}, 1);
  kernel->compute(inputs, {.raster = {1, 1}, .input = buffers[0].region()}, out);
  CHECK(out.band<float>(0).data[0] == 3.0f);  // (5 + 1) / 2
}

TEST_CASE("composite refuses an unknown reduction and integer inputs with different nodata", "[kernels]") {
  for (const char* bad : {"p101", "p", "p9x", "average", "p-1"})
    CHECK_THROWS_AS(test::kernel_of("composite", {"a"}, {{"reduce", {bad}}}), UsageError);
  KernelArgs args = test::kernel_args("composite", {"a", "b"}, {{"reduce", {"median"}}});
  args.input_types.assign(2, PixelType::UInt16);
  args.input_nodata = {0.0, 65535.0};
  CHECK_THROWS_WITH(make_kernel(args), Catch::Contains("a and b declare different nodata"));
  args.values["reduce"] = {"mean"};  // a Float32 output marks nodata with NaN: no conflict
  CHECK_NOTHROW(make_kernel(args));
}

TEST_CASE("picks of integer dates equal the sorted valid values, with every date valid or some not, and a nodata "
          "no UInt16 holds marks none",
          "[kernels]") {
  // 300 pixels of 7 UInt16 dates: runs of pixels with every date valid
  // beside pixels with nodata, and valid values of 65535, the largest
  // (which the invalid ones become to sort last).
  constexpr std::size_t kPixels = 300, kDateCount = 7;
  std::mt19937 random(5);
  std::vector<std::vector<double>> dates(kDateCount, std::vector<double>(kPixels));
  for (auto& date : dates)
    for (std::size_t i = 0; i < kPixels; ++i) date[i] = static_cast<double>(random() % 40);  // ties are common
  for (std::size_t i = 0; i < kPixels; i += 37) dates[i % kDateCount][i] = 0;  // nodata where 0 is declared
  for (std::size_t i = 0; i < kPixels; i += 5) dates[(i + 3) % kDateCount][i] = 65535;
  std::vector<std::string> names;
  for (std::size_t d = 0; d < kDateCount; ++d) names.push_back(fmt::format("d{}", d));
  for (const double nodata : {0.0, -1.0}) {
    for (const char* reduce : {"median", "min", "max", "p10", "p90"}) {
      KernelArgs args = test::kernel_args("composite", names, {{"reduce", {reduce}}});
      args.input_types.assign(kDateCount, PixelType::UInt16);
      args.input_nodata.assign(kDateCount, nodata);
      const auto kernel = make_kernel(args);
      const KernelSpec& spec = kernel->spec();
      REQUIRE(spec.output_type == PixelType::UInt16);
      std::vector<BlockBuffer> buffers;
      std::vector<KernelInput> inputs;
      for (const auto& date : dates) {
        BlockBuffer& b = buffers.emplace_back(spec.input_type, 1, RowBlock{0, 1}, static_cast<std::int64_t>(kPixels));
        REQUIRE(spec.input_type == PixelType::UInt16);  // as stored: no conversion on reading
        std::copy(date.begin(), date.end(), b.band<std::uint16_t>(0).data);
      }
      for (const BlockBuffer& b : buffers) inputs.push_back({b, nodata});
      BlockBuffer out(spec.output_type, 1, {0, 1}, static_cast<std::int64_t>(kPixels));
      kernel->compute(inputs, {.raster = {1, static_cast<std::int64_t>(kPixels)}, .input = buffers[0].region()}, out);
      for (std::size_t i = 0; i < kPixels; ++i) {
        std::vector<double> valid;
        for (const auto& date : dates)
          if (date[i] != nodata) valid.push_back(date[i]);
        std::sort(valid.begin(), valid.end());
        const std::string kind = reduce;
        const std::size_t rank = kind == "min"      ? 1
                                 : kind == "max"    ? valid.size()
                                 : kind == "median" ? (valid.size() + 1) / 2
                                 : std::max<std::size_t>(1, ((kind == "p10" ? 10 : 90) * valid.size() + 99) / 100);
        CAPTURE(nodata, reduce, i);
        REQUIRE(out.band<std::uint16_t>(0).data[i] == valid[rank - 1]);
      }
    }
  }
}
