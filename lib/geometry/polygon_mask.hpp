#pragma once
// Which pixels of a grid lie inside polygons: a pixel is inside when its
// centre is (the rule of gdal_rasterize without ALL_TOUCHED). Each row is
// decided from its own centre line alone, so a pixel's answer never depends
// on the block that asks.
#include <cstdint>
#include <vector>

#include "geometry/row_block.hpp"

namespace geostrip {

// A point in a grid's pixel coordinates: x along columns, y down rows,
// (0, 0) the top-left corner of the top-left pixel.
struct PixelPoint {
  double x = 0, y = 0;
};
using Ring = std::vector<PixelPoint>;  // closed implicitly
struct Polygon {
  std::vector<Ring> rings;  // the outer ring, then its holes
  double ymin = 0, ymax = 0;  // the rows it spans (set by PolygonMask)
};

class PolygonMask {
 public:
  explicit PolygonMask(std::vector<Polygon> polygons);
  // For each column of `cols` in `row`: 1 inside any polygon, else 0.
  void inside(std::int64_t row, RowBlock cols, std::vector<std::uint8_t>& out) const;

 private:
  std::vector<Polygon> polygons_;
};

}  // namespace geostrip
