#pragma once
// Thin RAII layer over the GDAL C++ API: every failure becomes a geostrip::Error
// carrying the file name and GDAL's own message.
#include <gdal_priv.h>

#include <memory>
#include <optional>
#include <string>

#include "core/pixel_type.hpp"

namespace geostrip {

// Registers drivers and silences GDAL's stderr printing (errors reach the user
// through exceptions, as one line). Safe to call more than once.
void init_gdal();

struct GdalDatasetCloser {
  void operator()(GDALDataset* dataset) const { GDALClose(GDALDataset::ToHandle(dataset)); }
};
using GdalDataset = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

// Opens `path` read-only as a raster; throws Error naming the path.
GdalDataset open_raster(const std::string& path);

// A metadata item (default domain) of the raster at `path`; nullopt when the
// item is absent or `path` is not a raster GDAL opens.
std::optional<std::string> read_metadata_item(const std::string& path, const std::string& key);

// GDAL's last error message on this thread, or `fallback` when it has none.
std::string gdal_error_or(const std::string& fallback);

// A CRS for people: "WGS 84 / UTM zone 33N (EPSG:32633)"; "none" for an empty WKT.
std::string crs_name(const std::string& wkt);

// Whether two WKT strings name the same CRS (two empty ones do).
bool same_crs(const std::string& a, const std::string& b);

GDALDataType to_gdal(PixelType type);

}  // namespace geostrip
