#include "io/hdf5_georeference.hpp"

#include <ogr_spatialref.h>

#include <optional>

namespace geostrip {

namespace {

// The length of a 1-D dataset and its first two values; nullopt when it is
// not one. Only two are read: a damaged file may declare billions.
struct VectorStart {
  hsize_t length = 0;
  double first = 0, second = 0;
};
std::optional<VectorStart> read_vector_start(hid_t group, const char* name) {
  if (H5Lexists(group, name, H5P_DEFAULT) <= 0) return std::nullopt;
  const Handle dataset(H5Dopen2(group, name, H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) return std::nullopt;
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  hsize_t length = 0;
  if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &length, nullptr) != 1 ||
      length < 2)
    return std::nullopt;
  const hsize_t start = 0, count = 2;
  double values[2] = {0, 0};
  const Handle memory(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT, values) < 0)
    return std::nullopt;
  return VectorStart{length, values[0], values[1]};
}

// EPSG code of a sibling `projection`: its integer value, or its epsg_code attribute.
std::optional<int> read_epsg(hid_t group) {
  if (H5Lexists(group, "projection", H5P_DEFAULT) <= 0) return std::nullopt;
  const Handle dataset(H5Dopen2(group, "projection", H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) return std::nullopt;
  int code = 0;
  if (H5Aexists(dataset.get(), "epsg_code") > 0) {
    const Handle attribute(H5Aopen(dataset.get(), "epsg_code", H5P_DEFAULT), H5Aclose);
    if (H5Aread(attribute.get(), H5T_NATIVE_INT, &code) >= 0 && code > 0) return code;
  }
  const Handle type(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(type.get()) == H5T_INTEGER &&
      H5Dread(dataset.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &code) >= 0 && code > 0)
    return code;
  return std::nullopt;
}

}  // namespace

Georeference read_georeference(hid_t file, const std::string& dataset, RasterSize size) {
  Georeference georef;
  const std::string parent = dataset.substr(0, dataset.find_last_of('/'));
  const Handle group(H5Gopen2(file, parent.empty() ? "/" : parent.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) return georef;
  const auto x = read_vector_start(group.get(), "xCoordinates");
  const auto y = read_vector_start(group.get(), "yCoordinates");
  if (x && y && x->length == static_cast<hsize_t>(size.cols) && y->length == static_cast<hsize_t>(size.rows)) {
    const double dx = x->second - x->first, dy = y->second - y->first;
    georef.transform = GeoTransform{x->first - dx / 2, dx, 0, y->first - dy / 2, 0, dy};
  }
  if (const auto epsg = read_epsg(group.get())) {
    OGRSpatialReference srs;
    if (srs.importFromEPSG(*epsg) == OGRERR_NONE) {
      char* wkt = nullptr;
      srs.exportToWkt(&wkt);
      georef.crs_wkt = wkt ? wkt : "";
      CPLFree(wkt);
    }
  }
  return georef;
}

}  // namespace geostrip
