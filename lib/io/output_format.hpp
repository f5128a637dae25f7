#pragma once
// The seam between the engine and an output format. A format owns its
// encoding: a pure, thread-safe RowEncoder that any rank or thread calls on
// the pixels it computed, and a RowSink on rank 0 that places the encoded
// rows in the file. The engine only moves EncodedRows, which it never looks
// inside (docs/architecture.md).
#include <cstdint>
#include <vector>

#include "core/block_buffer.hpp"
#include "geometry/row_block.hpp"
#include "io/overviews.hpp"

namespace geostrip {

// A block's rows as its output's format encoded them.
struct EncodedRows {
  RowBlock rows;
  std::vector<std::vector<std::byte>> pieces;  // the format's own: compressed tiles, or the rows' pixels
  std::vector<std::uint32_t> crcs;             // crc32_of() each piece, where the format keeps them
  // What the format derives from these rows for rank 0 to fold in, where it
  // keeps it: each tile's statistics and apex (io/overviews.hpp), and the
  // rows of each overview level that they make (level k at k - 1, in that
  // level's rows).
  std::vector<TileSummary> summaries;
  std::vector<EncodedRows> overviews;
};

class RowEncoder {
 public:
  virtual ~RowEncoder() = default;
  // Sizes `into`, whose rows are a block's, for all of the block's pixels,
  // so that its chunks may then be encoded into it at once on several
  // threads (each writes only its own part). encode() sizes it otherwise.
  virtual void start(EncodedRows& into) const = 0;
  // Adds `pixels` (every band of some of the block's rows and columns) to
  // `into`, whose rows are the block's. A block comes in one call or in
  // several: chunks of whole tile rows, in any order.
  virtual void encode(const BlockBuffer& pixels, EncodedRows& into) const = 0;
  // Every pixel of the block is in `into`: what the format makes of the
  // whole block (GeoTIFF: its overviews' whole tile rows) is made in
  // finish_parts() parts, which may be made at once on several threads,
  // then finish() puts them in place. finish_parts() sizes what they fill.
  virtual std::size_t finish_parts(EncodedRows& into) const {
    (void)into;
    return 0;
  }
  virtual void finish_part(EncodedRows& into, std::size_t part) const {
    (void)into;
    (void)part;
  }
  virtual void finish(EncodedRows& into) const { (void)into; }
  // All of that on this thread.
  void finish_whole(EncodedRows& into) const {
    for (std::size_t part = 0, parts = finish_parts(into); part < parts; ++part) finish_part(into, part);
    finish(into);
  }
};

class RowSink {
 public:
  virtual ~RowSink() = default;
  // Takes a block's encoded rows, blocks arriving in any order.
  virtual void place(EncodedRows rows) = 0;
  // Every row is placed: makes the output visible at its path.
  virtual void commit() = 0;
};

// The encoding of pixels as they are: one piece, the block's rows of every
// column, band after band (BlockBuffer's layout). For formats that take
// pixels (HDF5), and for GeoTIFF blocks that are not whole tile rows, which
// rank 0 assembles into tile rows.
class RawRowsEncoder final : public RowEncoder {
 public:
  RawRowsEncoder(PixelType type, int bands, std::int64_t cols) : type_(type), bands_(bands), cols_(cols) {}
  void start(EncodedRows& into) const override;
  void encode(const BlockBuffer& pixels, EncodedRows& into) const override;

  // The pixels of rows that were encoded so, without a copy: band `band`, row `row` (absolute).
  const std::byte* row_data(const EncodedRows& rows, int band, std::int64_t row) const;

 private:
  std::size_t row_bytes() const { return static_cast<std::size_t>(cols_) * size_of(type_); }
  // Where band `band`, row `row` starts in the piece.
  std::size_t offset(const EncodedRows& rows, int band, std::int64_t row) const;

  PixelType type_;
  int bands_;
  std::int64_t cols_;
};

}  // namespace geostrip
