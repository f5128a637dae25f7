#include "io/gdal.hpp"

#include <cpl_error.h>

#include <mutex>

#include "core/error.hpp"

namespace geostrip {

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });
}

std::string gdal_error_or(const std::string& fallback) {
  const char* message = CPLGetLastErrorMsg();
  return message && *message ? std::string(message) : fallback;
}

GdalDataset open_raster(const std::string& path) {
  init_gdal();
  CPLErrorReset();
  GdalDataset dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!dataset) throw Error(path + ": cannot open as a raster: " + gdal_error_or("unknown format"));
  return dataset;
}

GDALDataType to_gdal(PixelType type) {
  switch (type) {
    case PixelType::Byte: return GDT_Byte;
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

}  // namespace geostrip
