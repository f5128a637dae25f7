#pragma once
// Opening and reading inputs through GDAL, one dataset handle per thread.
#include <memory>
#include <optional>
#include <string>

#include "core/block_buffer.hpp"
#include "geometry/georeference.hpp"
#include "geometry/row_block.hpp"
#include "io/gdal.hpp"
#include "io/input_spec.hpp"

namespace geostrip {

// What the engine needs to know of one file of an input before reading any pixel.
struct InputInfo {
  FileSpec file;
  std::string input;  // the name of the input the file belongs to
  RasterSize size;
  Georeference georef;
  PixelType type = PixelType::Float64;  // what the file's pixels are read as
  std::string type_name;                // the file's own pixel type, for messages
  std::optional<double> nodata;  // declared in the file
  std::int64_t tile_rows = 1;    // rows of the file's internal blocks
  std::int64_t tile_cols = 1;    // and their columns
  bool categorical = false;      // classes, not measurements: a colour table or category names
  bool gtiff = false;            // GDAL reads it with its GTiff driver
};

// Opens one file of input `input` once and checks that its band (or HDF5
// dataset) exists. Throws Error naming the file.
InputInfo describe_input(const std::string& input, const FileSpec& file);

// The first file's grid differs from `other`'s: the property and both
// values, naming both files; nullopt on one grid (rows, columns, geotransform
// within a millionth of a pixel, CRS, GCPs).
std::optional<std::string> grid_difference(const InputInfo& first, const InputInfo& other);


// Reads the region of one input a buffer holds, converting to the buffer's
// pixel type. Holds its own file handle: make one per thread.
class RowReader {
 public:
  virtual ~RowReader() = default;
  virtual void read(BlockBuffer& into) = 0;
};

// A reader of a GeoTIFF's tiles (io/tiff_tiles) where it can, else GDAL's,
// or an HDF5 one for FILE.h5:/dataset inputs. `overlap`: the rows at the
// bottom and columns at the right of a read that the next reads take again
// (twice the operation's halo; io/chunk_assembly.hpp). The tiles or chunks
// holding them stay decoded for those; with none, tiles are dropped once
// read, so no cache fills with tiles nothing reads again.
std::unique_ptr<RowReader> open_reader(const InputInfo& info, Halo overlap);

}  // namespace geostrip
