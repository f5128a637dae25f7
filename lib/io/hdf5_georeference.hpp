#pragma once
// The georeference of an HDF5 dataset, NISAR/UAVSAR style: sibling
// xCoordinates and yCoordinates (pixel centres) and a projection dataset
// (its EPSG code, or its epsg_code attribute). What is missing or malformed
// leaves the dataset without georeference (radar geometry).
#include <string>

#include "geometry/georeference.hpp"
#include "geometry/row_block.hpp"
#include "io/hdf5.hpp"

namespace geostrip {

Georeference read_georeference(hid_t file, const std::string& dataset, RasterSize size);

}  // namespace geostrip
