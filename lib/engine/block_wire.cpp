#include "engine/block_wire.hpp"

#include <cstring>

#include "core/error.hpp"

namespace geostrip {

namespace {

void append(std::vector<std::byte>& out, const void* data, std::size_t n) {
  const std::size_t at = out.size();
  out.resize(at + n);
  if (n) std::memcpy(out.data() + at, data, n);
}

void put(std::vector<std::byte>& out, std::int64_t value) { append(out, &value, sizeof(value)); }

class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::int64_t next() {
    std::int64_t value = 0;
    copy_to(&value, sizeof(value));
    return value;
  }
  void copy_to(void* destination, std::size_t n) {
    if (n > bytes_.size() - position_) throw Error("internal error: truncated block message");
    if (n) std::memcpy(destination, bytes_.data() + position_, n);
    position_ += n;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t position_ = 0;
};

// Each output: a tag (0 pixels, 1 encoded tiles), then
//   pixels: type, bands, first row, end row, cols, the bands' bytes;
//   tiles: first row, end row, tile count, each tile's size and CRC, the tiles' bytes.
std::size_t packed_size(const OutputBlock& output) {
  if (const auto* b = std::get_if<BlockBuffer>(&output))
    return 6 * sizeof(std::int64_t) + b->band_bytes() * static_cast<std::size_t>(b->bands());
  const auto& tiles = std::get<EncodedTiles>(output).tiles;
  std::size_t total = (4 + 2 * tiles.size()) * sizeof(std::int64_t);
  for (const auto& tile : tiles) total += tile.size();
  return total;
}

void pack_output(std::vector<std::byte>& out, const OutputBlock& output) {
  if (const auto* b = std::get_if<BlockBuffer>(&output)) {
    for (const std::int64_t field : {std::int64_t{0}, static_cast<std::int64_t>(b->type()), std::int64_t{b->bands()},
                                     b->rows().begin, b->rows().end, b->cols()})
      put(out, field);
    append(out, b->band_data(0), b->band_bytes() * static_cast<std::size_t>(b->bands()));
    return;
  }
  const auto& encoded = std::get<EncodedTiles>(output);
  for (const std::int64_t field : {std::int64_t{1}, encoded.rows.begin, encoded.rows.end,
                                   static_cast<std::int64_t>(encoded.tiles.size())})
    put(out, field);
  for (const auto& tile : encoded.tiles) put(out, static_cast<std::int64_t>(tile.size()));
  for (const std::uint32_t crc : encoded.crcs) put(out, crc);
  for (const auto& tile : encoded.tiles) append(out, tile.data(), tile.size());
}

OutputBlock unpack_output(Reader& in) {
  if (in.next() == 0) {
    const auto type = static_cast<PixelType>(in.next());
    const auto bands = static_cast<int>(in.next());
    const RowBlock rows{in.next(), in.next()};
    BlockBuffer b(type, bands, rows, in.next());
    in.copy_to(b.band_data(0), b.band_bytes() * static_cast<std::size_t>(bands));
    return b;
  }
  EncodedTiles encoded{.rows = RowBlock{in.next(), in.next()}, .tiles = {}, .crcs = {}};
  encoded.tiles.resize(static_cast<std::size_t>(in.next()));
  for (auto& tile : encoded.tiles) tile.resize(static_cast<std::size_t>(in.next()));
  for (std::size_t t = 0; t < encoded.tiles.size(); ++t) encoded.crcs.push_back(static_cast<std::uint32_t>(in.next()));
  for (auto& tile : encoded.tiles) in.copy_to(tile.data(), tile.size());
  return encoded;
}

}  // namespace

std::vector<std::byte> pack(const BlockOutputs& blocks) {
  std::size_t total = sizeof(std::int64_t);
  for (const auto& outputs : blocks) {
    total += sizeof(std::int64_t);
    for (const OutputBlock& output : outputs) total += packed_size(output);
  }
  std::vector<std::byte> out;
  out.reserve(total);
  put(out, static_cast<std::int64_t>(blocks.size()));
  for (const auto& outputs : blocks) {
    put(out, static_cast<std::int64_t>(outputs.size()));
    for (const OutputBlock& output : outputs) pack_output(out, output);
  }
  return out;
}

BlockOutputs unpack(std::span<const std::byte> bytes) {
  Reader in(bytes);
  BlockOutputs blocks(static_cast<std::size_t>(in.next()));
  for (auto& outputs : blocks) {
    const auto count = in.next();
    for (std::int64_t o = 0; o < count; ++o) outputs.push_back(unpack_output(in));
  }
  return blocks;
}

}  // namespace geostrip
