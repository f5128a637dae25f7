#pragma once
// A DEM: Float32 heights in metres on a 30 m UTM grid, hills, valleys and a
// few voids (nodata -9999) like those of radar DEMs.
#include <cstdint>
#include <string>

#include "engine/run.hpp"

namespace geostrip::synth {

inline constexpr float kDemNodata = -9999.0f;

float dem_pixel(std::int64_t row, std::int64_t col, std::uint64_t seed);

// Writes DIR/dem.tif.
void write_dem(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
               const Team& team);

}  // namespace geostrip::synth
