#include "synth/s2_tiles.hpp"

#include <fmt/core.h>
#include <gdal_utils.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "synth/generate.hpp"
#include "synth/s2_scene.hpp"

namespace geostrip::synth {

namespace {

constexpr const char* kNeighbourZone = "EPSG:32634";

// Runs one GDAL utility (GDALTranslate or GDALWarp) with gdal_translate- or
// gdalwarp-style arguments; throws Error naming `output`.
template <typename Options, typename NewOptions, typename FreeOptions, typename Run>
void gdal_utility(const std::string& output, CPLStringList arguments, NewOptions make, FreeOptions free,
                  Run run) {
  CPLErrorReset();
  std::unique_ptr<Options, FreeOptions> options(make(arguments.List(), nullptr), free);
  int usage_error = 0;
  const GDALDatasetH written = options ? run(options.get(), &usage_error) : nullptr;
  if (!written) throw Error(output + ": cannot be written: " + gdal_error_or("GDAL utility failed"));
  GDALClose(written);
}

void cut_tile(const std::string& scene_band, const std::string& tile, const Region& window, bool other_zone) {
  const std::string cut = other_zone ? "/vsimem/" + tile + ".cut.tif" : tile;
  CPLStringList translate;
  for (const std::string& arg :
       {std::string("-q"), std::string("-srcwin"), std::to_string(window.cols.begin), std::to_string(window.rows.begin),
        std::to_string(window.cols.rows()), std::to_string(window.rows.rows()), std::string("-co"),
        std::string("TILED=YES"), std::string("-co"), std::string("COMPRESS=DEFLATE"), std::string("-co"),
        std::string("PREDICTOR=2")})
    translate.AddString(arg.c_str());
  const GdalDataset source = open_raster(scene_band);
  gdal_utility<GDALTranslateOptions>(
      tile, translate, GDALTranslateOptionsNew, GDALTranslateOptionsFree,
      [&](GDALTranslateOptions* options, int* usage) {
        return GDALTranslate(cut.c_str(), GDALDataset::ToHandle(source.get()), options, usage);
      });
  if (!other_zone) return;
  CPLStringList warp;
  for (const char* arg : {"-q", "-t_srs", kNeighbourZone, "-r", "near", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE",
                          "-co", "PREDICTOR=2"})
    warp.AddString(arg);
  const GdalDataset piece = open_raster(cut);
  GDALDatasetH sources[] = {GDALDataset::ToHandle(piece.get())};
  gdal_utility<GDALWarpAppOptions>(tile, warp, GDALWarpAppOptionsNew, GDALWarpAppOptionsFree,
                                   [&](GDALWarpAppOptions* options, int* usage) {
                                     return GDALWarp(tile.c_str(), nullptr, 1, sources, options, usage);
                                   });
  VSIUnlink(cut.c_str());
}

}  // namespace

void write_s2_tiles(const std::string& dir, const TileLayout& layout) {
  init_gdal();
  make_directory(dir + "/tiles");
  const GdalDataset first = open_raster(dir + "/" + kS2Bands.front() + ".tif");
  const RasterSize size{first->GetRasterYSize(), first->GetRasterXSize()};
  const std::int64_t tile_rows = (size.rows + layout.tiles.rows - 1) / layout.tiles.rows;
  const std::int64_t tile_cols = (size.cols + layout.tiles.cols - 1) / layout.tiles.cols;
  for (const char* band : kS2Bands) {
    const std::string list_path = dir + "/" + band + ".tiles.txt";
    std::ofstream list(list_path);
    for (std::int64_t i = 0; i < layout.tiles.rows; ++i)
      for (std::int64_t j = 0; j < layout.tiles.cols; ++j) {
        const Region window{
            .rows = crop({i * tile_rows - layout.overlap, (i + 1) * tile_rows + layout.overlap}, {0, size.rows}),
            .cols = crop({j * tile_cols - layout.overlap, (j + 1) * tile_cols + layout.overlap}, {0, size.cols})};
        if (window.rows.empty() || window.cols.empty()) continue;
        const std::string tile = fmt::format("{}/tiles/{}_{}_{}.tif", dir, band, i, j);
        cut_tile(dir + "/" + band + ".tif", tile, window, layout.utm_split && 2 * j >= layout.tiles.cols);
        list << tile << '\n';
      }
    if (!list.flush()) throw Error(list_path + ": cannot be written");
  }
}

}  // namespace geostrip::synth
