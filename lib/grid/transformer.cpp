#include "grid/transformer.hpp"

#include <gdal_alg.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "io/gdal.hpp"

namespace geostrip {

GridTransformer::GridTransformer(GDALDataset& source, const std::string& path, const std::string& crs_wkt,
                                 const std::optional<GeoTransform>& grid, const GridRequest& request) {
  CPLStringList options;
  options.SetNameValue("DST_SRS", crs_wkt.c_str());
  if (request.tps) options.SetNameValue("METHOD", "GCP_TPS");
  if (request.gcp_order) options.SetNameValue("MAX_GCP_ORDER", std::to_string(*request.gcp_order).c_str());
  CPLErrorReset();
  arg_ = GDALCreateGenImgProjTransformer2(GDALDataset::ToHandle(&source), nullptr, options.List());
  if (!arg_)
    throw Error(path + ": no transform from its pixels to " + crs_name(crs_wkt) + ": " +
                gdal_error_or("it has neither a geotransform and CRS nor ground control points"));
  if (grid) {
    GeoTransform copy = *grid;
    GDALSetGenImgProjTransformerDstGeoTransform(arg_, copy.data());
  }
}

GridTransformer::~GridTransformer() { GDALDestroyGenImgProjTransformer(arg_); }

namespace {

// Whether the points are one destination row: one y, x stepping by exactly
// 1. A single point is a row too, so that a pixel is interpolated alike in
// rows of any length.
bool one_row(int count, const double* x, const double* y) {
  for (int i = 1; i < count; ++i)
    if (y[i] != y[0] || x[i] != x[0] + i) return false;
  return count > 0;
}

// How close a nearest pick's source coordinate may come to a pixel edge
// before it is transformed exactly, beyond the interpolation's own bound:
// room for GDAL's 1e-10 nudge and for rounding in the interpolation.
constexpr double kEdgeSlack = 1e-6;

// Whether `coordinate` lies within `bound` of an integer (a pixel edge).
bool near_edge(double coordinate, double bound) {
  if (!(std::abs(coordinate) < 0x1p52)) return true;  // no fraction left, or NaN: decide exactly
  const double fraction = std::abs(coordinate - static_cast<double>(static_cast<std::int64_t>(coordinate)));
  return fraction <= bound || fraction >= 1 - bound;
}

// `count` points of one row through the lattice of `lattice`.
void interpolate_row(const LatticeTransform& lattice, int count, double* x, double* y, double* z, int* ok) {
  // Nodes at phase + k * step, phase the fraction every x of the row shares;
  // with exact picks also at each segment's middle. Columns are whole
  // numbers and the step a power of two, so a point's segment and place in
  // it are exact.
  const double x0 = x[0], row_y = y[0];  // the row: x0, x0 + 1, ... at row_y
  const int per_segment = lattice.exact_picks ? 2 : 1;
  const int step = lattice.step;
  const double spacing = static_cast<double>(step) / per_segment;
  const double phase = x0 - std::floor(x0);
  const auto column0 = static_cast<std::int64_t>(x0 - phase);
  const auto segment_of = [step](std::int64_t column) {
    return column >= 0 ? column / step : -((-column + step - 1) / step);
  };
  const std::int64_t first = segment_of(column0), last = segment_of(column0 + count - 1) + 1;
  const std::size_t nodes = static_cast<std::size_t>(last - first) * per_segment + 1;
  std::vector<double> nx(nodes), ny(nodes, row_y), nz(nodes, 0.0);
  std::vector<int> nok(nodes);
  for (std::size_t k = 0; k < nodes; ++k)
    nx[k] = phase + static_cast<double>(first * per_segment + static_cast<std::int64_t>(k)) * spacing;
  GDALGenImgProjTransform(lattice.exact, TRUE, static_cast<int>(nodes), nx.data(), ny.data(), nz.data(), nok.data());
  std::vector<int> exact;  // points transformed exactly, in one call
  const double per_step = 1.0 / step;
  // Segment by segment: `a` its first node, `into` the first point's column past it.
  int i = 0;
  for (std::size_t a = 0; i < count; a += per_segment) {
    const int into = i == 0 ? static_cast<int>(column0 - first * step) : 0;
    const int begin = i, end = std::min(count, i + step - into);
    const std::size_t b = a + per_segment, middle = a + per_segment / 2;
    if (!(nok[a] && nok[b] && nok[middle])) {
      for (; i < end; ++i) exact.push_back(i);
      continue;
    }
    const double dx = nx[b] - nx[a], dy = ny[b] - ny[a], dz = nz[b] - nz[a];
    for (int k = into; i < end; ++i, ++k) {
      const double t = k * per_step;
      x[i] = nx[a] + t * dx;
      y[i] = ny[a] + t * dy;
      z[i] = nz[a] + t * dz;
      ok[i] = TRUE;
    }
    if (!lattice.exact_picks) continue;
    // A smooth curve strays from its chord as a parabola, 4t(1-t) times its
    // distance at the middle: twice that is how close to a pixel edge a pick
    // may come.
    const double middle_x = std::abs(nx[a] + dx / 2 - nx[middle]), middle_y = std::abs(ny[a] + dy / 2 - ny[middle]);
    for (int j = begin, k = into; j < end; ++j, ++k) {
      const double t = k * per_step, reach = 8 * t * (1 - t);
      if (near_edge(x[j], reach * middle_x + kEdgeSlack) || near_edge(y[j], reach * middle_y + kEdgeSlack))
        exact.push_back(j);
    }
  }
  if (exact.empty()) return;
  std::vector<double> ex(exact.size()), ey(exact.size(), row_y), ez(exact.size(), 0.0);
  std::vector<int> eok(exact.size());
  for (std::size_t k = 0; k < exact.size(); ++k) ex[k] = x0 + exact[k];
  GDALGenImgProjTransform(lattice.exact, TRUE, static_cast<int>(exact.size()), ex.data(), ey.data(), ez.data(), eok.data());
  for (std::size_t k = 0; k < exact.size(); ++k) {
    x[exact[k]] = ex[k];
    y[exact[k]] = ey[k];
    z[exact[k]] = ez[k];
    ok[exact[k]] = eok[k];
  }
}

}  // namespace

std::size_t TransformCache::hash(const std::string& geometry, double y, double x0, std::size_t count) {
  std::size_t h = std::hash<std::string>{}(geometry);
  for (const std::size_t part : {std::hash<double>{}(y), std::hash<double>{}(x0), count})
    h ^= part + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

const TransformCache::Row* TransformCache::find(const std::string& geometry, double y, double x0, int count) {
  const auto [begin, end] = index_.equal_range(hash(geometry, y, x0, static_cast<std::size_t>(count)));
  for (auto it = begin; it != end; ++it)
    if (const Row& row = *it->second;
        row.y == y && row.x0 == x0 && row.x.size() == static_cast<std::size_t>(count) && row.geometry == geometry) {
      rows_.splice(rows_.begin(), rows_, it->second);
      return &rows_.front();
    }
  return nullptr;
}

void TransformCache::put(Row row) {
  const auto bytes = [](const Row& r) { return r.x.size() * (3 * sizeof(double) + sizeof(int)); };
  bytes_ += bytes(row);
  const std::size_t key = hash(row.geometry, row.y, row.x0, row.x.size());
  rows_.push_front(std::move(row));
  index_.emplace(key, rows_.begin());
  while (bytes_ > capacity_ && rows_.size() > 1) {
    const Row& oldest = rows_.back();
    const auto [begin, end] = index_.equal_range(hash(oldest.geometry, oldest.y, oldest.x0, oldest.x.size()));
    for (auto it = begin; it != end; ++it)
      if (&*it->second == &oldest) {
        index_.erase(it);
        break;
      }
    bytes_ -= bytes(oldest);
    rows_.pop_back();
  }
}

int lattice_transform(void* arg, int dst_to_src, int count, double* x, double* y, double* z, int* ok) {
  const auto& lattice = *static_cast<const LatticeTransform*>(arg);
  const bool row = dst_to_src && one_row(count, x, y);
  if (row && lattice.step > 1) {
    interpolate_row(lattice, count, x, y, z, ok);  // cheap enough to need no cache
    return TRUE;
  }
  if (!row || !lattice.cache) return GDALGenImgProjTransform(lattice.exact, dst_to_src, count, x, y, z, ok);
  const double row_y = y[0], x0 = x[0];
  const auto n = static_cast<std::size_t>(count);
  if (const TransformCache::Row* done = lattice.cache->find(lattice.geometry, row_y, x0, count)) {
    std::copy_n(done->x.begin(), n, x);
    std::copy_n(done->y_out.begin(), n, y);
    std::copy_n(done->z.begin(), n, z);
    std::copy_n(done->ok.begin(), n, ok);
    return TRUE;
  }
  GDALGenImgProjTransform(lattice.exact, TRUE, count, x, y, z, ok);
  lattice.cache->put({.geometry = lattice.geometry,
                      .y = row_y,
                      .x0 = x0,
                      .x = std::vector<double>(x, x + n),
                      .y_out = std::vector<double>(y, y + n),
                      .z = std::vector<double>(z, z + n),
                      .ok = std::vector<int>(ok, ok + n)});
  return TRUE;
}

namespace {

// The largest power of two up to `max_step` whose linear interpolation
// between exact columns that far apart stays within `tolerance(step)`
// source pixels of the exact transform, or 1.
template <class Tolerance>
int largest_step(void* exact, const Region& region, int max_step, Tolerance tolerance) {
  // Linear interpolation strays most midway between nodes: compare it with
  // the exact transform there, on rows and segments spread over the region.
  constexpr int kRows = 17, kSegments = 33;
  for (int step = max_step; step >= 2; step /= 2) {
    std::vector<double> x, y;
    for (int i = 0; i < kRows; ++i)
      for (int j = 0; j < kSegments; ++j) {
        const double row = static_cast<double>(region.rows.begin) +
                           std::floor(static_cast<double>(region.rows.rows() - 1) * i / (kRows - 1)) + 0.5;
        const double col = static_cast<double>(region.cols.begin) +
                           std::floor(static_cast<double>(region.cols.rows() - 1) * j / (kSegments - 1)) + 0.5;
        for (const double dx : {0.0, step / 2.0, static_cast<double>(step)}) {
          x.push_back(col + dx);
          y.push_back(row);
        }
      }
    std::vector<double> z(x.size(), 0.0);
    std::vector<int> ok(x.size());
    GDALGenImgProjTransform(exact, TRUE, static_cast<int>(x.size()), x.data(), y.data(), z.data(), ok.data());
    const double error = tolerance(step);
    bool within = true;
    for (std::size_t k = 0; k + 2 < x.size() && within; k += 3)
      within = !(ok[k] && ok[k + 1] && ok[k + 2]) ||
               (std::abs((x[k] + x[k + 2]) / 2 - x[k + 1]) <= error && std::abs((y[k] + y[k + 2]) / 2 - y[k + 1]) <= error);
    if (within) return step;
  }
  return 1;
}

}  // namespace

int lattice_step(void* exact, const Region& region, double error) {
  if (error <= 0 || empty(region)) return 1;
  return largest_step(exact, region, 64, [error](int) { return error; });
}

int exact_picks_step(void* exact, const Region& region) {
  if (empty(region)) return 1;
  // A point costs 2/step exact transforms for the nodes and middles, and
  // about 5 times the middles' distance from the chord for the picks near an
  // edge: the two are about equal where that distance is 1/(4 step).
  return largest_step(exact, region, 1024, [](int step) { return 0.25 / step; });
}

std::string crs_wkt_of(const std::string& user_input, const std::string& option) {
  init_gdal();
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(user_input.c_str()) != OGRERR_NONE)
    throw UsageError(option + " " + user_input + ": not a CRS GDAL knows (try EPSG:NNNN, a WKT or a PROJ string)");
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string text = wkt ? wkt : "";
  CPLFree(wkt);
  return text;
}

}  // namespace geostrip
