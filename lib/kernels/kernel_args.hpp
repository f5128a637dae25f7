#pragma once
// An operation's options as given on the command line, checked and converted
// by the kernel that takes them.
#include <map>
#include <optional>
#include <string>

#include "core/pixel_type.hpp"
#include "geometry/georeference.hpp"
#include <string_view>
#include <vector>

namespace geostrip {

struct KernelArgs {
  std::string operation;
  std::vector<std::string> input_names;                    // the -i NAMEs, in order given
  std::vector<PixelType> input_types;                      // their pixel types, in the same order
  std::vector<std::optional<double>> input_nodata;         // their nodata values, in the same order
  std::optional<GeoTransform> transform;                   // the inputs' common geotransform
  std::map<std::string, std::vector<std::string>> values;  // option name (no dashes) -> values

  // The option's number, or `fallback` when not given. Throws UsageError.
  double number(std::string_view option, double fallback) const;
  // NAME=V pairs of a per-input option; every NAME must be an input. Throws UsageError.
  std::map<std::string, double> numbers_per_input(std::string_view option) const;
  // The option's text, or `fallback` when not given.
  std::string text(std::string_view option, const std::string& fallback) const;
  // "RxC" with odd R and C, e.g. --window 5x5 (or "5" for 5x5). Throws UsageError.
  std::pair<int, int> odd_window(std::string_view option, const std::string& fallback) const;
  // Throws UsageError unless the inputs are exactly `names` (in any order).
  void require_inputs(const std::vector<std::string>& names) const;
  // The pixel type and nodata value of input `name`.
  PixelType type_of(const std::string& name) const;
  std::optional<double> nodata_of(const std::string& name) const;
};

double parse_number(std::string_view option, std::string_view text);

}  // namespace geostrip
