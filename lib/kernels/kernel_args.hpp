#pragma once
// An operation's arguments: its inputs as given (-i NAME=...) with their pixel
// types and nodata, and its option values as typed. Values are read through
// the operation's declaration, which gives each option's kind and default;
// check_args() has checked them all before a kernel reads one.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/pixel_type.hpp"
#include "geometry/georeference.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

struct Operation;

struct KernelArgs {
  std::string operation;
  std::vector<std::string> input_names;                    // the -i NAMEs, in order given
  std::vector<PixelType> input_types;                      // their pixel types, in the same order
  std::vector<std::optional<double>> input_nodata;         // their nodata values, in the same order
  std::vector<bool> input_painted;                         // whether each is painted onto the grid (grid/mosaic)
  std::optional<GeoTransform> transform;                   // the inputs' common geotransform
  std::map<std::string, std::vector<std::string>> values;  // option name (no dashes) -> values as typed

  const Operation& declaration() const;  // the operation's; throws UsageError for an unknown one

  // An option's value, or its declared default. Throws UsageError for a value
  // check_args() would refuse, std::logic_error for an option not declared.
  double number(std::string_view option) const;
  std::map<std::string, double> numbers_per_input(std::string_view option) const;  // given NAME=V pairs
  std::string text(std::string_view option) const;
  PixelType pixel_type(std::string_view option) const;
  bool flag(std::string_view option) const;

  // The window and stride the declaration derives from the options.
  Window window() const;
  Stride stride() const;
  // The input names in the order the kernel receives them: as declared, or as given.
  std::vector<std::string> inputs() const;
  PixelType type_of(const std::string& name) const;
  std::optional<double> nodata_of(const std::string& name) const;
  bool painted(const std::string& name) const;
};

// Throws UsageError unless the inputs are the declared ones (in any order) and
// every option is declared, given when required, and reads as its kind.
void check_args(const KernelArgs& args);

double parse_number(std::string_view option, std::string_view text);

}  // namespace geostrip
