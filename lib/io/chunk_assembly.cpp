#include "io/chunk_assembly.hpp"

#include <gdal.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "io/gdal.hpp"

namespace geostrip {

ChunkAssembly::ChunkAssembly(std::int64_t chunk_rows, std::int64_t chunk_cols, PixelType stored, std::int64_t keep_rows)
    : chunk_rows_(chunk_rows), chunk_cols_(chunk_cols), stored_(stored), pixel_bytes_(size_of(stored)),
      keep_rows_(keep_rows) {}

std::vector<std::byte> ChunkAssembly::buffer() {
  if (spare_.empty()) return std::vector<std::byte>(chunk_bytes());
  std::vector<std::byte> pixels = std::move(spare_.back());
  spare_.pop_back();
  return pixels;
}

void ChunkAssembly::recycle(std::vector<std::byte>&& pixels) {
  if (spare_.size() < 2 && pixels.size() == chunk_bytes()) spare_.push_back(std::move(pixels));
}

bool ChunkAssembly::read(BlockBuffer& into, const Decode& decode) {
  const Region region = into.region();
  const std::size_t into_bytes = size_of(into.type());
  const bool convert = into.type() != stored_;
  const auto chunks_of = [](RowBlock span, std::int64_t edge) {
    return std::pair{span.begin / edge, (span.end - 1) / edge + 1};
  };
  const auto [first_row, end_row] = chunks_of(region.rows, chunk_rows_);
  const auto [first_col, end_col] = chunks_of(region.cols, chunk_cols_);
  const std::int64_t keep_from = region.rows.end - keep_rows_;
  std::vector<Decoded> kept = std::exchange(kept_, {});
  for (std::int64_t chunk_row = first_row; chunk_row < end_row; ++chunk_row) {
    const RowBlock chunk_rows{chunk_row * chunk_rows_, (chunk_row + 1) * chunk_rows_};
    const RowBlock wanted{std::max(region.rows.begin, chunk_rows.begin), std::min(region.rows.end, chunk_rows.end)};
    for (std::int64_t chunk_col = first_col; chunk_col < end_col; ++chunk_col) {
      const auto found = std::find_if(kept.begin(), kept.end(), [&](const Decoded& d) {
        return d.chunk_row == chunk_row && d.chunk_col == chunk_col && d.first_row <= wanted.begin;
      });
      Decoded chunk{.chunk_row = chunk_row, .chunk_col = chunk_col, .first_row = chunk_rows.begin};
      if (found != kept.end()) {
        chunk = std::move(*found);
      } else {
        chunk.pixels = buffer();
        if (!decode(chunk_row, chunk_col, chunk.pixels)) {
          recycle(std::move(chunk.pixels));
          return false;
        }
      }
      const Region held{.rows = {chunk.first_row, chunk_rows.end},
                        .cols = {chunk_col * chunk_cols_, (chunk_col + 1) * chunk_cols_}};
      const auto at = [](const Region& in, std::int64_t row, std::int64_t col, std::size_t bytes) {
        return static_cast<std::size_t>((row - in.rows.begin) * in.cols.rows() + col - in.cols.begin) * bytes;
      };
      const std::int64_t col0 = std::max(region.cols.begin, held.cols.begin);
      const std::int64_t col1 = std::min(region.cols.end, held.cols.end);
      for (std::int64_t row = wanted.begin; row < wanted.end; ++row) {
        const std::byte* from = chunk.pixels.data() + at(held, row, col0, pixel_bytes_);
        std::byte* to = into.band_data(0) + at(region, row, col0, into_bytes);
        if (convert)
          GDALCopyWords64(from, to_gdal(stored_), static_cast<int>(pixel_bytes_), to, to_gdal(into.type()),
                          static_cast<int>(into_bytes), col1 - col0);
        else
          std::memcpy(to, from, static_cast<std::size_t>(col1 - col0) * pixel_bytes_);
      }
      // The next read takes the read's last keep_rows rows again, and the
      // rest of a chunk this read stopped inside: keep those rows.
      const std::int64_t next_first = std::max(keep_from, held.rows.begin);
      if (keep_rows_ > 0 && next_first < held.rows.end) {
        if (next_first > chunk.first_row) {
          std::vector<std::byte> rest(
              chunk.pixels.begin() + static_cast<std::ptrdiff_t>(at(held, next_first, held.cols.begin, pixel_bytes_)),
              chunk.pixels.begin() + static_cast<std::ptrdiff_t>(at(held, held.rows.end, held.cols.begin, pixel_bytes_)));
          std::swap(rest, chunk.pixels);
          chunk.first_row = next_first;
          recycle(std::move(rest));
        }
        kept_.push_back(std::move(chunk));
      } else {
        recycle(std::move(chunk.pixels));
      }
    }
  }
  return true;
}

}  // namespace geostrip
