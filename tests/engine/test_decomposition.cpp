#include <catch2/catch.hpp>

#include "engine/decomposition.hpp"

using namespace geostrip;

TEST_CASE("automatic block rows follow the input's tiles, the threads and the memory budget", "[engine]") {
  constexpr std::uint64_t GiB = std::uint64_t{1} << 30;
  const std::uint64_t row = 10980 * (2 * 8 + 4);  // two Float64 inputs and a Float32 output per pixel

  SECTION("whole tiles, several blocks per thread") {
    const auto rows = auto_block_rows({10980, row, 2, 8 * GiB, 512});
    CHECK(rows % 512 == 0);
    CHECK(10980 / rows >= 2 * 2);
  }
  SECTION("a small budget gives smaller blocks that still fit it") {
    const auto rows = auto_block_rows({10980, row, 2, 64u << 20, 512});
    CHECK(rows >= 1);
    CHECK(static_cast<std::uint64_t>(rows) * row * 6 * 2 <= 64u << 20);
  }
  SECTION("never more rows than the raster, never fewer than one") {
    CHECK(auto_block_rows({10, row, 2, 8 * GiB, 512}) == 10);
    CHECK(auto_block_rows({10980, row, 2, 1024, 512}) == 1);
  }
}
