#include "io/input_spec.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace geostrip {

namespace {
bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}
bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool ends_with_hdf5_extension(const std::string& file) {
  std::string lower = file;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".h5", ".hdf5", ".he5"})
    if (lower.size() > std::string(ext).size() && lower.ends_with(ext)) return true;
  return false;
}
}  // namespace

std::optional<Hdf5Path> split_hdf5_path(const std::string& path) {
  for (std::size_t colon = path.find(':'); colon != std::string::npos; colon = path.find(':', colon + 1)) {
    const std::string file = path.substr(0, colon);
    if (colon + 1 < path.size() && path[colon + 1] == '/' && ends_with_hdf5_extension(file))
      return Hdf5Path{file, path.substr(colon + 1)};
  }
  return std::nullopt;
}

InputSpec parse_input_spec(std::string_view text) {
  const auto usage = [&](const std::string& why) {
    return UsageError("-i " + std::string(text) + ": " + why + " (expected NAME=PATH[@BAND])");
  };
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) throw usage("missing '='");
  const std::string name(text.substr(0, eq));
  std::string path(text.substr(eq + 1));
  int band = 1;
  if (!is_identifier(name)) throw usage("NAME must be a letter or '_' followed by letters, digits or '_'");
  if (const auto at = path.rfind('@'); at != std::string::npos && is_digits(path.substr(at + 1))) {
    const auto digits = path.substr(at + 1);
    if (digits.size() > 6 || std::stoi(digits) < 1) throw usage("BAND must be 1 or more");
    band = std::stoi(digits);
    path.resize(at);
  }
  if (path.empty()) throw usage("empty PATH");
  return InputSpec(name, path, band);
}

}  // namespace geostrip
