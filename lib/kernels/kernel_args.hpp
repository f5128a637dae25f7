#pragma once
// An operation's options as given on the command line, checked and converted
// by the kernel that takes them.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace geostrip {

struct KernelArgs {
  std::string operation;
  std::vector<std::string> input_names;                    // the -i NAMEs, in order given
  std::map<std::string, std::vector<std::string>> values;  // option name (no dashes) -> values

  // The option's number, or `fallback` when not given. Throws UsageError.
  double number(std::string_view option, double fallback) const;
  // NAME=V pairs of a per-input option; every NAME must be an input. Throws UsageError.
  std::map<std::string, double> numbers_per_input(std::string_view option) const;
  // Throws UsageError unless the inputs are exactly `names` (in any order).
  void require_inputs(const std::vector<std::string>& names) const;
};

double parse_number(std::string_view option, std::string_view text);

}  // namespace geostrip
