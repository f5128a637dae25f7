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
}  // namespace

InputSpec parse_input_spec(std::string_view text) {
  const auto usage = [&](const std::string& why) {
    return UsageError("-i " + std::string(text) + ": " + why + " (expected NAME=PATH[@BAND])");
  };
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) throw usage("missing '='");
  InputSpec spec{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)), 1};
  if (!is_identifier(spec.name)) throw usage("NAME must be a letter or '_' followed by letters, digits or '_'");
  if (const auto at = spec.path.rfind('@'); at != std::string::npos && is_digits(spec.path.substr(at + 1))) {
    const auto band = spec.path.substr(at + 1);
    if (band.size() > 6 || std::stoi(band) < 1) throw usage("BAND must be 1 or more");
    spec.band = std::stoi(band);
    spec.path.resize(at);
  }
  if (spec.path.empty()) throw usage("empty PATH");
  return spec;
}

}  // namespace geostrip
