#pragma once
// Where a raster sits on Earth: an affine geotransform and a CRS, both optional
// (radar-geometry products have neither).
#include <array>
#include <optional>
#include <string>

#include "geometry/row_block.hpp"

namespace geostrip {

// GDAL's convention: x = t[0] + col*t[1] + row*t[2], y = t[3] + col*t[4] + row*t[5].
using GeoTransform = std::array<double, 6>;

struct Georeference {
  std::optional<GeoTransform> transform;
  std::string crs_wkt;  // empty when the raster has no CRS
};

// The georeference of a strided output grid: pixels `stride` times larger, same origin.
Georeference scale(const Georeference& georef, Stride stride);

// Equal up to a millionth of a pixel, so rounding in file headers does not count.
bool same_transform(const GeoTransform& a, const GeoTransform& b);

}  // namespace geostrip
