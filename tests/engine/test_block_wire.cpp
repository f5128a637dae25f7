#include <catch2/catch.hpp>

#include "engine/block_wire.hpp"

using namespace geostrip;

namespace {

// Encoded rows with `pieces` pieces of different sizes, with or without CRCs.
EncodedRows encoded(RowBlock rows, std::size_t pieces, bool crcs) {
  EncodedRows out{.rows = rows, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
  for (std::size_t p = 0; p < pieces; ++p) {
    out.pieces.emplace_back(p * 5 + 1);
    for (std::size_t i = 0; i < out.pieces.back().size(); ++i) out.pieces.back()[i] = static_cast<std::byte>(p + i);
    if (crcs) out.crcs.push_back(0xfedcba90u + static_cast<std::uint32_t>(p));
  }
  return out;
}

void check_same(const EncodedRows& a, const EncodedRows& b) {
  CHECK(a.rows == b.rows);
  CHECK(a.pieces == b.pieces);
  CHECK(a.crcs == b.crcs);
}

}  // namespace

TEST_CASE("encoded rows survive packing for a gather, every output, each piece its own size", "[engine]") {
  BlockOutputs blocks(3);
  blocks[0].push_back(encoded({512, 1024}, 3, true));   // tiles with their CRCs
  blocks[0].push_back(encoded({512, 1024}, 1, false));  // raw rows
  blocks[1].push_back(encoded({17, 34}, 0, false));     // nothing encoded
  const BlockOutputs back = unpack(pack(blocks));
  REQUIRE(back.size() == 3);
  REQUIRE(back[0].size() == 2);
  check_same(back[0][0], blocks[0][0]);
  check_same(back[0][1], blocks[0][1]);
  REQUIRE(back[1].size() == 1);
  check_same(back[1][0], blocks[1][0]);
  CHECK(back[2].empty());
  CHECK(unpack(pack({})).empty());
}

TEST_CASE("raw rows hold a block's pixels, band after band, put together from column parts", "[io]") {
  const RawRowsEncoder encoder(PixelType::UInt16, 2, 7);
  EncodedRows rows{.rows = {3, 5}, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
  for (const RowBlock cols : {RowBlock{4, 7}, RowBlock{0, 4}}) {  // in any order
    BlockBuffer part(PixelType::UInt16, 2, Region{.rows = {3, 5}, .cols = cols});
    for (int b = 0; b < 2; ++b)
      for (std::int64_t r = 3; r < 5; ++r)
        for (std::int64_t c = cols.begin; c < cols.end; ++c)
          part.band<std::uint16_t>(b).at(r, c) = static_cast<std::uint16_t>(1000 * b + 10 * r + c);
    encoder.encode(part, rows);
  }
  REQUIRE(rows.pieces.size() == 1);
  for (int b = 0; b < 2; ++b)
    for (std::int64_t r = 3; r < 5; ++r) {
      const auto* row = reinterpret_cast<const std::uint16_t*>(encoder.row_data(rows, b, r));
      for (std::int64_t c = 0; c < 7; ++c) CHECK(row[c] == 1000 * b + 10 * r + c);
    }
}
