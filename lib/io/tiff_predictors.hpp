#pragma once
// TIFF's predictors on one row of samples, in place, both ways, as libtiff
// applies and undoes them (tif_predict.c) on a little-endian machine:
// 2, horizontal differencing of integer samples, wrapping; 3, floating
// point: the bytes regrouped into planes, most significant first, then
// each byte minus the one a pixel before it. libtiff's own loops work a
// byte at a time and reload each sum they have just stored: these
// vectorize, or keep the running sum in a register, and cost a fraction.
#include <cstddef>
#include <vector>

namespace geostrip {

// `count` samples of `sample_bytes` (1, 2 or 4 for predictor 2; 4 or 8 for
// 3), `stride` samples to a pixel; `scratch` holds a row, reused.
void apply_predictor(int predictor, std::byte* row, std::size_t count, std::size_t sample_bytes, std::size_t stride,
                     std::vector<std::byte>& scratch);
void undo_predictor(int predictor, std::byte* row, std::size_t count, std::size_t sample_bytes, std::size_t stride,
                    std::vector<std::byte>& scratch);

}  // namespace geostrip
