#include "synth/noise.hpp"

#include <cmath>

namespace geostrip::synth {

std::uint64_t hash(std::int64_t x, std::int64_t y, std::uint64_t seed) {
  // splitmix64 finalizer over a combination of the inputs.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(x) +
                    0xC2B2AE3D27D4EB4FULL * static_cast<std::uint64_t>(y);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double lattice(std::int64_t x, std::int64_t y, std::uint64_t seed) {
  return static_cast<double>(hash(x, y, seed) >> 11) * 0x1.0p-53;
}

double value_noise(double x, double y, std::uint64_t seed) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
  const double tx = x - fx, ty = y - fy;
  const double sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty);
  const double top = lattice(ix, iy, seed) + sx * (lattice(ix + 1, iy, seed) - lattice(ix, iy, seed));
  const double bottom =
      lattice(ix, iy + 1, seed) + sx * (lattice(ix + 1, iy + 1, seed) - lattice(ix, iy + 1, seed));
  return 2 * (top + sy * (bottom - top)) - 1;
}

double fbm(double x, double y, int octaves, std::uint64_t seed) {
  double sum = 0, amplitude = 0.5, frequency = 1, norm = 0;
  for (int o = 0; o < octaves; ++o) {
    sum += amplitude * value_noise(x * frequency, y * frequency, seed + static_cast<std::uint64_t>(o) * 7919);
    norm += amplitude;
    amplitude *= 0.5;
    frequency *= 2;
  }
  return sum / norm;
}

}  // namespace geostrip::synth
