#include <catch2/catch.hpp>

#include "engine/decomposition.hpp"

using namespace geostrip;

namespace {
constexpr std::uint64_t GiB = std::uint64_t{1} << 30;
constexpr std::uint64_t MiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kIn = 10980 * 2 * 8;  // two Float64 inputs per output row
constexpr std::uint64_t kOut = 10980 * 4;     // one Float32 output

BlockRowsRequest request(std::int64_t rows, int threads, int ranks, bool gathers, std::uint64_t budget) {
  return {rows, kIn, kOut, threads, ranks, gathers, budget, 512, 0, 0};
}
}  // namespace

TEST_CASE("automatic block rows are whole input tiles, several blocks per thread", "[engine]") {
  const auto rows = auto_block_rows(request(10980, 2, 1, true, 8 * GiB));
  CHECK(rows % 512 == 0);
  CHECK(10980 / rows >= 2 * 2);
}

TEST_CASE("automatic block rows fit the rank's memory budget", "[engine]") {
  const std::uint64_t budget = 64u << 20;
  const auto worker = auto_block_rows(request(10980, 2, 3, false, budget));
  CHECK(static_cast<std::uint64_t>(worker) * 2 * 2 * (kIn + kOut) <= budget);
  // Rank 0 also holds every rank's gathered rounds, so its blocks are smaller.
  const auto root = auto_block_rows(request(10980, 2, 3, true, budget));
  CHECK(root < worker);
  CHECK(static_cast<std::uint64_t>(root) * (2 * 2 * (kIn + kOut) + 4 * 3 * 2 * 2 * kOut) <= budget);
}

TEST_CASE("automatic block rows stay within the raster and are at least one", "[engine]") {
  CHECK(auto_block_rows(request(10, 2, 1, true, 8 * GiB)) == 10);
  CHECK(auto_block_rows(request(10980, 2, 1, true, 1024)) == 1);
}

TEST_CASE("automatic block rows do not grow with the raster's rows, and cover twice the halo", "[engine]") {
  const auto small = auto_block_rows(request(10980, 2, 1, true, 8 * GiB));
  CHECK(auto_block_rows(request(4 * 10980, 2, 1, true, 8 * GiB)) == small);
  CHECK(small == 512);  // one output tile row
  BlockRowsRequest median = request(10980, 2, 1, true, 8 * GiB);
  median.halo_rows = 450;  // a 901x901 window
  CHECK(auto_block_rows(median) == 1024);
}

TEST_CASE("blocks of many inputs keep whole tile rows while the budget holds them", "[engine]") {
  // A composite of 100 Float32 inputs of 4000 columns: 1.6 MB a row.
  BlockRowsRequest many = request(4000, 2, 1, true, 12 * GiB);
  many.input_bytes_per_row = 100 * 4000 * 4;
  many.output_bytes_per_row = 4000 * 2;
  CHECK(auto_block_rows(many) == 512);  // a piece of a tile row would decode its tiles again
  many.memory_budget = GiB;
  const auto tight = auto_block_rows(many);
  CHECK(tight < 512);
  CHECK(pixel_memory(many, tight) <= GiB);
}

TEST_CASE("a thread holds the inputs of one chunk of rows, whatever the block's rows", "[engine]") {
  const BlockRowsRequest whole{.output_rows = 10000, .input_bytes_per_row = 1000, .output_bytes_per_row = 10};
  BlockRowsRequest chunked = whole;
  chunked.chunk_rows = 512;
  CHECK(pixel_memory(chunked, 512) == pixel_memory(whole, 512));
  CHECK(pixel_memory(whole, 2048) - pixel_memory(chunked, 2048) == 2 * (2048 - 512) * 1000);  // two blocks a thread
}

TEST_CASE("tiles kept for a halo count once a rank and leave the budget fewer rows", "[engine]") {
  BlockRowsRequest kept = request(10980, 4, 1, false, GiB);
  kept.input_bytes_per_row = 1'000'000;
  kept.rank_bytes = 300 * MiB;
  BlockRowsRequest none = kept;
  none.rank_bytes = 0;
  CHECK(pixel_memory(kept, 512) - pixel_memory(none, 512) == 300 * MiB);
  CHECK(auto_block_rows(kept) < auto_block_rows(none));
  CHECK(pixel_memory(kept, auto_block_rows(kept)) <= GiB);
}

TEST_CASE("in strips a rank's threads hold one block's outputs together and their own input chunks", "[engine]") {
  BlockRowsRequest blocks = request(100000, 8, 3, true, GiB);  // rows enough for whole rounds
  BlockRowsRequest strips = blocks;
  strips.strips = true;
  // Outputs: two blocks a thread, or two a rank; rank 0's gathered rounds: 8 x ranks x blocks a rank.
  const auto outputs = [](std::uint64_t blocks_a_rank) { return (2 + 8 * 3) * blocks_a_rank * 512 * kOut; };
  CHECK(pixel_memory(blocks, 512) - pixel_memory(strips, 512) == outputs(8) - outputs(1));
  strips.input_bytes_per_row = blocks.input_bytes_per_row = 2 * kIn;  // inputs are each thread's, in either
  CHECK(pixel_memory(blocks, 512) - pixel_memory(strips, 512) == outputs(8) - outputs(1));
  CHECK(auto_block_rows(strips) >= auto_block_rows(blocks));
}

TEST_CASE("with --write direct rank 0 counts only what travels to it, and keeps whole tile rows at scale", "[engine]") {
  // 100 ranks: in gather mode rank 0 holds every rank's round, in direct mode their overview rows at most.
  BlockRowsRequest gather = request(1000000, 2, 100, true, 16 * GiB);
  BlockRowsRequest direct = gather;
  direct.gathered_bytes_per_row = 0;
  CHECK(pixel_memory(gather, 512) - pixel_memory(direct, 512) == 8 * 100 * 2 * 512 * kOut);
  CHECK(pixel_memory(direct, 512) == pixel_memory(request(1000000, 2, 100, false, 16 * GiB), 512));  // a worker's
  CHECK(auto_block_rows(gather) < 512);
  CHECK(auto_block_rows(direct) == 512);
}

TEST_CASE("rank 0's gathered rounds never hold more rows than the raster: 100 ranks of 64 threads keep tile rows",
          "[engine]") {
  // A round of 6400 blocks covers a Sentinel-2 tile's 10980 rows many times over: rank 0 holds the raster once.
  const BlockRowsRequest many = request(10980, 64, 100, true, 64 * GiB);
  const BlockRowsRequest worker = request(10980, 64, 100, false, 64 * GiB);
  CHECK(pixel_memory(many, 512) - pixel_memory(worker, 512) == 8 * 10980 * kOut);
  CHECK(auto_block_rows(many) == 512);
}

TEST_CASE("a budget that holds a block by pixel_memory() gets it, inputs held a chunk of rows at a time", "[engine]") {
  BlockRowsRequest median = request(10980, 2, 1, false, 0);
  median.halo_rows = 450;  // a 901x901 window wants blocks of 1024 rows
  median.chunk_rows = 512;
  median.memory_budget = pixel_memory(median, 1024);
  CHECK(auto_block_rows(median) == 1024);
  median.memory_budget -= 1;
  CHECK(auto_block_rows(median) == 512);
}

TEST_CASE("blocks align to the output's tiles, and to the input's when they line up", "[engine]") {
  CHECK(block_alignment(512, 512) == 512);
  CHECK(block_alignment(512, 256) == 512);
  CHECK(block_alignment(512, 1024) == 1024);
  CHECK(block_alignment(512, 1) == 512);     // strips of one row
  CHECK(block_alignment(512, 1000) == 512);  // never lines up: the output's tiles rule
}

TEST_CASE("a thread computes chunks of whole tiles whose input columns are whole input tiles", "[engine]") {
  CHECK(column_chunk({}, 10980, 512, 512) == 2048);
  CHECK(column_chunk({}, 1000, 512, 512) == 1000);
  CHECK(column_chunk({}, 10980, 512, 256) == 2048);
  CHECK(column_chunk({}, 10980, 512, 768) == 1536);   // 3 output tiles are 2 input tiles
  CHECK(column_chunk({4, 4}, 10980, 512, 512) == 512);  // multilook: 2048 input columns
  CHECK(column_chunk({4, 3}, 10980, 512, 512) == 512);  // 1536 input columns, 3 input tiles
  CHECK(column_chunk({}, 10980, 512, 10980) == 10980);  // strips: read once, whole
  CHECK(column_chunk({}, 10980, 512, 1000) == 10980);   // no chunk of 4 output tiles lines up
}

TEST_CASE("a block's column chunks are one strip a thread, of whole units and about equal width", "[engine]") {
  const auto cols_of = [](const std::vector<ColumnChunk>& chunks) {
    std::vector<std::pair<std::int64_t, int>> out;
    for (const ColumnChunk& chunk : chunks) out.emplace_back(chunk.cols.begin, chunk.thread);
    return out;
  };
  using Cols = std::vector<std::pair<std::int64_t, int>>;
  // 8780 columns: 18 tiles of 512, 9 a thread; chunks of 2048 within each strip.
  CHECK(cols_of(column_chunks(8780, 2048, 512, 2)) == Cols{{0, 0}, {2048, 0}, {4096, 0}, {4608, 1}, {6656, 1}, {8704, 1}});
  const auto chunks = column_chunks(8780, 2048, 512, 2);
  CHECK(chunks[2].cols.end == 4608);
  CHECK(chunks.back().cols.end == 8780);
  CHECK(cols_of(column_chunks(8780, 2048, 512, 1)) == Cols{{0, 0}, {2048, 0}, {4096, 0}, {6144, 0}, {8192, 0}});
  CHECK(cols_of(column_chunks(1000, 1000, 512, 4)) == Cols{{0, 1}, {512, 3}});  // two units: threads 0, 2 have none
  CHECK(cols_of(column_chunks(1000, 1000, 1000, 2)) == Cols{{0, 1}});             // one unit: the whole width
}
