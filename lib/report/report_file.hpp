#pragma once
#include <string>

namespace geostrip {

// Writes a --report file whole, never through a symbolic link
// (replace_file_content()); throws Error naming the path.
void write_report(const std::string& path, const std::string& text);

}  // namespace geostrip
