#include <catch2/catch.hpp>
#include <cstring>

#include "engine/block_wire.hpp"

using namespace geostrip;

TEST_CASE("blocks survive packing for a gather, every output and band", "[engine]") {
  BlockOutputs blocks(2);
  blocks[0].emplace_back(BlockBuffer(PixelType::Float32, 1, RowBlock{17, 34}, 5));
  blocks[0].emplace_back(BlockBuffer(PixelType::Byte, 4, RowBlock{17, 34}, 5));
  blocks[1].emplace_back(BlockBuffer(PixelType::UInt16, 1, RowBlock{0, 0}, 5));  // an empty block
  for (auto& outputs : blocks)
    for (OutputBlock& output : outputs) {
      BlockBuffer& b = std::get<BlockBuffer>(output);
      for (std::size_t i = 0; i < b.band_bytes() * static_cast<std::size_t>(b.bands()); ++i)
        b.band_data(0)[i] = static_cast<std::byte>(i * 7 + 3);
    }

  const BlockOutputs back = unpack(pack(blocks));
  REQUIRE(back.size() == 2);
  REQUIRE(back[0].size() == 2);
  for (std::size_t o = 0; o < 2; ++o) {
    const auto &a = std::get<BlockBuffer>(blocks[0][o]), &b = std::get<BlockBuffer>(back[0][o]);
    CHECK(b.type() == a.type());
    CHECK(b.bands() == a.bands());
    CHECK(b.rows() == a.rows());
    CHECK(b.cols() == a.cols());
    CHECK(std::memcmp(a.band_data(0), b.band_data(0), a.band_bytes() * static_cast<std::size_t>(a.bands())) == 0);
  }
  CHECK(std::get<BlockBuffer>(back[1].front()).rows().empty());
  CHECK(unpack(pack({})).empty());
}

TEST_CASE("encoded tiles survive packing, each tile its own size", "[engine]") {
  EncodedTiles tiles{.rows = RowBlock{512, 1024}, .tiles = {}, .crcs = {}};
  for (std::size_t t = 0; t < 3; ++t) {
    tiles.tiles.emplace_back(t * 5 + 1);
    for (std::size_t i = 0; i < tiles.tiles.back().size(); ++i) tiles.tiles.back()[i] = static_cast<std::byte>(t + i);
    tiles.crcs.push_back(0xfedcba90u + static_cast<std::uint32_t>(t));
  }
  BlockOutputs blocks(1);
  blocks[0].emplace_back(tiles);
  blocks[0].emplace_back(BlockBuffer(PixelType::Byte, 1, RowBlock{512, 1024}, 3));
  const BlockOutputs back = unpack(pack(blocks));
  REQUIRE(back.size() == 1);
  REQUIRE(back[0].size() == 2);
  const auto& got = std::get<EncodedTiles>(back[0][0]);
  CHECK(got.rows == tiles.rows);
  CHECK(got.tiles == tiles.tiles);
  CHECK(got.crcs == tiles.crcs);
  CHECK(std::get<BlockBuffer>(back[0][1]).rows() == RowBlock{512, 1024});
}
