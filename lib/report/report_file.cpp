#include "report/report_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace geostrip {

void write_report(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  if (file) file << text;
  if (!file.flush()) throw Error(path + ": cannot write the report: " + std::strerror(errno));
}

}  // namespace geostrip
