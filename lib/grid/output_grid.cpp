#include "grid/output_grid.hpp"

#include <fmt/core.h>
#include <gdal_alg.h>

#include <limits>

#include "core/error.hpp"
#include "grid/transformer.hpp"

namespace geostrip {

namespace {

// Where a file lies in a CRS, and its pixel size there.
struct Placement {
  Extent extent;
  Resolution resolution;
};

// Exact for a north-up file already in the CRS; otherwise what gdalwarp
// would suggest for it (GDALSuggestedWarpOutput2 through the exact transform).
Placement placement_in(const InputInfo& file, const std::string& crs_wkt, const GridRequest& request) {
  if (const auto& t = file.georef.transform; t && north_up(*t) && same_crs(file.georef.crs_wkt, crs_wkt))
    return {.extent = extent_of(*t, file.size), .resolution = {.x = (*t)[1], .y = -(*t)[5]}};
  const GdalDataset dataset = open_raster(file.file.path);
  const GridTransformer transformer(*dataset, file.file.path, crs_wkt, std::nullopt, request);
  GeoTransform t{};
  int cols = 0, rows = 0;
  double extent[4] = {};
  CPLErrorReset();
  if (GDALSuggestedWarpOutput2(GDALDataset::ToHandle(dataset.get()), GDALGenImgProjTransform, transformer.arg(),
                               t.data(), &cols, &rows, extent, 0) != CE_None)
    throw Error(file.file.path + ": cannot be placed in " + crs_name(crs_wkt) + ": " +
                gdal_error_or("its corners do not transform"));
  return {.extent = {.xmin = extent[0], .ymin = extent[1], .xmax = extent[2], .ymax = extent[3]},
          .resolution = {.x = t[1], .y = -t[5]}};
}

Grid grid_of_file(const std::string& path) {
  const GdalDataset dataset = open_raster(path);
  GeoTransform t{};
  const OGRSpatialReference* srs = dataset->GetSpatialRef();
  if (dataset->GetGeoTransform(t.data()) != CE_None || !srs)
    throw Error(path + ": --grid needs a raster with a geotransform and a CRS");
  char* wkt = nullptr;
  srs->exportToWkt(&wkt);
  Grid grid{.size = {dataset->GetRasterYSize(), dataset->GetRasterXSize()},
            .georef = {.transform = t, .crs_wkt = wkt ? wkt : ""}};
  CPLFree(wkt);
  return grid;
}

}  // namespace

bool on_grid(const InputInfo& file, const Grid& grid) {
  const InputInfo grid_as_file{.file = file.file, .input = file.input, .size = grid.size, .georef = grid.georef};
  return !grid_difference(grid_as_file, file);
}

Grid choose_grid(const std::vector<std::vector<InputInfo>>& inputs, const GridRequest& request) {
  const InputInfo& first = inputs.front().front();
  if (!request.chosen()) {
    std::optional<std::string> difference;
    for (const auto& input : inputs)
      for (const InputInfo& file : input)
        if (!difference) difference = grid_difference(first, file);
    if (!difference) return {.size = first.size, .georef = first.georef};
    if (!first.georef.transform || first.georef.crs_wkt.empty())
      throw Error(*difference + "; " + first.file.path +
                  (first.georef.by_control()
                       ? " is placed by GCPs or RPCs: give --crs or --grid to warp the inputs onto one grid"
                       : " has no geotransform and CRS to resample the others onto"));
  }
  if (!request.grid_file.empty()) return grid_of_file(request.grid_file);
  // RPCs map WGS 84 coordinates.
  const std::string crs = !request.crs.empty()        ? crs_wkt_of(request.crs, "--crs")
                          : first.georef.transform  ? first.georef.crs_wkt
                          : !first.georef.gcps.empty() ? first.georef.gcp_crs_wkt
                          : !first.georef.rpc.empty()  ? crs_wkt_of("EPSG:4326", "RPC")
                                                       : std::string();
  if (crs.empty()) throw Error(first.file.path + ": has no CRS; give the output's with --crs");
  const Placement placement = placement_in(first, crs, request);
  Extent extent = placement.extent;
  for (auto file = inputs.front().begin() + 1; file != inputs.front().end(); ++file)
    extent = extent.united(placement_in(*file, crs, request).extent);
  const Resolution resolution = request.resolution.value_or(placement.resolution);
  if (request.extent) extent = *request.extent;
  // Pixel corners: on multiples of the resolution (--tap); else on the first
  // file's corners when the grid extends its pixels; else where the extent says.
  std::optional<std::array<double, 2>> anchor;
  const auto& t = first.georef.transform;
  if (request.tap)
    anchor = {0.0, 0.0};
  else if (!request.extent && t && north_up(*t) && same_crs(first.georef.crs_wkt, crs) &&
           resolution.x == (*t)[1] && resolution.y == -(*t)[5])
    anchor = {(*t)[0], (*t)[3]};
  if (!(resolution.x > 0 && resolution.y > 0) || !(extent.xmax > extent.xmin && extent.ymax > extent.ymin))
    throw UsageError(fmt::format("the output grid is empty: extent {},{},{},{} at resolution {},{}", extent.xmin,
                                 extent.ymin, extent.xmax, extent.ymax, resolution.x, resolution.y));
  const double cols = (extent.xmax - extent.xmin) / resolution.x, rows = (extent.ymax - extent.ymin) / resolution.y;
  constexpr double kMaxEdge = std::numeric_limits<int>::max();
  if (!(cols < kMaxEdge && rows < kMaxEdge))
    throw UsageError(fmt::format("the output grid would have {:.0f}x{:.0f} pixels, more than GDAL's {:.0f} a side; "
                                 "check --resolution and --extent (in the output CRS's units)",
                                 rows, cols, kMaxEdge));
  const auto [size, transform] = grid_covering(extent, resolution, anchor);
  return {.size = size, .georef = {.transform = transform, .crs_wkt = crs}};
}

}  // namespace geostrip
