#pragma once
// A block's pixels, encoded as a rank encodes them and placed in the writer:
// for tests that write blocks themselves.
#include "io/geotiff_writer.hpp"

namespace geostrip::test {

inline void place_pixels(GeoTiffWriter& writer, const BlockBuffer& block) {
  EncodedRows rows{.rows = block.rows(), .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
  writer.encoder().encode(block, rows);
  writer.place(std::move(rows));
}

}  // namespace geostrip::test
