#pragma once
// What the user asked of the output grid (PRODUCT.md section 4): a chosen
// grid or parts of one, how inputs are resampled onto it, how the files of a
// mosaic combine, and where it is cut.
#include <gdalwarper.h>

#include <map>
#include <optional>
#include <string>

#include "geometry/grid.hpp"

namespace geostrip {

// Where valid pixels of several files of one input overlap.
enum class MosaicRule { Last, First, Min, Max, Mean };

struct GridRequest {
  std::string grid_file;  // --grid FILE: its CRS, geotransform and size
  std::string crs;        // --crs, anything OGRSpatialReference::SetFromUserInput takes
  std::optional<Resolution> resolution;
  std::optional<Extent> extent;  // in the output CRS
  bool tap = false;              // pixel corners on multiples of the resolution
  std::string cutline;           // a vector file: pixels outside its polygons are nodata
  std::string resampling = "near";
  std::map<std::string, std::string> resampling_of;  // per input name, over `resampling`
  MosaicRule mosaic = MosaicRule::Last;
  std::optional<int> gcp_order;  // polynomial order of a GCP transform (GDAL picks one by default)
  bool tps = false;              // thin plate spline through the GCPs instead
  // Source pixels a transformed coordinate may stray from the exact one
  // (gdalwarp -et); 0: every pixel transformed exactly.
  double transform_error = 0;

  // Whether anything of the grid itself was chosen (else the default grid).
  bool chosen() const { return !grid_file.empty() || !crs.empty() || resolution || extent || tap; }
  friend bool operator==(const GridRequest&, const GridRequest&) = default;
  const std::string& resampling_for(const std::string& input) const {
    const auto it = resampling_of.find(input);
    return it != resampling_of.end() ? it->second : resampling;
  }
};

// One of GDAL's resampling methods, by its gdalwarp name.
struct ResamplingMethod {
  const char* name;
  GDALResampleAlg algorithm;
  int radius;  // source pixels a destination pixel may reach beyond its own
};
// Throws UsageError listing the methods.
const ResamplingMethod& resampling_method(const std::string& name);

// "last" -> MosaicRule::Last ...; throws UsageError.
MosaicRule parse_mosaic_rule(const std::string& text);
const char* mosaic_rule_name(MosaicRule rule);

}  // namespace geostrip
