#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "geometry/georeference.hpp"
#include "geometry/row_block.hpp"

using namespace geostrip;

TEST_CASE("pad grows a block on both sides and crop cuts it to an extent", "[geometry]") {
  CHECK(pad({10, 20}, 3) == RowBlock{7, 23});
  CHECK(pad({10, 20}, 0) == RowBlock{10, 20});
  CHECK(crop({-3, 5}, {0, 100}) == RowBlock{0, 5});
  CHECK(crop({95, 104}, {0, 100}) == RowBlock{95, 100});
  CHECK(crop({-50, 150}, {0, 100}) == RowBlock{0, 100});
  CHECK(crop({200, 210}, {0, 100}).empty());
}

TEST_CASE("a window's halo is half its size, rounded down", "[geometry]") {
  CHECK(Window{1, 1}.halo() == Halo{0, 0});
  CHECK(Window{3, 3}.halo() == Halo{1, 1});
  CHECK(Window{31, 5}.halo() == Halo{15, 2});
}

namespace {
std::vector<RowBlock> listed(const RowBlocks& blocks) { return {blocks.begin(), blocks.end()}; }
}  // namespace

TEST_CASE("split_rows of an extent starts at the extent, e.g. where a resumed run goes on", "[geometry]") {
  CHECK(listed(split_rows(RowBlock{512, 1100}, 256)) == std::vector<RowBlock>{{512, 768}, {768, 1024}, {1024, 1100}});
  CHECK(split_rows(RowBlock{100, 100}, 7).empty());
}

TEST_CASE("split_rows of a billion rows is a value of a few bytes, indexed in constant time", "[geometry]") {
  const RowBlocks blocks = split_rows(1'000'000'000, 1);
  CHECK(blocks.size() == 1'000'000'000);
  CHECK(blocks[999'999'999] == RowBlock{999'999'999, 1'000'000'000});
  CHECK(sizeof(blocks) <= 4 * sizeof(std::int64_t));
  // A block-rows count beyond the extent, as a user may give, is one block, without overflow.
  const RowBlocks one = split_rows(RowBlock{512, 1000}, std::numeric_limits<std::int64_t>::max());
  REQUIRE(one.size() == 1);
  CHECK(one[0] == RowBlock{512, 1000});
}

TEST_CASE("whole_tile_rows tells a block that starts on a tile row and ends on one or at the raster's end",
          "[geometry]") {
  CHECK(whole_tile_rows({0, 32}, 32, 100));
  CHECK(whole_tile_rows({32, 96}, 32, 100));
  CHECK(whole_tile_rows({96, 100}, 32, 100));   // the last, short tile row
  CHECK(whole_tile_rows({64, 100}, 32, 100));
  CHECK_FALSE(whole_tile_rows({0, 16}, 32, 100));   // ends inside a tile row
  CHECK_FALSE(whole_tile_rows({16, 64}, 32, 100));  // starts inside one
  CHECK_FALSE(whole_tile_rows({96, 99}, 32, 100));
}

TEST_CASE("split_rows partitions the rows exactly, in order", "[geometry]") {
  for (std::int64_t rows = 1; rows <= 64; ++rows) {
    for (const std::int64_t block_rows : {std::int64_t{1}, std::int64_t{2}, std::int64_t{7}, std::int64_t{13},
                                          std::int64_t{37}, rows, rows + 1, rows * 3}) {
      const auto blocks = split_rows(rows, block_rows);
      REQUIRE(!blocks.empty());
      CHECK(blocks[0].begin == 0);
      CHECK(blocks[blocks.size() - 1].end == rows);
      CHECK(blocks.size() == static_cast<std::size_t>((rows + block_rows - 1) / block_rows));
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        CHECK(!blocks[i].empty());
        CHECK(blocks[i].rows() <= block_rows);
        if (i + 1 < blocks.size()) {
          CHECK(blocks[i].end == blocks[i + 1].begin);
          CHECK(blocks[i].rows() == block_rows);  // only the last block is short
        }
      }
    }
  }
}

TEST_CASE("source rows cover every window of a block, cut at the raster edge", "[geometry]") {
  for (std::int64_t rows = 1; rows <= 40; ++rows) {
    for (const std::int64_t block_rows : {std::int64_t{1}, std::int64_t{5}, std::int64_t{11}, rows, rows + 4}) {
      for (const int halo : {0, 1, 2, 7, 60}) {
        for (const RowBlock block : split_rows(rows, block_rows)) {
          const RowBlock source =
              source_region({.rows = block, .cols = {0, 3}}, Stride{}, Halo{halo, halo}, {rows, 3}).rows;
          // Every row any window of the block reaches, and nothing beyond it or the raster.
          CHECK(source.begin == std::max<std::int64_t>(0, block.begin - halo));
          CHECK(source.end == std::min<std::int64_t>(rows, block.end + halo));
          CHECK(source.contains(block));
        }
      }
    }
  }
}

TEST_CASE("a strided operation reads whole cells and keeps only complete ones", "[geometry]") {
  CHECK(output_size({10, 7}, {4, 2}) == RasterSize{2, 3});
  CHECK(output_size({3, 3}, {4, 4}) == RasterSize{0, 0});
  // Output rows 1..2 of 4x looks are input rows 4..11; a halo of 1 adds a row each side.
  const auto rows_of = [](RowBlock out, Halo halo, std::int64_t input_rows) {
    return source_region({.rows = out, .cols = {0, 1}}, {4, 2}, halo, {input_rows, 2}).rows;
  };
  CHECK(rows_of({1, 3}, {0, 0}, 13) == RowBlock{4, 12});
  CHECK(rows_of({1, 3}, {1, 1}, 13) == RowBlock{3, 13});
  CHECK(rows_of({0, 3}, {1, 1}, 12) == RowBlock{0, 12});
  // Columns follow the same rule: cells of 2, padded by the halo, cut at the edge.
  CHECK(source_region({.rows = {0, 1}, .cols = {2, 5}}, {4, 2}, {1, 1}, {4, 11}).cols == RowBlock{3, 11});
  CHECK(source_region({.rows = {0, 1}, .cols = {0, 2}}, {4, 2}, {0, 3}, {4, 11}).cols == RowBlock{0, 7});
  // Blocks in output rows are aligned to the stride in input rows.
  for (const RowBlock block : split_rows(output_size({103, 1}, {4, 1}).rows, 7)) {
    const RowBlock source = source_region({.rows = block, .cols = {0, 1}}, {4, 1}, {}, {103, 1}).rows;
    CHECK(source.begin % 4 == 0);
    CHECK(source.rows() == 4 * block.rows());
  }
}

TEST_CASE("a strided grid's geotransform has larger pixels at the same origin", "[geometry]") {
  const Georeference utm{GeoTransform{500000, 10, 0, 4000000, 0, -10}, "WKT"};
  const Georeference looks = scale(utm, {4, 2});
  REQUIRE(looks.transform);
  CHECK(*looks.transform == GeoTransform{500000, 20, 0, 4000000, 0, -40});
  CHECK(looks.crs_wkt == "WKT");
  CHECK_FALSE(scale(Georeference{}, {4, 2}).transform);
}

TEST_CASE("geotransforms compare equal up to a millionth of a pixel", "[geometry]") {
  const GeoTransform t{500000, 10, 0, 4000000, 0, -10};
  GeoTransform nudged = t;
  nudged[0] += 1e-6;
  CHECK(same_transform(t, nudged));
  nudged[0] += 0.01;
  CHECK_FALSE(same_transform(t, nudged));
}
