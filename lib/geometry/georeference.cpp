#include "geometry/georeference.hpp"

#include <algorithm>
#include <cmath>

namespace geostrip {

Georeference scale(const Georeference& georef, Stride stride) {
  Georeference out = georef;
  if (out.transform) {
    auto& t = *out.transform;
    t[1] *= stride.cols;
    t[4] *= stride.cols;
    t[2] *= stride.rows;
    t[5] *= stride.rows;
  }
  return out;
}

bool same_transform(const GeoTransform& a, const GeoTransform& b) {
  const double pixel = std::max({std::abs(a[1]), std::abs(a[2]), std::abs(a[4]), std::abs(a[5])});
  const double tolerance = 1e-6 * (pixel > 0 ? pixel : 1.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > tolerance) return false;
  return true;
}

}  // namespace geostrip
