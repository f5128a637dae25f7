#include "synth/generate.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "core/error.hpp"
#include <filesystem>

#include "engine/block_driver.hpp"
#include "io/geotiff_writer.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"

namespace geostrip::synth {

void generate(RasterSize size, const SceneOutputs& scene, const EngineOptions& options, const Team& team) {
  if (size.rows < 1 || size.cols < 1) throw UsageError("--size must be at least 1x1");
  const RankFacts& me = team.topology.me();
  std::vector<std::unique_ptr<RowSink>> writers;
  collectively(team.comm, me.host, [&] {
    if (team.comm.rank() == 0) writers = scene.open();
  });
  const BlockRowsRequest shape{
      .output_rows = size.rows, .output_bytes_per_row = scene.bytes_per_row, .tile_rows = options.write.tile};
  const std::int64_t block_rows = options.block_rows ? *options.block_rows : agreed_block_rows(team, shape);
  const RowBlocks blocks = split_rows(size.rows, block_rows);
  const DriverResult result = run_blocks(
      blocks, team.comm, driver_options(team),
      BlockMaker{.parts = [](RowBlock) { return std::size_t{1}; },
                 .owner = [&](RowBlock rows, std::size_t) { return static_cast<int>(rows.begin / block_rows); },
                 .start =
                     [&](RowBlock rows) {
                       return std::vector<EncodedRows>(
                           scene.encoders.size(),
                           EncodedRows{.rows = rows, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}});
                     },
                 .make_part =
                     [&](RowBlock rows, std::size_t, int, std::vector<EncodedRows>& outputs) {
                       const std::vector<BlockBuffer> made = scene.make(rows);
                       for (std::size_t i = 0; i < made.size(); ++i) scene.encoders[i]->encode(made[i], outputs[i]);
                     }},
      [&](std::vector<EncodedRows>&& outputs) {
        for (std::size_t i = 0; i < outputs.size(); ++i) writers[i]->place(std::move(outputs[i]));
      });
  // A scene is quick to make again and has no journal: the writers, not
  // committed, remove their partial files.
  if (result.signal != 0)
    throw Interrupted("interrupted by " + signal_name(result.signal) +
                          ": the scene's unfinished files are removed; run the same command again",
                      result.signal);
  collectively(team.comm, me.host, [&] {
    for (auto& writer : writers) writer->commit();
  });
}

void generate_band(const std::string& dir, const OutputSpec& spec,
                   const std::function<void(RowBlock rows, BlockBuffer& pixels)>& fill, const EngineOptions& options,
                   const Team& team) {
  SceneOutputs scene;
  scene.encoders.push_back(std::make_unique<GeoTiffEncoder>(spec, options.write));
  scene.open = [&] {
    make_directory(dir);
    std::vector<std::unique_ptr<RowSink>> writers;
    writers.push_back(std::make_unique<GeoTiffWriter>(spec, options.write, OutputLock(spec.path)));
    return writers;
  };
  scene.make = [&](RowBlock rows) {
    std::vector<BlockBuffer> out;
    fill(rows, out.emplace_back(spec.type, 1, rows, spec.size.cols));
    return out;
  };
  scene.bytes_per_row = static_cast<std::uint64_t>(spec.size.cols) * size_of(spec.type);
  generate(spec.size, scene, options, team);
}

Georeference utm33_grid(double pixel) {
  OGRSpatialReference utm;
  utm.importFromEPSG(32633);
  char* wkt = nullptr;
  utm.exportToWkt(&wkt);
  Georeference georef{GeoTransform{399960, pixel, 0, 5300040, 0, -pixel}, wkt ? wkt : ""};
  CPLFree(wkt);
  return georef;
}

std::string date_name(int date) { return fmt::format("d{:02}", date); }

void make_directory(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw Error(dir + ": cannot create directory: " + error.message());
}

OutputSpec geotiff_spec(const std::string& path, RasterSize size, double pixel, PixelType type, double nodata) {
  return {.path = path,
          .size = size,
          .georef = utm33_grid(pixel),
          .type = type,
          .bands = 1,
          .color = ColorModel::Gray,
          .nodata = nodata,
          .band_names = {},
          .fingerprint = {}};
}

}  // namespace geostrip::synth
