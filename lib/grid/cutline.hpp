#pragma once
// --cutline FILE: the polygons of any vector file GDAL reads, on the output
// grid; every input's pixels outside them are nodata.
#include <memory>
#include <optional>
#include <string>

#include "geometry/grid.hpp"
#include "geometry/polygon_mask.hpp"
#include "io/raster_input.hpp"

namespace geostrip {

// Every polygon of every layer of `path`, from its layer's CRS (the grid's
// when it has none) into `grid`'s pixels. Throws Error naming the file.
PolygonMask load_cutline(const std::string& path, const Grid& grid);

// `reader`'s pixels, with those outside `mask` set to `nodata` (NaN when
// none: the input's pixels are then floats).
std::unique_ptr<RowReader> cut_reader(std::unique_ptr<RowReader> reader, const PolygonMask& mask,
                                      std::optional<double> nodata);

}  // namespace geostrip
