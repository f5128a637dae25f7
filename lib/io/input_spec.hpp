#pragma once
// `-i NAME=PATH[@BAND]`: an operation's named input.
#include <string>
#include <string_view>

namespace geostrip {

struct InputSpec {
  std::string name;
  std::string path;
  int band = 1;  // 1-based, as in GDAL
  friend bool operator==(const InputSpec&, const InputSpec&) = default;
};

// Parses NAME=PATH[@BAND]; NAME is an identifier, BAND a positive integer.
// A trailing "@..." that is not a number stays part of PATH. Throws UsageError.
InputSpec parse_input_spec(std::string_view text);

}  // namespace geostrip
