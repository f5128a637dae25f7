#include <catch2/catch.hpp>
#include <cstring>

#include "engine/block_wire.hpp"

using namespace geostrip;

TEST_CASE("blocks survive packing for a gather, every output and band", "[engine]") {
  BlockOutputs blocks(2);
  blocks[0].emplace_back(PixelType::Float32, 1, RowBlock{17, 34}, 5);
  blocks[0].emplace_back(PixelType::Byte, 4, RowBlock{17, 34}, 5);
  blocks[1].emplace_back(PixelType::UInt16, 1, RowBlock{0, 0}, 5);  // an empty block
  for (auto& outputs : blocks)
    for (BlockBuffer& b : outputs)
      for (std::size_t i = 0; i < b.band_bytes() * static_cast<std::size_t>(b.bands()); ++i)
        b.band_data(0)[i] = static_cast<std::byte>(i * 7 + 3);

  const BlockOutputs back = unpack(pack(blocks));
  REQUIRE(back.size() == 2);
  REQUIRE(back[0].size() == 2);
  for (std::size_t o = 0; o < 2; ++o) {
    const BlockBuffer &a = blocks[0][o], &b = back[0][o];
    CHECK(b.type() == a.type());
    CHECK(b.bands() == a.bands());
    CHECK(b.rows() == a.rows());
    CHECK(b.cols() == a.cols());
    CHECK(std::memcmp(a.band_data(0), b.band_data(0), a.band_bytes() * static_cast<std::size_t>(a.bands())) == 0);
  }
  CHECK(back[1].front().rows().empty());
  CHECK(unpack(pack({})).empty());
}
