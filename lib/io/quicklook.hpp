#pragma once
#include <string>

namespace geostrip {

// A small PNG of the raster at `source` (its longer edge at most `max_edge`
// pixels, averaged), for a first look in any image viewer; throws Error.
void write_quicklook(const std::string& source, const std::string& png, int max_edge);

}  // namespace geostrip
