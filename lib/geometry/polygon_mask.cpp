#include "geometry/polygon_mask.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace geostrip {

PolygonMask::PolygonMask(std::vector<Polygon> polygons) : polygons_(std::move(polygons)) {
  for (Polygon& polygon : polygons_) {
    polygon.ymin = std::numeric_limits<double>::infinity();
    polygon.ymax = -polygon.ymin;
    for (const Ring& ring : polygon.rings)
      for (const PixelPoint& p : ring) {
        polygon.ymin = std::min(polygon.ymin, p.y);
        polygon.ymax = std::max(polygon.ymax, p.y);
      }
  }
}

void PolygonMask::inside(std::int64_t row, RowBlock cols, std::vector<std::uint8_t>& out) const {
  out.assign(static_cast<std::size_t>(cols.rows()), 0);
  const double y = static_cast<double>(row) + 0.5;
  std::vector<double> crossings;
  for (const Polygon& polygon : polygons_) {
    if (y < polygon.ymin || y > polygon.ymax) continue;
    // Even-odd over the polygon's rings: holes cut out of their outer ring.
    crossings.clear();
    for (const Ring& ring : polygon.rings)
      for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const PixelPoint& a = ring[i];
        const PixelPoint& b = ring[(i + 1) % n];
        if ((a.y <= y) != (b.y <= y)) crossings.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
      }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      // Columns whose centre c + 0.5 lies in [left, right), kept in range for the casts.
      const auto column = [](double x) {
        return static_cast<std::int64_t>(std::clamp(std::ceil(x - 0.5), -1.0, 0x1p53));
      };
      const std::int64_t first = column(crossings[k]), end = column(crossings[k + 1]);
      for (std::int64_t c = std::max(first, cols.begin); c < std::min(end, cols.end); ++c)
        out[static_cast<std::size_t>(c - cols.begin)] = 1;
    }
  }
}

}  // namespace geostrip
