#include "io/tiff_predictors.hpp"

#include <tiffio.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace geostrip {

namespace {

// The files are little-endian TIFF ("II", as GDAL writes them and as
// geostrip reads them), and the predictors difference samples in memory order.
static_assert(std::endian::native == std::endian::little, "the predictors assume a little-endian host");

// Predictor 2 on one row of `n` samples of an unsigned type T: each sample
// minus the one a pixel before it, wrapping.
template <class T>
void difference_samples(std::byte* row, std::size_t n, std::size_t stride, std::vector<std::byte>& scratch) {
  scratch.assign(row, row + n * sizeof(T));
  const auto* in = reinterpret_cast<const T*>(scratch.data());
  auto* out = reinterpret_cast<T*>(row);
  for (std::size_t i = stride; i < n; ++i) out[i] = static_cast<T>(in[i] - in[i - stride]);
}

// Predictor 3 on one row of `n` samples of kWidth bytes.
template <std::size_t kWidth>
void difference_float_bytes(std::byte* row, std::size_t n, std::size_t stride, std::vector<std::byte>& scratch) {
  scratch.resize(n * kWidth);
  const auto* in = reinterpret_cast<const std::uint8_t*>(row);
  auto* planes = reinterpret_cast<std::uint8_t*>(scratch.data());
  for (std::size_t plane = 0; plane < kWidth; ++plane)
    for (std::size_t i = 0; i < n; ++i) planes[plane * n + i] = in[i * kWidth + (kWidth - 1 - plane)];
  auto* out = reinterpret_cast<std::uint8_t*>(row);
  std::copy_n(planes, stride, out);
  for (std::size_t i = stride; i < n * kWidth; ++i) out[i] = static_cast<std::uint8_t>(planes[i] - planes[i - stride]);
}

// Predictor 2 undone: running sums a pixel apart, wrapping.
template <class T>
void accumulate(std::byte* row, std::size_t count, std::size_t stride) {
  T* values = reinterpret_cast<T*>(row);
  if (stride == 1) {
    T sum = count > 0 ? values[0] : T{0};
    for (std::size_t i = 1; i < count; ++i) values[i] = sum = static_cast<T>(sum + values[i]);
    return;
  }
  for (std::size_t i = stride; i < count; ++i) values[i] = static_cast<T>(values[i] + values[i - stride]);
}

// Predictor 3's bytes, most significant first in `planes` (one plane of
// `count` bytes each), back into little-endian samples.
void interleave(const std::byte* planes, std::byte* row, std::size_t count, std::size_t sample_bytes) {
  const auto* plane = reinterpret_cast<const std::uint8_t*>(planes);
  if (sample_bytes == 4) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t value = std::uint32_t{plane[i]} << 24 | std::uint32_t{plane[count + i]} << 16 |
                                  std::uint32_t{plane[2 * count + i]} << 8 | plane[3 * count + i];
      std::memcpy(row + 4 * i, &value, 4);
    }
    return;
  }
  for (std::size_t byte = 0; byte < sample_bytes; ++byte) {
    const std::uint8_t* from = plane + (sample_bytes - 1 - byte) * count;
    for (std::size_t i = 0; i < count; ++i) row[i * sample_bytes + byte] = std::byte{from[i]};
  }
}

}  // namespace

void apply_predictor(int predictor, std::byte* row, std::size_t count, std::size_t sample_bytes, std::size_t stride,
                     std::vector<std::byte>& scratch) {
  if (predictor == PREDICTOR_FLOATINGPOINT && sample_bytes == 4)
    difference_float_bytes<4>(row, count, stride, scratch);
  else if (predictor == PREDICTOR_FLOATINGPOINT)
    difference_float_bytes<8>(row, count, stride, scratch);
  else if (predictor == PREDICTOR_HORIZONTAL && sample_bytes == 1)
    difference_samples<std::uint8_t>(row, count, stride, scratch);
  else if (predictor == PREDICTOR_HORIZONTAL && sample_bytes == 2)
    difference_samples<std::uint16_t>(row, count, stride, scratch);
  else if (predictor == PREDICTOR_HORIZONTAL)
    difference_samples<std::uint32_t>(row, count, stride, scratch);
}

void undo_predictor(int predictor, std::byte* row, std::size_t count, std::size_t sample_bytes, std::size_t stride,
                    std::vector<std::byte>& scratch) {
  if (predictor == PREDICTOR_HORIZONTAL) {
    switch (sample_bytes) {
      case 1: accumulate<std::uint8_t>(row, count, stride); break;
      case 2: accumulate<std::uint16_t>(row, count, stride); break;
      default: accumulate<std::uint32_t>(row, count, stride); break;
    }
  } else if (predictor == PREDICTOR_FLOATINGPOINT) {
    const std::size_t bytes = count * sample_bytes;
    accumulate<std::uint8_t>(row, bytes, stride);
    scratch.resize(std::max(scratch.size(), bytes));
    std::memcpy(scratch.data(), row, bytes);
    interleave(scratch.data(), row, count, sample_bytes);
  }
}

}  // namespace geostrip
