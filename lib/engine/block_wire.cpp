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

}  // namespace

std::vector<std::byte> pack(const BlockOutputs& blocks) {
  std::size_t total = sizeof(std::int64_t);
  for (const auto& outputs : blocks) {
    total += sizeof(std::int64_t);
    for (const BlockBuffer& b : outputs)
      total += 5 * sizeof(std::int64_t) + b.band_bytes() * static_cast<std::size_t>(b.bands());
  }
  std::vector<std::byte> out;
  out.reserve(total);
  put(out, static_cast<std::int64_t>(blocks.size()));
  for (const auto& outputs : blocks) {
    put(out, static_cast<std::int64_t>(outputs.size()));
    for (const BlockBuffer& b : outputs) {
      for (const std::int64_t field : {static_cast<std::int64_t>(b.type()), std::int64_t{b.bands()}, b.rows().begin,
                                       b.rows().end, b.cols()})
        put(out, field);
      append(out, b.band_data(0), b.band_bytes() * static_cast<std::size_t>(b.bands()));
    }
  }
  return out;
}

BlockOutputs unpack(std::span<const std::byte> bytes) {
  Reader in(bytes);
  BlockOutputs blocks(static_cast<std::size_t>(in.next()));
  for (auto& outputs : blocks) {
    const auto count = in.next();
    for (std::int64_t o = 0; o < count; ++o) {
      const auto type = static_cast<PixelType>(in.next());
      const auto bands = static_cast<int>(in.next());
      const RowBlock rows{in.next(), in.next()};
      BlockBuffer& b = outputs.emplace_back(type, bands, rows, in.next());
      in.copy_to(b.band_data(0), b.band_bytes() * static_cast<std::size_t>(bands));
    }
  }
  return blocks;
}

}  // namespace geostrip
