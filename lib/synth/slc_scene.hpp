#pragma once
// A pair of co-registered SLCs, NISAR GSLC-like: complex64 {r, i} grids in
// HDF5 with xCoordinates, yCoordinates and projection. The secondary is the
// reference with a spatially varying coherence (high on bare ground, low on
// vegetation, none on water) and an interferometric phase (a subsidence bowl
// on topographic fringes).
#include <complex>
#include <cstdint>
#include <string>

#include "engine/run.hpp"

namespace geostrip::synth {

inline constexpr const char* kSlcDataset = "/science/LSAR/GSLC/grids/frequencyA/HH";

struct SlcPair {
  std::complex<float> reference, secondary;
  float coherence;  // the true coherence the pair was drawn with
  float phase;      // the true interferometric phase, arg(reference * conj(secondary))
};

SlcPair slc_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed);

// Writes DIR/reference.h5 and DIR/secondary.h5.
void write_slc_pair(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team);

// Writes a stack of `dates` SLCs, DIR/d01.h5 ... : d01 is the pair's reference,
// d02 its secondary, and date k+1 has k times the secondary's phase and its
// own speckle, as correlated with the reference as the secondary is.
void write_slc_stack(const std::string& dir, RasterSize size, std::uint64_t seed, int dates,
                     const EngineOptions& options, const Team& team);

}  // namespace geostrip::synth
