#include "io/gdal.hpp"

#include <ogr_spatialref.h>

#include <cpl_error.h>

#include <mutex>

#include "core/error.hpp"

namespace geostrip {

namespace {
constexpr GIntBig kGdalCacheBytes = GIntBig{64} << 20;
}  // namespace

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    // GDAL keeps decoded tiles up to 5% of the machine's memory by default.
    // Blocks read each input tile once, and with a halo each thread reads
    // again only its own column strip's last tile rows (engine/run.cpp), so
    // a small cache does and memory stays flat as rasters grow: 64 MiB holds
    // those rows for about 9000 Float32 columns of 512-row tiles; wider
    // rasters decode halo tiles again unless GDAL_CACHEMAX, which rules, is set.
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(kGdalCacheBytes);
  });
}

std::string gdal_error_or(const std::string& fallback) {
  const char* message = CPLGetLastErrorMsg();
  return message && *message ? std::string(message) : fallback;
}

GdalDataset open_raster(const std::string& path) {
  init_gdal();
  CPLErrorReset();
  GdalDataset dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
  if (!dataset) {
    std::string reason = gdal_error_or("unknown format");
    if (reason.starts_with(path + ": ")) reason.erase(0, path.size() + 2);  // GDAL names the path too
    throw Error(path + ": cannot open as a raster: " + reason);
  }
  return dataset;
}

std::optional<std::string> read_metadata_item(const std::string& path, const std::string& key) {
  init_gdal();
  const GdalDataset dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  const char* value = dataset ? dataset->GetMetadataItem(key.c_str()) : nullptr;
  return value ? std::optional<std::string>(value) : std::nullopt;
}

GDALDataType to_gdal(PixelType type) {
  switch (type) {
    case PixelType::Byte: return GDT_Byte;
#if GDAL_VERSION_NUM >= GDAL_COMPUTE_VERSION(3, 7, 0)
    case PixelType::Int8: return GDT_Int8;
#else
    case PixelType::Int8: return GDT_Byte;  // with PIXELTYPE=SIGNEDBYTE
#endif
    case PixelType::UInt16: return GDT_UInt16;
    case PixelType::Int16: return GDT_Int16;
    case PixelType::UInt32: return GDT_UInt32;
    case PixelType::Int32: return GDT_Int32;
    case PixelType::Float32: return GDT_Float32;
    case PixelType::Float64: return GDT_Float64;
    case PixelType::CFloat32: return GDT_CFloat32;
  }
  return GDT_Unknown;
}

bool same_crs(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  OGRSpatialReference ra, rb;
  if (ra.importFromWkt(a.c_str()) != OGRERR_NONE || rb.importFromWkt(b.c_str()) != OGRERR_NONE) return a == b;
  return ra.IsSame(&rb);
}

std::string crs_name(const std::string& wkt) {
  if (wkt.empty()) return "none";
  OGRSpatialReference srs;
  srs.importFromWkt(wkt.c_str());
  const char* name = srs.GetName();
  const char* code = srs.GetAuthorityCode(nullptr);
  return std::string(name ? name : "unnamed CRS") + (code ? " (EPSG:" + std::string(code) + ")" : "");
}

}  // namespace geostrip
