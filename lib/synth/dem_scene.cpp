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
  SceneOutputs scene;
  const OutputSpec spec = geotiff_spec(dir + "/dem.tif", size, 30, PixelType::Float32, kDemNodata);
  scene.encoders.push_back(std::make_unique<GeoTiffEncoder>(spec, options.write));
  scene.open = [&] {
    make_directory(dir);
    std::vector<std::unique_ptr<RowSink>> writers;
    writers.push_back(std::make_unique<GeoTiffWriter>(spec, options.write, OutputLock(spec.path)));
    return writers;
  };
  scene.make = [&](RowBlock rows) {
    std::vector<BlockBuffer> out;
    out.emplace_back(PixelType::Float32, 1, rows, size.cols);
    for (std::int64_t r = rows.begin; r < rows.end; ++r)
      for (std::int64_t c = 0; c < size.cols; ++c) out[0].band<float>(0).row(r - rows.begin)[c] = dem_pixel(r, c, seed);
    return out;
  };
  scene.bytes_per_row = static_cast<std::uint64_t>(size.cols) * sizeof(float);
  generate(size, scene, options, team);
}

}  // namespace geostrip::synth
