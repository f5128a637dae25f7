#pragma once
// Where a raster sits on Earth: an affine geotransform and a CRS, both
// optional (radar-geometry products have neither), or ground control points
// in their own CRS (Sentinel-1 GRD, many L1 products), or rational polynomial
// coefficients (many optical L1 products).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geometry/row_block.hpp"

namespace geostrip {

// GDAL's convention: x = t[0] + col*t[1] + row*t[2], y = t[3] + col*t[4] + row*t[5].
using GeoTransform = std::array<double, 6>;

// A ground control point, as GDAL holds one: raster position (pixel, line,
// from the top-left corner of the top-left pixel) and where it is on Earth.
struct Gcp {
  std::string id;
  std::string info;
  double pixel = 0, line = 0;
  double x = 0, y = 0, z = 0;
  friend bool operator==(const Gcp&, const Gcp&) = default;
};

// GDAL's RPC metadata domain, item by item (LINE_OFF, SAMP_SCALE, ...): the
// model maps WGS 84 longitude, latitude and height to line and sample, with
// (0, 0) the centre of the top-left pixel.
using Rpc = std::map<std::string, std::string>;

struct Georeference {
  std::optional<GeoTransform> transform;
  std::string crs_wkt;  // empty when the raster has no CRS
  std::vector<Gcp> gcps;
  std::string gcp_crs_wkt;  // the GCPs' CRS
  Rpc rpc;                  // empty when the raster has none
  // Whether the raster is placed only through GCPs or RPCs (no geotransform).
  bool by_control() const { return !transform && (!gcps.empty() || !rpc.empty()); }
};

// The georeference of a strided output grid: pixels `stride` times larger,
// same origin; GCPs keep their place on the ground, at scaled pixel and line;
// an RPC model's line and sample offsets and scales follow the same scaling.
Georeference scale(const Georeference& georef, Stride stride);

// Equal up to a millionth of a pixel, so rounding in file headers does not count.
bool same_transform(const GeoTransform& a, const GeoTransform& b);

// The same points, in order: raster positions within a millionth of a pixel,
// ground positions within a billionth (relative).
bool same_gcps(const std::vector<Gcp>& a, const std::vector<Gcp>& b);

}  // namespace geostrip
