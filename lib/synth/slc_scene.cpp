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

namespace {

// What every date of a pixel shares: its backscatter, its coherence from one
// date to the next, the deformation phase between dates, and the reference's speckle.
struct SlcGround {
  double amplitude, coherence, phase;
  std::complex<double> speckle;
};

SlcGround slc_ground(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed) {
  const auto x = static_cast<double>(col), y = static_cast<double>(row);
  const double land = fbm(x / 300, y / 300, 4, seed + 31);
  const bool water = land < -0.35;
  const double amplitude = water ? 0.05 : 0.2 + 0.8 * (0.5 + 0.5 * fbm(x / 40, y / 40, 3, seed + 32));
  const double coherence =
      water ? 0.0 : std::clamp(0.2 + 0.75 * (0.5 + 0.5 * fbm(x / 150, y / 150, 3, seed + 33)), 0.0, 0.97);
  const double cx = static_cast<double>(size.cols) / 2, cy = static_cast<double>(size.rows) / 2;
  const double r2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (0.04 * (cx * cx + cy * cy) + 1);
  const double phase = 6 * std::numbers::pi * std::exp(-r2) + 4 * std::numbers::pi * fbm(x / 500, y / 500, 2, seed + 34);
  return {.amplitude = amplitude, .coherence = coherence, .phase = phase, .speckle = speckle(row, col, seed + 35)};
}

// Date 0 is the reference; date k keeps `coherence` of its speckle and has k
// times the phase.
std::complex<float> slc_date(const SlcGround& g, std::int64_t row, std::int64_t col, std::uint64_t seed, int date) {
  if (date == 0) return std::complex<float>(g.amplitude * g.speckle);
  const std::complex<double> own = speckle(row, col, seed + 35 + 2 * static_cast<std::uint64_t>(date));
  return std::complex<float>(g.amplitude * (g.coherence * g.speckle + std::sqrt(1 - g.coherence * g.coherence) * own) *
                             std::polar(1.0, -g.phase * date));
}

// Writes one HDF5 grid per name in DIR, each date's pixels from slc_date.
void write_slc_dates(const std::string& dir, const std::vector<std::string>& names, RasterSize size,
                     std::uint64_t seed, const EngineOptions& options, const Team& team) {
  SceneOutputs scene;
  for (std::size_t i = 0; i < names.size(); ++i)
    scene.encoders.push_back(std::make_unique<RawRowsEncoder>(PixelType::CFloat32, 1, size.cols));
  scene.open = [&] {
    make_directory(dir);
    const GeoTransform grid = *utm33_grid(10).transform;
    std::vector<std::unique_ptr<RowSink>> writers;
    for (const std::string& name : names) {
      const std::string path = dir + "/" + name + ".h5";
      writers.push_back(std::make_unique<Hdf5GridWriter>(path, kSlcDataset, size, grid, 32633,
                                                         options.write.overwrite, OutputLock(path)));
    }
    return writers;
  };
  scene.make = [&](RowBlock rows) {
    std::vector<BlockBuffer> out;
    for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(PixelType::CFloat32, 1, rows, size.cols);
    for (std::int64_t r = rows.begin; r < rows.end; ++r)
      for (std::int64_t c = 0; c < size.cols; ++c) {
        const SlcGround ground = slc_ground(r, c, size, seed);
        for (std::size_t i = 0; i < names.size(); ++i)
          out[i].band<std::complex<float>>(0).row(r - rows.begin)[c] = slc_date(ground, r, c, seed, static_cast<int>(i));
      }
    return out;
  };
  scene.bytes_per_row = static_cast<std::uint64_t>(size.cols) * names.size() * sizeof(std::complex<float>);
  generate(size, scene, options, team);
}

}  // namespace

SlcPair slc_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed) {
  const SlcGround g = slc_ground(row, col, size, seed);
  return {slc_date(g, row, col, seed, 0), slc_date(g, row, col, seed, 1), static_cast<float>(g.coherence),
          static_cast<float>(std::remainder(g.phase, 2 * std::numbers::pi))};
}

void write_slc_pair(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team) {
  write_slc_dates(dir, {"reference", "secondary"}, size, seed, options, team);
}

void write_slc_stack(const std::string& dir, RasterSize size, std::uint64_t seed, int dates,
                     const EngineOptions& options, const Team& team) {
  std::vector<std::string> names;
  for (int date = 1; date <= dates; ++date) names.push_back(date_name(date));
  write_slc_dates(dir, names, size, seed, options, team);
}

}  // namespace geostrip::synth
