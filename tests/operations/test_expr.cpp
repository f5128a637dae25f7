#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.hpp"
#include "kernel_test_support.hpp"

using namespace geostrip;
using geostrip::test::kernel_args;
using geostrip::test::row_of;

namespace {
BlockBuffer evaluate(const std::string& expression, const std::string& type, const std::vector<double>& nir,
                     const std::vector<double>& red) {
  const auto kernel =
      make_kernel(kernel_args("expr", {"nir", "red"}, {{"expr", {expression}}, {"type", {type}}}));
  const BlockBuffer a = row_of(nir), b = row_of(red);
  const std::vector<KernelInput> in{{a, 0.0}, {b, 0.0}};
  BlockBuffer out(kernel->spec().output_type, kernel->spec().output_bands, {0, 1}, static_cast<std::int64_t>(nir.size()));
  kernel->compute(in, {{1, static_cast<std::int64_t>(nir.size())}, {0, 1}}, out);
  return out;
}
}  // namespace

TEST_CASE("expr evaluates over the input names with nodata propagation", "[kernels]") {
  const BlockBuffer out = evaluate("(nir-red)/(nir+red)", "Float32", {3000, 0, 100}, {1000, 500, 100});
  const float* v = out.band<float>(0).data;
  CHECK(v[0] == 0.5f);
  CHECK(std::isnan(v[1]));  // nir is nodata
  CHECK(v[2] == 0.0f);
}

TEST_CASE("expr rounds and clamps to an integer --type, nodata as gdal_calc", "[kernels]") {
  const BlockBuffer out = evaluate("nir*1.5 - red", "Byte", {10, 300, 3, 7}, {5, 1, 4, 0});
  const std::uint8_t* v = out.band<std::uint8_t>(0).data;
  CHECK(v[0] == 10);   // 15 - 5
  CHECK(v[1] == 254);  // 449 clamps to the largest value that is not nodata (255)
  CHECK(v[2] == 1);    // 0.5 rounds away from zero
  CHECK(v[3] == 255);  // red is nodata: Byte nodata is 255
}

TEST_CASE("expr reports syntax errors and unknown names as usage errors", "[kernels]") {
  CHECK_THROWS_AS(make_kernel(kernel_args("expr", {"nir"}, {{"expr", {"nir*("}}})), UsageError);
  CHECK_THROWS_WITH(make_kernel(kernel_args("expr", {"nir"}, {{"expr", {"nir-swir"}}})), Catch::Contains("swir"));
  CHECK_THROWS_AS(make_kernel(kernel_args("expr", {"nir"}, {})), UsageError);
  CHECK_THROWS_AS(make_kernel(kernel_args("expr", {"nir"}, {{"expr", {"nir"}}, {"type", {"Float16"}}})), UsageError);
}

TEST_CASE("expr gives a band for each expression of a list, nodata only from the inputs it uses", "[kernels]") {
  const BlockBuffer out = evaluate("nir - red; nir * 2; nir > 100 ? nir : nan", "Float32", {300, 0, 50}, {100, 7, 0});
  REQUIRE(out.bands() == 3);
  const float *difference = out.band<float>(0).data, *twice = out.band<float>(1).data, *big = out.band<float>(2).data;
  CHECK(difference[0] == 200.0f);
  CHECK(std::isnan(difference[1]));  // nir is nodata
  CHECK(std::isnan(difference[2]));  // red is nodata
  CHECK(twice[0] == 600.0f);
  CHECK(std::isnan(twice[1]));
  CHECK(twice[2] == 100.0f);  // red is nodata, but nir * 2 does not use it
  CHECK(big[0] == 300.0f);
  CHECK(std::isnan(big[2]));  // nan is nodata
  const BlockBuffer integers = evaluate("nir > 100 ? nir : nan", "Int16", {300, 50}, {1, 1});
  CHECK(integers.band<std::int16_t>(0).data[1] == -32768);  // Int16's nodata
}

TEST_CASE("a malformed list of expressions is a usage error, never a dropped band", "[kernels]") {
  for (const char* list : {"nir;", ";nir", "nir;;red", " ; "})
    CHECK_THROWS_WITH(make_kernel(kernel_args("expr", {"nir", "red"}, {{"expr", {list}}})),
                      Catch::Contains("an empty expression"));
  CHECK_THROWS_WITH(make_kernel(kernel_args("expr", {"nir", "red"}, {{"expr", {"nir, red"}}})),
                    Catch::Contains("gives 2 values"));
}
