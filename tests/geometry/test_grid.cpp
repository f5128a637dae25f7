#include <catch2/catch.hpp>

#include <random>

#include "geometry/grid.hpp"
#include "geometry/polygon_mask.hpp"

using namespace geostrip;

TEST_CASE("a grid covering an extent snaps its corners outward onto the anchor's pixels", "[geometry]") {
  const Extent extent{.xmin = 1003, .ymin = 2001, .xmax = 1047, .ymax = 2039};
  const auto [size, t] = grid_covering(extent, {.x = 10, .y = 10}, std::array<double, 2>{1000, 2000});
  CHECK(t == GeoTransform{1000, 10, 0, 2040, 0, -10});
  CHECK(size == RasterSize{.rows = 4, .cols = 5});
  // Corners a millionth of a pixel off a grid line are on it.
  const auto [exact, te] = grid_covering({.xmin = 1000.000001, .ymin = 2000, .xmax = 1049.999999, .ymax = 2040},
                                         {.x = 10, .y = 10}, std::array<double, 2>{0, 0});
  CHECK(te[0] == 1000);
  CHECK(exact.cols == 5);
  // Without an anchor the extent is kept and its size rounded, as gdalwarp -te -tr.
  const auto [kept, tk] = grid_covering(extent, {.x = 10, .y = 10}, std::nullopt);
  CHECK(tk[0] == 1003);
  CHECK(kept == RasterSize{.rows = 4, .cols = 4});
}

TEST_CASE("a file lies on a grid's pixels at an integer offset, within a millionth of a pixel", "[geometry]") {
  const GeoTransform grid{399960, 10, 0, 5300040, 0, -10};
  CHECK(offset_on({399960 + 30, 10, 0, 5300040 - 20, 0, -10}, grid) == std::array<std::int64_t, 2>{2, 3});
  CHECK(offset_on({399960 + 1e-7, 10, 0, 5300040, 0, -10}, grid) == std::array<std::int64_t, 2>{0, 0});
  CHECK_FALSE(offset_on({399965, 10, 0, 5300040, 0, -10}, grid));  // half a pixel
  CHECK_FALSE(offset_on({399960, 20, 0, 5300040, 0, -20}, grid));  // another resolution
  CHECK(extent_of(grid, {.rows = 2, .cols = 3}) == Extent{.xmin = 399960, .ymin = 5300020, .xmax = 399990, .ymax = 5300040});
}

TEST_CASE("the footprint index finds exactly the footprints that meet a region", "[geometry]") {
  std::mt19937 random(7);
  std::uniform_int_distribution<std::int64_t> start(0, 900), length(1, 120);
  std::vector<Region> footprints;
  for (int i = 0; i < 300; ++i) {
    const std::int64_t r = start(random), c = start(random);
    footprints.push_back({.rows = {r, r + length(random)}, .cols = {c, c + length(random)}});
  }
  footprints.push_back({});  // a file that meets nothing
  const FootprintIndex index(footprints);
  for (int q = 0; q < 200; ++q) {
    const std::int64_t r = start(random), c = start(random);
    const Region region{.rows = {r, r + length(random)}, .cols = {c, c + length(random)}};
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < footprints.size(); ++i)
      if (!empty(intersection(footprints[i], region))) expected.push_back(i);
    CHECK(index.meeting(region) == expected);
  }
}

TEST_CASE("a polygon mask takes pixels whose centre is inside, holes cut out, the same for any columns asked",
          "[geometry]") {
  const Polygon square_with_hole{
      .rings = {{{.x = 1, .y = 1}, {.x = 9, .y = 1}, {.x = 9, .y = 9}, {.x = 1, .y = 9}},
                {{.x = 4, .y = 4}, {.x = 6, .y = 4}, {.x = 6, .y = 6}, {.x = 4, .y = 6}}}};
  const PolygonMask mask({square_with_hole});
  std::vector<std::uint8_t> row;
  mask.inside(0, {0, 10}, row);
  CHECK(row == std::vector<std::uint8_t>(10, 0));
  mask.inside(2, {0, 10}, row);
  CHECK(row == std::vector<std::uint8_t>{0, 1, 1, 1, 1, 1, 1, 1, 1, 0});
  mask.inside(5, {0, 10}, row);
  CHECK(row == std::vector<std::uint8_t>{0, 1, 1, 1, 0, 0, 1, 1, 1, 0});
  std::vector<std::uint8_t> piece;
  mask.inside(5, {3, 7}, piece);
  CHECK(piece == std::vector<std::uint8_t>(row.begin() + 3, row.begin() + 7));
}
