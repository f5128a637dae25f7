#include "report/report_file.hpp"

#include "io/safe_files.hpp"

namespace geostrip {

void write_report(const std::string& path, const std::string& text) { replace_file_content(path, text, "report"); }

}  // namespace geostrip
