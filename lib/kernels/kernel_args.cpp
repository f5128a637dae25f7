#include "kernels/kernel_args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace geostrip {

namespace {
std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}
}  // namespace

double parse_number(std::string_view option, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw UsageError("--" + std::string(option) + " " + std::string(text) + ": not a number");
  return value;
}

double KernelArgs::number(std::string_view option, double fallback) const {
  const auto it = values.find(std::string(option));
  if (it == values.end() || it->second.empty()) return fallback;
  return parse_number(option, it->second.back());
}

std::map<std::string, double> KernelArgs::numbers_per_input(std::string_view option) const {
  std::map<std::string, double> result;
  const auto it = values.find(std::string(option));
  if (it == values.end()) return result;
  for (const std::string& pair : it->second) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos)
      throw UsageError("--" + std::string(option) + " " + pair + ": expected NAME=VALUE");
    const std::string name = pair.substr(0, eq);
    if (std::find(input_names.begin(), input_names.end(), name) == input_names.end())
      throw UsageError("--" + std::string(option) + " " + pair + ": no input named '" + name + "' (inputs: " +
                       join(input_names) + ")");
    result[name] = parse_number(option, std::string_view(pair).substr(eq + 1));
  }
  return result;
}

void KernelArgs::require_inputs(const std::vector<std::string>& names) const {
  auto given = input_names;
  auto wanted = names;
  std::sort(given.begin(), given.end());
  std::sort(wanted.begin(), wanted.end());
  if (given != wanted)
    throw UsageError(operation + " takes inputs " + join(names) + " (-i NAME=PATH each); given: " +
                     join(input_names));
}

}  // namespace geostrip
