#include "synth/dem_scene.hpp"

#include <cmath>

#include "synth/generate.hpp"
#include "synth/noise.hpp"

namespace geostrip::synth {

float dem_pixel(std::int64_t row, std::int64_t col, std::uint64_t seed) {
  const auto x = static_cast<double>(col), y = static_cast<double>(row);
  if (fbm(x / 40, y / 40, 2, seed + 21) > 0.62) return kDemNodata;  // voids
  const double hills = 0.5 + 0.5 * fbm(x / 600, y / 600, 6, seed + 22);
  const double ridges = 1 - std::abs(fbm(x / 250, y / 250, 4, seed + 23));
  return static_cast<float>(150 + 1400 * hills * hills + 350 * ridges * ridges);
}

void write_dem(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
               const Team& team) {
  const OutputSpec spec = geotiff_spec(dir + "/dem.tif", size, 30, PixelType::Float32, kDemNodata);
  const auto fill = [&](RowBlock rows, BlockBuffer& pixels) {
    for (std::int64_t r = rows.begin; r < rows.end; ++r)
      for (std::int64_t c = 0; c < size.cols; ++c) pixels.band<float>(0).row(r - rows.begin)[c] = dem_pixel(r, c, seed);
  };
  generate_band(dir, spec, fill, options, team);
}

}  // namespace geostrip::synth
