#pragma once
// tests/support/stack_reference.py from C++: numpy's verdict on a composite,
// an interferogram or an amplitude, as JSON.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace geostrip::test {

inline const std::string kStackReference = std::string(GEOSTRIP_SOURCE_DIR) + "/tests/support/stack_reference.py";

// What the script printed; the test fails unless it succeeded.
inline std::string run_stack_reference(const std::string& arguments) {
  const auto result = run_command("/usr/bin/python3 " + kStackReference + " " + arguments);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return result.output;
}

inline nlohmann::json stack_reference(const std::string& arguments) {
  return nlohmann::json::parse(run_stack_reference(arguments));
}

// Writes `n` cloudy dates of the UInt16 raster `source` as DIR/d1.tif ...
// (nodata 0) and returns their -i arguments.
inline std::string cloudy_dates(const std::string& source, const std::string& dir, int n) {
  run_stack_reference(fmt::format("cloudy-dates {} {} {}", source, dir, n));
  std::string inputs;
  for (int d = 1; d <= n; ++d) inputs += fmt::format(" -i d{0}={1}/d{0}.tif", d, dir);
  return inputs;
}

}  // namespace geostrip::test
