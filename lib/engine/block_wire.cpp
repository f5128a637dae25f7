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

// Each output: first row, end row, piece count, CRC count, summary count,
// overview count, each piece's size, the CRCs, the pieces' bytes, the
// summaries' bytes, then each overview as an output.
std::size_t packed_size(const EncodedRows& output) {
  std::size_t total = (6 + output.pieces.size() + output.crcs.size()) * sizeof(std::int64_t);
  for (const auto& piece : output.pieces) total += piece.size();
  total += output.summaries.size() * sizeof(TileSummary);
  for (const EncodedRows& level : output.overviews) total += packed_size(level);
  return total;
}

void pack_output(std::vector<std::byte>& out, const EncodedRows& output) {
  for (const std::int64_t field : {output.rows.begin, output.rows.end, static_cast<std::int64_t>(output.pieces.size()),
                                   static_cast<std::int64_t>(output.crcs.size()),
                                   static_cast<std::int64_t>(output.summaries.size()),
                                   static_cast<std::int64_t>(output.overviews.size())})
    put(out, field);
  for (const auto& piece : output.pieces) put(out, static_cast<std::int64_t>(piece.size()));
  for (const std::uint32_t crc : output.crcs) put(out, crc);
  for (const auto& piece : output.pieces) append(out, piece.data(), piece.size());
  append(out, output.summaries.data(), output.summaries.size() * sizeof(TileSummary));
  for (const EncodedRows& level : output.overviews) pack_output(out, level);
}

EncodedRows unpack_output(Reader& in) {
  EncodedRows output{.rows = RowBlock{in.next(), in.next()}, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
  output.pieces.resize(static_cast<std::size_t>(in.next()));
  output.crcs.resize(static_cast<std::size_t>(in.next()));
  output.summaries.resize(static_cast<std::size_t>(in.next()));
  output.overviews.resize(static_cast<std::size_t>(in.next()));
  for (auto& piece : output.pieces) piece.resize(static_cast<std::size_t>(in.next()));
  for (auto& crc : output.crcs) crc = static_cast<std::uint32_t>(in.next());
  for (auto& piece : output.pieces) in.copy_to(piece.data(), piece.size());
  in.copy_to(output.summaries.data(), output.summaries.size() * sizeof(TileSummary));
  for (auto& level : output.overviews) level = unpack_output(in);
  return output;
}

}  // namespace

std::vector<std::byte> pack(const BlockOutputs& blocks) {
  std::size_t total = sizeof(std::int64_t);
  for (const auto& outputs : blocks) {
    total += sizeof(std::int64_t);
    for (const EncodedRows& output : outputs) total += packed_size(output);
  }
  std::vector<std::byte> out;
  out.reserve(total);
  put(out, static_cast<std::int64_t>(blocks.size()));
  for (const auto& outputs : blocks) {
    put(out, static_cast<std::int64_t>(outputs.size()));
    for (const EncodedRows& output : outputs) pack_output(out, output);
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
