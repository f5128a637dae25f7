#pragma once
// The output grid of a run (PRODUCT.md section 4): the inputs' own grid when
// they share one, else the default grid from the first input, or the grid
// the user chose.
#include <vector>

#include "geometry/grid.hpp"
#include "grid/grid_request.hpp"
#include "io/raster_input.hpp"

namespace geostrip {

// `inputs` holds each input's files, in the kernel's order of inputs. Throws
// Error naming the file when no grid can be made (no georeference to
// resample through), UsageError for a bad --crs.
Grid choose_grid(const std::vector<std::vector<InputInfo>>& inputs, const GridRequest& request);

// Whether `file` lies exactly on `grid` and is read as it is.
bool on_grid(const InputInfo& file, const Grid& grid);

}  // namespace geostrip
