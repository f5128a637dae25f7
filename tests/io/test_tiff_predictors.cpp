// TIFF's predictors, applied and undone (io/tiff_predictors): the bytes
// libtiff decodes, and every row back as it was.
#include <catch2/catch.hpp>
#include <tiffio.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "io/tiff_predictors.hpp"

using namespace geostrip;

TEST_CASE("predictors are undone as libtiff undoes them", "[io]") {
  std::vector<std::byte> scratch;
  // Horizontal differencing of two interleaved samples wraps as unsigned.
  std::vector<std::uint16_t> pairs = {65535, 10, 2, 5, 1, 65535};
  undo_predictor(2, reinterpret_cast<std::byte*>(pairs.data()), pairs.size(), 2, 2, scratch);
  CHECK(pairs == std::vector<std::uint16_t>{65535, 10, 1, 15, 2, 14});
  // Floating point: the bytes of 1.0f and -2.5f, most significant first and differenced.
  const float expected[2] = {1.0f, -2.5f};
  std::uint32_t bits[2];
  std::memcpy(bits, expected, sizeof bits);
  std::uint8_t planes[8];
  for (int byte = 0; byte < 4; ++byte)
    for (int i = 0; i < 2; ++i) planes[byte * 2 + i] = static_cast<std::uint8_t>(bits[i] >> (24 - 8 * byte));
  for (int k = 7; k > 0; --k) planes[k] = static_cast<std::uint8_t>(planes[k] - planes[k - 1]);
  undo_predictor(3, reinterpret_cast<std::byte*>(planes), 2, 4, 1, scratch);
  float decoded[2];
  std::memcpy(decoded, planes, sizeof decoded);
  CHECK(decoded[0] == 1.0f);
  CHECK(decoded[1] == -2.5f);
}

TEST_CASE("a row with a predictor applied and undone is the row again", "[io]") {
  std::uint32_t state = 7;
  for (const auto& [predictor, width] : {std::pair{PREDICTOR_HORIZONTAL, 1}, std::pair{PREDICTOR_HORIZONTAL, 2},
                                         std::pair{PREDICTOR_HORIZONTAL, 4}, std::pair{PREDICTOR_FLOATINGPOINT, 4},
                                         std::pair{PREDICTOR_FLOATINGPOINT, 8}})
    for (const std::size_t stride : {1, 3}) {
      const std::size_t count = 33 * stride;
      std::vector<std::byte> row(count * static_cast<std::size_t>(width)), scratch;
      for (std::byte& b : row) b = static_cast<std::byte>((state = state * 1664525u + 1013904223u) >> 24);
      std::vector<std::byte> predicted = row;
      apply_predictor(predictor, predicted.data(), count, static_cast<std::size_t>(width), stride, scratch);
      CAPTURE(predictor, width, stride);
      CHECK(predicted != row);
      undo_predictor(predictor, predicted.data(), count, static_cast<std::size_t>(width), stride, scratch);
      CHECK(predicted == row);
    }
}
