#pragma once
// Output grids and footprints: plain values and pure functions. A grid is a
// raster size and where it sits on Earth; a footprint is the region of a
// grid a file can paint.
#include <array>
#include <optional>
#include <vector>

#include "geometry/georeference.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

// A rectangle in a CRS's coordinates.
struct Extent {
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
  Extent united(const Extent& other) const;
  friend bool operator==(const Extent&, const Extent&) = default;
};

// Pixel width and height, both positive.
struct Resolution {
  double x = 0, y = 0;
  friend bool operator==(const Resolution&, const Resolution&) = default;
};

struct Grid {
  RasterSize size;
  Georeference georef;
};

// The bounding box of a raster's four corners.
Extent extent_of(const GeoTransform& transform, RasterSize size);

// Whether `transform` has no rotation terms.
bool north_up(const GeoTransform& transform);

// The north-up grid of `resolution` covering `extent`, top-left first. With
// `anchor`, its corners are pushed outward onto anchor + k * resolution
// (corners within a millionth of a pixel of one count as on it); without, the
// extent is kept and its size rounded to whole pixels, as `gdalwarp -te -tr`.
std::pair<RasterSize, GeoTransform> grid_covering(const Extent& extent, Resolution resolution,
                                                  std::optional<std::array<double, 2>> anchor);

// Whether a file's raster of `transform` lies on `grid`'s pixels: the same
// pixel size and no rotation, its corners on the grid's within a millionth of
// a pixel. The offset of its top-left pixel on the grid (rows, columns), or
// nullopt.
std::optional<std::array<std::int64_t, 2>> offset_on(const GeoTransform& transform, const GeoTransform& grid);

// Rows and columns shared by two regions (empty ranges when none).
Region intersection(const Region& a, const Region& b);
inline bool empty(const Region& r) { return r.rows.empty() || r.cols.empty(); }

// Which of a list of footprints meet a region: built once per rank for a
// mosaic's files, asked by every block.
class FootprintIndex {
 public:
  explicit FootprintIndex(std::vector<Region> footprints);
  // Indices of the footprints that meet `region`, in ascending order.
  std::vector<std::size_t> meeting(const Region& region) const;
  const Region& operator[](std::size_t i) const { return footprints_[i]; }

 private:
  std::vector<Region> footprints_;
  std::vector<std::size_t> by_first_row_;  // indices, ordered by their footprint's first row
  std::vector<std::int64_t> reach_;        // the largest last row of any footprint up to here, in that order
};

}  // namespace geostrip
