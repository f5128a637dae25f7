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

// Scene classes (Sentinel-2 L2A SCL values) the synthetic dates use.
inline constexpr std::uint8_t kSclNoData = 0, kSclVegetation = 4, kSclBare = 5, kSclWater = 6, kSclCloudMedium = 8,
                              kSclCloudHigh = 9;

// Reflectances of one pixel in band order B02, B03, B04, B08; all 0 outside
// the swath. Each date (1, 2, ...) of the scene has its own clouds; date 0 is
// the single scene's.
std::array<std::uint16_t, 4> s2_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed,
                                      int date = 0);
// The scene class of one pixel of a date, as SCL gives it.
std::uint8_t s2_class(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed, int date);

// Writes DIR/B02.tif ... DIR/B08.tif, block by block on the team's ranks and threads.
void write_s2_scene(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team, int date = 0);

// Writes `dates` cloudy dates of one scene: DIR/d01/{B02,B03,B04,B08}.tif and
// DIR/d01/SCL.tif (20 m), DIR/d02/..., one folder a date (date_name).
void write_s2_dates(const std::string& dir, RasterSize size, std::uint64_t seed, int dates, const EngineOptions& options,
                    const Team& team);

}  // namespace geostrip::synth
