#pragma once
// An input painted onto the output grid from its files (PRODUCT.md section
// 4): each file resampled with GDAL's warper through an exact transform (or,
// on the grid's own pixels, read as it is), painted in order, overlaps
// decided by the mosaic rule. Built once per rank; its threads read it
// through their own open files.
#include <gdalwarper.h>

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geometry/grid.hpp"
#include "grid/grid_request.hpp"
#include "grid/transformer.hpp"
#include "io/raster_input.hpp"

namespace geostrip {

// One file of a mosaic.
struct MosaicFile {
  InputInfo info;
  // The file's top-left pixel on the grid (rows, columns) when it lies on the
  // grid's pixels: read as it is, never resampled.
  std::optional<std::array<std::int64_t, 2>> offset;
  // Grid pixels per file pixel, measured once over the whole file: GDAL's
  // resampling kernels widen with it, and a kernel must not depend on which
  // block asked (GDAL measures it per window unless told, as XSCALE/YSCALE).
  Resolution scale{.x = 1, .y = 1};
  // Exact transforms every `lattice_step` grid columns, linear between (1:
  // every pixel exact): with --transform-error, or for nearest with
  // `exact_picks` (LatticeTransform), which keeps every pick exact.
  int lattice_step = 1;
  bool exact_picks = false;
  // What decides its transform onto the grid (CRS and geotransform, GCPs or
  // RPCs, lattice step): files alike share transformed rows.
  std::string geometry;
};

struct Mosaic {
  std::string input;
  Grid grid;
  std::vector<MosaicFile> files;  // in painting order
  FootprintIndex footprints;      // where each file may paint, in grid pixels
  std::string resampling;         // GDAL's name
  GDALResampleAlg algorithm = GRA_NearestNeighbour;
  MosaicRule rule = MosaicRule::Last;
  std::optional<double> nodata_override;  // --nodata: nodata of every file
  std::optional<double> fill;             // written where no file is valid; NaN when empty
  GridRequest transform;                  // --gcp-order, --tps
};

// Finds where each file meets `grid` (opening each once). Throws Error naming
// the input when none of its files meets the grid, or a file that cannot be
// transformed; UsageError for an unknown resampling method.
Mosaic make_mosaic(const std::string& input, std::vector<InputInfo> files, const Grid& grid,
                   const GridRequest& request, std::optional<double> nodata_override, std::optional<double> fill);

// Files each thread keeps open, over all its inputs.
constexpr std::size_t kOpenFilesPerThread = 24;
// Bytes of transformed rows each thread keeps for its next inputs.
constexpr std::size_t kTransformCacheBytes = std::size_t{64} << 20;

// One thread's open files of any number of mosaics: at most `capacity`, the
// least recently used closed first, so thousands of tiles run under a low
// `ulimit -n`.
class OpenFiles {
 public:
  explicit OpenFiles(std::size_t capacity = kOpenFilesPerThread) : capacity_(capacity), transforms_(kTransformCacheBytes) {}

  struct File {
    GdalDataset dataset;
    std::unique_ptr<GridTransformer> transformer;  // null for a file read as it is
    std::unique_ptr<LatticeTransform> lattice;     // over the transformer, what the warper calls
    std::unique_ptr<GDALWarpOperation> warp;
  };
  File& get(const Mosaic& mosaic, std::size_t file);
  std::size_t size() const { return files_.size(); }

 private:
  struct Entry {
    const Mosaic* mosaic;
    std::size_t file;
    File open;
  };
  std::size_t capacity_;
  std::list<Entry> files_;  // most recently used first
  TransformCache transforms_;
};

// Reads regions of the grid from `mosaic`; `open` is the calling thread's.
std::unique_ptr<RowReader> open_mosaic_reader(const Mosaic& mosaic, OpenFiles& open);

}  // namespace geostrip
