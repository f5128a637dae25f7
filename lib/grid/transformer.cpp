#include "grid/transformer.hpp"

#include <gdal_alg.h>
#include <ogr_spatialref.h>

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
