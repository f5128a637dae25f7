#include <catch2/catch.hpp>
#include <muParser.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

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

TEST_CASE("expr gives muparser's own value, bit for bit, for 64 pixels at once or one at a time", "[kernels]") {
  // 200 pixels: three runs of 64 evaluated together where muparser's bytecode
  // allows, the last 8 one by one; every value checked against muparser
  // evaluating that pixel alone.
  std::mt19937 random(3);
  std::uniform_real_distribution<double> any(-500, 3000);
  std::vector<double> nir(200), red(200);
  for (std::size_t i = 0; i < nir.size(); ++i) {
    nir[i] = i % 13 == 0 ? 7 : std::round(any(random) * 8) / 8;
    red[i] = i % 17 == 0 ? nir[i] : std::round(any(random) * 8) / 8;
  }
  for (const char* expression :
       {"(nir-red)/(nir+red)", "nir^2 + 3*red - nir*red/7", "nir^3 - red^4 + nir^0.5", "2*nir + 1.25",
        "nir > red && red < 100 || nir == 7", "nir != red", "nir <= red", "sqrt(abs(nir)) + sin(red) * -nir",
        "min(nir, red) + max(nir, red, 3)", "nir > red ? nir : nan", "-nir", "1.5", "exp(nir / 1000) / ln(abs(red) + 2)"}) {
    const BlockBuffer out = evaluate(expression, "Float64", nir, red);
    double nir_value = 0, red_value = 0;
    mu::Parser parser;
    parser.DefineVar("nir", &nir_value);
    parser.DefineVar("red", &red_value);
    parser.DefineConst("nan", std::numeric_limits<double>::quiet_NaN());
    parser.SetExpr(expression);
    for (std::size_t i = 0; i < nir.size(); ++i) {
      nir_value = nir[i];
      red_value = red[i];
      const double expected = parser.Eval();
      const double got = out.band<double>(0).data[i];
      CAPTURE(expression, i, nir[i], red[i], expected, got);
      if (nir[i] == 0 || red[i] == 0 || std::isnan(expected))
        CHECK(std::isnan(got));  // nodata
      else
        CHECK(std::memcmp(&got, &expected, sizeof got) == 0);
    }
  }
}
