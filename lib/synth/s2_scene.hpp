#pragma once
// A Sentinel-2-L2A-like scene: B02, B03, B04, B08 surface reflectance x 10000
// (UInt16, nodata 0) over fields, forest, water, a town and clouds, with the
// diagonal no-data wedge of an orbit edge, on a 10 m UTM grid.
#include <array>
#include <cstdint>
#include <string>

#include "engine/run.hpp"
#include "geometry/row_block.hpp"

namespace geostrip::synth {

inline constexpr std::array<const char*, 4> kS2Bands{"B02", "B03", "B04", "B08"};

// Reflectances of one pixel in band order B02, B03, B04, B08; all 0 outside the swath.
std::array<std::uint16_t, 4> s2_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed);

// Writes DIR/B02.tif ... DIR/B08.tif, block by block on the team's ranks and threads.
void write_s2_scene(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team);

}  // namespace geostrip::synth
