// ChunkAssembly without files: chunks whose pixels say where they are, and
// a count of the chunks decoded for the reads a thread makes.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "io/chunk_assembly.hpp"

using namespace geostrip;

namespace {

constexpr std::int64_t kChunk = 8;  // rows and columns
constexpr std::int64_t kRows = 40;
constexpr std::int64_t kCols = 44;

// A pixel's value: where it is, row * 1000 + column.
float value_at(std::int64_t row, std::int64_t col) { return static_cast<float>(row * 1000 + col); }

// Chunks decoded whole, or in their first rows when asked and `in_part`.
struct CountedChunks {
  bool in_part = false;
  std::map<std::pair<std::int64_t, std::int64_t>, int> decoded;  // times each chunk was decoded whole
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::int64_t>> tops;  // rows of each decoded in part
  ChunkAssembly::Decode decode() {
    return [this](std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows, std::vector<std::byte>& pixels) {
      REQUIRE(pixels.size() == kChunk * kChunk * sizeof(float));
      const std::int64_t made = in_part ? std::min(rows, kChunk) : kChunk;
      if (made < kChunk)
        tops[{chunk_row, chunk_col}].push_back(made);
      else
        ++decoded[{chunk_row, chunk_col}];
      for (std::int64_t r = 0; r < made; ++r)
        for (std::int64_t c = 0; c < kChunk; ++c) {
          const float v = value_at(chunk_row * kChunk + r, chunk_col * kChunk + c);
          std::memcpy(pixels.data() + static_cast<std::size_t>(r * kChunk + c) * sizeof(float), &v, sizeof v);
        }
      return made;
    };
  }
};

// The regions of a thread's strip of columns [0, 21) for a window with a
// halo of `halo`: blocks of `block_rows`, each in column chunks of 8, left
// to right, as engine/decomposition makes them.
std::vector<Region> strip_reads(int halo, std::int64_t block_rows = kChunk) {
  std::vector<Region> reads;
  for (std::int64_t row = 0; row < kRows; row += block_rows)
    for (std::int64_t col = 0; col < 21; col += 8)
      reads.push_back({.rows = {std::max<std::int64_t>(0, row - halo), std::min(kRows, row + block_rows + halo)},
                       .cols = {std::max<std::int64_t>(0, col - halo), std::min<std::int64_t>(kCols, std::min<std::int64_t>(col + 8, 21) + halo)}});
  return reads;
}

void check_pixels(const BlockBuffer& read) {
  const auto plane = read.band<float>(0);
  for (std::int64_t r = read.rows().begin; r < read.rows().end; ++r)
    for (std::int64_t c = read.first_col(); c < read.first_col() + read.cols(); ++c)
      if (plane.at(r, c) != value_at(r, c)) FAIL("pixel " << r << "," << c << " is " << plane.at(r, c));
}

}  // namespace

TEST_CASE("a thread's overlapping reads decode each chunk once and read every pixel where it is", "[io]") {
  const int halo = GENERATE(1, 2, 3);
  CountedChunks chunks;
  ChunkAssembly assembly(kChunk, kChunk, PixelType::Float32, Halo{.rows = 2 * halo, .cols = 2 * halo});
  for (const Region& region : strip_reads(halo)) {
    BlockBuffer read(PixelType::Float32, 1, region);
    REQUIRE(assembly.read(read, chunks.decode()));
    check_pixels(read);
  }
  CAPTURE(halo);
  for (const auto& [chunk, times] : chunks.decoded) {
    CAPTURE(chunk.first, chunk.second);
    CHECK(times == 1);
  }
  CHECK(chunks.decoded.size() == 5 * 3);  // 40 rows, and 21 columns with the halo
}

TEST_CASE("a decoder that stops where asked decodes of the chunks below a read only the rows it takes", "[io]") {
  const int halo = GENERATE(1, 2, 3);
  // Blocks of whole chunks, and blocks whose reads stop deep inside chunks,
  // whose rest is kept rather than decoded twice.
  const std::int64_t block_rows = GENERATE(as<std::int64_t>{}, 8, 12);
  CAPTURE(halo, block_rows);
  CountedChunks chunks{.in_part = true, .decoded = {}, .tops = {}};
  ChunkAssembly assembly(kChunk, kChunk, PixelType::Float32, Halo{.rows = 2 * halo, .cols = 2 * halo});
  for (const Region& region : strip_reads(halo, block_rows)) {
    BlockBuffer read(PixelType::Float32, 1, region);
    REQUIRE(assembly.read(read, chunks.decode()));
    check_pixels(read);
  }
  // Every chunk whole once; some first in their top rows, no more than
  // the overlap, once for each column chunk of the strip they meet.
  CHECK(chunks.decoded.size() == 5 * 3);
  for (const auto& [chunk, times] : chunks.decoded) CHECK(times == 1);
  for (const auto& [chunk, rows] : chunks.tops) {
    CAPTURE(chunk.first, chunk.second);
    CHECK(rows.size() == 1);
    for (const std::int64_t top : rows) CHECK(top <= 2 * halo);
  }
  // Below each block of whole chunks but the last: a halo's rows.
  if (block_rows == kChunk) {
    CHECK(chunks.tops.size() == 4 * 3);
    for (const auto& [chunk, rows] : chunks.tops) CHECK(rows.front() == halo);
  }
}

TEST_CASE("reads without a halo keep no chunk and convert as GDAL converts", "[io]") {
  CountedChunks chunks;
  ChunkAssembly assembly(kChunk, kChunk, PixelType::Float32, Halo{});
  for (int pass = 0; pass < 2; ++pass) {
    BlockBuffer read(PixelType::Float32, 1, Region{.rows = {3, 11}, .cols = {5, 30}});
    REQUIRE(assembly.read(read, chunks.decode()));
    check_pixels(read);
  }
  for (const auto& [chunk, times] : chunks.decoded) CHECK(times == 2);
  // Into Int16: GDAL rounds and clamps to the type's range.
  BlockBuffer narrow(PixelType::Int16, 1, Region{.rows = {32, 34}, .cols = {40, 44}});
  REQUIRE(assembly.read(narrow, chunks.decode()));
  CHECK(narrow.band<std::int16_t>(0).at(32, 40) == 32040);
  CHECK(narrow.band<std::int16_t>(0).at(33, 40) == 32767);
}

TEST_CASE("a chunk that cannot be decoded ends the read", "[io]") {
  ChunkAssembly assembly(kChunk, kChunk, PixelType::Float32, Halo{.rows = 2, .cols = 2});
  BlockBuffer read(PixelType::Float32, 1, Region{.rows = {0, 10}, .cols = {0, 10}});
  CHECK_FALSE(assembly.read(read, [](std::int64_t row, std::int64_t col, std::int64_t, std::vector<std::byte>&) {
    return row + col < 1 ? kChunk : 0;
  }));
}
