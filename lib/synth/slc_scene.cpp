#include "synth/slc_scene.hpp"

#include <cmath>
#include <numbers>

#include "io/hdf5_writer.hpp"
#include "synth/generate.hpp"
#include "synth/noise.hpp"

namespace geostrip::synth {

namespace {

// A circular complex Gaussian sample of unit power (Box-Muller on position hashes).
std::complex<double> speckle(std::int64_t row, std::int64_t col, std::uint64_t seed) {
  const double u = std::max(lattice(col, row, seed), 1e-300), v = lattice(col, row, seed + 1);
  return std::polar(std::sqrt(-std::log(u)), 2 * std::numbers::pi * v);
}

}  // namespace

SlcPair slc_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed) {
  const auto x = static_cast<double>(col), y = static_cast<double>(row);
  const double land = fbm(x / 300, y / 300, 4, seed + 31);
  const bool water = land < -0.35;
  const double amplitude = water ? 0.05 : 0.2 + 0.8 * (0.5 + 0.5 * fbm(x / 40, y / 40, 3, seed + 32));
  const double coherence =
      water ? 0.0 : std::clamp(0.2 + 0.75 * (0.5 + 0.5 * fbm(x / 150, y / 150, 3, seed + 33)), 0.0, 0.97);
  const double cx = static_cast<double>(size.cols) / 2, cy = static_cast<double>(size.rows) / 2;
  const double r2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (0.04 * (cx * cx + cy * cy) + 1);
  const double phase = 6 * std::numbers::pi * std::exp(-r2) + 4 * std::numbers::pi * fbm(x / 500, y / 500, 2, seed + 34);
  const std::complex<double> a = speckle(row, col, seed + 35), b = speckle(row, col, seed + 37);
  const std::complex<double> reference = amplitude * a;
  const std::complex<double> secondary =
      amplitude * (coherence * a + std::sqrt(1 - coherence * coherence) * b) * std::polar(1.0, -phase);
  return {std::complex<float>(reference), std::complex<float>(secondary), static_cast<float>(coherence),
          static_cast<float>(std::remainder(phase, 2 * std::numbers::pi))};
}

void write_slc_pair(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team) {
  SceneOutputs scene;
  for (int i = 0; i < 2; ++i) scene.encoders.push_back(std::make_unique<RawRowsEncoder>(PixelType::CFloat32, 1, size.cols));
  scene.open = [&] {
    make_directory(dir);
    const GeoTransform grid = *utm33_grid(10).transform;
    std::vector<std::unique_ptr<RowSink>> writers;
    for (const char* name : {"reference", "secondary"})
    {
      const std::string path = dir + "/" + name + ".h5";
      writers.push_back(std::make_unique<Hdf5GridWriter>(path, kSlcDataset, size, grid, 32633,
                                                         options.write.overwrite, OutputLock(path)));
    }
    return writers;
  };
  scene.make = [&](RowBlock rows) {
    std::vector<BlockBuffer> out;
    for (int i = 0; i < 2; ++i) out.emplace_back(PixelType::CFloat32, 1, rows, size.cols);
    for (std::int64_t r = rows.begin; r < rows.end; ++r)
      for (std::int64_t c = 0; c < size.cols; ++c) {
        const SlcPair pixel = slc_pixel(r, c, size, seed);
        out[0].band<std::complex<float>>(0).row(r - rows.begin)[c] = pixel.reference;
        out[1].band<std::complex<float>>(0).row(r - rows.begin)[c] = pixel.secondary;
      }
    return out;
  };
  scene.bytes_per_row = static_cast<std::uint64_t>(size.cols) * 2 * sizeof(std::complex<float>);
  generate(size, scene, options, team);
}

}  // namespace geostrip::synth
