#pragma once
// GDAL's exact coordinate transform from a file's pixels to an output grid's
// (or to the grid's CRS), as `gdalwarp -et 0` builds it: through the file's
// geotransform, its GCPs (polynomial or thin plate spline) or its RPCs.
#include <gdal_priv.h>

#include <optional>
#include <string>

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

// The WKT of a CRS the user named (EPSG:32633, a WKT, a PROJ
// string, a file); throws UsageError naming `option`.
std::string crs_wkt_of(const std::string& user_input, const std::string& option);

}  // namespace geostrip
