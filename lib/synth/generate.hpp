#pragma once
// Writes a synthetic scene block by block on the team's ranks and threads:
// every pixel is a function of its position and the seed, so any block can be
// made on its own and the files are the same for any decomposition.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/run.hpp"
#include "io/output_format.hpp"

namespace geostrip::synth {

struct SceneOutputs {
  // Opens the outputs; called on rank 0 only, before any block is made.
  std::function<std::vector<std::unique_ptr<RowSink>>()> open;
  // Makes one block: a buffer per output.
  std::function<std::vector<BlockBuffer>(RowBlock rows)> make;
  std::uint64_t bytes_per_row = 0;  // all outputs
  // Each output's encoder, which every rank uses on the blocks it makes.
  std::vector<std::unique_ptr<RowEncoder>> encoders;
};

void generate(RasterSize size, const SceneOutputs& scene, const EngineOptions& options, const Team& team);

// Writes the one-band GeoTIFF `spec` in DIR, `fill` making each block's pixels.
void generate_band(const std::string& dir, const OutputSpec& spec,
                   const std::function<void(RowBlock rows, BlockBuffer& pixels)>& fill, const EngineOptions& options,
                   const Team& team);

// The UTM 33N grid of `pixel` metres every synthetic scene sits on.
Georeference utm33_grid(double pixel);

// The name of date 1, 2, ... of a stack: d01, d02, ...
std::string date_name(int date);

// Creates DIR and its parents, or throws Error naming it.
void make_directory(const std::string& dir);

// The spec of a single-band GeoTIFF output on the UTM 33N grid.
OutputSpec geotiff_spec(const std::string& path, RasterSize size, double pixel, PixelType type, double nodata);

}  // namespace geostrip::synth
