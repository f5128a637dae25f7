#pragma once
// GDAL's exact coordinate transform from a file's pixels to an output grid's
// (or to the grid's CRS), as `gdalwarp -et 0` builds it: through the file's
// geotransform, its GCPs (polynomial or thin plate spline) or its RPCs.
#include <gdal_priv.h>

#include <list>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "geometry/grid.hpp"
#include "grid/grid_request.hpp"

namespace geostrip {

class GridTransformer {
 public:
  // From `source`'s pixels to coordinates in `crs_wkt`, or to pixels of
  // `grid` when given. Throws Error naming `path`.
  GridTransformer(GDALDataset& source, const std::string& path, const std::string& crs_wkt,
                  const std::optional<GeoTransform>& grid, const GridRequest& request);
  ~GridTransformer();
  GridTransformer(const GridTransformer&) = delete;
  GridTransformer& operator=(const GridTransformer&) = delete;

  void* arg() const { return arg_; }

 private:
  void* arg_ = nullptr;
};

// Source coordinates of destination rows one thread computed, kept for the
// next input whose file has the same geometry (the bands of one scene): an
// exact transform is most of a resampled pixel's cost, and is made once.
class TransformCache {
 public:
  explicit TransformCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}
  struct Row {
    std::string geometry;  // what decides the transform: CRS, geotransform or GCPs/RPCs, lattice step
    double y = 0, x0 = 0;  // the row: y, and x0, x0 + 1, ...
    std::vector<double> x, y_out, z;
    std::vector<int> ok;
  };
  // The row computed for `geometry` at (y, x0 ... x0 + count - 1), or null.
  const Row* find(const std::string& geometry, double y, double x0, int count);
  void put(Row row);

 private:
  static std::size_t hash(const std::string& geometry, double y, double x0, std::size_t count);
  std::size_t capacity_;
  std::size_t bytes_ = 0;
  std::list<Row> rows_;  // most recent first
  std::unordered_multimap<std::size_t, std::list<Row>::iterator> index_;
};

// A GDAL transformer over an exact one that, for a destination row (points of
// one y whose x step by 1), with `step` > 1 transforms exactly only the
// columns on a fixed lattice, `step` apart in absolute grid coordinates, and
// interpolates linearly between them: each point's result depends on its own
// position alone, never on the row segment a block asked for. Anything
// else, and a point next to a lattice node that failed, is transformed
// exactly. Rows go through `cache`, when given, under `geometry`.
//
// With `exact_picks`, a point whose interpolated source column or row could
// lie on the other side of a pixel edge than its exact one is transformed
// exactly (the bound: twice the parabola through the line's distance from
// the exact transform at its segment's middle): every pick
// nearest-neighbour makes, and every source window, is the exact
// transform's.
struct LatticeTransform {
  void* exact = nullptr;  // a GDALGenImgProjTransform argument
  int step = 1;
  bool exact_picks = false;
  TransformCache* cache = nullptr;
  std::string geometry;
};
int lattice_transform(void* arg, int dst_to_src, int count, double* x, double* y, double* z, int* ok);

// The largest lattice step (of 64, 32, ..., 2) whose interpolation stays
// within `error` source pixels of the exact transform over the rows and
// columns of `region` (sampled), or 1 (exact). `exact` maps grid pixels to
// source pixels (GDALGenImgProjTransform).
int lattice_step(void* exact, const Region& region, double error);

// The lattice step (of 1024, 512, ..., 2) for exact picks over `region`
// that makes the fewest exact transforms: the nodes and middles against the
// points near a pixel edge; 1 where the transform is not smooth enough.
int exact_picks_step(void* exact, const Region& region);

// The WKT of a CRS the user named (EPSG:32633, a WKT, a PROJ
// string, a file); throws UsageError naming `option`.
std::string crs_wkt_of(const std::string& user_input, const std::string& option);

}  // namespace geostrip
