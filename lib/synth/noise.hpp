#pragma once
// Position-based noise: every value depends only on its coordinates and the
// seed, so any block of a synthetic scene can be generated on its own.
#include <cstdint>

namespace geostrip::synth {

// A well-mixed 64-bit hash of a lattice point.
std::uint64_t hash(std::int64_t x, std::int64_t y, std::uint64_t seed);

// Uniform in [0, 1) at a lattice point.
double lattice(std::int64_t x, std::int64_t y, std::uint64_t seed);

// Smooth value noise in [-1, 1], one lattice cell per unit.
double value_noise(double x, double y, std::uint64_t seed);

// Fractal sum of `octaves` value noises, each at twice the frequency and half
// the amplitude of the last; roughly in [-1, 1].
double fbm(double x, double y, int octaves, std::uint64_t seed);

}  // namespace geostrip::synth
