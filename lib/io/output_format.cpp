#include "io/output_format.hpp"

#include <cassert>
#include <cstring>

namespace geostrip {

void RawRowsEncoder::start(EncodedRows& into) const {
  if (into.pieces.empty())
    into.pieces.emplace_back(static_cast<std::size_t>(into.rows.rows()) * row_bytes() * static_cast<std::size_t>(bands_));
}

void RawRowsEncoder::encode(const BlockBuffer& pixels, EncodedRows& into) const {
  assert(pixels.type() == type_ && pixels.bands() == bands_ && into.rows.contains(pixels.rows()));
  start(into);
  const std::size_t pixel = size_of(type_);
  const std::size_t part_row = static_cast<std::size_t>(pixels.cols()) * pixel;
  const auto rows = static_cast<std::size_t>(pixels.rows().rows());
  for (int b = 0; b < bands_; ++b)
    for (std::size_t r = 0; r < rows; ++r)
      std::memcpy(into.pieces.front().data() + offset(into, b, pixels.rows().begin + static_cast<std::int64_t>(r)) +
                      static_cast<std::size_t>(pixels.first_col()) * pixel,
                  pixels.band_data(b) + r * part_row, part_row);
}

const std::byte* RawRowsEncoder::row_data(const EncodedRows& rows, int band, std::int64_t row) const {
  return rows.pieces.front().data() + offset(rows, band, row);
}

std::size_t RawRowsEncoder::offset(const EncodedRows& rows, int band, std::int64_t row) const {
  const auto band_bytes = static_cast<std::size_t>(rows.rows.rows()) * row_bytes();
  return static_cast<std::size_t>(band) * band_bytes + static_cast<std::size_t>(row - rows.rows.begin) * row_bytes();
}

}  // namespace geostrip
