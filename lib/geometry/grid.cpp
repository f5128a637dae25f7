#include "geometry/grid.hpp"

#include <algorithm>
#include <cmath>

namespace geostrip {

namespace {
// Corners within this fraction of a pixel of a grid line are on it.
constexpr double kOnGrid = 1e-6;
}  // namespace

Extent Extent::united(const Extent& other) const {
  return {.xmin = std::min(xmin, other.xmin),
          .ymin = std::min(ymin, other.ymin),
          .xmax = std::max(xmax, other.xmax),
          .ymax = std::max(ymax, other.ymax)};
}

Extent extent_of(const GeoTransform& t, RasterSize size) {
  const auto x = [&](double col, double row) { return t[0] + col * t[1] + row * t[2]; };
  const auto y = [&](double col, double row) { return t[3] + col * t[4] + row * t[5]; };
  const auto cols = static_cast<double>(size.cols), rows = static_cast<double>(size.rows);
  const std::array<double, 4> xs{x(0, 0), x(cols, 0), x(0, rows), x(cols, rows)};
  const std::array<double, 4> ys{y(0, 0), y(cols, 0), y(0, rows), y(cols, rows)};
  return {.xmin = *std::min_element(xs.begin(), xs.end()),
          .ymin = *std::min_element(ys.begin(), ys.end()),
          .xmax = *std::max_element(xs.begin(), xs.end()),
          .ymax = *std::max_element(ys.begin(), ys.end())};
}

bool north_up(const GeoTransform& t) { return t[2] == 0 && t[4] == 0 && t[1] > 0 && t[5] < 0; }

std::pair<RasterSize, GeoTransform> grid_covering(const Extent& extent, Resolution resolution,
                                                  std::optional<std::array<double, 2>> anchor) {
  Extent e = extent;
  if (anchor) {
    const auto [ax, ay] = *anchor;
    e.xmin = ax + std::floor((extent.xmin - ax) / resolution.x + kOnGrid) * resolution.x;
    e.xmax = ax + std::ceil((extent.xmax - ax) / resolution.x - kOnGrid) * resolution.x;
    e.ymin = ay + std::floor((extent.ymin - ay) / resolution.y + kOnGrid) * resolution.y;
    e.ymax = ay + std::ceil((extent.ymax - ay) / resolution.y - kOnGrid) * resolution.y;
  }
  const RasterSize size{.rows = std::max<std::int64_t>(1, std::llround((e.ymax - e.ymin) / resolution.y)),
                        .cols = std::max<std::int64_t>(1, std::llround((e.xmax - e.xmin) / resolution.x))};
  return {size, GeoTransform{e.xmin, resolution.x, 0, e.ymax, 0, -resolution.y}};
}

std::optional<std::array<std::int64_t, 2>> offset_on(const GeoTransform& t, const GeoTransform& grid) {
  const auto same = [](double a, double b) { return std::abs(a - b) <= kOnGrid * std::abs(b); };
  if (!north_up(t) || !north_up(grid) || !same(t[1], grid[1]) || !same(t[5], grid[5])) return std::nullopt;
  const double cols = (t[0] - grid[0]) / grid[1], rows = (t[3] - grid[3]) / grid[5];
  const double col = std::round(cols), row = std::round(rows);
  if (std::abs(cols - col) > kOnGrid || std::abs(rows - row) > kOnGrid) return std::nullopt;
  return std::array<std::int64_t, 2>{static_cast<std::int64_t>(row), static_cast<std::int64_t>(col)};
}

Region intersection(const Region& a, const Region& b) {
  return {.rows = crop(a.rows, b.rows), .cols = crop(a.cols, b.cols)};
}

FootprintIndex::FootprintIndex(std::vector<Region> footprints) : footprints_(std::move(footprints)) {
  for (std::size_t i = 0; i < footprints_.size(); ++i) by_first_row_.push_back(i);
  std::stable_sort(by_first_row_.begin(), by_first_row_.end(), [&](std::size_t a, std::size_t b) {
    return footprints_[a].rows.begin < footprints_[b].rows.begin;
  });
  std::int64_t reach = 0;
  for (std::size_t i : by_first_row_) reach_.push_back(reach = std::max(reach, footprints_[i].rows.end));
}

std::vector<std::size_t> FootprintIndex::meeting(const Region& region) const {
  // Footprints starting at or after the region's end cannot meet it; of those
  // before, skip the leading run whose rows all end before the region starts.
  const auto last = std::partition_point(by_first_row_.begin(), by_first_row_.end(), [&](std::size_t i) {
    return footprints_[i].rows.begin < region.rows.end;
  });
  const auto first = std::partition_point(reach_.begin(), reach_.begin() + (last - by_first_row_.begin()),
                                          [&](std::int64_t reach) { return reach <= region.rows.begin; });
  std::vector<std::size_t> found;
  for (auto it = by_first_row_.begin() + (first - reach_.begin()); it != last; ++it)
    if (!empty(intersection(footprints_[*it], region))) found.push_back(*it);
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace geostrip
