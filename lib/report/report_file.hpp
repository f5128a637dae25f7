#pragma once
#include <string>

namespace geostrip {

// Writes a --report file; throws Error naming the path.
void write_report(const std::string& path, const std::string& text);

}  // namespace geostrip
