#include "io/chunk_assembly.hpp"

#include <gdal.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "io/gdal.hpp"

namespace geostrip {

ChunkAssembly::ChunkAssembly(std::int64_t chunk_rows, std::int64_t chunk_cols, PixelType stored, Halo overlap)
    : chunk_rows_(chunk_rows), chunk_cols_(chunk_cols), stored_(stored), pixel_bytes_(size_of(stored)),
      overlap_(overlap) {}

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
  const std::int64_t keep_from = region.rows.end - overlap_.rows;
  const std::int64_t keep_cols_from = region.cols.end - overlap_.cols;
  // What earlier reads kept, but not what lies above this read: the reads
  // after it lie lower still.
  std::vector<Decoded> kept = std::exchange(kept_, {});
  std::erase_if(kept, [&](const Decoded& d) { return (d.chunk_row + 1) * chunk_rows_ <= region.rows.begin; });
  for (std::int64_t chunk_row = first_row; chunk_row < end_row; ++chunk_row) {
    const RowBlock chunk_rows{chunk_row * chunk_rows_, (chunk_row + 1) * chunk_rows_};
    const RowBlock wanted{std::max(region.rows.begin, chunk_rows.begin), std::min(region.rows.end, chunk_rows.end)};
    // A read that stops inside a chunk decodes the rows above its end only,
    // when the read below takes none of the rest or would take the rest
    // for a few rows of it: keeping a chunk's rest costs a row of chunks
    // across the strip, decoding those rows again a few rows' time.
    const std::int64_t top_rows = wanted.end - chunk_rows.begin;
    const bool in_part = wanted.end < chunk_rows.end && (overlap_.rows == 0 || top_rows <= overlap_.rows);
    for (std::int64_t chunk_col = first_col; chunk_col < end_col; ++chunk_col) {
      const auto found = std::find_if(kept.begin(), kept.end(), [&](const Decoded& d) {
        return d.chunk_row == chunk_row && d.chunk_col == chunk_col;
      });
      const Decoded unread{.chunk_row = chunk_row, .chunk_col = chunk_col, .first_row = chunk_rows.begin,
                           .end_row = chunk_rows.begin, .pixels = {}};
      Decoded chunk = unread;
      // Taken (and so not kept again as it was), even when it holds too few rows.
      if (found != kept.end()) std::swap(chunk, *found);
      if (chunk.first_row > wanted.begin || chunk.end_row < wanted.end) {
        recycle(std::move(chunk.pixels));
        chunk = unread;
      }
      if (chunk.pixels.empty()) {
        chunk.pixels = buffer();
        const std::int64_t rows = decode(chunk_row, chunk_col, in_part ? top_rows : chunk_rows_, chunk.pixels);
        if (rows < top_rows) {
          recycle(std::move(chunk.pixels));
          return false;
        }
        chunk.end_row = chunk_rows.begin + rows;
      }
      const Region held{.rows = {chunk.first_row, chunk.end_row},
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
      // The next column chunk takes this read's last overlap columns and the
      // rest of the chunks it stopped inside: keep those chunks as decoded.
      // The read below takes its last overlap rows and the rest of a chunk
      // it stopped inside: keep those rows, of a chunk decoded to its end.
      const std::int64_t next_first = std::max(keep_from, held.rows.begin);
      if (overlap_.cols > 0 && held.cols.end > keep_cols_from) {
        kept_.push_back(std::move(chunk));
      } else if (overlap_.rows > 0 && next_first < held.rows.end && held.rows.end == chunk_rows.end) {
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
  // What this read did not take stays for the reads it was kept for.
  for (Decoded& d : kept)
    if (!d.pixels.empty()) kept_.push_back(std::move(d));
  return true;
}

}  // namespace geostrip
