// geostrip's tile encoder alone: the CPU time and bytes of a raster's tiles
// (512 pixels, DEFLATE, its type's predictor) at each DEFLATE level given,
// on one thread, best of 3. tests/perf/overview-levels.py runs it on
// overviews; the user guide's "Overview level" quotes that table.
//   geostrip_bench_tiles FILE LEVEL...
// prints one line a level: LEVEL NS_A_PIXEL BYTES
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <numeric>

#include "io/gdal.hpp"
#include "io/tile_encoder.hpp"

using namespace geostrip;

namespace {

PixelType pixel_type_of(GDALDataType type) {
  for (const PixelType p : {PixelType::Byte, PixelType::UInt16, PixelType::Int16, PixelType::UInt32,
                            PixelType::Int32, PixelType::Float32, PixelType::Float64})
    if (to_gdal(p) == type) return p;
  throw Error(std::string("no geostrip pixel type for ") + GDALGetDataTypeName(type));
}

double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: geostrip_bench_tiles FILE LEVEL...\n");
    return 2;
  }
  init_gdal();
  const GdalDataset dataset = open_raster(argv[1]);
  const int bands = dataset->GetRasterCount();
  const RasterSize size{dataset->GetRasterYSize(), dataset->GetRasterXSize()};
  const PixelType type = pixel_type_of(dataset->GetRasterBand(1)->GetRasterDataType());
  BlockBuffer pixels(type, bands, {0, size.rows}, size.cols);
  for (int b = 0; b < bands; ++b)
    if (dataset->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, static_cast<int>(size.cols),
                                                static_cast<int>(size.rows), pixels.band_data(b),
                                                static_cast<int>(size.cols), static_cast<int>(size.rows),
                                                to_gdal(type), 0, 0, nullptr) != CE_None)
      throw Error(gdal_error_or(std::string(argv[1]) + ": cannot read band " + std::to_string(b + 1)));
  for (int i = 2; i < argc; ++i) {
    const TileFormat format{.type = type, .bands = bands, .cols = size.cols, .tile = 512, .codec = Codec::Deflate,
                            .level = std::atoi(argv[i])};
    double best = std::numeric_limits<double>::infinity();
    std::size_t bytes = 0;
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double start = thread_seconds();
      const EncodedRows encoded = encode_tiles(pixels, format, 1);
      best = std::min(best, thread_seconds() - start);
      bytes = std::accumulate(encoded.pieces.begin(), encoded.pieces.end(), std::size_t{0},
                              [](std::size_t sum, const auto& piece) { return sum + piece.size(); });
    }
    fmt::print("{} {:.2f} {}\n", argv[i], best / static_cast<double>(size.pixels()) * 1e9, bytes);
  }
}
