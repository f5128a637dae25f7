#pragma once
// HDF5 types and geostrip's pixel types, both ways.
#include <optional>

#include "core/pixel_type.hpp"
#include "io/hdf5.hpp"

namespace geostrip {

// The pixel type of a dataset type: {r, i} compounds of float32 or float16
// are complex; nullopt for any other type (64-bit integers, damaged compounds).
std::optional<PixelType> pixel_type(hid_t type);

// The memory type HDF5 converts into for a buffer of `type`.
Handle memory_type(PixelType type);

}  // namespace geostrip
